# tests/models: the recurrent predictors (model.h) - definitions, PyTorch
# fixtures of whole models (one test per fixture), training against PyTorch.
check_PROGRAMS += tests/models/test_model_config
tests_models_test_model_config_LDADD = libradnow.la
TESTS += tests/models/test_model_config

noinst_HEADERS += tests/models/modelfx.h
EXTRA_DIST += tests/tools/ref_models.py tests/tools/make_model_fixtures.py
check_PROGRAMS += tests/models/test_model
tests_models_test_model_SOURCES = tests/models/test_model.c tests/models/modelfx.c
tests_models_test_model_LDADD = libradnow.la
TEST_EXTENSIONS += .rnm
RNM_LOG_COMPILER = tests/models/test_model
include tests/models/fixtures.mk
TESTS += $(MODEL_FIXTURES)
EXTRA_DIST += $(MODEL_FIXTURES)
check_PROGRAMS += tests/models/test_model_cuda
tests_models_test_model_cuda_SOURCES = tests/models/test_model_cuda.c tests/models/modelfx.c
tests_models_test_model_cuda_LDADD = libradnow.la
TESTS += tests/models/test_model_cuda
