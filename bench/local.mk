# bench
# bench_grid: gridding one radar volume, cold and warm lookup table (RESULTS.md).
noinst_PROGRAMS += bench/bench_grid
bench_bench_grid_LDADD = libradnow.la
EXTRA_DIST += bench/RESULTS.md
