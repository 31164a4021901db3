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

# Rasters: a truncated gzip PGM, a truncated GeoTIFF, an unknown encoding, a PGM without
# an FMI header and without an encoding.
pgm="$RADNOW_TESTDATA/composites/fmi_pgm_20160928/201609281445_fmi.radar.composite.lowest_FIN_SUOMI1.pgm.gz"
head -c 20000 "$pgm" > "$d/truncated.pgm.gz"
expect_error 2 "raster: .*truncated.pgm.gz: (pixels cannot be read|GDAL cannot open)" "$RADNOW" info "$d/truncated.pgm.gz"
tif="$RADNOW_TESTDATA/composites/fmi_geotiff_20160928/201609281445_FINUTM.tif"
head -c 300000 "$tif" > "$d/truncated.tif"
expect_error 2 "raster: .*truncated.tif: (pixels cannot be read|GDAL cannot open)" "$RADNOW" info "$d/truncated.tif"
printf 'P5\n4 2\n255\n\001\002\003\004\005\006\007\010' > "$d/plain.pgm"
expect_error 1 "raster: .*plain.pgm: integer pixels and no encoding in the file" "$RADNOW" info "$d/plain.pgm"
knmi="$RADNOW_TESTDATA/composites/knmi_201008/08/RAD_NL25_RAP_5min_201008260000.h5"
head -c 30000 "$knmi" > "$d/truncated_knmi.h5"
expect_error 2 "truncated_knmi.h5: HDF5 cannot open the file" "$RADNOW" info "$d/truncated_knmi.h5"

# An HDF5 file that is no radar format at all (a NetCDF-4 file without CfRadial variables
# is HDF5 underneath; ncgen is not needed: HDF5 written by mkradar without /what is above).
"$mk" odim "$d/good.h5" || fail "mkradar odim"
"$RADNOW" info "$d/good.h5" > /dev/null || fail "the synthetic ODIM file does not read"
# Compressed copies read like the originals (HDF5 from memory, NetCDF from memory).
knmivol="$RADNOW_TESTDATA/volumes/odim_pvol_knmi/knmi_polar_volume.h5"
gzip -c "$knmivol" > "$d/knmi.h5.gz"
bzip2 -c "$mll" > "$d/mll.nc.bz2"
for pair in "$knmivol:$d/knmi.h5.gz" "$mll:$d/mll.nc.bz2"; do
  a=$("$RADNOW" info --json "${pair%%:*}" | sed 's/"time_from_name":[^,]*,//')
  b=$("$RADNOW" info --json "${pair#*:}" | sed 's/"time_from_name":[^,]*,//')
  [ -n "$a" ] && [ "$a" = "$b" ] || fail "compressed ${pair#*:} differs from ${pair%%:*}"
done

# JSON strings are escaped: the synthetic source holds double quotes.
"$RADNOW" info --json "$d/good.h5" | grep -q '"source":"NOD:test,PLC:Synthetic \\"quoted\\"",' ||
  fail "JSON escaping of the source: $("$RADNOW" info --json "$d/good.h5")"
# Several files: one good, one bad -> the good one is described, one error line, exit 2.
out=$("$RADNOW" info --json "$d/good.h5" "$d/random.bin" 2>"$d/err")
rc=$?
[ "$rc" -eq 2 ] || fail "info good+bad exited $rc"
[ "$(printf '%s\n' "$out" | grep -c '^{')" -eq 1 ] || fail "info good+bad: $out"
[ "$(grep -c . "$d/err")" -eq 1 ] || fail "info good+bad: stderr $(cat "$d/err")"
finish
