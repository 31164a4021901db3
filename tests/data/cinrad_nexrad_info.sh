#!/bin/sh
# radnow info --json on every CINRAD and NEXRAD sample of the corpus. The
# expected numbers were printed by tests/tools/radar_facts.py, a decoder
# written with Python's struct/bz2/gzip modules from the published layouts,
# independently of the C readers (see its header for the conventions it
# applies: split cuts merged, finest gate spacing, gate-0 centres). Sites
# the files lack come from etc/stations.csv (sources in that file).
. "$top_srcdir/tests/testlib.sh"
need_corpus
v="$RADNOW_TESTDATA/volumes"

# jget KEY JSON: the scalar value of KEY (strings without quotes).
jget() { printf '%s\n' "$2" | sed -n "s/.*\"$1\":\(\"\([^\"]*\)\"\|\([^,}]*\)\).*/\2\3/p"; }
# jall KEY JSON: every value of KEY inside the sweeps, space separated.
jall() {
  printf '%s\n' "$2" | sed 's/.*"sweeps":\[//; s/\],"nx".*//' | grep -o "\"$1\":[^,}]*" |
    sed "s/\"$1\"://" | tr '\n' ' ' | sed 's/ $//'
}
# same WHAT GOT WANT TOL: two lists of numbers equal within TOL
same() {
  awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN {
    n = split(g, a, " "); m = split(w, b, " "); if (n != m) exit 1
    for (i = 1; i <= n; i++) { d = a[i] - b[i]; if (d < 0) d = -d; if (d > t) exit 1 }
  }' || fail "$1: $2, expected $3"
}
rep() { r=""; for i in $(seq "$1"); do r="$r $2"; done; echo $r; }

# check FILE FORMAT VERSION SOURCE LAT LON HEIGHT TIME NAME_TIME VCP MAX_DBZ
#       "ELEVATIONS" "RAYS" "GATES" "SPACING" "FIRST_GATE" "SWEEP_MAX_DBZ"
check() {
  f=$1
  j=$("$RADNOW" info --json "$f") || { fail "radnow info --json $f failed"; return; }
  [ "$(jget format "$j")" = "$2" ] || fail "$f: format $(jget format "$j"), expected $2"
  [ "$(jget version "$j")" = "$3" ] || fail "$f: version $(jget version "$j"), expected $3"
  [ "$(jget source "$j")" = "$4" ] || fail "$f: source $(jget source "$j"), expected $4"
  same "$f: lat" "$(jget lat "$j")" "$5" 1e-6
  same "$f: lon" "$(jget lon "$j")" "$6" 1e-6
  same "$f: height" "$(jget height "$j")" "$7" 1e-6
  [ "$(jget time "$j")" = "$8" ] || fail "$f: time $(jget time "$j"), expected $8"
  [ "$(jget time_from_name "$j")" = "$9" ] || fail "$f: name time $(jget time_from_name "$j"), expected $9"
  shift 9
  [ "$(jget vcp "$j")" = "$1" ] || fail "$f: vcp $(jget vcp "$j"), expected $1"
  [ "$(jget scan_type "$j")" = PPI ] || fail "$f: scan type $(jget scan_type "$j")"
  [ "$(jget object "$j")" = PVOL ] || fail "$f: object $(jget object "$j")"
  same "$f: max_dbz" "$(printf '%s\n' "$j" | sed 's/.*"max_dbz":\([^,}]*\),"notes".*/\1/')" "$2" 1e-4
  same "$f: elevations" "$(jall elevation "$j")" "$3" 1e-4
  same "$f: rays" "$(jall nrays "$j")" "$4" 0
  same "$f: gates" "$(jall ngates "$j")" "$5" 0
  same "$f: gate spacing" "$(jall gate_spacing "$j")" "$6" 0
  same "$f: first gate" "$(jall first_gate "$j")" "$7" 0
  same "$f: sweep max_dbz" "$(jall max_dbz "$j")" "$8" 1e-4 # float32 values
}

# Zhumadian SB: 3960 records of 2432 bytes, VCP 21; 11 cuts, the two lowest
# split (reflectivity-only + Doppler-only) -> 9 sweeps; reflectivity 460 x
# 1 km repeated onto the 250 m Doppler gates (1840); no site in the file.
check "$v/cinrad/Z9396_BASE_SB_20180724_055400.bin.bz2" CINRAD/SA-SB 2432-byte \
  "NOD:Z9396,PLC:驻马店 Zhumadian" 33.009722 114.019722 189.1 \
  2018-07-24T05:56:51Z 2018-07-24T05:54:00Z 21 47.5 \
  "0.4999 1.4447 2.3950 3.3453 4.2957 5.9985 9.8987 14.5953 19.4952" \
  "$(rep 9 360)" "$(rep 9 1840)" "$(rep 9 250)" "$(rep 9 125)" \
  "47.5 47.0 47.0 36.0 40.0 17.0 19.0 22.0 15.5"

# Aksu CINRAD/CC: 14 cuts x 512 radials x 500 gates of 300 m; Beijing time.
check "$v/cinrad/2016070817.48V.gz" CINRAD/CC "" "NOD:Z9997,PLC:阿克苏" \
  41.16333333 80.235 1126 2016-07-08T09:43:07Z 2016-07-08T09:48:00Z null 60.5 \
  "0.5 1.5 2.4 3.4 4.3 5.3 6.69 7.5 8.69 10 12 14 16.7 19.5" \
  "$(rep 14 512)" "$(rep 14 500)" "$(rep 14 300)" "$(rep 14 150)" \
  "60.5 59.3 57.0 54.6 55.2 53.1 50.4 49.0 48.4 46.5 41.0 40.1 39.9 38.1"
"$RADNOW" info "$v/cinrad/2016070817.48V.gz" | grep -q "local Beijing time (UTC+8), converted to UTC" ||
  fail "CC: info does not say the header time was local"

# ZG170 standard format v2.0: 5 cuts x 363 radials, 75 m gates, 8 moments.
check "$v/cinrad/Z_RADR_I_ZG170_20260329064800_O_DOR_YTD2_CAP_FMT.bin.bz2" CINRAD/STD/2.0 2.0 \
  "NOD:ZG170,PLC:ZG170" 23.14472198 113.0105591 100 2026-03-29T06:48:00Z 2026-03-29T06:48:00Z \
  null 56.5 "1.8 2.79 3.8 4.79 5.8" "$(rep 5 363)" "$(rep 5 973)" "$(rep 5 75)" "$(rep 5 37.5)" \
  "54.5 55.0 54.5 56.5 56.5"
j=$("$RADNOW" info --json "$v/cinrad/Z_RADR_I_ZG170_20260329064800_O_DOR_YTD2_CAP_FMT.bin.bz2")
for q in TH DBZH VRADH WRADH ZDR RHOHV PHIDP KDP; do
  printf '%s\n' "$j" | grep -q "\"$q\"" || fail "ZG170: no $q"
done

# KLBB AR2V0006 (message 31, bzip2 LDM records), VCP 21 with two split cuts.
check "$v/nexrad/KLBB20160601_150025_V06" NEXRAD-L2/AR2V0006 AR2V0006 NOD:KLBB \
  33.65414047 -101.8141632 1029 2016-06-01T15:00:25Z 2016-06-01T15:00:25Z 21 59.5 \
  "0.5273 1.4502 2.4170 3.3838 4.3066 6.0205 9.8877 14.5898 19.5117" \
  "720 720 360 360 360 360 360 360 360" "1832 1632 1312 1076 908 696 448 308 232" \
  "$(rep 9 250)" "$(rep 9 2125)" "59.5 59.0 58.5 57.0 53.5 51.5 54.5 48.5 54.5"

# KLIX Katrina AR2V0001 (message 1, whole file gzipped), VCP 11; no site block.
check "$v/nexrad/KLIX20050828_180149.gz" NEXRAD-L2/AR2V0001 AR2V0001 NOD:KLIX \
  30.33667 -89.82528 7.3 2005-08-28T18:01:29Z 2005-08-28T18:01:49Z 11 54.0 \
  "0.3955 1.4062 2.2852 3.2959 4.1748 5.1855 6.1084 7.3828 8.5693 9.9316 11.9531 13.8867 16.6553 19.3799" \
  "367 367 367 367 367 367 366 367 366 366 365 364 363 362" \
  "1838 1422 1422 1070 862 862 702 546 506 438 398 358 318 278" "$(rep 14 250)" "$(rep 14 125)" \
  "54.0 52.0 53.0 48.5 47.0 38.0 32.5 34.5 44.5 43.0 27.5 30.5 33.5 19.0"

# An RHI made from the standard-format sample (task scan type 2): info reads it.
d=$(scratch)
bzip2 -dc "$v/cinrad/Z_RADR_I_ZG170_20260329064800_O_DOR_YTD2_CAP_FMT.bin.bz2" >"$d/std_FMT.bin"
"$top_builddir/tests/tools/radar_mkbad" scan "$d/std_FMT.bin" "$d/rhi_FMT.bin" 2 || fail "radar_mkbad scan"
j=$("$RADNOW" info --json "$d/rhi_FMT.bin") || fail "radnow info on an RHI failed"
[ "$(jget scan_type "$j")" = RHI ] || fail "RHI: scan type $(jget scan_type "$j")"
[ "$(jget object "$j")" = ELEV ] || fail "RHI: object $(jget object "$j")"
# ... and gridding refuses it, and the sector scan, with one clear line.
expect_error 2 "rhi_FMT.bin: RHI scan: only PPI volumes and scans over the full circle can be gridded" \
  "$RADNOW" grid -o "$d/rhi.nc" "$d/rhi_FMT.bin"
[ ! -e "$d/rhi.nc" ] || fail "radnow grid wrote a frame of an RHI"
"$top_builddir/tests/tools/radar_mkbad" scan "$d/std_FMT.bin" "$d/sector_FMT.bin" 3 || fail "radar_mkbad scan"
j=$("$RADNOW" info --json "$d/sector_FMT.bin") || fail "radnow info on a sector scan failed"
[ "$(jget scan_type "$j")" = sector ] || fail "sector: scan type $(jget scan_type "$j")"
expect_error 2 "sector_FMT.bin: sector scan: only PPI" "$RADNOW" grid -o "$d/sector.nc" "$d/sector_FMT.bin"
finish
