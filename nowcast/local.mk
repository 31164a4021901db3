# nowcast: the cycle and the radnow command-line program.
radnow_SOURCES += nowcast/radnow.c nowcast/cmd_info.c
radnow_SOURCES += nowcast/cmd_grid.c
noinst_HEADERS += nowcast/commands.h
radnow_SOURCES += nowcast/cmd_verify.c nowcast/verify_obs.c
noinst_HEADERS += nowcast/verify_obs.h
# radnow synth: the synthetic scene and radar (library, for tests and the demo).
libradnow_la_SOURCES += nowcast/synth.c
pkginclude_HEADERS += include/radnow/synth.h
radnow_SOURCES += nowcast/cmd_synth.c
check_PROGRAMS += tests/unit/test_synth
tests_unit_test_synth_LDADD = libradnow.la
TESTS += tests/unit/test_synth
TESTS += tests/synth.sh
EXTRA_DIST += tests/synth.sh
# The operational cycle: lock, state, inputs, cycle (library, so tests link it).
libradnow_la_SOURCES += nowcast/lock.c nowcast/state.c nowcast/inputs.c nowcast/cycle.c
pkginclude_HEADERS += include/radnow/lock.h include/radnow/state.h include/radnow/inputs.h \
	include/radnow/cycle.h
radnow_SOURCES += nowcast/cmd_run.c nowcast/cmd_demo.c
# cmd_run calls HDF5 itself (H5dont_atexit).
radnow_LDADD += $(HDF5_LIBS)
# Ensemble mean and exceedance probabilities.
libradnow_la_SOURCES += nowcast/ensemble.c
pkginclude_HEADERS += include/radnow/ensemble.h
TESTS += tests/synth_grid.sh
EXTRA_DIST += tests/synth_grid.sh
# Training archives (radnow archive) and training (radnow train).
libradnow_la_SOURCES += nowcast/archive.c
pkginclude_HEADERS += include/radnow/archive.h
radnow_SOURCES += nowcast/cmd_archive.c
check_PROGRAMS += tests/unit/test_archive
tests_unit_test_archive_LDADD = libradnow.la
TESTS += tests/unit/test_archive
libradnow_la_SOURCES += nowcast/checkpoint.c nowcast/train.c nowcast/train_options.c \
	nowcast/train_data.c
pkginclude_HEADERS += include/radnow/checkpoint.h include/radnow/train.h
noinst_HEADERS += nowcast/train_data.h
radnow_SOURCES += nowcast/cmd_train.c
# The trained models as predictors of the cycle (registered in models/registry.c).
libradnow_la_SOURCES += models/neural.c models/prob_match.c
noinst_HEADERS += models/prob_match.h
check_PROGRAMS += tests/unit/test_prob_match
tests_unit_test_prob_match_LDADD = libradnow.la
TESTS += tests/unit/test_prob_match
TESTS += tests/train.sh
EXTRA_DIST += tests/train.sh etc/train.conf.example
