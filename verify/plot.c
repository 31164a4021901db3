/* plot.c - line and bar charts with cairo for the verification report. */
#include "plot.h"

#include <radnow/publish.h>

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define WIDTH 720
#define HEIGHT 450
#define LEFT 78
#define RIGHT 24
#define TOP 40
#define BOTTOM 58

/* Colour-blind-safe palette (Okabe and Ito). */
static const double palette[8][3] = {
    {0.000, 0.447, 0.698}, {0.835, 0.369, 0.000}, {0.000, 0.620, 0.451}, {0.800, 0.475, 0.655},
    {0.941, 0.894, 0.259}, {0.337, 0.706, 0.914}, {0.902, 0.624, 0.000}, {0.000, 0.000, 0.000}};

struct frame {
  double x0, x1, y0, y1; /* data range */
  int logx;
};

static double tx(const struct frame *f, double x)
{
  double a = f->logx ? log10(x) : x, lo = f->logx ? log10(f->x0) : f->x0,
         hi = f->logx ? log10(f->x1) : f->x1;
  return LEFT + (a - lo) / (hi - lo) * (WIDTH - LEFT - RIGHT);
}

static double ty(const struct frame *f, double y)
{
  return HEIGHT - BOTTOM - (y - f->y0) / (f->y1 - f->y0) * (HEIGHT - TOP - BOTTOM);
}

/* A step of 1, 2 or 5 x 10^k giving about n ticks over span. */
static double nice_step(double span, int n)
{
  double raw = span / n, p = pow(10, floor(log10(raw))), r = raw / p;
  return (r < 1.5 ? 1 : r < 3.5 ? 2 : r < 7.5 ? 5 : 10) * p;
}

static void text(cairo_t *cr, double x, double y, const char *s, double halign, double valign)
{
  cairo_text_extents_t e;
  cairo_text_extents(cr, s, &e);
  cairo_move_to(cr, x - e.width * halign - e.x_bearing, y - e.height * valign - e.y_bearing);
  cairo_show_text(cr, s);
}

static void draw_axes(cairo_t *cr, const struct frame *f, const struct rn_plot_axes *ax,
                      const double *xticks, int nxticks)
{
  char buf[32];
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_line_width(cr, 1);

  /* y grid and labels */
  cairo_set_font_size(cr, 12);
  double ys = nice_step(f->y1 - f->y0, 5);
  for (double y = ceil(f->y0 / ys - 1e-9) * ys; y <= f->y1 + 1e-9 * ys; y += ys) {
    cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    cairo_move_to(cr, LEFT, ty(f, y));
    cairo_line_to(cr, WIDTH - RIGHT, ty(f, y));
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    snprintf(buf, sizeof buf, "%g", fabs(y) < 1e-12 * ys ? 0.0 : y);
    text(cr, LEFT - 6, ty(f, y), buf, 1, 0.5);
  }
  /* x ticks: given, or nice steps */
  if (nxticks > 0) {
    for (int i = 0; i < nxticks; i++) {
      cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
      cairo_move_to(cr, tx(f, xticks[i]), TOP);
      cairo_line_to(cr, tx(f, xticks[i]), HEIGHT - BOTTOM);
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0, 0, 0);
      snprintf(buf, sizeof buf, "%g", xticks[i]);
      text(cr, tx(f, xticks[i]), HEIGHT - BOTTOM + 6, buf, 0.5, 0);
    }
  } else {
    double xs = nice_step(f->x1 - f->x0, 8);
    for (double x = ceil(f->x0 / xs - 1e-9) * xs; x <= f->x1 + 1e-9 * xs; x += xs) {
      cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
      cairo_move_to(cr, tx(f, x), TOP);
      cairo_line_to(cr, tx(f, x), HEIGHT - BOTTOM);
      cairo_stroke(cr);
      cairo_set_source_rgb(cr, 0, 0, 0);
      snprintf(buf, sizeof buf, "%g", fabs(x) < 1e-12 * xs ? 0.0 : x);
      text(cr, tx(f, x), HEIGHT - BOTTOM + 6, buf, 0.5, 0);
    }
  }
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_rectangle(cr, LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
  cairo_stroke(cr);

  cairo_set_font_size(cr, 13);
  text(cr, LEFT + (WIDTH - LEFT - RIGHT) / 2.0, HEIGHT - 8, ax->xlabel, 0.5, 1);
  cairo_save(cr);
  cairo_translate(cr, 16, TOP + (HEIGHT - TOP - BOTTOM) / 2.0);
  cairo_rotate(cr, -M_PI / 2);
  text(cr, 0, 0, ax->ylabel, 0.5, 0.5);
  cairo_restore(cr);
  cairo_set_font_size(cr, 15);
  text(cr, WIDTH / 2.0, 12, ax->title, 0.5, 0);
}

static enum rn_status save(cairo_surface_t *s, const char *path)
{
  char tmp[4096];
  enum rn_status st = rn_publish_begin(path, tmp, sizeof tmp);
  if (st)
    return st;
  if (cairo_surface_write_to_png(s, tmp) != CAIRO_STATUS_SUCCESS) {
    rn_publish_abort(tmp);
    return rn_error(RN_EWRITE, "report: %s: cannot write the PNG figure", path);
  }
  return rn_publish_commit(tmp, path);
}

static void range(double *lo, double *hi, double want_lo, double want_hi)
{
  if (!isnan(want_lo))
    *lo = want_lo;
  if (!isnan(want_hi))
    *hi = want_hi;
  if (!(*hi > *lo)) { /* one value, or none */
    double c = isfinite(*lo) ? *lo : 0;
    *lo = c - 1;
    *hi = c + 1;
  }
}

void rn_plot_release(void)
{
  cairo_debug_reset_static_data();
  FcFini(); /* fontconfig starts again by itself if text is drawn later */
}

enum rn_status rn_plot_lines(const char *path, const struct rn_plot_axes *ax,
                             const struct rn_plot_series *series, int nseries)
{
  struct frame f = {INFINITY, -INFINITY, INFINITY, -INFINITY, ax->logx};
  double xt[64] = {0};
  int nxt = 0;
  cairo_surface_t *s;
  cairo_t *cr;
  enum rn_status st;

  for (int i = 0; i < nseries; i++)
    for (int k = 0; k < series[i].n; k++) {
      double x = series[i].x[k], y = series[i].y[k];
      if (isfinite(x) && (!ax->logx || x > 0)) {
        f.x0 = fmin(f.x0, x);
        f.x1 = fmax(f.x1, x);
        int seen = 0;
        for (int t = 0; t < nxt; t++)
          seen |= xt[t] == x;
        if (!seen && nxt < 64)
          xt[nxt++] = x;
      }
      if (isfinite(y)) {
        f.y0 = fmin(f.y0, y);
        f.y1 = fmax(f.y1, y);
      }
    }
  range(&f.x0, &f.x1, ax->xmin, ax->xmax);
  range(&f.y0, &f.y1, ax->ymin, ax->ymax);
  if (f.logx && f.x0 <= 0)
    f.x0 = f.x1 / 10;
  /* The data's own x values make the ticks when they are few (leads, scales). */
  if (nxt > 12 || ax->diagonal)
    nxt = 0;

  s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
  cr = cairo_create(s);
  draw_axes(cr, &f, ax, xt, nxt);
  if (ax->diagonal) {
    const double dash[2] = {5, 4};
    cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, tx(&f, fmax(f.x0, f.y0)), ty(&f, fmax(f.x0, f.y0)));
    cairo_line_to(cr, tx(&f, fmin(f.x1, f.y1)), ty(&f, fmin(f.x1, f.y1)));
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
  }
  cairo_rectangle(cr, LEFT, TOP, WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
  cairo_save(cr);
  cairo_clip(cr);
  for (int i = 0; i < nseries; i++) {
    const double *c = palette[i % 8];
    int pen = 0;
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    cairo_set_line_width(cr, 2);
    for (int k = 0; k < series[i].n; k++) {
      double x = series[i].x[k], y = series[i].y[k];
      if (!isfinite(x) || !isfinite(y) || (f.logx && x <= 0)) {
        pen = 0;
        continue;
      }
      if (pen)
        cairo_line_to(cr, tx(&f, x), ty(&f, y));
      else
        cairo_move_to(cr, tx(&f, x), ty(&f, y));
      pen = 1;
    }
    cairo_stroke(cr);
    for (int k = 0; k < series[i].n; k++) {
      double x = series[i].x[k], y = series[i].y[k];
      if (!isfinite(x) || !isfinite(y) || (f.logx && x <= 0))
        continue;
      cairo_arc(cr, tx(&f, x), ty(&f, y), 3.5, 0, 2 * M_PI);
      cairo_fill(cr);
    }
  }
  cairo_restore(cr);
  /* legend, top right inside the frame */
  cairo_set_font_size(cr, 12);
  for (int i = 0; i < nseries; i++) {
    const double *c = palette[i % 8];
    double y = ax->legend == 1 ? HEIGHT - BOTTOM - 16 - 18 * (nseries - 1 - i) : TOP + 16 + 18 * i;
    double x = ax->legend == 2 ? LEFT + 12 : WIDTH - RIGHT - 190;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
    cairo_rectangle(cr, x - 6, y - 10, 190, 18);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, c[0], c[1], c[2]);
    cairo_set_line_width(cr, 2);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + 24, y);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    text(cr, x + 30, y, series[i].label, 0, 0.5);
  }
  cairo_destroy(cr);
  st = save(s, path);
  cairo_surface_destroy(s);
  return st;
}

enum rn_status rn_plot_bars(const char *path, const struct rn_plot_axes *ax, const double *values,
                            int n, double reference)
{
  struct frame f = {-0.5, n - 0.5, 0, -INFINITY, 0};
  double xt[64] = {0};
  int nxt = 0, every = n > 24 ? (n + 23) / 24 : 1;
  cairo_surface_t *s;
  cairo_t *cr;
  enum rn_status st;

  for (int i = 0; i < n; i++)
    if (isfinite(values[i]))
      f.y1 = fmax(f.y1, values[i]);
  if (isfinite(reference))
    f.y1 = fmax(f.y1, reference);
  f.y1 = isfinite(f.y1) && f.y1 > 0 ? f.y1 * 1.1 : 1;
  range(&f.y0, &f.y1, ax->ymin, ax->ymax);
  for (int i = 0; i < n && nxt < 64; i += every)
    xt[nxt++] = i;

  s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, WIDTH, HEIGHT);
  cr = cairo_create(s);
  draw_axes(cr, &f, ax, xt, nxt);
  cairo_set_source_rgb(cr, palette[0][0], palette[0][1], palette[0][2]);
  for (int i = 0; i < n; i++) {
    if (!isfinite(values[i]))
      continue;
    double x0 = tx(&f, i - 0.4), x1 = tx(&f, i + 0.4);
    cairo_rectangle(cr, x0, ty(&f, values[i]), x1 - x0, ty(&f, 0) - ty(&f, values[i]));
    cairo_fill(cr);
  }
  if (isfinite(reference)) {
    const double dash[2] = {5, 4};
    cairo_set_source_rgb(cr, 0.8, 0.1, 0.1);
    cairo_set_line_width(cr, 1.5);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_move_to(cr, LEFT, ty(&f, reference));
    cairo_line_to(cr, WIDTH - RIGHT, ty(&f, reference));
    cairo_stroke(cr);
  }
  cairo_destroy(cr);
  st = save(s, path);
  cairo_surface_destroy(s);
  return st;
}
