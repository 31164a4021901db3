# tests: unit tests of the shared pieces; each folder's own tests are listed
# in that folder's local.mk or below.
noinst_HEADERS += tests/unit/test.h
EXTRA_DIST += tests/testlib.sh

check_PROGRAMS += tests/unit/test_common
tests_unit_test_common_LDADD = libradnow.la
TESTS += tests/unit/test_common

TESTS += tests/cli.sh
EXTRA_DIST += tests/cli.sh

# CINRAD and NEXRAD readers on the real corpus (issue 7).
check_PROGRAMS += tests/data/test_cinrad_nexrad
tests_data_test_cinrad_nexrad_LDADD = libradnow.la
TESTS += tests/data/test_cinrad_nexrad
dist_noinst_SCRIPTS += tests/tools/radar_facts.py
check_PROGRAMS += tests/tools/radar_mkbad
tests_tools_radar_mkbad_LDADD = libradnow.la $(LZO_LIBS)
TESTS += tests/data/cinrad_nexrad_bad.sh
EXTRA_DIST += tests/data/cinrad_nexrad_bad.sh
