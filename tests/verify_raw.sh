#!/bin/sh
# radnow verify with raw radar volumes as observations: gridded on the fly
# onto the forecast grid, exactly as `radnow grid` grids them (synthetic
# volumes and truth frames from radnow synth).
. "$top_srcdir/tests/testlib.sh"
d=$(scratch)

"$RADNOW" --log error synth --out "$d/vol" --count 4 --step 6 --start 202002071300 --range 60 \
  --elevations 0.5,1.5,3 --truth "$d/truth" --size 120 >/dev/null || { echo "synth failed"; exit 99; }

# The truth frames as the forecast of a cycle issued at 13:00 (leads 0 .. 18 min).
fc="truth@202002071300=$d/truth"

# 1. raw volumes as observations
"$RADNOW" --log error verify --forecast-frames "$fc" --obs "$d/vol" --out "$d/raw" >"$d/raw.txt" ||
  fail "verify with raw volumes exited non-zero"
# 2. the same volumes gridded first with radnow grid onto the truth grid
mkdir -p "$d/gridded"
for f in "$d"/vol/*.h5; do
  b=$(basename "$f" .h5)
  "$RADNOW" --log error grid --size 120x120 --res 1000 -o "$d/gridded/$b.nc" "$f" ||
    fail "radnow grid $f"
done
"$RADNOW" --log error verify --forecast-frames "$fc" --obs "$d/gridded" --out "$d/grid" >"$d/grid.txt" ||
  fail "verify with gridded frames exited non-zero"
cmp -s "$d/raw/scores.csv" "$d/grid/scores.csv" ||
  fail "scores differ between raw volumes and the same volumes gridded by radnow grid: $(diff "$d/raw/scores.csv" "$d/grid/scores.csv" | head -5)"
grep -q '^truth,all,30,,csi,' "$d/raw/scores.csv" || fail "no pooled CSI row"
csi=$(sed -n 's/^truth,all,30,,csi,\([^,]*\),.*/\1/p' "$d/raw/scores.csv")
awk -v c="$csi" 'BEGIN { exit !(c > 0.5 && c < 1) }' || fail "CSI30 of truth against gridded volumes is $csi"
# 3. the truth against itself: perfect
"$RADNOW" --log error verify --forecast-frames "$fc" --obs "$d/truth" --out "$d/self" >"$d/self.txt" ||
  fail "verify truth against truth"
grep -Eq "^truth +1\.0000 +1\.0000 +1\.0000" "$d/self.txt" || fail "truth against itself: $(cat "$d/self.txt")"

expect_error 1 "time-tolerance 'x'" "$RADNOW" verify --forecast-frames "$fc" --obs "$d/vol" --time-tolerance x
finish
