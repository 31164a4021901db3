#!/bin/sh
# A gridded frame opened with xarray (the way analysts read it): dimensions
# and coordinates, CF decoding of _FillValue and time, the grid mapping, and
# values equal to what GDAL reads from the same file.
. "$top_srcdir/tests/testlib.sh"
need_corpus
py=/usr/bin/python3
[ -x "$py" ] && "$py" -c 'import xarray, netCDF4, numpy' 2>/dev/null || {
  [ "${CI:-}" = true ] && { echo "python3-xarray is missing (build-aux/deps-debian.sh)"; exit 99; }
  echo "skip: python3-xarray is not installed"
  exit 77
}
need_tool gdal_translate
v="$RADNOW_TESTDATA/volumes/odim_pvol_behel_seq/20200207130000.rad.behel.pvol.dbzh.scanz.hdf"
d=$(scratch)
"$RADNOW" grid --size 200x150 --res 2000 -o "$d/f.nc" "$v" 2>"$d/err" || fail "radnow grid: $(cat "$d/err")"
gdal_translate -q -of AAIGrid NETCDF:"$d/f.nc":dbz "$d/gdal.asc" || fail "gdal_translate could not read the frame"

"$py" - "$d/f.nc" "$d/gdal.asc" <<'PY' || fail "xarray check failed"
import sys
import numpy as np
import xarray as xr

path, asc = sys.argv[1], sys.argv[2]
ds = xr.open_dataset(path)  # CF decoding on: _FillValue -> NaN, time -> datetime64
dbz = ds["dbz"]
assert dbz.dims[-2:] == ("y", "x"), dbz.dims
assert ds.sizes["x"] == 200 and ds.sizes["y"] == 150, dict(ds.sizes)
assert dbz.attrs.get("units") == "dBZ", dbz.attrs
assert dbz.attrs.get("grid_mapping") == "crs", dbz.attrs
assert "crs_wkt" in ds["crs"].attrs and "PROJCRS" in ds["crs"].attrs["crs_wkt"] or \
    "PROJCS" in ds["crs"].attrs["crs_wkt"], ds["crs"].attrs
x, y = ds["x"].values, ds["y"].values
assert np.allclose(np.diff(x), 2000) and np.allclose(np.diff(y), -2000), (x[:3], y[:3])
assert ds["lat"].dims == ("y", "x") and ds["lon"].dims == ("y", "x")
lat, lon = ds["lat"].values, ds["lon"].values
assert abs(lat[75, 100] - 51.07) < 0.03 and abs(lon[75, 100] - 5.41) < 0.05, (lat[75, 100], lon[75, 100])
t = ds["time"].values.ravel()[0]
assert str(t).startswith("2020-02-07T13:0"), t
a = dbz.values.reshape(150, 200)
assert np.isnan(a).any() and np.isfinite(a).any(), "expected both nodata and data"
assert np.nanmax(a) > 30 and np.nanmin(a) >= -32.0001, (np.nanmin(a), np.nanmax(a))

# The same numbers through GDAL (nodata is NaN in xarray, the nodata value in GDAL)
with open(asc) as f:
    head = {}
    for _ in range(6):
        k, v = f.readline().split()
        head[k.lower()] = float(v)
    g = np.loadtxt(f).reshape(150, 200)
nod = head.get("nodata_value")
gm = np.where(g == nod, np.nan, g) if nod is not None else g
both = np.isfinite(a) & np.isfinite(gm)
assert (np.isnan(a) == np.isnan(gm)).all(), "xarray and GDAL disagree on nodata"
assert np.allclose(a[both], gm[both], atol=1e-3), np.abs(a[both] - gm[both]).max()
print("xarray: %d x %d, %d pixels with data, max %.1f dBZ, time %s" %
      (a.shape[1], a.shape[0], both.sum(), np.nanmax(a), t))
PY
finish
