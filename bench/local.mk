# bench
# bench_grid: gridding one radar volume, cold and warm lookup table (RESULTS.md).
noinst_PROGRAMS += bench/bench_grid
bench_bench_grid_LDADD = libradnow.la
EXTRA_DIST += bench/RESULTS.md
# bench_extrap: motion and extrapolation on the FMI grid, the predictors of a 512 x 512 cycle.
noinst_PROGRAMS += bench/bench_extrap
bench_bench_extrap_LDADD = libradnow.la
