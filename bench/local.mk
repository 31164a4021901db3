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
# bench_ingest: reading one radar file, against HDF5's own reading (RESULTS.md).
noinst_PROGRAMS += bench/bench_ingest
bench_bench_ingest_LDADD = libradnow.la $(HDF5_LIBS)
# bench/bench_nn: the neural-network layers (bench/bench_nn.py runs it beside
# PyTorch on the same cases, and prints the table of bench/RESULTS.md).
noinst_PROGRAMS += bench/bench_nn
bench_bench_nn_LDADD = libradnow.la $(OPENBLAS_LIBS)
EXTRA_DIST += bench/bench_nn.py
# bench_extrap: motion and extrapolation on the FMI grid, the predictors of a 512 x 512 cycle.
noinst_PROGRAMS += bench/bench_extrap
bench_bench_extrap_LDADD = libradnow.la
# skill_run + skill_fmi.sh: forecasts over every start time of a sequence, scored by radnow verify.
noinst_PROGRAMS += bench/skill_run
bench_skill_run_LDADD = libradnow.la
dist_noinst_SCRIPTS += bench/skill_fmi.sh
# bench_cycle.sh: one full radnow run cycle, 512 x 512, per-stage times (RESULTS.md).
EXTRA_DIST += bench/bench_cycle.sh
# bench_models: the recurrent predictors (MotionRNN-MIM at the papers' size)
# against the PyTorch reference; bench/bench_models.py runs both (RESULTS.md).
noinst_PROGRAMS += bench/bench_models
bench_bench_models_LDADD = libradnow.la
EXTRA_DIST += bench/bench_models.py
# train_motionrnn_mim.sh: how etc/models/motionrnn-mim.weights.h5 is made
# (synthetic stage, then the balanced-MSE fine-tuning); skill_neural.sh
# scores it (RESULTS.md).
dist_noinst_SCRIPTS += bench/train_motionrnn_mim.sh bench/skill_neural.sh
EXTRA_DIST += bench/train_motionrnn_mim_synth.conf bench/train_motionrnn_mim_fmi.conf \
	bench/train_motionrnn_mim_bmse.conf bench/train_motionrnn_mim_bmse_fmi.conf
