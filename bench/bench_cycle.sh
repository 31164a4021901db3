#!/bin/sh
# bench_cycle.sh - one full `radnow run` cycle on a 512 x 512, 1 km grid:
# 10 gridded input frames, 12 leads of 5 min, deterministic extrapolation and
# a 20-member extrapolation ensemble, every product written (COG GeoTIFFs,
# forecast NetCDF, latest.json). Per-stage wall times come from the cycle's
# own log lines; the median of RUNS runs is printed for
#   cold: an empty state (all 10 inputs gridded into the state first)
#   warm: the operational case (the state holds the history; one new input)
#
#   sh bench/bench_cycle.sh [RUNS]        from the build tree (default 5 runs)
#
# Inputs are the synthetic scene's true field (radnow synth --truth) on a
# 512 x 512 grid of 1 km pixels, written as CF NetCDF frames once.
set -eu
runs=${1:-5}
radnow=${RADNOW:-./radnow}
[ -x "$radnow" ] || { echo "bench_cycle: $radnow not found (run from the build tree)"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/radnow-bench-cycle.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
echo "date:    $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "threads: ${OMP_NUM_THREADS:-all cores}"

"$radnow" --log warn synth --out "$work/vol" --count 11 --elevations 0.5 --gate 1000 \
  --truth "$work/frames" --size 512 >/dev/null
cat >"$work/radnow.conf" <<EOF
[input]
patterns = $work/frames/*.nc
step = 5
[state]
dir = $work/state
keep = 24
[products]
dir = $work/products
retention = 0
[run]
predictors = extrapolation, extrapolation-ens
wait = 0
max_age = 60
[predictor.extrapolation]
inputs = 10
leads = 12
[predictor.extrapolation-ens]
inputs = 10
leads = 12
members = 20
EOF

# one_run KIND TIME: run a cycle and append "KIND STAGE MS" lines to times
# (wall time of each stage from the log, and the process's CPU time).
one_run() {
  /usr/bin/time -f "%U %S" -o "$work/cpu" "$radnow" run -c "$work/radnow.conf" --time "$2" \
    >/dev/null 2>"$work/log" || { cat "$work/log"; exit 1; }
  awk -v k="$1" '{ print k, "cpu_user+sys", ($1 + $2) * 1000 }' "$work/cpu" >>"$work/times"
  awk -v k="$1" '
    / info: cycle: total / { sub(/.* info: cycle: total /, ""); print k, "total", $1 * 1000; next }
    / info: cycle: [a-z -]+: .* ms$/ {
      line = $0; sub(/.* info: cycle: /, "", line)
      stage = line; sub(/: .*/, "", stage); gsub(/ /, "_", stage)
      n = split(line, w, " "); print k, stage, w[n - 1]
    }' "$work/log" >>"$work/times"
}

t10=202406151445 # the 10th frame
t11=202406151450 # the 11th
for i in $(seq "$runs"); do
  rm -rf "$work/state" "$work/products"
  one_run cold $t10
  rm -f "$work/state/frames/frame_$t11.nc"
  one_run warm $t11
done

echo
echo "median of $runs runs, milliseconds"
printf '%-30s %10s %10s\n' stage cold warm
for stage in $(awk '{print $2}' "$work/times" | awk '!seen[$0]++'); do
  med() {
    awk -v k="$1" -v s="$stage" '$1 == k && $2 == s { print $3 }' "$work/times" | sort -n |
      awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
                                 else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
  }
  printf '%-30s %10s %10s\n' "$stage" "$(med cold)" "$(med warm)"
done
echo
echo "products of one cycle: $(ls "$work/products/$t11" | wc -l) files," \
  "$(du -sk "$work/products/$t11" | cut -f1) kB"
