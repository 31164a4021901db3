# bench
# products: GeoTIFF products of one cycle (make bench_products; see RESULTS.md)
noinst_PROGRAMS += bench/bench_products
bench_bench_products_LDADD = libradnow.la
