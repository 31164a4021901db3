/* test_verify_report.c - scores.csv, scores.json, report.html and the PNG
 * figures of a small verification: the CSV is read back and agrees with the
 * accumulator, the figures are PNGs of the right size with real content. */
#include <radnow/verify.h>

#include <cairo.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

enum { NX = 48, NY = 40, M = 8, LEADS = 4 };

static char dir[] = "/tmp/radnow-report.XXXXXX";

static char *slurp(const char *name, long *size)
{
  char path[512];
  FILE *f;
  char *s;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s missing\n", path);
    test_failures++;
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  *size = ftell(f);
  fseek(f, 0, SEEK_SET);
  s = malloc((size_t)*size + 1);
  if (fread(s, 1, (size_t)*size, f) != (size_t)*size)
    test_failures++;
  s[*size] = '\0';
  fclose(f);
  return s;
}

/* A PNG cairo can read, of the plot size, with many distinct colours. */
static void check_png(const char *name)
{
  char path[512];
  cairo_surface_t *s;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  s = cairo_image_surface_create_from_png(path);
  if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
    fprintf(stderr, "%s: not a readable PNG\n", path);
    test_failures++;
  } else {
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s), colours = 0, nonwhite = 0;
    uint32_t seen[64];
    const unsigned char *d;
    cairo_surface_flush(s);
    d = cairo_image_surface_get_data(s);
    for (int j = 0; j < h; j++)
      for (int i = 0; i < w; i++) {
        uint32_t p = *(const uint32_t *)(d + (size_t)j * stride + 4 * (size_t)i) & 0xffffff;
        int k;
        nonwhite += p != 0xffffff;
        for (k = 0; k < colours && seen[k] != p; k++)
          ;
        if (k == colours && colours < 64)
          seen[colours++] = p;
      }
    printf("%s: %d x %d, %d%% non-white, %d+ colours\n", name, w, h, 100 * nonwhite / (w * h),
           colours);
    CHECK(w == 720 && h == 450);
    CHECK(nonwhite > w * h / 50); /* axes, text, lines */
    CHECK(colours >= 8);
  }
  cairo_surface_destroy(s);
}

/* Split one CSV line into fields (quotes handled); returns the count. */
static int csv_split(char *line, char **fields, int max)
{
  int n = 0;
  char *p = line, *out;
  while (n < max) {
    fields[n++] = out = p;
    if (*p == '"') {
      p++;
      for (;;) {
        if (*p == '"' && p[1] == '"') {
          *out++ = '"';
          p += 2;
        } else if (*p == '"') {
          p++;
          break;
        } else if (!*p) {
          break;
        } else {
          *out++ = *p++;
        }
      }
      while (*p && *p != ',')
        p++;
    } else {
      while (*p && *p != ',')
        out = ++p;
    }
    if (*p != ',') {
      *out = '\0';
      break;
    }
    *out = '\0';
    p++;
  }
  return n;
}

int main(void)
{
  static float obs[NX * NY], fields[M][NX * NY];
  const float *mem[M];
  struct rn_verify_options opt;
  struct rn_verify *v;
  uint32_t s = 2024;
  long size;
  char *csv, *json, *html, *line, *save;
  int lines = 0, csi_rows = 0, pooled_found = 0;

  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  rn_verify_options_init(&opt);
  v = rn_verify_new(&opt);
  for (int m = 0; m < M; m++)
    mem[m] = fields[m];
  for (int c = 0; c < 3; c++)
    for (int l = 1; l <= LEADS; l++) {
      /* a blob of echo, displaced more at longer leads, members jittered */
      for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) {
          double r2 = (i - 20.0 - c) * (i - 20.0 - c) + (j - 18.0) * (j - 18.0);
          obs[j * NX + i] = (float)(58 * exp(-r2 / 120) - 5);
          for (int m = 0; m < M; m++) {
            double d = l * 1.5 + (m - M / 2) * 0.5;
            double q2 = (i - 20.0 - c - d) * (i - 20.0 - c - d) + (j - 18.0) * (j - 18.0);
            s = s * 1664525u + 1013904223u;
            fields[m][j * NX + i] = (float)(55 * exp(-q2 / 130) - 5 + ((s >> 9) % 100) / 25.0);
          }
        }
      obs[0] = RN_NODATA;
      CHECK_OK(rn_verify_add(v, "ensemble", 300 * l, mem, M, obs, NX, NY));
      CHECK_OK(rn_verify_add(v, "member0, first", 300 * l, mem, 1, obs, NX, NY));
    }
  CHECK_OK(rn_verify_add_missing(v, "ensemble", 1200, 1581080400));
  CHECK_OK(rn_verify_report(v, dir, "Test report <1>"));

  csv = slurp("scores.csv", &size);
  for (line = csv ? strtok_r(csv, "\n", &save) : NULL; line; line = strtok_r(NULL, "\n", &save)) {
    char *f[16];
    int n;
    if (lines++ == 0) {
      CHECK_STR(line, "predictor,lead_min,threshold_dbz,scale,score,value,n_cases,n_pixels");
      continue;
    }
    n = csv_split(line, f, 16);
    CHECK(n == 8);
    if (n != 8)
      continue;
    if (strcmp(f[4], "csi") == 0) {
      int lead = strcmp(f[1], "all") == 0 ? RN_VERIFY_POOLED : (int)(atof(f[1]) * 60);
      double want = rn_verify_csi(v, f[0], lead, (float)atof(f[2]));
      csi_rows++;
      CHECK_NEAR(atof(f[5]), want, 1e-9);
      if (lead == RN_VERIFY_POOLED && strcmp(f[0], "member0, first") == 0 &&
          strcmp(f[2], "30") == 0) {
        pooled_found = 1;
        CHECK(atoll(f[6]) == 3 * LEADS);
        CHECK(atoll(f[7]) == 3 * LEADS * (NX * NY - 1));
      }
    }
    if (strcmp(f[0], "ensemble") == 0 && strcmp(f[1], "20") == 0 &&
        strcmp(f[4], "missing_cases") == 0)
      CHECK(atof(f[5]) == 1);
  }
  printf("scores.csv: %d lines, %d CSI rows\n", lines, csi_rows);
  CHECK(csi_rows == 2 * (LEADS + 1) * 3);
  CHECK(pooled_found);
  free(csv);

  json = slurp("scores.json", &size);
  if (json) {
    CHECK_CONTAINS(json, "\"lead_min\": \"all\"");
    CHECK_CONTAINS(json, "\"valid_time\": \"2020-02-07T13:00:00Z\"");
    CHECK_CONTAINS(json, "\"predictor\": \"member0, first\"");
    CHECK(json[size - 2] == '}');
  }
  free(json);
  html = slurp("report.html", &size);
  if (html) {
    CHECK_CONTAINS(html, "<th>CSI30</th><th>CSI40</th><th>CSI50</th>");
    CHECK_CONTAINS(html, "Test report &lt;1&gt;");
    CHECK_CONTAINS(html, "csi_lead_30.png");
    CHECK_CONTAINS(html, "2020-02-07T13:00:00Z");
  }
  free(html);
  check_png("csi_lead_30.png");
  check_png("csi_lead_50.png");
  check_png("fss_scale_40.png");
  check_png("reliability_30.png");
  check_png("rank_histogram_ensemble.png");

  /* a predictor name that would break the HTML is refused */
  {
    const float *one[1] = {obs};
    CHECK_OK(rn_verify_add(v, "<script>", 300, one, 1, obs, NX, NY));
    CHECK(rn_verify_report(v, dir, "x") == RN_EUSAGE);
  }
  rn_verify_free(v);

  if (getenv("RADNOW_KEEP_REPORT")) {
    printf("report kept in %s\n", dir);
    TEST_DONE();
  }
  /* clean up: every file, then the folder (no temporary files left) */
  {
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[600];
    while (d && (e = readdir(d)))
      if (e->d_name[0] != '.' || (e->d_name[1] && strcmp(e->d_name, "..") != 0)) {
        CHECK(e->d_name[0] != '.'); /* a leftover temporary file */
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
      }
    if (d)
      closedir(d);
    CHECK(rmdir(dir) == 0);
  }
  TEST_DONE();
}
