#!/bin/sh
# Two radars: the files of one time make one composite frame, and a second
# radar's file that arrives late makes the cycle grid that time again.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/ops/opslib.sh"
need_tool gdalinfo
d=$(scratch)
setup_ops "$d"
opts="--count 3 --range 60 --gate 1000 --elevations 0.5,1.5 --rays 180"
"$RADNOW" --log warn synth --out "$d/a" --site 50.0,8.0 $opts >/dev/null || fail "synth a"
"$RADNOW" --log warn synth --out "$d/b" --site 50.0,9.2 $opts >/dev/null || fail "synth b"
mkdir -p "$d/in_a" "$d/in_b"
for f in "$d"/a/*.h5; do mv "$f" "$d/in_a/a_$(basename "$f")"; done
cat >"$d/two.conf" <<CONF
[input]
patterns = $d/in_a/*.h5, $d/in_b/*.h5
[state]
dir = $d/state
[products]
dir = $d/products
[run]
predictors = persistence
wait = 0
[predictor.persistence]
inputs = 3
[grid]
center = 50.0,8.6
size = 240x140
res = 1000
CONF
valid() {
  gdalinfo -stats "$d/products/202406151410/persistence_202406151410_+005min_dbz.tif" 2>/dev/null |
    sed -n 's/^ *STATISTICS_VALID_PERCENT=//p' | head -n 1
}

# Radar a alone.
"$RADNOW" run -c "$d/two.conf" --time 202406151410 >/dev/null 2>"$d/err" ||
  fail "run with one radar exited $?: $(cat "$d/err")"
one=$(valid)

# Radar b's files arrive: every time is gridded again, now from both radars.
for f in "$d"/b/*.h5; do mv "$f" "$d/in_b/b_$(basename "$f")"; done
"$RADNOW" run -c "$d/two.conf" --time 202406151410 >/dev/null 2>"$d/err" ||
  fail "run with two radars exited $?: $(cat "$d/err")"
grep -q "3 frame(s) gridded" "$d/err" || fail "late radar did not regrid: $(grep gather "$d/err")"
[ "$(grep -c "gather: 2024-06-15T14:[01][05]:00Z: 2 file(s) gridded\|gather: 2024-06-15T14:00:00Z: 2 file(s) gridded" "$d/err")" -eq 3 ] ||
  fail "slots not composited from 2 files: $(grep 'gather: 2024' "$d/err")"
two=$(valid)
[ -n "$one" ] && [ -n "$two" ] || fail "no statistics ($one, $two)"
awk -v a="$one" -v b="$two" 'BEGIN { exit !(b > a + 20) }' ||
  fail "composite covers $two % of the grid, one radar $one %: not both radars"
finish
