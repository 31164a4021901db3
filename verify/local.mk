# verify: contingency scores, continuous scores, FSS, ensemble scores, reports.
libradnow_la_SOURCES += verify/verify.c verify/scores.c verify/continuous.c verify/fss.c \
	verify/ensemble_scores.c
noinst_HEADERS += verify/verify_internal.h
pkginclude_HEADERS += include/radnow/verify.h
check_PROGRAMS += tests/unit/test_verify_scores
tests_unit_test_verify_scores_LDADD = libradnow.la
TESTS += tests/unit/test_verify_scores
