#!/bin/sh
# radnow synth: ODIM_H5 volumes as h5dump (not radnow) reads them, truth
# frames as ncdump reads them, reproducibility, and clear errors.
. "$top_srcdir/tests/testlib.sh"
need_tool h5dump
need_tool ncdump
d=$(mktemp -d "${TMPDIR:-/tmp}/radnow-test.XXXXXX")
trap 'rm -rf "$d"' EXIT

# attr FILE PATH: the first value of an attribute, without quotes.
attr() { h5dump -a "$2" "$1" 2>/dev/null | sed -n 's/^ *(0): //p' | head -1 | tr -d '"' | sed 's/, .*//; s/,$//'; }
# values FILE DATASET: every value of a dataset, one line per row.
values() { h5dump -A 0 -d "$2" -y -w 0 "$1" | sed -n '/DATA {/,/}/p' | tr -c '0-9\n' ' '; }
expect_attr() {
  v=$(attr "$1" "$2")
  [ "$v" = "$3" ] || fail "$(basename "$1"): $2 = '$v', expected '$3'"
}

"$RADNOW" synth --out "$d/a" --count 3 --step 6 --start 202002071300 --seed 7 \
  --site 51.5,4.5,50 --range 120 --elevations 0.5,1.5,3,6 \
  --truth "$d/truth" --truth-product cappi:1500 --size 120 >"$d/a.list" ||
  fail "radnow synth failed"
[ "$(ls "$d/a" | tr '\n' ' ')" = "synth_pvol_202002071300.h5 synth_pvol_202002071306.h5 synth_pvol_202002071312.h5 " ] ||
  fail "volume files: $(ls "$d/a")"
[ "$(grep -c . "$d/a.list")" -eq 6 ] || fail "expected 6 files listed: $(cat "$d/a.list")"

f=$d/a/synth_pvol_202002071306.h5
expect_attr "$f" /Conventions "ODIM_H5/V2_2"
expect_attr "$f" /what/object PVOL
expect_attr "$f" /what/version "H5rad 2.2"
expect_attr "$f" /what/date 20200207
expect_attr "$f" /what/time 130600
expect_attr "$f" /where/lat 51.5
expect_attr "$f" /where/lon 4.5
expect_attr "$f" /where/height 50
expect_attr "$f" /how/simulated True
attr "$f" /what/source | grep -q "^NOD:" || fail "what/source is not an ODIM source string"
[ "$(h5dump -n "$f" | grep -c 'group      /dataset[0-9]*$')" -eq 4 ] || fail "expected 4 datasets"
k=1
for el in 0.5 1.5 3 6; do
  expect_attr "$f" /dataset$k/where/elangle $el
  expect_attr "$f" /dataset$k/where/nrays 360
  expect_attr "$f" /dataset$k/where/nbins 240
  expect_attr "$f" /dataset$k/where/rscale 500
  expect_attr "$f" /dataset$k/where/rstart 0
  expect_attr "$f" /dataset$k/what/product SCAN
  expect_attr "$f" /dataset$k/what/startdate 20200207
  expect_attr "$f" /dataset$k/data1/what/quantity DBZH
  expect_attr "$f" /dataset$k/data2/what/quantity TH
  for q in 1 2; do
    expect_attr "$f" /dataset$k/data$q/what/gain 0.5
    expect_attr "$f" /dataset$k/data$q/what/offset -32
    expect_attr "$f" /dataset$k/data$q/what/nodata 255
    expect_attr "$f" /dataset$k/data$q/what/undetect 0
  done
  a1=$(attr "$f" /dataset$k/where/a1gate)
  [ "$a1" -ge 0 ] && [ "$a1" -lt 360 ] || fail "dataset$k: a1gate $a1"
  h5dump -H -a /dataset$k/how/startazA "$f" | grep -q 'SIMPLE { ( 360 ) / ( 360 ) }' ||
    fail "dataset$k: startazA is not 360 values"
  h5dump -H -d /dataset$k/data1/data "$f" | grep -q 'H5T_STD_U8LE' || fail "dataset$k: not uint8"
  h5dump -H -d /dataset$k/data1/data "$f" | grep -q 'SIMPLE { ( 360, 240 ) / ( 360, 240 ) }' ||
    fail "dataset$k: data is not 360 x 240"
  k=$((k + 1))
done
expect_attr "$f" /dataset1/what/starttime 130600
# sweeps follow one another within the step
[ "$(attr "$f" /dataset4/what/starttime)" \> 130600 ] || fail "dataset4 starts with dataset1"
[ "$(attr "$f" /dataset4/what/endtime)" \< 131200 ] || fail "the volume overruns its step"
# ray 0 covers azimuths 0-1 degree; its time lies inside the sweep
expect_attr "$f" /dataset1/how/startazA 0
expect_attr "$f" /dataset1/how/stopazA 1

# The values as h5dump decodes them: echoes up to 45-66 dBZ, undetect common,
# nodata absent; TH has clutter near the radar that DBZH has not.
values "$f" /dataset1/data1/data |
  awk '{ for (i = 1; i <= NF; i++) { n++; if ($i == 0) u++; if ($i == 255) nd++; if ($i > m) m = $i } }
       END { printf "%d %d %d %d\n", n, u, nd, m }' >"$d/stats"
read n u nd max <"$d/stats"
echo "dataset1 DBZH: $n gates, $u undetect, $nd nodata, max code $max ($((max / 2 - 32)) dBZ)"
[ "$n" -eq 86400 ] || fail "dataset1: $n values"
[ "$nd" -eq 0 ] || fail "dataset1: nodata present"
[ "$u" -gt 1000 ] && [ "$u" -lt 86000 ] || fail "dataset1: $u undetect gates"
[ "$max" -ge 154 ] && [ "$max" -le 196 ] || fail "dataset1: max code $max"
clutter=$(values "$f" /dataset1/data2/data |
  awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s }')
dbzh=$(values "$f" /dataset1/data1/data |
  awk '{ for (i = 1; i <= NF; i++) s += $i } END { print s }')
[ "$clutter" -gt "$dbzh" ] || fail "TH ($clutter) shows no more echo than DBZH ($dbzh)"

# radnow's own ODIM reader sees what was asked for: sweeps, elevations, site,
# times, geometry, and the same maximum as h5dump.
for v in 130000 130600 131200; do
  "$RADNOW" info --json "$d/a/synth_pvol_20200207${v%00}.h5" >"$d/info.$v.json" ||
    fail "radnow info cannot read synth_pvol_20200207${v%00}.h5"
done
/usr/bin/python3 - "$d" "$max" <<'PY' || fail "radnow info disagrees with the request"
import json, sys
d, maxcode = sys.argv[1], int(sys.argv[2])
for hhmmss in ("130000", "130600", "131200"):
    i = json.load(open(f"{d}/info.{hhmmss}.json"))
    assert i["format"] == "ODIM_H5/V2_2" and i["object"] == "PVOL", i["format"]
    assert (i["lat"], i["lon"], i["height"]) == (51.5, 4.5, 50), (i["lat"], i["lon"], i["height"])
    t = f"2020-02-07T{hhmmss[:2]}:{hhmmss[2:4]}:00Z"
    assert i["time"] == t and i["time_from_name"] == t, (i["time"], t)
    sw = i["sweeps"]
    assert [s["elevation"] for s in sw] == [0.5, 1.5, 3, 6], [s["elevation"] for s in sw]
    for s in sw:
        assert (s["nrays"], s["ngates"], s["gate_spacing"], s["first_gate"]) == (360, 240, 500, 250), s
        assert s["quantities"] == ["DBZH", "TH"], s["quantities"]
    if hhmmss == "130600":
        assert sw[0]["max_dbz"] == 0.5 * maxcode - 32, (sw[0]["max_dbz"], maxcode)
PY

# truth frames
t=$d/truth/synth_truth_cappi1500_202002071306.nc
ncdump -h "$t" >"$d/truth.cdl" || fail "truth frame unreadable"
grep -q 'float dbz(time, y, x)' "$d/truth.cdl" || fail "truth: no dbz(time, y, x)"
grep -q 'x = 120 ;' "$d/truth.cdl" && grep -q 'y = 120 ;' "$d/truth.cdl" || fail "truth: not 120 x 120"
grep -q 'radnow_product = "cappi:1500"' "$d/truth.cdl" || fail "truth: product attribute"
ncdump -v time "$t" | grep -q 'time = 1581080760 ;' || fail "truth: time is not 2020-02-07T13:06Z"

# Reproducible: same options, same bytes; fewer volumes are a prefix; another
# seed differs.
"$RADNOW" synth --out "$d/b" --count 2 --step 6 --start 202002071300 --seed 7 \
  --site 51.5,4.5,50 --range 120 --elevations 0.5,1.5,3,6 >/dev/null || fail "second run"
for v in synth_pvol_202002071300.h5 synth_pvol_202002071306.h5; do
  cmp -s "$d/a/$v" "$d/b/$v" || fail "$v differs between identical runs"
done
"$RADNOW" synth --out "$d/c" --count 1 --step 6 --start 202002071300 --seed 8 \
  --site 51.5,4.5,50 --range 120 --elevations 0.5,1.5,3,6 >/dev/null || fail "third run"
cmp -s "$d/a/synth_pvol_202002071300.h5" "$d/c/synth_pvol_202002071300.h5" &&
  fail "seeds 7 and 8 give the same volume"

# Bad options: exit 1, one line, nothing written; unwritable output: exit 4.
expect_error 1 "--count '0'" "$RADNOW" synth --out "$d/e" --count 0
expect_error 1 "site 95, 0" "$RADNOW" synth --out "$d/e" --site 95,0
expect_error 1 "--site '1'" "$RADNOW" synth --out "$d/e" --site 1
expect_error 1 "elevations must ascend" "$RADNOW" synth --out "$d/e" --elevations 1,0.5
expect_error 1 "--out DIR is required" "$RADNOW" synth --count 1
expect_error 1 "truth product 'bogus'" "$RADNOW" synth --out "$d/e" --truth "$d/et" --truth-product bogus
expect_error 1 "--start 'yesterday'" "$RADNOW" synth --out "$d/e" --start yesterday
[ ! -e "$d/e" ] || fail "a failed synth left $d/e"
touch "$d/file"
expect_error 4 "$d/file/x" "$RADNOW" synth --out "$d/file/x" --count 1

# A full disk: exit 4, one line, complete files only. As root a 600 KiB
# tmpfs (the first volume fits); otherwise RLIMIT_FSIZE of 200 KiB.
full=$d/full
mkdir -p "$full"
mode=ulimit
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=600k radnow-test "$full" 2>/dev/null; then
  mode=tmpfs
  trap 'umount "$full"; rm -rf "$d"' EXIT
fi
echo "full disk through $mode"
err=$(if [ $mode = tmpfs ]; then
        "$RADNOW" synth --out "$full/v" --truth "$full/t" --count 3 --range 120 --elevations 0.5,1.5,3,6
      else
        (ulimit -f 400; trap '' XFSZ; exec "$RADNOW" synth --out "$full/v" --truth "$full/t" \
          --count 3 --range 120 --elevations 0.5,1.5,3,6)
      fi 2>&1 >/dev/null)
rc=$?
[ $rc -eq 4 ] || fail "full disk: exit $rc, expected 4 ($err)"
[ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ] || fail "full disk: expected one line: $err"
printf '%s\n' "$err" | grep -Eq "^radnow: (odim|netcdf): $full/[vt]/synth_.*: (No space left on device|File too large)$" ||
  fail "full disk: unclear error: $err"
for f in $(ls -A "$full/v" "$full/t" 2>/dev/null | grep -v ':$' | grep .); do
  case $f in synth_pvol_*.h5|synth_truth_*.nc) ;; *) fail "full disk left $f" ;; esac
done
for f in "$full"/v/*.h5; do
  [ -f "$f" ] || continue
  h5dump -A 0 -d /dataset4/data2/data "$f" >/dev/null 2>&1 || fail "$(basename "$f") is incomplete"
done
finish
