#!/bin/sh
# bench_cinrad_nexrad.sh - radnow info and radnow grid (the default 500 x 500
# grid of 1 km, pseudo-CAPPI, lookup table built in memory) on every CINRAD and
# NEXRAD sample of the corpus, files as they are (decompression included).
# Median of 5 runs after one warm-up, with hyperfine; prints Markdown rows for
# bench/RESULTS.md.
#   sh bench/bench_cinrad_nexrad.sh [RADNOW] [CORPUS]
set -eu
radnow=${1:-./radnow}
corpus=${2:-${RADNOW_TESTDATA:-../shared/data/radar}}
v=$corpus/volumes
out=$(mktemp -d "${TMPDIR:-/tmp}/radnow-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT

median() { # COMMAND... -> median seconds
  hyperfine --warmup 1 --runs 5 --style none --export-json "$out/h.json" "$*" >/dev/null 2>&1
  jq -r '.results[0].median' "$out/h.json"
}

echo "| sample | size | radnow info | radnow grid 500x500 1 km |"
echo "|---|---|---|---|"
for f in cinrad/Z9396_BASE_SB_20180724_055400.bin.bz2 cinrad/2016070817.48V.gz \
         cinrad/Z_RADR_I_ZG170_20260329064800_O_DOR_YTD2_CAP_FMT.bin.bz2 \
         nexrad/KLBB20160601_150025_V06 nexrad/KLIX20050828_180149.gz; do
  p=$v/$f
  size=$(wc -c <"$p")
  ti=$(median "$radnow info $p")
  tg=$(median "$radnow --log error grid -o $out/g.nc $p")
  printf '| %s | %.1f MB | %.3f s | %.3f s |\n' "$(basename "$f")" \
    "$(echo "$size" | awk '{ print $1 / 1e6 }')" "$ti" "$tg"
done
