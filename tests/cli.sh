#!/bin/sh
# The radnow program: help, version, unknown commands, devices.
. "$top_srcdir/tests/testlib.sh"

"$RADNOW" --help | grep -q "^usage: radnow" || fail "--help does not print usage"
"$RADNOW" --version | grep -Eq "^radnow [0-9]+\.[0-9]+" || fail "--version"
expect_error 1 "'frobnicate' is not a command" "$RADNOW" frobnicate
expect_error 1 "unknown option --bogus" sh -c "\"$RADNOW\" --bogus 2>&1 >/dev/null | head -1 >&2; exit 1"
out=$("$RADNOW" info --devices) || fail "info --devices exited non-zero"
printf '%s\n' "$out" | grep -q "^cpu: " || fail "info --devices does not list the CPU"
printf '%s\n' "$out" | grep -Eq "^cuda(:[0-9]+: .*compute capability|: no CUDA device)" ||
  fail "info --devices says nothing clear about CUDA: $out"
expect_error 2 "no/such/file.h5: No such file" "$RADNOW" info no/such/file.h5
finish
