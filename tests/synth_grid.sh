#!/bin/sh
# radnow synth and radnow grid agree: a synthetic volume gridded by the
# gridding code (its own beam model and PROJ lookup tables) matches the
# generator's truth frames on the same grid, for pcappi and cmax, within
# the ~1 dB gate noise the radar adds.
. "$top_srcdir/tests/testlib.sh"
d=$(mktemp -d "${TMPDIR:-/tmp}/radnow-test.XXXXXX")
trap 'rm -rf "$d"' EXIT
if ! /usr/bin/python3 -c 'import netCDF4, numpy' 2>/dev/null; then
  echo "Debian's python3-netcdf4 and python3-numpy are needed"
  if [ "${CI:-}" = true ]; then exit 99; fi
  exit 77
fi

for p in pcappi cmax; do
  "$RADNOW" synth --out "$d/v" --truth "$d/t" --truth-product $p --count 1 --start 202002071300 \
    --site 50.0,8.0,300 --range 120 --size 240 >/dev/null 2>&1 || fail "synth ($p) failed"
  "$RADNOW" grid --center 50.0,8.0 --size 240x240 --res 1000 --product $p -o "$d/g_$p.nc" \
    "$d/v/synth_pvol_202002071300.h5" 2>/dev/null || fail "grid ($p) failed"
  /usr/bin/python3 - "$d/t/synth_truth_${p}_202002071300.nc" "$d/g_$p.nc" $p <<'PY' ||
import sys
import netCDF4, numpy as np
t = netCDF4.Dataset(sys.argv[1])["dbz"][0].filled(np.nan)
g = netCDF4.Dataset(sys.argv[2])["dbz"][0].filled(np.nan)
both = ~np.isnan(t) & ~np.isnan(g)
coverage = np.mean(np.isnan(t) == np.isnan(g))
echo = both & (t > -32) & (g > -32)
mad = np.mean(np.abs(t[echo] - g[echo]))
agree20 = np.mean((t[both] > 20) == (g[both] > 20))
print(f"{sys.argv[3]}: coverage agrees on {coverage:.4f}, {echo.sum()} echo pixels, "
      f"mean |truth - grid| {mad:.2f} dB, > 20 dBZ agrees on {agree20:.4f}")
assert coverage > 0.99 and echo.sum() > 10000 and mad < 1.5 and agree20 > 0.95
PY
    fail "$p: gridded volume and truth disagree"
done
finish
