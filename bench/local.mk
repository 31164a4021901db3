# bench
# bench/bench_nn: the neural-network layers (bench/run.sh runs it beside
# bench/bench_nn.py, PyTorch, and writes the table of bench/RESULTS.md).
noinst_PROGRAMS += bench/bench_nn
bench_bench_nn_LDADD = libradnow.la $(OPENBLAS_LIBS)
EXTRA_DIST += bench/bench_nn.py
