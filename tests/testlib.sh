# testlib.sh - helpers for radnow's shell tests (sourced).
# The tests run from the build tree with RADNOW (the program), top_srcdir and
# RADNOW_TESTDATA (the shared radar corpus) set by the Makefile.
set -u
: "${RADNOW:=./radnow}"
: "${RADNOW_TESTDATA:=../shared/data/radar}"
failures=0

# Skip (77) when the corpus is missing, or fail (99) when CI=true.
need_corpus() {
  if [ ! -f "$RADNOW_TESTDATA/MANIFEST.sha256" ]; then
    echo "radar corpus not found at $RADNOW_TESTDATA (set RADNOW_TESTDATA)"
    if [ "${CI:-}" = true ]; then exit 99; fi
    exit 77
  fi
}

need_tool() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "required tool $1 not found"
  if [ "${CI:-}" = true ]; then exit 99; fi
  exit 77
}

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect_error CODE PATTERN CMD...: the command must exit with CODE and print
# exactly one line to stderr that matches PATTERN (grep -E).
expect_error() {
  code=$1 pattern=$2
  shift 2
  err=$("$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" -ne "$code" ]; then
    fail "$* exited $rc, expected $code; stderr: $err"
    return
  fi
  if [ "$(printf '%s\n' "$err" | grep -c .)" -ne 1 ]; then
    fail "$*: expected one error line, got: $err"
    return
  fi
  printf '%s\n' "$err" | grep -Eq -- "$pattern" || fail "$*: error '$err' does not match '$pattern'"
}

# A folder for this test's files, removed when the test exits. scratch
# prints a new folder inside it, so d=$(scratch) works (the cleanup belongs
# to the test's own shell, not to the $(...) subshell).
RN_TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/radnow-test.XXXXXX")
trap 'rm -rf "$RN_TEST_TMP"' EXIT
scratch() {
  mktemp -d "$RN_TEST_TMP/s.XXXXXX"
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
  fi
  exit 0
}
