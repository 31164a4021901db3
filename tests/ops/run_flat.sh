#!/bin/sh
# Fields without structure: no echo anywhere, and a constant 35 dBZ
# everywhere. Every predictor gives valid products (no NaN, no crash): the
# dry day forecasts no echo and 0 % everywhere, the flat field keeps its value.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/ops/opslib.sh"
need_tool gdalinfo
d=$(scratch)
setup_ops "$d" 64
sed -i 's/^predictors = persistence$/predictors = persistence, extrapolation, extrapolation-ens/' "$d/radnow.conf"
printf '[predictor.extrapolation-ens]\nmembers = 4\n' >>"$d/radnow.conf"

# stat FILE KEY: a band statistic as gdalinfo -stats computes it.
stat() { gdalinfo -stats "$1" 2>/dev/null | sed -n "s/^ *STATISTICS_$2=//p" | head -n 1; }

for case in dry:-32 flat:35; do
  name=${case%%:*} value=${case#*:}
  rm -rf "$d/in" "$d/state" "$d/products" && mkdir -p "$d/in"
  "$MKFRAMES" "$d/in" 202002071300 8 5 64 "$value" || fail "mkframes $case"
  run_ops "$d" --time 202002071335 || { fail "$name: run exited $?: $(cat "$d/err")"; continue; }
  c=$d/products/202002071335
  for p in persistence extrapolation extrapolation-ens; do
    for lead in 005 060; do
      f=$c/${p}_202002071335_+${lead}min_dbz.tif
      min=$(stat "$f" MINIMUM) max=$(stat "$f" MAXIMUM) valid=$(stat "$f" VALID_PERCENT)
      [ "$valid" = 100 ] || fail "$name: $p +$lead: $valid % valid pixels, want 100 (no NaN)"
      [ "$min" = "$value" ] && [ "$max" = "$value" ] ||
        fail "$name: $p +$lead: dBZ from $min to $max, want $value everywhere"
    done
  done
  for t in 30 40 50; do
    f=$c/extrapolation-ens_202002071335_+060min_prob$t.tif
    want=0
    [ "$name" = flat ] && [ $t -le 35 ] && want=100
    [ "$(stat "$f" MINIMUM)" = $want ] && [ "$(stat "$f" MAXIMUM)" = $want ] ||
      fail "$name: P(dBZ >= $t) at +60 min from $(stat "$f" MINIMUM) to $(stat "$f" MAXIMUM) %, want $want"
  done
done
finish
