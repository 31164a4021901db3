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

# scratch: a new temporary folder, removed when the test exits. It is called
# as d=$(scratch), in a subshell, so the folder is listed in a file named
# after the test shell's PID ($$ is the same in the subshell) and removed by
# the test shell's EXIT trap (a trap set in the subshell would fire at once).
scratch_list="${TMPDIR:-/tmp}/radnow-scratch.$$"
scratch_cleanup() {
  if [ -f "$scratch_list" ]; then
    while IFS= read -r dir; do rm -rf "$dir"; done <"$scratch_list"
    rm -f "$scratch_list"
  fi
}
trap scratch_cleanup EXIT
scratch() {
  dir=$(mktemp -d "${TMPDIR:-/tmp}/radnow-test.XXXXXX") || return 1
  echo "$dir" >>"$scratch_list"
  echo "$dir"
}

finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
  fi
  exit 0
}
