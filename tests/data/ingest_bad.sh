#!/bin/sh
# Bad input for every reader: each case gives exactly one error line naming
# the file and the problem, exit code 2 (input unusable), no crash. The broken
# files are made here at run time (tests/tools/mkradar, head -c, dd), never
# committed. Run under ASan/UBSan by .ci/run as well.
. "$top_srcdir/tests/testlib.sh"
need_corpus
mk="$top_builddir/tests/tools/mkradar"
# (not $(scratch): its EXIT trap would run in the command substitution's subshell)
d=$(mktemp -d "${TMPDIR:-/tmp}/radnow-test.XXXXXX")
trap 'rm -rf "$d"' EXIT
behel="$RADNOW_TESTDATA/volumes/odim_pvol_behel_seq/20200207130000.rad.behel.pvol.dbzh.scanz.hdf"

# Truncated HDF5, random bytes, an empty file, a missing file.
head -c 200000 "$behel" > "$d/truncated.h5"
expect_error 2 "truncated.h5: HDF5 cannot open the file \(truncated or corrupt\)" "$RADNOW" info "$d/truncated.h5"
head -c 4096 /dev/urandom > "$d/random.bin"
expect_error 2 "random.bin: not a radar file radnow can read" "$RADNOW" info "$d/random.bin"
: > "$d/empty.h5"
expect_error 2 "empty.h5: file is empty" "$RADNOW" info "$d/empty.h5"
expect_error 2 "nothere.h5: No such file" "$RADNOW" info "$d/nothere.h5"

# Corrupted compressed data inside a valid HDF5 structure (bytes 20000-20999
# lie in the first sweep's deflated chunk).
cp "$behel" "$d/corrupt.h5" && chmod u+w "$d/corrupt.h5"
dd if=/dev/zero of="$d/corrupt.h5" bs=1 seek=20000 count=1000 conv=notrunc 2>/dev/null
expect_error 2 "corrupt.h5: /dataset1/data1/data: compressed data are corrupt" "$RADNOW" info "$d/corrupt.h5"

# ODIM files broken in one way each.
"$mk" odim "$d/nowhat.h5" nowhat || fail "mkradar nowhat"
expect_error 2 "odim: .*nowhat.h5: /what: group missing" "$RADNOW" info "$d/nowhat.h5"
"$mk" odim "$d/nogain.h5" nogain || fail "mkradar nogain"
expect_error 2 "odim: .*nogain.h5: /dataset2/data1: 'gain' missing" "$RADNOW" info "$d/nogain.h5"
"$mk" odim "$d/zerorays.h5" zerorays || fail "mkradar zerorays"
expect_error 2 "odim: .*zerorays.h5: /dataset1/data1/data: zero rays" "$RADNOW" info "$d/zerorays.h5"
expect_error 2 "odim: .*20200207130000.*: quantity 'NOSUCH' not in the file \(it has DBZH\)" \
  "$RADNOW" info --quantity NOSUCH "$behel"
# CfRadial without range, and with zero rays.
"$mk" cfradial "$d/norange.nc" norange || fail "mkradar norange"
expect_error 2 "cfradial: .*norange.nc: 'range' variable missing" "$RADNOW" info "$d/norange.nc"
"$mk" cfradial "$d/zerorays.nc" zerorays || fail "mkradar cfradial zerorays"
expect_error 2 "cfradial: .*zerorays.nc: zero rays" "$RADNOW" info "$d/zerorays.nc"
mll="$RADNOW_TESTDATA/volumes/cfradial/MLL2217907250U.003.nc"
head -c 100000 "$mll" > "$d/truncated.nc"
expect_error 2 "truncated.nc: .*(truncated|corrupt)" "$RADNOW" info "$d/truncated.nc"
expect_error 2 "cfradial: .*MLL2217907250U.003.nc: quantity 'DBZX' not in the file" \
  "$RADNOW" info --quantity DBZX "$mll"

# An HDF5 file that is no radar format at all (a NetCDF-4 file without CfRadial variables
# is HDF5 underneath; ncgen is not needed: HDF5 written by mkradar without /what is above).
"$mk" odim "$d/good.h5" || fail "mkradar odim"
"$RADNOW" info "$d/good.h5" > /dev/null || fail "the synthetic ODIM file does not read"
finish
