#!/bin/sh
# skill_neural.sh - the shipped MotionRNN-MIM against persistence and
# optical-flow extrapolation on the FMI composites (2016-09-28, 5-min),
# everything on the model grid: the 760 x 1226 (1 km) composites averaged
# to 2 km (380 x 613), which the model covers in 64 x 64 tiles.
#
#   bench/skill_neural.sh [OUT]      (default OUT: skill-neural)
#
# SKILL_PREDICTORS replaces the list of predictors, SKILL_WEIGHTS the
# weights file (default: the shipped etc/models/motionrnn-mim.weights.h5),
# SKILL_MATCH the network's probability matching (none or newest; default:
# the predictor's default).
#
# Every cycle from 15:05 (the first with five input frames) to 17:30 (the
# last whose 30-minute lead is observed) is run with `radnow run`; then
# `radnow verify` scores all forecasts against the composites gridded the
# same way, once for every cycle and once for the cycles whose inputs and
# verifying frames all lie in the part of the day training never saw
# (16:30-17:55, the archive's test split; bench/train_motionrnn_mim.sh).
# Prints CSI at 30/40 dBZ at 30 minutes; reports in OUT/verify-*.
set -eu
out=${1:-skill-neural}
: "${RADNOW:=./radnow}"
: "${RADNOW_TESTDATA:=../shared/data/radar}"
# OpenMP threads sleep while they wait (see train_motionrnn_mim.sh): on a
# shared machine spinning threads make the network's many small operations
# many times slower. Scores do not depend on it.
: "${OMP_WAIT_POLICY:=passive}"
export OMP_WAIT_POLICY
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
fmi=$RADNOW_TESTDATA/composites/fmi_pgm_20160928
rm -rf "$out"
mkdir -p "$out"

# The FMI grid (PGM header: polar stereographic, sphere 6371288 m) at 2 km.
cat >"$out/radnow.conf" <<EOF
[input]
patterns = $fmi/*.pgm.gz
step = 5
[state]
dir = $out/state
keep = 48
[products]
dir = $out/products
retention = 0
geotiff = no
[run]
predictors = ${SKILL_PREDICTORS:-persistence, extrapolation, motionrnn-mim}
max_age = 15
wait = 0
[grid]
crs = +proj=stere +lat_0=90 +lat_ts=60 +lon_0=25 +R=6371288 +units=m +no_defs
extent = -380886.305, -3395677.910, 378865.975, -2170133.261
res = 2000
resample = average
[predictor.extrapolation]
leads = 6
[predictor.persistence]
leads = 6
[predictor.motionrnn-mim]
weights = ${SKILL_WEIGHTS:-$top/etc/models/motionrnn-mim.weights.h5}
model_res = 2000
tile_overlap = 16
${SKILL_MATCH:+match = $SKILL_MATCH}
[verify]
thresholds = 30, 40, 50
scales = 1, 3, 9
ssim = no
EOF

# Cycles every 5 minutes; a cycle before the model has its inputs fails
# for that predictor alone and is not scored.
s=$(date -u -d "2016-09-28 15:05" +%s)
while [ "$s" -le "$(date -u -d "2016-09-28 17:30" +%s)" ]; do
  "$RADNOW" --log error run -c "$out/radnow.conf" --time "$(date -u -d "@$s" +%Y%m%d%H%M)" \
    >/dev/null || true
  s=$((s + 300))
done

score() { # NAME FIRST LAST: verify the cycles FIRST..LAST
  mkdir -p "$out/sel-$1"
  for c in "$out"/products/2016*; do
    s=$(basename "$c")
    [ "$s" -ge "$2" ] && [ "$s" -le "$3" ] && ln -sfn "$(cd "$c" && pwd)" "$out/sel-$1/$s"
  done
  "$RADNOW" --log warn verify -c "$out/radnow.conf" --forecast "$out/sel-$1" --obs "$fmi" \
    --out "$out/verify-$1" --title "FMI 2016-09-28, 2 km: $1" >/dev/null
  echo "$1 cycles $2-$3: CSI at +30 min (pooled over those cycles)"
  printf "  %-16s %7s %7s\n" predictor CSI30 CSI40
  awk -F, 'NR > 1 && $2 == 30 && $5 == "csi" && ($3 == 30 || $3 == 40) {
             v[$1, $3] = $6; p[$1] = 1 }
           END { for (k in p) printf "  %-16s %7.3f %7.3f\n", k, v[k, 30], v[k, 40] }' \
    "$out/verify-$1/scores.csv" | sort
}
score all 201609281505 201609281730
# the test part only: inputs from 16:30 (five frames: first cycle 16:50),
# verifying frames up to 17:55 (+30 min of the 17:25 cycle)
score test 201609281650 201609281725
