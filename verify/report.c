/* report.c - verification results as scores.csv (long format), scores.json
 * and report.html with PNG figures. Every file is published atomically. */
#include <radnow/publish.h>
#include <radnow/utctime.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "plot.h"
#include "verify_internal.h"

#define PIXEL_SCALE_NOTE "p = clip(2 dBZ - 30, 0, 255) / 255 (radar-echo papers' pixel convention)"

/* ---- a growing text buffer ------------------------------------------------ */

struct sbuf {
  char *s;
  size_t n, cap;
  int oom;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
  va_list ap;
  int len;
  if (b->oom)
    return;
  for (;;) {
    size_t room = b->cap - b->n;
    va_start(ap, fmt);
    len = vsnprintf(b->s ? b->s + b->n : NULL, room, fmt, ap);
    va_end(ap);
    if (len < 0) {
      b->oom = 1;
      return;
    }
    if ((size_t)len < room) {
      b->n += (size_t)len;
      return;
    }
    size_t cap = (b->cap ? 2 * b->cap : 65536) + (size_t)len;
    char *s = realloc(b->s, cap);
    if (!s) {
      b->oom = 1;
      return;
    }
    b->s = s;
    b->cap = cap;
  }
}

static enum rn_status sb_publish(struct sbuf *b, const char *dir, const char *name)
{
  char path[4096];
  enum rn_status st;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  if (b->oom)
    st = rn_error(RN_ENOMEM, "report: %s: out of memory", path);
  else
    st = rn_publish_buffer(path, b->s ? b->s : "", b->n);
  free(b->s);
  memset(b, 0, sizeof *b);
  return st;
}

/* ---- looking up rows ----------------------------------------------------- */

struct results {
  struct rn_score_row *rows;
  int nrows;
};

static const struct rn_score_row *find(const struct results *r, const char *pred, int lead,
                                       float thr, int scale, const char *score)
{
  for (int i = 0; i < r->nrows; i++) {
    const struct rn_score_row *w = &r->rows[i];
    if (w->lead_seconds == lead && w->scale == scale && strcmp(w->score, score) == 0 &&
        strcmp(w->predictor, pred) == 0 &&
        (isnan(thr) ? isnan(w->threshold) : fabsf(w->threshold - thr) < 1e-4f))
      return w;
  }
  return NULL;
}

static double value(const struct results *r, const char *pred, int lead, float thr, int scale,
                    const char *score)
{
  const struct rn_score_row *w = find(r, pred, lead, thr, scale, score);
  return w ? w->value : NAN;
}

/* The leads (seconds) of a predictor, ascending, without the pooled one. */
static int leads_of(const struct results *r, const char *pred, int *leads, int max)
{
  int n = 0;
  for (int i = 0; i < r->nrows && n < max; i++) {
    const struct rn_score_row *w = &r->rows[i];
    if (strcmp(w->predictor, pred) || w->lead_seconds == RN_VERIFY_POOLED ||
        strcmp(w->score, "missing_cases"))
      continue;
    leads[n++] = w->lead_seconds; /* rows come sorted by lead */
  }
  return n;
}

/* ---- CSV and JSON -------------------------------------------------------- */

static void csv_field(struct sbuf *b, const char *s)
{
  if (strpbrk(s, ",\"\n")) {
    sb_printf(b, "\"");
    for (; *s; s++)
      sb_printf(b, *s == '"' ? "\"\"" : "%c", *s);
    sb_printf(b, "\"");
  } else {
    sb_printf(b, "%s", s);
  }
}

static void lead_text(int lead, char *buf, size_t size)
{
  if (lead == RN_VERIFY_POOLED)
    snprintf(buf, size, "all");
  else
    snprintf(buf, size, "%g", lead / 60.0);
}

static void write_csv(struct sbuf *b, const struct results *r)
{
  char lead[32];
  sb_printf(b, "predictor,lead_min,threshold_dbz,scale,score,value,n_cases,n_pixels\n");
  for (int i = 0; i < r->nrows; i++) {
    const struct rn_score_row *w = &r->rows[i];
    csv_field(b, w->predictor);
    lead_text(w->lead_seconds, lead, sizeof lead);
    sb_printf(b, ",%s,", lead);
    if (!isnan(w->threshold))
      sb_printf(b, "%g", w->threshold);
    sb_printf(b, ",");
    if (w->scale > 0)
      sb_printf(b, "%d", w->scale);
    sb_printf(b, ",%s,", w->score);
    if (isinf(w->value))
      sb_printf(b, w->value > 0 ? "inf" : "-inf");
    else if (!isnan(w->value))
      sb_printf(b, "%.10g", w->value);
    sb_printf(b, ",%lld,%lld\n", (long long)w->n_cases, (long long)w->n_pixels);
  }
}

static void json_string(struct sbuf *b, const char *s)
{
  sb_printf(b, "\"");
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      sb_printf(b, "\\%c", c);
    else if (c < 0x20)
      sb_printf(b, "\\u%04x", c);
    else
      sb_printf(b, "%c", c);
  }
  sb_printf(b, "\"");
}

/* JSON has no NaN or infinity: undefined scores are null, PSNR of a perfect
 * forecast is the string "inf". */
static void json_number(struct sbuf *b, double v)
{
  if (isnan(v))
    sb_printf(b, "null");
  else if (isinf(v))
    sb_printf(b, v > 0 ? "\"inf\"" : "\"-inf\"");
  else
    sb_printf(b, "%.10g", v);
}

static void write_json(struct sbuf *b, const struct rn_verify *v, const struct results *r,
                       const char *title)
{
  const struct rn_verify_options *o = rn_verify_get_options(v);
  char iso[32];
  sb_printf(b, "{\n  \"generator\": \"radnow %s\",\n  \"title\": ", PACKAGE_VERSION);
  json_string(b, title);
  sb_printf(b, ",\n  \"thresholds_dbz\": [");
  for (int k = 0; k < o->nthresholds; k++)
    sb_printf(b, "%s%g", k ? ", " : "", o->thresholds[k]);
  sb_printf(b, "],\n  \"fss_scales_px\": [");
  for (int s = 0; s < o->nscales; s++)
    sb_printf(b, "%s%d", s ? ", " : "", o->scales[s]);
  sb_printf(b, "],\n  \"pixel_scale\": \"%s\",\n", PIXEL_SCALE_NOTE);
  sb_printf(b, "  \"pooled\": \"lead_min \\\"all\\\": tables and sums of every lead added, "
               "scores from the sums\",\n");
  sb_printf(b, "  \"missing\": [");
  for (int i = 0; i < rn_verify_nmissing(v); i++) {
    const char *pred;
    int lead;
    rn_time t;
    rn_verify_missing_at(v, i, &pred, &lead, &t);
    sb_printf(b, "%s\n    {\"predictor\": ", i ? "," : "");
    json_string(b, pred);
    sb_printf(b, ", \"lead_min\": %g, \"valid_time\": \"%s\"}", lead / 60.0, rn_time_iso(t, iso));
  }
  sb_printf(b, "%s],\n  \"rows\": [", rn_verify_nmissing(v) ? "\n  " : "");
  for (int i = 0; i < r->nrows; i++) {
    const struct rn_score_row *w = &r->rows[i];
    sb_printf(b, "%s\n    {\"predictor\": ", i ? "," : "");
    json_string(b, w->predictor);
    if (w->lead_seconds == RN_VERIFY_POOLED)
      sb_printf(b, ", \"lead_min\": \"all\"");
    else
      sb_printf(b, ", \"lead_min\": %g", w->lead_seconds / 60.0);
    sb_printf(b, ", \"threshold_dbz\": ");
    json_number(b, w->threshold);
    sb_printf(b, ", \"scale\": ");
    if (w->scale > 0)
      sb_printf(b, "%d", w->scale);
    else
      sb_printf(b, "null");
    sb_printf(b, ", \"score\": \"%s\", \"value\": ", w->score);
    json_number(b, w->value);
    sb_printf(b, ", \"n_cases\": %lld, \"n_pixels\": %lld}", (long long)w->n_cases,
              (long long)w->n_pixels);
  }
  sb_printf(b, "\n  ]\n}\n");
}

/* ---- HTML ---------------------------------------------------------------- */

static void html_text(struct sbuf *b, const char *s)
{
  for (; *s; s++)
    switch (*s) {
    case '<': sb_printf(b, "&lt;"); break;
    case '>': sb_printf(b, "&gt;"); break;
    case '&': sb_printf(b, "&amp;"); break;
    case '"': sb_printf(b, "&quot;"); break;
    default: sb_printf(b, "%c", *s);
    }
}

/* ---- figures ------------------------------------------------------------- */

#define MAX_LEADS 256

/* A predictor name as part of a file name: letters, digits, '-', '_', '.'. */
static void file_name(const char *name, char *out, size_t size)
{
  size_t i = 0;
  for (; name[i] && i + 1 < size; i++) {
    char c = name[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '_' || (c == '.' && i > 0);
    out[i] = ok ? c : '_';
  }
  out[i] = '\0';
}

static enum rn_status figures(const struct rn_verify *v, const struct results *r, const char *dir,
                              struct sbuf *html)
{
  const struct rn_verify_options *o = rn_verify_get_options(v);
  int np = rn_verify_npredictors(v);
  char path[4096], title[160];
  enum rn_status st = RN_OK;
  struct rn_plot_series *ser = calloc((size_t)(np ? np : 1), sizeof *ser);
  double *xs = calloc((size_t)(np ? np : 1) * MAX_LEADS * 2, sizeof *xs);
  int leads[MAX_LEADS];
  if (!ser || !xs) {
    free(ser);
    free(xs);
    return rn_error(RN_ENOMEM, "report: out of memory");
  }
  /* CSI against lead time, one figure per threshold, one line per predictor */
  sb_printf(html, "<h2>CSI against lead time</h2>\n<p>");
  for (int k = 0; k < o->nthresholds && !st; k++) {
    float q = o->thresholds[k];
    for (int p = 0; p < np; p++) {
      const char *name = rn_verify_predictor(v, p);
      double *x = xs + (size_t)p * MAX_LEADS * 2, *y = x + MAX_LEADS;
      int nl = leads_of(r, name, leads, MAX_LEADS);
      for (int l = 0; l < nl; l++) {
        x[l] = leads[l] / 60.0;
        y[l] = value(r, name, leads[l], q, 0, "csi");
      }
      ser[p] = (struct rn_plot_series){name, nl, x, y};
    }
    snprintf(title, sizeof title, "CSI at %g dBZ", q);
    struct rn_plot_axes ax = {title, "lead time (min)", "CSI (1)", NAN, NAN, 0, 1, 0, 0, 0};
    snprintf(path, sizeof path, "%s/csi_lead_%g.png", dir, q);
    st = rn_plot_lines(path, &ax, ser, np);
    sb_printf(html, "<img src=\"csi_lead_%g.png\" alt=\"CSI at %g dBZ against lead time\">\n", q, q);
  }
  sb_printf(html, "</p>\n");
  /* FSS against scale (pooled over leads) */
  if (o->nscales > 0) {
    double sx[RN_VERIFY_MAX_SCALES];
    sb_printf(html, "<h2>FSS against scale (pooled over leads)</h2>\n<p>");
    for (int s = 0; s < o->nscales; s++)
      sx[s] = o->scales[s];
    for (int k = 0; k < o->nthresholds && !st; k++) {
      float q = o->thresholds[k];
      for (int p = 0; p < np; p++) {
        const char *name = rn_verify_predictor(v, p);
        double *y = xs + (size_t)p * MAX_LEADS * 2;
        for (int s = 0; s < o->nscales; s++)
          y[s] = value(r, name, RN_VERIFY_POOLED, q, o->scales[s], "fss");
        ser[p] = (struct rn_plot_series){name, o->nscales, sx, y};
      }
      snprintf(title, sizeof title, "FSS at %g dBZ, all leads", q);
      struct rn_plot_axes ax = {title, "neighbourhood size (pixels, log scale)", "FSS (1)",
                                NAN, NAN, 0, 1, 1, 0, 1};
      snprintf(path, sizeof path, "%s/fss_scale_%g.png", dir, q);
      st = rn_plot_lines(path, &ax, ser, np);
      sb_printf(html, "<img src=\"fss_scale_%g.png\" alt=\"FSS at %g dBZ against scale\">\n", q, q);
    }
    sb_printf(html, "</p>\n");
  }
  /* Ensembles: reliability diagrams and rank histograms */
  int nens = 0;
  for (int p = 0; p < np; p++)
    nens += value(r, rn_verify_predictor(v, p), RN_VERIFY_POOLED, NAN, 0, "members") > 1;
  if (nens > 0 && !st) {
    sb_printf(html, "<h2>Reliability (pooled over leads)</h2>\n<p>");
    for (int k = 0; k < o->nthresholds && !st; k++) {
      float q = o->thresholds[k];
      int ns = 0;
      for (int p = 0; p < np; p++) {
        const char *name = rn_verify_predictor(v, p);
        int m = (int)value(r, name, RN_VERIFY_POOLED, NAN, 0, "members");
        double *x = xs + (size_t)p * MAX_LEADS * 2, *y = x + MAX_LEADS;
        char score[40];
        if (m <= 1 || m >= MAX_LEADS)
          continue;
        for (int j = 0; j <= m; j++) {
          snprintf(score, sizeof score, "reliability_forecast[%d]", j);
          x[j] = value(r, name, RN_VERIFY_POOLED, q, 0, score);
          snprintf(score, sizeof score, "reliability_observed[%d]", j);
          y[j] = value(r, name, RN_VERIFY_POOLED, q, 0, score);
        }
        ser[ns++] = (struct rn_plot_series){name, m + 1, x, y};
      }
      snprintf(title, sizeof title, "Reliability of P(dBZ >= %g)", q);
      struct rn_plot_axes ax = {title, "forecast probability (1)", "observed frequency (1)",
                                0, 1, 0, 1, 0, 1, 2};
      snprintf(path, sizeof path, "%s/reliability_%g.png", dir, q);
      st = rn_plot_lines(path, &ax, ser, ns);
      sb_printf(html, "<img src=\"reliability_%g.png\" alt=\"reliability diagram at %g dBZ\">\n",
                q, q);
    }
    sb_printf(html, "</p>\n<h2>Rank histograms (pooled over leads)</h2>\n<p>");
    for (int p = 0; p < np && !st; p++) {
      const char *name = rn_verify_predictor(v, p);
      int m = (int)value(r, name, RN_VERIFY_POOLED, NAN, 0, "members");
      double *y = xs;
      int64_t total = 0;
      char score[40], safe[64];
      if (m <= 1 || m >= 2 * MAX_LEADS)
        continue;
      for (int j = 0; j <= m; j++) {
        const struct rn_score_row *w;
        snprintf(score, sizeof score, "rank_histogram[%d]", j);
        w = find(r, name, RN_VERIFY_POOLED, NAN, 0, score);
        y[j] = w ? w->value : NAN;
        total = w ? w->n_pixels : 0;
      }
      for (int j = 0; j <= m; j++)
        y[j] = total > 0 ? y[j] / (double)total : NAN;
      snprintf(title, sizeof title, "Rank histogram: %s (%d members)", name, m);
      struct rn_plot_axes ax = {title, "rank of the observation among the members",
                                "relative frequency (1)", NAN, NAN, 0, NAN, 0, 0, 0};
      file_name(name, safe, sizeof safe);
      snprintf(path, sizeof path, "%s/rank_histogram_%s.png", dir, safe);
      st = rn_plot_bars(path, &ax, y, m + 1, 1.0 / (m + 1));
      sb_printf(html, "<img src=\"rank_histogram_%s.png\" alt=\"rank histogram of ", safe);
      html_text(html, name);
      sb_printf(html, "\">\n");
    }
    sb_printf(html, "</p>\n");
  }
  free(ser);
  free(xs);
  return st;
}

static void html_cell(struct sbuf *b, double v, int digits)
{
  sb_printf(b, "<td>");
  if (isnan(v))
    sb_printf(b, "&ndash;");
  else if (isinf(v))
    sb_printf(b, "&infin;");
  else
    sb_printf(b, "%.*f", digits, v);
  sb_printf(b, "</td>");
}

/* Rows predictors, one column per threshold: the pooled table of the
 * MotionRNN / MIM papers (CSI30 CSI40 CSI50), and the same for other scores. */
static void threshold_table(struct sbuf *b, const struct rn_verify *v, const struct results *r,
                            const char *score, const char *label)
{
  const struct rn_verify_options *o = rn_verify_get_options(v);
  sb_printf(b, "<table>\n<tr><th>predictor</th>");
  for (int k = 0; k < o->nthresholds; k++)
    sb_printf(b, "<th>%s%g</th>", label, o->thresholds[k]);
  sb_printf(b, "</tr>\n");
  for (int p = 0; p < rn_verify_npredictors(v); p++) {
    const char *name = rn_verify_predictor(v, p);
    sb_printf(b, "<tr><td>");
    html_text(b, name);
    sb_printf(b, "</td>");
    for (int k = 0; k < o->nthresholds; k++)
      html_cell(b, value(r, name, RN_VERIFY_POOLED, o->thresholds[k], 0, score), 4);
    sb_printf(b, "</tr>\n");
  }
  sb_printf(b, "</table>\n");
}

static void write_html_head(struct sbuf *b, const struct rn_verify *v, const struct results *r,
                            const char *title)
{
  const struct rn_verify_options *o = rn_verify_get_options(v);
  int np = rn_verify_npredictors(v);
  sb_printf(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
  html_text(b, title);
  sb_printf(b, "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:80em}"
               "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #bbb;"
               "padding:.25em .6em;text-align:right}td:first-child,th:first-child{text-align:left}"
               "img{margin:.5em;border:1px solid #ddd}</style>\n</head>\n<body>\n<h1>");
  html_text(b, title);
  sb_printf(b, "</h1>\n<p>radnow %s. Events are dBZ &ge; threshold; no echo is never an event; "
               "pixels count only where the observation and the forecast both have data. "
               "Categorical scores come from contingency tables summed over all pixels and cases. "
               "For ensembles the deterministic scores are those of the ensemble mean. "
               "&ldquo;Pooled&rdquo; sums every lead time. [0, 1] scale: %s.</p>\n",
            PACKAGE_VERSION, PIXEL_SCALE_NOTE);

  sb_printf(b, "<h2>Cases</h2>\n<table>\n<tr><th>predictor</th><th>members</th><th>leads</th>"
               "<th>cases scored</th><th>missing observations</th><th>pixels</th></tr>\n");
  for (int p = 0; p < np; p++) {
    const char *name = rn_verify_predictor(v, p);
    const struct rn_score_row *w = find(r, name, RN_VERIFY_POOLED, NAN, 0, "members");
    int leads[MAX_LEADS];
    sb_printf(b, "<tr><td>");
    html_text(b, name);
    sb_printf(b, "</td><td>%g</td><td>%d</td><td>%lld</td><td>%g</td><td>%lld</td></tr>\n",
              w ? w->value : NAN, leads_of(r, name, leads, MAX_LEADS),
              w ? (long long)w->n_cases : 0LL,
              value(r, name, RN_VERIFY_POOLED, NAN, 0, "missing_cases"),
              w ? (long long)w->n_pixels : 0LL);
  }
  sb_printf(b, "</table>\n");
  if (rn_verify_nmissing(v) > 0) {
    char iso[32];
    int n = rn_verify_nmissing(v);
    sb_printf(b, "<p>Forecasts without an observation at their valid time (counted, not "
                 "scored):</p>\n<ul>\n");
    for (int i = 0; i < n && i < 200; i++) {
      const char *pred;
      int lead;
      rn_time t;
      rn_verify_missing_at(v, i, &pred, &lead, &t);
      sb_printf(b, "<li>");
      html_text(b, pred);
      sb_printf(b, ", lead %g min, valid %s</li>\n", lead / 60.0, rn_time_iso(t, iso));
    }
    if (n > 200)
      sb_printf(b, "<li>... and %d more (scores.json lists all)</li>\n", n - 200);
    sb_printf(b, "</ul>\n");
  }

  sb_printf(b, "<h2>CSI pooled over all leads</h2>\n");
  threshold_table(b, v, r, "csi", "CSI");
  sb_printf(b, "<h2>POD, FAR, ETS, bias pooled over all leads</h2>\n");
  threshold_table(b, v, r, "pod", "POD");
  threshold_table(b, v, r, "far", "FAR");
  threshold_table(b, v, r, "ets", "ETS");
  threshold_table(b, v, r, "bias", "bias");

  sb_printf(b, "<h2>Continuous scores pooled over all leads</h2>\n<table>\n<tr><th>predictor</th>"
               "<th>MAE (dBZ)</th><th>RMSE (dBZ)</th><th>MSE [0,1]</th><th>MSE per frame "
               "[0,1] (sum over a frame)</th><th>SSIM</th><th>PSNR (dB)</th></tr>\n");
  for (int p = 0; p < np; p++) {
    const char *name = rn_verify_predictor(v, p);
    sb_printf(b, "<tr><td>");
    html_text(b, name);
    sb_printf(b, "</td>");
    html_cell(b, value(r, name, RN_VERIFY_POOLED, NAN, 0, "mae"), 3);
    html_cell(b, value(r, name, RN_VERIFY_POOLED, NAN, 0, "rmse"), 3);
    html_cell(b, value(r, name, RN_VERIFY_POOLED, NAN, 0, "mse01"), 6);
    html_cell(b, value(r, name, RN_VERIFY_POOLED, NAN, 0, "sse01_per_frame"), 2);
    html_cell(b, o->ssim ? value(r, name, RN_VERIFY_POOLED, NAN, 0, "ssim") : NAN, 4);
    html_cell(b, value(r, name, RN_VERIFY_POOLED, NAN, 0, "psnr"), 2);
    sb_printf(b, "</tr>\n");
  }
  sb_printf(b, "</table>\n<p>PSNR = &minus;10 log<sub>10</sub>(MSE) from the pooled [0,1] MSE "
               "(a mean of per-frame PSNRs is infinite as soon as one frame is echo-free in "
               "both).</p>\n");

  sb_printf(b, "<h2>Ensemble scores pooled over all leads</h2>\n<table>\n<tr><th>predictor</th>"
               "<th>members</th><th>CRPS (dBZ)</th><th>spread (dBZ)</th><th>spread/skill</th>");
  for (int k = 0; k < o->nthresholds; k++)
    sb_printf(b, "<th>Brier %g</th><th>ROC area %g</th>", o->thresholds[k], o->thresholds[k]);
  sb_printf(b, "</tr>\n");
  for (int p = 0; p < np; p++) {
    const char *name = rn_verify_predictor(v, p);
    double m = value(r, name, RN_VERIFY_POOLED, NAN, 0, "members");
    if (!(m > 1))
      continue;
    sb_printf(b, "<tr><td>");
    html_text(b, name);
    sb_printf(b, "</td><td>%g</td>", m);
    html_cell(b, value(r, name, RN_VERIFY_POOLED, NAN, 0, "crps"), 3);
    html_cell(b, value(r, name, RN_VERIFY_POOLED, NAN, 0, "spread"), 3);
    html_cell(b, value(r, name, RN_VERIFY_POOLED, NAN, 0, "spread_skill"), 3);
    for (int k = 0; k < o->nthresholds; k++) {
      html_cell(b, value(r, name, RN_VERIFY_POOLED, o->thresholds[k], 0, "brier"), 4);
      html_cell(b, value(r, name, RN_VERIFY_POOLED, o->thresholds[k], 0, "roc_area"), 4);
    }
    sb_printf(b, "</tr>\n");
  }
  sb_printf(b, "</table>\n<p>CRPS: fair estimator. Spread/skill: &radic;((M+1)/M) &times; "
               "spread / RMSE of the ensemble mean (1 for a reliable ensemble).</p>\n");

  /* CSI per lead */
  sb_printf(b, "<h2>CSI per lead time</h2>\n");
  for (int k = 0; k < o->nthresholds; k++) {
    int leads[MAX_LEADS], nl = 0;
    float q = o->thresholds[k];
    /* the union of every predictor's leads, ascending */
    for (int p = 0; p < np; p++) {
      int pl[MAX_LEADS], n = leads_of(r, rn_verify_predictor(v, p), pl, MAX_LEADS);
      for (int i = 0; i < n; i++) {
        int j = 0;
        while (j < nl && leads[j] < pl[i])
          j++;
        if (j < nl && leads[j] == pl[i])
          continue;
        if (nl == MAX_LEADS)
          break;
        memmove(leads + j + 1, leads + j, (size_t)(nl - j) * sizeof *leads);
        leads[j] = pl[i];
        nl++;
      }
    }
    sb_printf(b, "<table>\n<tr><th>CSI at %g dBZ</th>", q);
    for (int l = 0; l < nl; l++)
      sb_printf(b, "<th>%g min</th>", leads[l] / 60.0);
    sb_printf(b, "<th>all</th></tr>\n");
    for (int p = 0; p < np; p++) {
      const char *name = rn_verify_predictor(v, p);
      sb_printf(b, "<tr><td>");
      html_text(b, name);
      sb_printf(b, "</td>");
      for (int l = 0; l < nl; l++)
        html_cell(b, value(r, name, leads[l], q, 0, "csi"), 4);
      html_cell(b, value(r, name, RN_VERIFY_POOLED, q, 0, "csi"), 4);
      sb_printf(b, "</tr>\n");
    }
    sb_printf(b, "</table>\n");
  }
}

enum rn_status rn_verify_report(const struct rn_verify *v, const char *dir, const char *title)
{
  struct results r = {NULL, 0};
  struct sbuf b = {NULL, 0, 0, 0};
  enum rn_status st = rn_mkdirs(dir);
  if (!st)
    st = rn_verify_rows(v, &r.rows, &r.nrows);
  if (st)
    return st;
  for (int p = 0; p < rn_verify_npredictors(v); p++)
    if (strpbrk(rn_verify_predictor(v, p), "<>&\"")) {
      free(r.rows);
      return rn_error(RN_EUSAGE, "report: predictor name '%s' has characters <>&\" (not allowed)",
                      rn_verify_predictor(v, p));
    }

  write_csv(&b, &r);
  st = sb_publish(&b, dir, "scores.csv");
  if (!st) {
    write_json(&b, v, &r, title);
    st = sb_publish(&b, dir, "scores.json");
  }
  if (!st) {
    write_html_head(&b, v, &r, title);
    st = figures(v, &r, dir, &b);
    rn_plot_release();
    sb_printf(&b, "<p>Files: <a href=\"scores.csv\">scores.csv</a> (long format: predictor, "
                  "lead_min, threshold_dbz, scale, score, value, n_cases, n_pixels; lead_min "
                  "\"all\" is pooled over leads), <a href=\"scores.json\">scores.json</a>.</p>\n"
                  "</body>\n</html>\n");
    if (!st)
      st = sb_publish(&b, dir, "report.html");
  }
  free(b.s);
  free(r.rows);
  return st;
}
