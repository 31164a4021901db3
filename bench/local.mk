# bench
# bench_grid: gridding one radar volume, cold and warm lookup table (RESULTS.md).
noinst_PROGRAMS += bench/bench_grid
bench_bench_grid_LDADD = libradnow.la
EXTRA_DIST += bench/RESULTS.md
# bench_ingest: reading one radar file, against HDF5's own reading (RESULTS.md).
noinst_PROGRAMS += bench/bench_ingest
bench_bench_ingest_LDADD = libradnow.la $(HDF5_LIBS)
