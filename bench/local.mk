# bench
# bench_verify: scoring a verification period in memory (bench/RESULTS.md).
noinst_PROGRAMS += bench/bench_verify
bench_bench_verify_LDADD = libradnow.la
