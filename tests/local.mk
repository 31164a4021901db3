# tests: unit tests of the shared pieces; each folder's own tests are listed
# in that folder's local.mk or below.
noinst_HEADERS += tests/unit/test.h
EXTRA_DIST += tests/testlib.sh

check_PROGRAMS += tests/unit/test_common
tests_unit_test_common_LDADD = libradnow.la
TESTS += tests/unit/test_common

TESTS += tests/cli.sh
EXTRA_DIST += tests/cli.sh
