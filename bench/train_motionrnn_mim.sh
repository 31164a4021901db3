#!/bin/sh
# train_motionrnn_mim.sh - how etc/models/motionrnn-mim.weights.h5 is made
# (bench/RESULTS.md records a run): training archives from `radnow synth`
# scenes and the FMI composites, `radnow train` on the synthetic archive
# (MSE), then fine-tuning with the balanced MSE, first on the synthetic
# archive, then on it and the FMI training part together, and the export.
#
#   bench/train_motionrnn_mim.sh STAGE [WORK]
#     data    synthetic scenes (seeds 101-140, one UTC day each) and the FMI
#             composites as archives on a 2 km model grid
#     synth   stage 1: bench/train_motionrnn_mim_synth.conf (MSE)
#     fmi     stage 2: bench/train_motionrnn_mim_fmi.conf, from stage 1's best
#             (MSE; the weights shipped before the balanced loss)
#     bmse    stage 3: bench/train_motionrnn_mim_bmse.conf, stage 1's best
#             fine-tuned with the balanced MSE on the synthetic archive
#     bmse-fmi  stage 4: bench/train_motionrnn_mim_bmse_fmi.conf, stage 3's
#             best fine-tuned with the balanced MSE on the FMI training part
#     mix     stage 5: bench/train_motionrnn_mim_mix.conf, stage 3's best
#             fine-tuned with the balanced MSE on the synthetic archive and
#             the FMI training part together (half the windows from each)
#     export  the shipped weights: the EMA weights of stage 5's best.h5 (or
#             WORK/$EXPORT_FROM) -> etc/models/motionrnn-mim.weights.h5
#     all     data, synth, bmse, mix and export in turn
# WORK (default ./train-work) holds everything; the training stages can be
# interrupted (SIGINT/SIGTERM) and continue with the same command (they
# resume from WORK/STAGE/checkpoint.h5). RADNOW is the program
# (default ./radnow), RADNOW_TESTDATA the radar corpus.
set -eu
stage=${1:-all}
work=${2:-train-work}
: "${RADNOW:=./radnow}"
: "${RADNOW_TESTDATA:=../shared/data/radar}"
# On a machine shared with other jobs, OpenMP threads that spin while they
# wait for each other lose most of their time (measured: 2 threads took 10x
# the CPU time of 1); waiting threads sleep instead.
: "${OMP_WAIT_POLICY:=passive}"
export OMP_WAIT_POLICY
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
mkdir -p "$work"

data() {
  # 40 scenes of 3 hours (36 frames, 5 min) on days 2024-07-01 + (seed - 101):
  # the default split by day (day mod 10 == 8 validation, == 9 test) keeps
  # 4 of them for validation and 4 for testing. The truth field on a 2 km
  # grid (160 x 160 over the 320 km range circle); training crops 64 x 64
  # windows from it. The scene of `radnow demo` (seed 1) is not among them.
  mkdir -p "$work/synth"
  for seed in $(seq 101 140); do
    day=$(date -u -d "2024-07-01 + $((seed - 101)) days" +%Y%m%d)
    [ -d "$work/synth/truth/$seed" ] && continue
    "$RADNOW" --log warn synth --out "$work/synth/vol" --seed "$seed" --start "${day}1400" \
      --count 36 --range 160 --gate 4000 --rays 36 --elevations 0.5 \
      --truth "$work/synth/truth.tmp" --size 160 >/dev/null
    mv "$work/synth/truth.tmp" "$work/synth/truth/$seed" 2>/dev/null ||
      { mkdir -p "$work/synth/truth" && mv "$work/synth/truth.tmp" "$work/synth/truth/$seed"; }
    rm -rf "$work/synth/vol"
  done
  cat >"$work/synth/archive.conf" <<EOF
[archive]
size = none
EOF
  "$RADNOW" --log warn archive -c "$work/synth/archive.conf" -o "$work/synth.nc" "$work/synth/truth"
  # FMI, 2016-09-28 14:45-18:00: the 760 x 1226 (1 km) composite averaged to
  # 2 km (380 x 613). 90-minute periods from midnight: 16:30-17:55 is the test
  # part (never trained on), the rest trains.
  cat >"$work/fmi.conf" <<EOF
[archive]
size = none
res = 2000
split_minutes = 90
split_cycle = 3
split_validation = -1
split_test = 1
EOF
  "$RADNOW" --log warn archive -c "$work/fmi.conf" -o "$work/fmi.nc" \
    "$RADNOW_TESTDATA/composites/fmi_pgm_20160928"
}

train() { # train NAME CONF [extra --set ...]: a stage, resumed when it has a checkpoint
  name=$1 conf=$2
  shift 2
  set -- --set output.dir="$work/$name" \
    --set model.definition="$top/etc/models/motionrnn-mim.ini" "$@"
  if [ -f "$work/$name/checkpoint.h5" ]; then
    "$RADNOW" train -c "$conf" "$@" --resume "$work/$name/checkpoint.h5"
  else
    "$RADNOW" train -c "$conf" "$@"
  fi
}

finetune() { # finetune NAME CONF FROM [extra --set ...]: a stage that starts from
  # the best weights of stage FROM (exported, so Adam starts afresh)
  name=$1 conf=$2 from=$3
  shift 3
  [ -f "$work/$from-best.weights.h5" ] ||
    "$RADNOW" train --export "$work/$from/best.h5" -o "$work/$from-best.weights.h5"
  train "$name" "$conf" --set train.init="$work/$from-best.weights.h5" "$@"
}

case $stage in
data) data ;;
synth) train synth "$here/train_motionrnn_mim_synth.conf" --set data.archive="$work/synth.nc" ;;
fmi)
  finetune fmi "$here/train_motionrnn_mim_fmi.conf" synth --set data.archive="$work/fmi.nc" \
    --set data.valid_archive="$work/synth.nc"
  ;;
bmse)
  finetune bmse "$here/train_motionrnn_mim_bmse.conf" synth --set data.archive="$work/synth.nc"
  ;;
bmse-fmi)
  finetune bmse-fmi "$here/train_motionrnn_mim_bmse_fmi.conf" bmse \
    --set data.archive="$work/fmi.nc" --set data.valid_archive="$work/synth.nc"
  ;;
mix)
  finetune mix "$here/train_motionrnn_mim_mix.conf" bmse \
    --set data.archive="$work/synth.nc, $work/fmi.nc" --set data.valid_archive="$work/synth.nc"
  ;;
export)
  "$RADNOW" train --export "$work/${EXPORT_FROM:-mix/best.h5}" \
    -o "$top/etc/models/motionrnn-mim.weights.h5"
  ;;
all)
  "$0" data "$work" && "$0" synth "$work" && "$0" bmse "$work" && "$0" mix "$work" &&
    "$0" export "$work"
  ;;
*)
  echo "usage: $0 data|synth|fmi|bmse|bmse-fmi|mix|export|all [WORK]" >&2
  exit 1
  ;;
esac
