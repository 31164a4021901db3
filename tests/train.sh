#!/bin/sh
# radnow archive and radnow train on a tiny model: the archive CLI with a gap
# and the split; training twice with one seed gives the same losses; a run
# resumed from a checkpoint repeats the uninterrupted one bit for bit; a
# checkpoint of another network is refused; SIGTERM writes a checkpoint; the
# trained model runs as a predictor in radnow run and writes products.
. "$top_srcdir/tests/testlib.sh"
need_tool ncdump
need_tool h5dump
need_tool gdalinfo
d=$(mktemp -d "${TMPDIR:-/tmp}/radnow-train.XXXXXX") || exit 99
trap 'rm -rf "$d"' EXIT
R="$RADNOW --threads 2 --log warn"

# ---- a synthetic scene: 18 truth frames of 32 x 32, 14:00-15:25, 5 min ----
$RADNOW --log warn synth --out "$d/vol" --count 18 --truth "$d/truth" --size 32 --rays 60 \
  --elevations 0.5 --gate 2000 --range 80 >/dev/null || fail "synth exited $?"
rm -f "$d/truth/synth_truth_pcappi_202406151420.nc" # a gap: 14:20 missing

# ---- archive: 16 x 16 model grid; 30-minute periods, every third validation ----
cat >"$d/archive.conf" <<EOF
[archive]
size = 16x16
split_minutes = 30
split_cycle = 3
split_validation = 2
split_test = -1
EOF
$R archive -c "$d/archive.conf" -o "$d/a.nc" "$d/truth" >"$d/archive.out" ||
  fail "archive exited $?: $(cat "$d/archive.out")"
grep -q '17 frames of 16 x 16, 2024-06-15T14:00:00Z to 2024-06-15T15:25:00Z, step 5 min, 2 segment(s)' \
  "$d/archive.out" || fail "archive summary: $(cat "$d/archive.out")"
# 14:00-14:15 segment 0, 14:25 on segment 1; period k = floor(t / 1800):
# 14:00 is k = 954700 (mod 3 = 1: train), 14:30-14:55 k mod 3 = 2
# (validation), 15:00 on train again.
ncdump -v segment,split "$d/a.nc" | tr -d ' \n' >"$d/vars"
grep -q 'segment=0,0,0,0,1,1,1,1,1,1,1,1,1,1,1,1,1;' "$d/vars" || fail "segments: $(cat "$d/vars")"
grep -q 'split=0,0,0,0,0,1,1,1,1,1,1,0,0,0,0,0,0;' "$d/vars" || fail "splits: $(cat "$d/vars")"
ncdump -h "$d/a.nc" | grep -q 'ubyte dbz(time, y, x)' || fail "dbz is not ubyte (time, y, x)"
expect_error 2 'archive: .*/nothing: No such file' $R archive -c "$d/archive.conf" -o "$d/b.nc" "$d/nothing"

# ---- training: a tiny ConvLSTM (16 x 16, patch 4, 8 channels, 2 -> 2 frames) ----
cat >"$d/train.conf" <<EOF
[model]
definition = $top_srcdir/etc/models/convlstm.ini
hidden = 8
height = 16
width = 16
input_length = 2
output_length = 2
[data]
archive = $d/a.nc
flip = yes
rotate = yes
[train]
seed = 7
iterations = 8
batch = 2
device = cpu
lr = 0.01
clip = 1
ema = 0.9
eta_step = 0.2
reverse_input = yes
[validation]
every = 4
windows = 3
batch = 2
[output]
dir = $d/run1
checkpoint_every = 4
EOF
$R train -c "$d/train.conf" || fail "train exited $?"
$R train -c "$d/train.conf" --set output.dir="$d/run2" || fail "second train exited $?"
for f in checkpoint.h5 best.h5 train.csv valid.csv; do
  [ -s "$d/run1/$f" ] || fail "run1/$f missing"
done
[ "$(grep -c . "$d/run1/train.csv")" -eq 9 ] || fail "train.csv: $(cat "$d/run1/train.csv")"
[ "$(grep -c . "$d/run1/valid.csv")" -eq 3 ] || fail "valid.csv: $(cat "$d/run1/valid.csv")"
# same seed, same thread count: the same losses, learning rates, eta, norms
cut -d, -f1-5 "$d/run1/train.csv" >"$d/l1"
cut -d, -f1-5 "$d/run2/train.csv" >"$d/l2"
cmp -s "$d/l1" "$d/l2" || fail "two runs with one seed differ: $(paste -d' ' "$d/l1" "$d/l2")"
# the losses are numbers and the model learns something
awk -F, 'NR > 1 && !($2 > 0 && $2 < 1) { bad = 1 } END { exit bad }' "$d/run1/train.csv" ||
  fail "losses out of range: $(cat "$d/run1/train.csv")"

# resume: 3 iterations, then on to 8 from the checkpoint = the 8 of run1
$R train -c "$d/train.conf" --set output.dir="$d/run3" --set train.iterations=3 \
  --set output.checkpoint_every=0 || fail "short train exited $?"
h5dump -a /iteration "$d/run3/checkpoint.h5" | grep -q '(0): 3' || fail "checkpoint iteration is not 3"
$R train -c "$d/train.conf" --set output.dir="$d/run3" --resume "$d/run3/checkpoint.h5" ||
  fail "resumed train exited $?"
cut -d, -f1-5 "$d/run3/train.csv" >"$d/l3"
cmp -s "$d/l1" "$d/l3" || fail "resumed run differs: $(paste -d' ' "$d/l1" "$d/l3")"

# a checkpoint of another network, a weights file, a bad option
expect_error 1 'checkpoint: .*/run1/checkpoint.h5: model: hidden: 4 here, 8 in the checkpoint' \
  $R train -c "$d/train.conf" --set model.hidden=4 --resume "$d/run1/checkpoint.h5"
$R train --export "$d/run1/best.h5" -o "$d/w.h5" >/dev/null || fail "export exited $?"
h5dump -A "$d/w.h5" | grep -q '"weights"' || fail "exported file is not a weights file"
expect_error 1 'w.h5: a weights file, not a full checkpoint' \
  $R train -c "$d/train.conf" --resume "$d/w.h5"
expect_error 1 '\[train\] bogus: unknown option' $R train -c "$d/train.conf" --set train.bogus=1

# ---- the balanced MSE (model.h: loss = bmse): from the mse weights of run1
# (a checkpoint written before bmse existed reads the same way), kept in the
# checkpoint's definition, resumed ----
$R train -c "$d/train.conf" --set output.dir="$d/run6" --set model.loss=bmse \
  --set train.init="$d/w.h5" --set train.iterations=3 --set validation.every=0 ||
  fail "bmse train exited $?"
h5dump -a /model_config "$d/run6/checkpoint.h5" | grep -q 'loss = bmse' ||
  fail "the checkpoint does not keep loss = bmse: $(h5dump -a /model_config "$d/run6/checkpoint.h5")"
$R train -c "$d/train.conf" --set output.dir="$d/run7" --set train.init="$d/w.h5" \
  --set train.iterations=3 --set validation.every=0 || fail "mse train from w.h5 exited $?"
# the same weights and windows: the weighted loss (weights >= 1, echoes of
# 28 dBZ and more weigh 2 to 30) is larger than the plain one
b1=$(sed -n 2p "$d/run6/train.csv" | cut -d, -f2) m1=$(sed -n 2p "$d/run7/train.csv" | cut -d, -f2)
awk -v b="$b1" -v m="$m1" 'BEGIN { exit !(b > m && m > 0) }' || fail "bmse loss $b1, mse loss $m1"
$R train -c "$d/train.conf" --set output.dir="$d/run6" --set model.loss=bmse \
  --set train.iterations=4 --set validation.every=0 --resume "$d/run6/checkpoint.h5" ||
  fail "resumed bmse train exited $?"
h5dump -a /iteration "$d/run6/checkpoint.h5" | grep -q '(0): 4' || fail "bmse: resumed checkpoint is not at 4"
$R train --export "$d/run6/checkpoint.h5" -o "$d/wb.h5" >/dev/null || fail "bmse export exited $?"
h5dump -a /model_config "$d/wb.h5" | grep -q 'loss = bmse' || fail "the exported weights lose loss = bmse"
expect_error 1 "loss = 'bmsee': not mse, half_sum, bmse or bmae" \
  $R train -c "$d/train.conf" --set model.loss=bmsee

# ---- several archives ([data] archive = A, B; archive_share): a second
# scene (seed 8) in b.nc. A share of 0 for a.nc draws exactly the windows of
# b.nc alone; shares 1, 1 mix both (deterministic, unlike either alone). ----
$RADNOW --log warn synth --out "$d/vol8" --seed 8 --count 12 --truth "$d/truth8" --size 32 \
  --rays 60 --elevations 0.5 --gate 2000 --range 80 >/dev/null || fail "synth seed 8 exited $?"
$R archive -c "$d/archive.conf" -o "$d/b.nc" "$d/truth8" >/dev/null || fail "archive b.nc exited $?"
short="--set train.iterations=3 --set validation.every=0"
$R train -c "$d/train.conf" --set output.dir="$d/mb" --set data.archive="$d/b.nc" $short ||
  fail "train on b.nc exited $?"
$R train -c "$d/train.conf" --set output.dir="$d/m01" --set data.archive="$d/a.nc, $d/b.nc" \
  --set data.archive_share="0, 1" $short || fail "train on a.nc, b.nc (0, 1) exited $?"
cut -d, -f1-5 "$d/mb/train.csv" >"$d/lb"
cut -d, -f1-5 "$d/m01/train.csv" >"$d/l01"
cmp -s "$d/lb" "$d/l01" || fail "share 0, 1 differs from b.nc alone: $(paste -d' ' "$d/lb" "$d/l01")"
for run in m11 m11b; do
  $R train -c "$d/train.conf" --set output.dir="$d/$run" --set data.archive="$d/a.nc,$d/b.nc" \
    --set data.archive_share="1, 1" $short || fail "train on a.nc, b.nc (1, 1) exited $?"
  cut -d, -f1-5 "$d/$run/train.csv" >"$d/l$run"
done
cmp -s "$d/lm11" "$d/lm11b" || fail "two mixed runs with one seed differ"
cmp -s "$d/lm11" "$d/lb" && fail "share 1, 1 draws the windows of b.nc alone"
head -4 "$d/l1" >"$d/l1short"
cmp -s "$d/lm11" "$d/l1short" && fail "share 1, 1 draws the windows of a.nc alone"
expect_error 1 "archive_share = '1': want 2 non-negative numbers" \
  $R train -c "$d/train.conf" --set data.archive="$d/a.nc, $d/b.nc" --set data.archive_share=1
expect_error 1 "archive_share = '0, 0': want 2 non-negative numbers" \
  $R train -c "$d/train.conf" --set data.archive="$d/a.nc, $d/b.nc" --set data.archive_share="0, 0"
# frames every 10 minutes (every other one of the scene) cannot join 5-minute ones
mkdir "$d/truth10"
for f in "$d"/truth8/*.nc; do
  case $f in *0.nc) ln -s "$f" "$d/truth10/" ;; esac
done
$R archive -c "$d/archive.conf" -o "$d/c.nc" "$d/truth10" >/dev/null || fail "archive c.nc exited $?"
expect_error 1 "c.nc: frames every 600 s, but every 300 s in .*/a.nc" \
  $R train -c "$d/train.conf" --set data.archive="$d/a.nc, $d/c.nc"

# SIGTERM: the run stops after its iteration with a checkpoint, exit 143
$R train -c "$d/train.conf" --set output.dir="$d/run4" --set train.iterations=100000000 \
  --set output.checkpoint_every=0 --set validation.every=0 2>"$d/term.err" &
pid=$!
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }
i=0
while [ "$(lines "$d/run4/train.csv")" -lt 3 ] && [ $i -lt 600 ]; do
  sleep 0.1
  i=$((i + 1))
done
kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 143 ] || fail "SIGTERM: exit $rc, expected 143: $(cat "$d/term.err")"
grep -q 'terminated at iteration' "$d/term.err" || fail "SIGTERM: no message: $(cat "$d/term.err")"
it=$(h5dump -a /iteration "$d/run4/checkpoint.h5" 2>/dev/null | sed -n 's/.*(0): \([0-9]*\).*/\1/p')
[ -n "$it" ] && [ "$it" -ge 2 ] || fail "SIGTERM: checkpoint iteration '$it'"
[ -n "$it" ] && [ "$(tail -n 1 "$d/run4/train.csv" | cut -d, -f1)" = "$it" ] ||
  fail "SIGTERM: train.csv does not end at the checkpoint's iteration $it"

# ---- the trained model as a predictor of the cycle ----
cat >"$d/run.conf" <<EOF
[input]
patterns = $d/truth/*.nc
step = 5
[state]
dir = $d/state
[products]
dir = $d/products
retention = 0
[run]
predictors = persistence, convlstm
wait = 0
[predictor.convlstm]
weights = $d/run1/best.h5
device = cpu
EOF
$R run -c "$d/run.conf" --time 202406151500 >"$d/run.out" || fail "run exited $?"
for l in 005 010; do
  [ -s "$d/products/202406151500/convlstm_202406151500_+${l}min_dbz.tif" ] ||
    fail "convlstm +$l min GeoTIFF missing"
done
[ ! -e "$d/products/202406151500/convlstm_202406151500_+015min_dbz.tif" ] ||
  fail "convlstm wrote a lead its model does not predict"
ncdump -h "$d/products/202406151500/convlstm_202406151500_forecast.nc" | grep -q 'time = 2 ;' ||
  fail "convlstm forecast file does not hold 2 leads"
grep -q convlstm "$d/products/latest.json" || fail "latest.json does not list convlstm"
# probability matching (match = newest, the default): every lead holds the
# values of the newest frame, rearranged; match = none keeps the network's
stats() { gdalinfo -stats "$1" 2>/dev/null | grep -m1 'Minimum='; }
p5=$(stats "$d/products/202406151500/convlstm_202406151500_+005min_dbz.tif")
p10=$(stats "$d/products/202406151500/convlstm_202406151500_+010min_dbz.tif")
$R run -c "$d/run.conf" --time 202406151500 --set predictor.convlstm.match=none \
  --set products.dir="$d/products-none" >/dev/null || fail "run with match = none exited $?"
n10=$(stats "$d/products-none/202406151500/convlstm_202406151500_+010min_dbz.tif")
obs=$(stats "$d/state/frames/frame_202406151500.nc")
[ -n "$obs" ] && [ "$p5" = "$obs" ] && [ "$p10" = "$obs" ] ||
  fail "matched leads do not hold the newest frame's values: +5 '$p5', +10 '$p10', newest '$obs'"
[ -n "$n10" ] && [ "$n10" != "$obs" ] || fail "match = none: +10 min '$n10' = newest '$obs'"
expect_error 1 "match = 'bogus': expected none or newest" \
  $R run -c "$d/run.conf" --time 202406151500 --set predictor.convlstm.match=bogus
# a model that does not match its weights is a configuration error
expect_error 1 'model: hidden: 64,64,64,64 here, 8 in the checkpoint' \
  $R run -c "$d/run.conf" --time 202406151500 \
  --set "predictor.convlstm.model=$top_srcdir/etc/models/convlstm.ini"

# ---- etc/train.conf.example: every option the code reads is documented, and
# the example (with an archive) is a valid configuration ----
ex=$top_srcdir/etc/train.conf.example
sed -n '/static const char \*const \(data\|train\|valid\|output\)\[\]/,/};/p' \
  "$top_srcdir/nowcast/train_options.c" | grep -o '"[a-z_0-9]*"' | tr -d '"' | sort -u >"$d/used"
grep -Eo '^;? *[a-z_0-9]+ *=' "$ex" | sed 's/^; *//; s/ *=$//' | sort -u >"$d/documented"
[ "$(grep -c . "$d/used")" -ge 30 ] || fail "found only $(grep -c . "$d/used") options in train_options.c"
missing=$(comm -23 "$d/used" "$d/documented")
[ -z "$missing" ] || fail "options not documented in train.conf.example: $missing"
$R train -c "$ex" --set data.archive="$d/a.nc" --set model.definition="$top_srcdir/etc/models/convlstm.ini" \
  --set model.hidden=4 --set model.height=16 --set model.width=16 --set model.input_length=2 \
  --set model.output_length=2 --set train.iterations=1 --set train.batch=1 --set train.device=cpu \
  --set validation.every=0 --set output.dir="$d/run5" || fail "the example configuration does not train"
finish
