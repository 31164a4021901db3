#!/bin/sh
# radnow verify on the real Helchteren (RMI) ODIM_H5 sequence, 13:00-13:35:
# the volumes gridded by radnow grid and used as a forecast match the same
# raw volumes gridded on the fly (CSI 1 at every lead, though the scan times
# carry seconds), and persistence is scored at every 5-min lead.
. "$top_srcdir/tests/testlib.sh"
need_corpus
src=$RADNOW_TESTDATA/volumes/odim_pvol_behel_seq
d=$(scratch)
mkdir -p "$d/g"
for f in "$src"/*; do
  b=$(basename "$f")
  "$RADNOW" --log error grid --size 200x200 --res 1000 -o "$d/g/${b%%.*}.nc" "$f" || fail "radnow grid $b"
done
"$RADNOW" --log error verify --forecast-frames "gridded@202002071300=$d/g" --persistence \
  --obs "$src" --thresholds 20,30,40 --out "$d/out" >"$d/stdout" || fail "verify exited non-zero"
cat "$d/stdout"
grep -Eq "^gridded +1\.0000 +1\.0000 +1\.0000" "$d/stdout" || fail "gridded volumes do not match the raw ones"
for lead in 0 5 10 15 20 25 30 35; do
  grep -q "^obs-persistence,$lead,30,,csi," "$d/out/scores.csv" || fail "no persistence CSI at lead $lead"
done
grep -q '^obs-persistence,0,30,,csi,1,' "$d/out/scores.csv" || fail "persistence at lead 0 is not perfect"
c35=$(sed -n 's/^obs-persistence,35,20,,csi,\([^,]*\),.*/\1/p' "$d/out/scores.csv")
awk -v c="$c35" 'BEGIN { exit !(c > 0 && c < 0.9) }' || fail "persistence CSI20 at 35 min is $c35"
grep -q '^obs-persistence,all,,,missing_cases,0,' "$d/out/scores.csv" || fail "missing observations"
# Files named without a time stamp are timed by their content: the scans
# start a few seconds after the minute, so with no tolerance nothing matches
# and every forecast is reported missing.
mkdir -p "$d/unnamed"
k=0
for f in "$src"/*; do
  k=$((k + 1))
  ln -s "$f" "$d/unnamed/volume_$k.hdf"
done
expect_error 2 "no forecast could be matched" sh -c "\"$RADNOW\" --log error verify \
  --forecast-frames \"gridded@202002071300=$d/g\" --obs \"$d/unnamed\" --time-tolerance 0 \
  --out \"$d/tol0\" >/dev/null"
"$RADNOW" --log error verify --forecast-frames "gridded@202002071300=$d/g" --obs "$d/unnamed" \
  --out "$d/tol60" >"$d/tol60.txt" || fail "content-timed volumes do not match within 60 s"
grep -Eq "^gridded +1\.0000 +1\.0000 +1\.0000" "$d/tol60.txt" || fail "content-timed volumes: $(cat "$d/tol60.txt")"
grep -q '^gridded,all,,,missing_cases,8,' "$d/tol0/scores.csv" || fail "8 missing expected with tolerance 0"
finish
