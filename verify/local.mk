# verify: contingency scores, continuous scores, FSS, ensemble scores, reports.
libradnow_la_SOURCES += verify/verify.c verify/scores.c verify/continuous.c verify/fss.c \
	verify/ensemble_scores.c verify/report.c verify/plot.c
noinst_HEADERS += verify/verify_internal.h verify/plot.h
pkginclude_HEADERS += include/radnow/verify.h
check_PROGRAMS += tests/unit/test_verify_scores
tests_unit_test_verify_scores_LDADD = libradnow.la
TESTS += tests/unit/test_verify_scores
check_PROGRAMS += tests/unit/test_verify_report
tests_unit_test_verify_report_LDADD = libradnow.la $(CAIRO_LIBS)
TESTS += tests/unit/test_verify_report
check_PROGRAMS += tests/unit/verify_fixture
tests_unit_verify_fixture_LDADD = libradnow.la
TESTS += tests/verify_cli.sh
EXTRA_DIST += tests/verify_cli.sh
TESTS += tests/verify_raw.sh tests/data/verify_real.sh tests/verify_cycle.sh
EXTRA_DIST += tests/verify_raw.sh tests/data/verify_real.sh tests/verify_cycle.sh
