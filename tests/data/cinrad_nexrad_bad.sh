#!/bin/sh
# Bad CINRAD and NEXRAD input: each made here, at test time, from the corpus
# samples (nothing derived from them is committed). Each must give exactly
# one clear error line and a non-zero exit (2: input unusable, 1: the site
# must be given), never a crash (the sanitizer build runs this too).
. "$top_srcdir/tests/testlib.sh"
need_corpus
need_tool bzip2
need_tool gzip
need_tool gdalinfo
MKBAD=$top_builddir/tests/tools/radar_mkbad
V=$RADNOW_TESTDATA/volumes
SB=$V/cinrad/Z9396_BASE_SB_20180724_055400.bin.bz2
CC=$V/cinrad/2016070817.48V.gz
STD=$V/cinrad/Z_RADR_I_ZG170_20260329064800_O_DOR_YTD2_CAP_FMT.bin.bz2
KLBB=$V/nexrad/KLBB20160601_150025_V06
KLIX=$V/nexrad/KLIX20050828_180149.gz
d=$(scratch)

# overwrite FILE OFFSET: eight 0x55 bytes at OFFSET
overwrite() {
  printf 'UUUUUUUU' | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# --- CINRAD SA/SB legacy records (station code kept in every name) ---
bzip2 -dc "$SB" >"$d/Z9396_sb.bin"
head -c $((2432 * 100 + 1000)) "$d/Z9396_sb.bin" >"$d/Z9396_trunc.bin"
expect_error 2 "cinrad: .*Z9396_trunc.bin: truncated: the file ends 1000 bytes into record 101" \
  "$RADNOW" info "$d/Z9396_trunc.bin"
"$MKBAD" records "$d/Z9396_sb.bin" "$d/Z9396_2440.bin" || fail "radar_mkbad records"
expect_error 2 "cinrad: .*Z9396_2440.bin: wrong record size" "$RADNOW" info "$d/Z9396_2440.bin"
head -c 300000 "$SB" >"$d/Z9396_trunc.bin.bz2"
expect_error 2 "Z9396_trunc.bin.bz2: bzip2 stream is truncated" "$RADNOW" info "$d/Z9396_trunc.bin.bz2"
cp "$SB" "$d/Z9396_corrupt.bin.bz2" && chmod u+w "$d/Z9396_corrupt.bin.bz2"
overwrite "$d/Z9396_corrupt.bin.bz2" 250000
expect_error 2 "Z9396_corrupt.bin.bz2: bzip2 stream is corrupt" "$RADNOW" info "$d/Z9396_corrupt.bin.bz2"
cp "$SB" "$d/nocode.bin.bz2"
expect_error 1 "no site coordinates and its name holds no station code.*--site LAT,LON,HEIGHT, or \[input\] site" \
  "$RADNOW" info "$d/nocode.bin.bz2"
cp "$SB" "$d/Z9999_BASE_SB.bin.bz2"
expect_error 1 "station Z9999 is not in .*stations.csv: give the site \(--site LAT,LON,HEIGHT" \
  "$RADNOW" info "$d/Z9999_BASE_SB.bin.bz2"
expect_error 1 "site '33,114' is not LAT,LON,HEIGHT" "$RADNOW" info --site 33,114 "$d/nocode.bin.bz2"
"$RADNOW" info --site 33.0,114.0,100 "$d/nocode.bin.bz2" >/dev/null || fail "--site not taken"
# radnow grid locates such a file the same ways: --site, or [input] site of -c CONF
expect_error 1 "no site coordinates and its name holds no station code" \
  "$RADNOW" grid -o "$d/nocode.nc" "$d/nocode.bin.bz2"
[ ! -e "$d/nocode.nc" ] || fail "radnow grid wrote a frame for a file it could not place"
"$RADNOW" grid --site 33.0,114.0,100 --size 100x100 -o "$d/site.nc" "$d/nocode.bin.bz2" ||
  fail "radnow grid --site not taken"
gdalinfo "$d/site.nc" 2>/dev/null | grep -q '"Latitude of natural origin",33' ||
  fail "radnow grid --site: the grid is not centred on the given site"
printf '[input]\nsite = 33.0,114.0,100\n' >"$d/site.conf"
"$RADNOW" grid -c "$d/site.conf" --size 100x100 -o "$d/site2.nc" "$d/nocode.bin.bz2" ||
  fail "radnow grid: [input] site of -c CONF not taken"
gdalinfo "$d/site2.nc" 2>/dev/null | grep -q '"Latitude of natural origin",33' ||
  fail "radnow grid: [input] site of -c CONF: the grid is not centred on it"

# --- CINRAD/CC ---
gzip -dc "$CC" >"$d/cc.48V"
head -c $((1024 + 3000 * 700 + 1500)) "$d/cc.48V" >"$d/cc_trunc.48V"
expect_error 2 "cinrad: .*cc_trunc.48V: truncated: 2102524 bytes, but the 14 cuts the header describes need 21505024" \
  "$RADNOW" info "$d/cc_trunc.48V"
head -c 1000000 "$CC" >"$d/cc_trunc.48V.gz"
expect_error 2 "cc_trunc.48V.gz: gzip stream is truncated" "$RADNOW" info "$d/cc_trunc.48V.gz"
head -c 1000 "$d/cc.48V" >"$d/cc_header.48V"
expect_error 2 "cc_header.48V: truncated: 1000 bytes, the header alone is 1024" "$RADNOW" info "$d/cc_header.48V"

# --- CINRAD standard format ---
bzip2 -dc "$STD" >"$d/std_FMT.bin"
head -c 5000000 "$d/std_FMT.bin" >"$d/std_trunc_FMT.bin"
expect_error 2 "cinrad: .*std_trunc_FMT.bin: truncated: radial [0-9]+ needs [0-9]+ data bytes" \
  "$RADNOW" info "$d/std_trunc_FMT.bin"
"$MKBAD" cuts "$d/std_FMT.bin" "$d/std_cuts_FMT.bin" 100000 || fail "radar_mkbad cuts"
expect_error 2 "std_cuts_FMT.bin: task: impossible cut count 100000" "$RADNOW" info "$d/std_cuts_FMT.bin"
"$MKBAD" cuts "$d/std_FMT.bin" "$d/std_cuts0_FMT.bin" -3 || fail "radar_mkbad cuts"
expect_error 2 "std_cuts0_FMT.bin: task: impossible cut count -3" "$RADNOW" info "$d/std_cuts0_FMT.bin"
"$MKBAD" cuts "$d/std_FMT.bin" "$d/std_cuts2_FMT.bin" 2 || fail "radar_mkbad cuts"
expect_error 2 "std_cuts2_FMT.bin: radial 1: impossible header" "$RADNOW" info "$d/std_cuts2_FMT.bin"
# LZO: the compressed variant reads to exactly the same volume; a block
# that does not decompress is an error.
"$MKBAD" lzo "$d/std_FMT.bin" "$d/std_lzo_FMT.bin" || fail "radar_mkbad lzo"
[ "$(wc -c <"$d/std_lzo_FMT.bin")" -lt "$(wc -c <"$d/std_FMT.bin")" ] || fail "LZO variant not smaller"
"$MKBAD" compare "$d/std_FMT.bin" "$d/std_lzo_FMT.bin" >/dev/null || fail "LZO radials read differently"
"$MKBAD" lzo-corrupt "$d/std_FMT.bin" "$d/std_badlzo_FMT.bin" || fail "radar_mkbad lzo-corrupt"
expect_error 2 "std_badlzo_FMT.bin: radial 101: [A-Z]+: LZO block does not decompress" \
  "$RADNOW" info "$d/std_badlzo_FMT.bin"

# --- NEXRAD Level II ---
head -c 1000000 "$KLBB" >"$d/KLBB_trunc_V06"
expect_error 2 "nexrad: .*KLBB_trunc_V06: truncated: LDM record [0-9]+ needs" "$RADNOW" info "$d/KLBB_trunc_V06"
cp "$KLBB" "$d/KLBB_corrupt_V06" && chmod u+w "$d/KLBB_corrupt_V06"
overwrite "$d/KLBB_corrupt_V06" 2000000
expect_error 2 "nexrad: .*KLBB_corrupt_V06: LDM record [0-9]+: bzip2 stream is corrupt" \
  "$RADNOW" info "$d/KLBB_corrupt_V06"
gzip -dc "$KLIX" >"$d/KLIX_legacy"
head -c $((24 + 2432 * 3000 + 100)) "$d/KLIX_legacy" >"$d/KLIX_trunc"
expect_error 2 "nexrad: .*KLIX_trunc: byte [0-9]+: truncated message 1" "$RADNOW" info "$d/KLIX_trunc"
head -c 700000 "$KLIX" >"$d/KLIX_trunc.gz"
expect_error 2 "KLIX_trunc.gz: gzip stream is truncated" "$RADNOW" info "$d/KLIX_trunc.gz"
head -c 30 "$KLBB" >"$d/KLBB_header_V06"
expect_error 2 "nexrad: .*KLBB_header_V06: truncated" "$RADNOW" info "$d/KLBB_header_V06"

# --- not radar data at all ---
printf 'this is not a radar file\n' >"$d/text.bin"
expect_error 2 "text.bin: not a radar file radnow can read" "$RADNOW" info "$d/text.bin"
finish
