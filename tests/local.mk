# tests: unit tests of the shared pieces; each folder's own tests are listed
# in that folder's local.mk or below.
noinst_HEADERS += tests/unit/test.h
EXTRA_DIST += tests/testlib.sh

check_PROGRAMS += tests/unit/test_common
tests_unit_test_common_LDADD = libradnow.la
TESTS += tests/unit/test_common

TESTS += tests/cli.sh
EXTRA_DIST += tests/cli.sh

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
