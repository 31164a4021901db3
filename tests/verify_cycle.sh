#!/bin/sh
# radnow run, then radnow verify on its products: three cycles of the
# persistence predictor scored against the input frames. The run's
# persistence must score exactly as verify's own obs-persistence.
. "$top_srcdir/tests/testlib.sh"
d=$(scratch)
mkdir -p "$d/in"
"$top_builddir/tests/ops/mkframes" "$d/in" 202002071300 20 5 64 || { echo "mkframes failed"; exit 99; }
cat >"$d/radnow.conf" <<CONF
[input]
patterns = $d/in/*.nc
step = 5
[state]
dir = $d/state
[products]
dir = $d/products
geotiff = no
[run]
predictors = persistence
inputs = 4
leads = 12
wait = 0
CONF
for t in 202002071320 202002071325 202002071330; do
  "$RADNOW" --log error run -c "$d/radnow.conf" --time $t >/dev/null || fail "radnow run --time $t"
done
# The cycle's products: CF forecast files, or (until it writes them) one frame per lead.
cf=
for f in $(find "$d/products" -name '*.nc' | head -1); do
  ncdump -h "$f" 2>/dev/null | grep -q forecast_reference_time && cf=yes
done
if [ -n "$cf" ]; then
  set -- --forecast "$d/products"
else
  set -- --forecast-frames "persistence=$d/products"
fi
"$RADNOW" --log error verify "$@" --persistence --obs "$d/in" --out "$d/out" >"$d/stdout" ||
  fail "verify exited $?"
cat "$d/stdout"
grep -q '^persistence,all,30,,csi,' "$d/out/scores.csv" || fail "no pooled CSI of the run's persistence"
# 3 cycles x 12 leads; valid times up to 14:30, frames up to 14:35: nothing missing
grep -q '^persistence,all,,,missing_cases,0,36,' "$d/out/scores.csv" ||
  fail "expected 36 cases, none missing: $(grep '^persistence,all,,,missing_cases' "$d/out/scores.csv")"
for score in csi,30 csi,40 fss,30; do
  s=${score%,*} q=${score#*,}
  a=$(grep "^persistence,all,$q,[0-9]*,$s," "$d/out/scores.csv" | cut -d, -f4,6 | tr '\n' ' ')
  b=$(grep "^obs-persistence,all,$q,[0-9]*,$s," "$d/out/scores.csv" | cut -d, -f4,6 | tr '\n' ' ')
  [ -n "$a" ] && [ "$a" = "$b" ] || fail "$s at $q: run's persistence '$a', obs-persistence '$b'"
done
# persistence of a moving cell: CSI falls with lead time
c5=$(sed -n 's/^persistence,5,30,,csi,\([^,]*\),.*/\1/p' "$d/out/scores.csv")
c60=$(sed -n 's/^persistence,60,30,,csi,\([^,]*\),.*/\1/p' "$d/out/scores.csv")
awk -v a="$c5" -v b="$c60" 'BEGIN { exit !(a > b) }' || fail "CSI30 at 5 min ($c5) not above 60 min ($c60)"
finish
