# tests/models: the recurrent predictors (model.h) - definitions, PyTorch
# fixtures of whole models (one test per fixture), training against PyTorch.
check_PROGRAMS += tests/models/test_model_config
tests_models_test_model_config_LDADD = libradnow.la
TESTS += tests/models/test_model_config
