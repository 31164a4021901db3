# models: the predictor registry and the predictors that need no training.
pkginclude_HEADERS += include/radnow/predictor.h
libradnow_la_SOURCES += models/registry.c models/persistence.c models/optflow.c \
	models/advect.c models/extrap.c models/cascade.c models/extrap_ens.c
noinst_HEADERS += models/predictors.h models/optflow.h models/advect.h models/extrap.h \
	models/cascade.h models/rng.h

noinst_HEADERS += tests/unit/synth.h
check_PROGRAMS += tests/unit/test_extrap
tests_unit_test_extrap_LDADD = libradnow.la
TESTS += tests/unit/test_extrap
check_PROGRAMS += tests/unit/test_ensemble
tests_unit_test_ensemble_LDADD = libradnow.la
TESTS += tests/unit/test_ensemble
check_PROGRAMS += tests/unit/test_predictor_edge
tests_unit_test_predictor_edge_LDADD = libradnow.la
TESTS += tests/unit/test_predictor_edge
TESTS += tests/models_conf.sh
EXTRA_DIST += tests/models_conf.sh

# The recurrent neural predictors (model.h): definitions, cells, the model.
pkginclude_HEADERS += include/radnow/model.h
libradnow_la_SOURCES += models/model_config.c models/model.c models/net.c models/convlstm.c \
	models/predrnn.c models/mim.c models/motionrnn.c
noinst_HEADERS += models/net.h
modeldefsdir = $(pkgdatadir)/models
dist_modeldefs_DATA = etc/models/convlstm.ini etc/models/predrnn.ini etc/models/mim.ini \
	etc/models/motionrnn-convlstm.ini etc/models/motionrnn-predrnn.ini \
	etc/models/motionrnn-mim.ini
# The shipped weights (bench/train_motionrnn_mim.sh, bench/RESULTS.md), installed
# beside the definitions: models/neural.c looks in $(pkgdatadir)/models.
dist_modeldefs_DATA += etc/models/motionrnn-mim.weights.h5
