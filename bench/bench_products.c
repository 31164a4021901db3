/* bench_products.c - time of writing every GeoTIFF product of one cycle on
 * a 512 x 512 grid with 12 leads: a deterministic forecast (dbz + display:
 * 24 files) and a 20-member ensemble (dbz + display of the mean and three
 * exceedance probabilities: 60 files), DEFLATE and ZSTD, plus latest.json.
 * Usage: bench_products [RUNS] [DIR]; prints the median of RUNS (5). */
#include <radnow/geotiff.h>
#include <radnow/log.h>
#include <radnow/manifest.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "../tests/unit/forecast_fixture.h"

static int cmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
  int runs = argc > 1 ? atoi(argv[1]) : 5;
  char dir[512];
  struct rn_forecast det, ens;
  rn_time t;
  double *tdet, *tens, *tman, cpu;
  const char *compress[] = {"DEFLATE", "ZSTD"};

  if (runs < 1 || runs > 100)
    runs = 5;
  snprintf(dir, sizeof dir, "%s", argc > 2 ? argv[2] : "/tmp/radnow-bench-products");
  rn_time_parse("202002071335", &t);
  if (fixture_make(&det, "EPSG:3035", 512, 512, 12, 1, 0, t) ||
      fixture_make(&ens, "EPSG:3035", 512, 512, 12, 20, 0, t)) {
    fprintf(stderr, "bench_products: %s\n", rn_errmsg());
    return 1;
  }
  tdet = calloc((size_t)runs, sizeof *tdet);
  tens = calloc((size_t)runs, sizeof *tens);
  tman = calloc((size_t)runs, sizeof *tman);
  for (int c = 0; c < 2; c++) {
    struct rn_geotiff_options opt;
    rn_geotiff_options_init(&opt);
    opt.compress = compress[c];
    cpu = (double)clock();
    for (int r = 0; r < runs; r++) {
      struct rn_product_list list = {0};
      double t0 = rn_clock(), t1, t2;
      if (rn_products_write_geotiffs(&det, dir, &opt, &list)) {
        fprintf(stderr, "bench_products: %s\n", rn_errmsg());
        return 1;
      }
      t1 = rn_clock();
      if (rn_products_write_geotiffs(&ens, dir, &opt, &list)) {
        fprintf(stderr, "bench_products: %s\n", rn_errmsg());
        return 1;
      }
      t2 = rn_clock();
      if (rn_manifest_write(dir, t, &list, NULL)) {
        fprintf(stderr, "bench_products: %s\n", rn_errmsg());
        return 1;
      }
      tdet[r] = t1 - t0;
      tens[r] = t2 - t1;
      tman[r] = rn_clock() - t2;
      rn_product_list_free(&list);
    }
    cpu = ((double)clock() - cpu) / CLOCKS_PER_SEC / runs;
    qsort(tdet, (size_t)runs, sizeof *tdet, cmp);
    qsort(tens, (size_t)runs, sizeof *tens, cmp);
    qsort(tman, (size_t)runs, sizeof *tman, cmp);
    printf("%-7s deterministic 24 files %.3f s | ensemble 60 files %.3f s | latest.json %.4f s "
           "(median of %d); CPU %.3f s per cycle\n",
           compress[c], tdet[runs / 2], tens[runs / 2], tman[runs / 2], runs, cpu);
  }
  fixture_free(&det);
  fixture_free(&ens);
  free(tdet);
  free(tens);
  free(tman);
  return 0;
}
