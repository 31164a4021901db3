#!/bin/sh
# skill_fmi.sh - forecast skill of persistence, extrapolation and
# extrapolation-ens on the FMI composites of 2016-09-28 (40 frames, 5 min,
# 760 x 1226 pixels of 1 km): every start time with 10 inputs and all 12
# leads observed, scored by `radnow verify`. Prints CSI at 30 and 40 dBZ per
# lead (extrapolation against persistence) and the ensemble's CRPS against
# the deterministic extrapolation's MAE; bench/RESULTS.md records the output.
#
# usage: bench/skill_fmi.sh [OUT_DIR]     (run from the build tree; needs
#        the shared radar corpus in ../shared/data/radar or $RADNOW_TESTDATA)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
build=${BUILD:-$(pwd)}
data=${RADNOW_TESTDATA:-$top/../shared/data/radar}/composites/fmi_pgm_20160928
out=${1:-skill_fmi}
[ -x "$build/bench/skill_run" ] || { echo "skill_fmi: build bench/skill_run first (make bench/skill_run)"; exit 1; }
[ -d "$data" ] || { echo "skill_fmi: $data not found (set RADNOW_TESTDATA)"; exit 1; }
rm -rf "$out"
mkdir -p "$out"

"$build/bench/skill_run" --out "$out/forecasts" --obs-out "$out/obs" --inputs 10 --complete \
  persistence,extrapolation,extrapolation-ens "$data"/*.pgm.gz
"$build/radnow" verify --forecast "$out/forecasts" --obs "$out/obs" --out "$out/verify" \
  --title "FMI 2016-09-28: persistence, extrapolation, extrapolation-ens" >/dev/null

# scores.csv: predictor,lead_min,threshold_dbz,scale,score,value,n_cases,n_pixels
awk -F, '
  $2 != "all" && $5 == "csi" && $4 == "" && ($3 == 30 || $3 == 40) { csi[$1, $2, $3] = $6; leads[$2] = 1 }
  $2 != "all" && $5 == "mae" { mae[$1, $2] = $6; cases[$1, $2] = $7 }
  $2 != "all" && $5 == "crps" { crps[$1, $2] = $6 }
  END {
    n = 0; for (l in leads) lead[++n] = l + 0
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (lead[j] < lead[i]) { t = lead[i]; lead[i] = lead[j]; lead[j] = t }
    p = "persistence"; x = "extrapolation"; e = "extrapolation-ens"
    printf "lead  cases  CSI30 pers  extr    CSI40 pers  extr    MAE extr  CRPS ens\n"
    bad = 0
    for (i = 1; i <= n; i++) {
      l = lead[i]
      printf "%3d   %5d  %9.4f %6.4f   %9.4f %6.4f   %8.3f  %8.3f\n", l, cases[x, l], csi[p, l, 30], csi[x, l, 30], csi[p, l, 40], csi[x, l, 40], mae[x, l], crps[e, l]
      if (l >= 10 && l <= 60 && (csi[x, l, 30] <= csi[p, l, 30] || csi[x, l, 40] <= csi[p, l, 40])) bad++
      if (crps[e, l] >= mae[x, l]) bad++
    }
    if (bad) { printf "NOT MET at %d lead(s)\n", bad; exit 1 }
    printf "met: extrapolation CSI > persistence at 30 and 40 dBZ for leads 10-60 min; CRPS(ens) < MAE(extrapolation) at every lead\n"
  }' "$out/verify/scores.csv"
