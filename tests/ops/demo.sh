#!/bin/sh
# radnow demo: synthetic volumes -> cycles -> products -> scores, with no
# outside data. The printed CSI table must agree with `radnow verify` run
# separately on the published forecast files and the truth frames; two runs
# give the same products; a foreign folder is refused. The shipped
# MotionRNN-MIM runs beside extrapolation: its products exist, every lead's
# values are finite dBZ, with no data exactly where persistence has none.
. "$top_srcdir/tests/testlib.sh"
need_tool gdalinfo
need_tool ncdump
need_tool gdal_translate
d=$(scratch)
mkdir -p "$d"

"$RADNOW" demo --out "$d/demo" --cycles 2 >"$d/out" 2>"$d/err" ||
  fail "demo exited $?: $(cat "$d/err")"
cat "$d/out"
grep -q "^radnow demo: 2 nowcast cycles" "$d/out" || fail "no cycle summary"
[ "$(grep -c '^  cycle 2024-06-15T' "$d/out")" -eq 2 ] || fail "expected 2 cycle lines"
grep -q "^  predictor  *CSI30  *CSI40  *CSI50$" "$d/out" || fail "no CSI table"
[ -s "$d/demo/products/latest.json" ] || fail "no latest.json"
[ -s "$d/demo/verify/report.html" ] || fail "no report"
ls "$d/demo/truth/"truth_*.nc >/dev/null 2>&1 || fail "no truth frames"
[ ! -s "$d/err" ] || fail "demo logged at its default level: $(cat "$d/err")"
ref=$(sed -n 's/.*"reference_time": "\(.*\)",*$/\1/p' "$d/demo/products/latest.json" | head -n 1)
last=$(sed -n 's/^  cycle \([^:]*:[^:]*:[^:]*Z\): .*/\1/p' "$d/out" | tail -n 1)
[ -n "$ref" ] && [ "$ref" = "$last" ] || fail "latest.json names $ref, the last cycle was $last"
for p in persistence extrapolation extrapolation-ens motionrnn-mim; do
  grep -q "^  $p  *[0-9]" "$d/out" || fail "$p missing from the CSI table"
done
for f in $(sed -n 's/.*"file": "\([^"]*\.tif\)".*/\1/p' "$d/demo/products/latest.json"); do
  gdalinfo "$d/demo/products/$f" >/dev/null 2>&1 || fail "product $f does not open"
done

# The neural forecast: a NetCDF of 6 leads (30 min) and a dBZ GeoTIFF per
# lead whose every pixel is a finite dBZ value, with no data (-9999) exactly
# where persistence (the newest frame) has none.
nc="$d/demo/products/$(sed -n 's/.*"file": "\([^"]*motionrnn-mim_[^"]*_forecast\.nc\)".*/\1/p' "$d/demo/products/latest.json")"
[ -f "$nc" ] || fail "no motionrnn-mim forecast NetCDF in latest.json"
ncdump -h "$nc" 2>/dev/null | grep -q "time = 6 ;" || fail "$nc: not 6 leads"
census() { # FILE: "pixels nodata non-numbers out-of-range min max"
  GDAL_PAM_ENABLED=NO gdal_translate -q -of XYZ "$1" /vsistdout/ 2>/dev/null |
    awk '$3 !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ { bad++; next }
         $3 == -9999 { nd++; next }
         { if ($3 < -32 || $3 > 95) out++; if (n++ == 0 || $3 < lo) lo = $3; if ($3 > hi || n == 1) hi = $3 }
         END { print NR, nd + 0, bad + 0, out + 0, lo, hi }'
}
nlead=0
for f in $(sed -n 's/.*"file": "\([^"]*motionrnn-mim_[^"]*_dbz\.tif\)".*/\1/p' "$d/demo/products/latest.json"); do
  f="$d/demo/products/$f"
  set -- $(census "$f")
  pers=$(census "$(echo "$f" | sed 's,/motionrnn-mim_\([^/]*\)$,/persistence_\1,')" | cut -d' ' -f2)
  echo "$(basename "$f"): $1 pixels, $2 no data (persistence $pers), $3 not numbers, $4 out of range, $5 to $6 dBZ"
  [ "${1:-0}" -eq 90000 ] || fail "$f: $1 pixels, want 300 x 300"
  [ "${3:-1}" -eq 0 ] && [ "${4:-1}" -eq 0 ] || fail "$f: $3 non-finite and $4 out-of-range values"
  [ -n "$pers" ] && [ "$2" = "$pers" ] || fail "$f: $2 no-data pixels, persistence $pers"
  nlead=$((nlead + 1))
done
[ $nlead -eq 6 ] || fail "expected 6 motionrnn-mim dBZ GeoTIFFs, found $nlead"

# The same scores from the command-line verifier, reading the files.
"$RADNOW" --log error verify --forecast "$d/demo/products" --obs "$d/demo/truth" \
  --out "$d/v" >/dev/null || fail "radnow verify on the demo's files exited $?"
compared=0
for p in $(sed -n 's/^  \([a-z.-]*\)  *[0-9.-]*  *[0-9.-]*  *[0-9.-]*$/\1/p' "$d/out"); do
  for k in 1 2 3; do
    thr=$((20 + 10 * k))
    printed=$(sed -n "s/^  $p  *//p" "$d/out" | head -n 1 | awk -v k=$k '{print $k}')
    csv=$(grep "^$p,all,$thr,,csi," "$d/v/scores.csv" | cut -d, -f6)
    [ -n "$csv" ] || { fail "no pooled CSI$thr of $p in scores.csv"; continue; }
    want=$(awk -v x="$csv" 'BEGIN { printf "%.3f", x }')
    [ "$printed" = "$want" ] || fail "$p CSI$thr: demo printed $printed, radnow verify says $want"
    compared=$((compared + 1))
  done
done
[ $compared -ge 3 ] || fail "compared only $compared CSI values with radnow verify"
grep -q "^  persistence " "$d/out" || fail "persistence missing from the table"

# Deterministic: a second run rewrites the same products.
(cd "$d/demo/products" && find . -type f | LC_ALL=C sort | xargs md5sum) >"$d/sums1"
"$RADNOW" demo --out "$d/demo" --cycles 2 >/dev/null 2>&1 || fail "second demo exited $?"
(cd "$d/demo/products" && find . -type f | LC_ALL=C sort | xargs md5sum) >"$d/sums2"
cmp -s "$d/sums1" "$d/sums2" || fail "the demo is not repeatable"

# A folder that holds something else is refused, untouched.
mkdir -p "$d/foreign" && echo keep >"$d/foreign/notes.txt"
expect_error 1 "foreign is not empty and was not made by radnow demo" "$RADNOW" demo --out "$d/foreign"
[ "$(cat "$d/foreign/notes.txt")" = keep ] || fail "demo touched a foreign folder"
finish
