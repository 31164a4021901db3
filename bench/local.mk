# bench
# bench_verify: scoring a verification period in memory (bench/RESULTS.md).
noinst_PROGRAMS += bench/bench_verify
bench_bench_verify_LDADD = libradnow.la
# bench_grid: gridding one radar volume, cold and warm lookup table (RESULTS.md).
noinst_PROGRAMS += bench/bench_grid
bench_bench_grid_LDADD = libradnow.la
EXTRA_DIST += bench/RESULTS.md
# CINRAD/NEXRAD: radnow info and grid on the corpus samples (RESULTS.md).
EXTRA_DIST += bench/bench_cinrad_nexrad.sh
# products: GeoTIFF products of one cycle (make bench_products; see RESULTS.md)
noinst_PROGRAMS += bench/bench_products
bench_bench_products_LDADD = libradnow.la
# bench_cycle.sh: one full radnow run cycle, 512 x 512, per-stage times (RESULTS.md).
EXTRA_DIST += bench/bench_cycle.sh
