#!/bin/sh
# bench_cinrad_nexrad.sh - radnow info and radnow grid (the default 500 x 500
# grid of 1 km, pseudo-CAPPI, lookup table built in memory) on every CINRAD and
# NEXRAD sample of the corpus, files as they are (decompression included).
# 5 runs after one warm-up, with hyperfine: median wall time, and mean CPU
# time (user + system, which other work on a busy machine disturbs much less);
# prints Markdown rows for bench/RESULTS.md.
#   sh bench/bench_cinrad_nexrad.sh [RADNOW] [CORPUS]
set -eu
radnow=${1:-./radnow}
corpus=${2:-${RADNOW_TESTDATA:-../shared/data/radar}}
v=$corpus/volumes
out=$(mktemp -d "${TMPDIR:-/tmp}/radnow-bench.XXXXXX")
trap 'rm -rf "$out"' EXIT

median() { # COMMAND... -> "median wall s / mean CPU s" (hyperfine keeps only the mean CPU)
  hyperfine --warmup 1 --runs 5 --style none --export-json "$out/h.json" "$*" >/dev/null 2>&1
  jq -r '.results[0] | [.median, .user + .system]
         | "\(.[0] * 1000 | round / 1000) s / \(.[1] * 1000 | round / 1000) s"' "$out/h.json"
}

echo "| sample | size | bzip2/gzip -dc alone (wall / CPU) | radnow info (wall / CPU) | radnow grid 500x500 1 km (wall / CPU) |"
echo "|---|---|---|---|---|"
for f in cinrad/Z9396_BASE_SB_20180724_055400.bin.bz2 cinrad/2016070817.48V.gz \
         cinrad/Z_RADR_I_ZG170_20260329064800_O_DOR_YTD2_CAP_FMT.bin.bz2 \
         nexrad/KLBB20160601_150025_V06 nexrad/KLIX20050828_180149.gz; do
  p=$v/$f
  size=$(wc -c <"$p")
  case $p in # the comparison: decompressing the file, nothing else
  *.bz2) td=$(median "bzip2 -dc $p") ;;
  *.gz) td=$(median "gzip -dc $p") ;;
  *) td="(bzip2 records inside)" ;;
  esac
  ti=$(median "$radnow info $p")
  tg=$(median "$radnow --log error grid -o $out/g.nc $p")
  printf '| %s | %.1f MB | %s | %s | %s |\n' "$(basename "$f")" \
    "$(echo "$size" | awk '{ print $1 / 1e6 }')" "$td" "$ti" "$tg"
done
