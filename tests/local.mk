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
TESTS += tests/data/cinrad_nexrad_info.sh
EXTRA_DIST += tests/data/cinrad_nexrad_info.sh
# Operations: lock, state, input selection, the cycle and its exit codes.
check_PROGRAMS += tests/ops/mkframes
tests_ops_mkframes_LDADD = libradnow.la
check_PROGRAMS += tests/ops/test_state
tests_ops_test_state_LDADD = libradnow.la
TESTS += tests/ops/test_state
TESTS += tests/ops/run_basic.sh
EXTRA_DIST += tests/ops/opslib.sh tests/ops/run_basic.sh
TESTS += tests/ops/run_lock.sh
EXTRA_DIST += tests/ops/run_lock.sh
TESTS += tests/ops/run_kill.sh
EXTRA_DIST += tests/ops/run_kill.sh
TESTS += tests/ops/run_full.sh
EXTRA_DIST += tests/ops/run_full.sh
TESTS += tests/ops/conf_example.sh
EXTRA_DIST += tests/ops/conf_example.sh
check_PROGRAMS += tests/data/test_cinrad_nexrad_grid
tests_data_test_cinrad_nexrad_grid_LDADD = libradnow.la
TESTS += tests/data/test_cinrad_nexrad_grid
TESTS += tests/ops/cycle_helchteren.sh
EXTRA_DIST += tests/ops/cycle_helchteren.sh
TESTS += tests/ops/demo.sh
EXTRA_DIST += tests/ops/demo.sh
TESTS += tests/ops/run_flat.sh
EXTRA_DIST += tests/ops/run_flat.sh
TESTS += tests/ops/run_composite.sh
EXTRA_DIST += tests/ops/run_composite.sh
