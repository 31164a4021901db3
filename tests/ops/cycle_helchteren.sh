#!/bin/sh
# radnow run on the real Helchteren volume sequence (ODIM_H5 PVOL, 5 min):
# the products open in GDAL with the right CRS, geotransform, nodata, colour
# table and overviews and pass GDAL's COG validator; the forecast NetCDF has
# the CF dims, attributes and CRS; a corrupt newest volume is reported and
# skipped; running twice gives the same bytes. Checked with h5dump, gdalinfo,
# ncdump and the validator, never with radnow itself.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/ops/opslib.sh"
need_corpus
need_tool gdalinfo
need_tool ncdump
need_tool h5dump
seq=$RADNOW_TESTDATA/volumes/odim_pvol_behel_seq
d=$(scratch)
mkdir -p "$d/in"
trap "rm -rf '$d'" EXIT

validator=
for v in /usr/share/doc/python3-gdal/examples/validate_cloud_optimized_geotiff.py \
         /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py; do
  if [ -f "$v" ]; then validator=$v; break; fi
done
if [ -z "$validator" ] || ! /usr/bin/python3 -c 'from osgeo import gdal' 2>/dev/null; then
  echo "validate_cloud_optimized_geotiff.py or Debian's python3-gdal not found"
  if [ "${CI:-}" = true ]; then exit 99; fi
  exit 77
fi

# The volumes stay in the corpus: the input folder holds links to them.
for f in "$seq"/*.hdf; do ln -s "$f" "$d/in/"; done
cat >"$d/radnow.conf" <<CONF
[input]
patterns = $d/in/*.hdf
[state]
dir = $d/state
[products]
dir = $d/products
[run]
predictors = persistence, extrapolation, extrapolation-ens
wait = 0
[predictor.persistence]
inputs = 4
[predictor.extrapolation-ens]
members = 4
[grid]
size = 512x512
res = 1000
CONF

run_ops "$d" --time 202002071335 || fail "cycle on Helchteren exited $?: $(cat "$d/err")"
  grep -q "input file(s) in the window, [0-9]* frame(s) gridded, 0 unreadable" "$d/err" ||
  fail "volumes not gridded: $(grep gather "$d/err")"
c=$d/products/202002071335
[ -d "$c" ] || fail "no products for 13:35"

# The radar site, read independently from the file.
v35=$seq/20200207133500.rad.behel.pvol.dbzh.scanz.hdf
lat=$(h5dump -m %.6f -a /where/lat "$v35" | sed -n 's/^ *(0): //p')
lon=$(h5dump -m %.6f -a /where/lon "$v35" | sed -n 's/^ *(0): //p' | sed 's/0*$//')
[ -n "$lat" ] && [ -n "$lon" ] || fail "h5dump gave no site coordinates"

# Every kind of every predictor, at the first and the last lead.
for f in "$c"/*_+005min_*.tif "$c"/*_+060min_*.tif; do
  b=$(basename "$f")
  out=$(/usr/bin/python3 "$validator" --full-check=yes "$f" 2>&1)
  printf '%s\n' "$out" | grep -q "is a valid cloud optimized GeoTIFF" || fail "$b: not a valid COG: $out"
  info=$(gdalinfo "$f")
  printf '%s\n' "$info" | grep -q 'METHOD\["Modified Azimuthal Equidistant"\|METHOD\["Azimuthal Equidistant"' ||
    fail "$b: not an azimuthal equidistant CRS"
  printf '%s\n' "$info" | grep -q "PARAMETER\[\"Latitude of natural origin\",$lat," ||
    fail "$b: projection not centred on latitude $lat"
  printf '%s\n' "$info" | grep -q "PARAMETER\[\"Longitude of natural origin\",$lon," ||
    fail "$b: projection not centred on longitude $lon"
  printf '%s\n' "$info" | grep -q '^Origin = (-256000.000000000000000,256000.000000000000000)$' ||
    fail "$b: wrong origin"
  printf '%s\n' "$info" | grep -q '^Pixel Size = (1000.000000000000000,-1000.000000000000000)$' ||
    fail "$b: wrong pixel size"
  printf '%s\n' "$info" | grep -q '^Size is 512, 512$' || fail "$b: wrong size"
  printf '%s\n' "$info" | grep -q 'Overviews: 256x256' || fail "$b: no overview"
  printf '%s\n' "$info" | grep -q 'reference_time=2020-02-07T13:35:00Z' || fail "$b: no reference time"
  printf '%s\n' "$info" | grep -q "predictor=${b%%_*}$" || fail "$b: no predictor tag"
  case $b in
  *_dbz.tif)
    printf '%s\n' "$info" | grep -q 'Type=Float32' || fail "$b: not float32"
    printf '%s\n' "$info" | grep -q 'NoData Value=-9999$' || fail "$b: wrong nodata" ;;
  *_display.tif)
    printf '%s\n' "$info" | grep -q 'Type=Byte, ColorInterp=Palette' || fail "$b: not a paletted byte band"
    printf '%s\n' "$info" | grep -q 'NoData Value=255$' || fail "$b: wrong nodata"
    printf '%s\n' "$info" | grep -q 'Color Table (RGB with 256 entries)' || fail "$b: no colour table"
    printf '%s\n' "$info" | grep -q 'Offset: -32,   Scale:0.5' || fail "$b: wrong scale/offset" ;;
  extrapolation-ens_*_prob[345]0.tif)
    printf '%s\n' "$info" | grep -q 'Type=Byte' || fail "$b: not a byte band"
    printf '%s\n' "$info" | grep -q 'NoData Value=255$' || fail "$b: wrong nodata"
    max=$(gdalinfo -stats "$f" | sed -n 's/.*STATISTICS_MAXIMUM=//p')
    [ -n "$max" ] && [ "${max%%.*}" -le 100 ] || fail "$b: probability above 100 %: $max" ;;
  *) fail "unexpected product $b" ;;
  esac
done
# 12 leads x (dbz, display) x 3 predictors + 12 leads x 3 probabilities.
[ "$(ls "$c"/*.tif | wc -l)" -eq 108 ] || fail "expected 108 GeoTIFFs, got $(ls "$c"/*.tif | wc -l)"
[ "$(ls "$c"/*_forecast.nc | wc -l)" -eq 3 ] || fail "expected 3 forecast NetCDF files"
# Lead 60 of persistence shows the 13:35 volume: echoes in range, nodata beyond.
stats=$(gdalinfo -stats "$c/persistence_202002071335_+060min_dbz.tif")
printf '%s\n' "$stats" | grep -Eq 'STATISTICS_MAXIMUM=[3-9][0-9]' ||
  fail "no echo of 30 dBZ or more in the forecast: $(printf '%s\n' "$stats" | grep STATISTICS)"
printf '%s\n' "$stats" | grep -q 'STATISTICS_VALID_PERCENT=100$' &&
  fail "no nodata at all beyond the radar's range"

# The forecast NetCDF: CF dims, attributes and CRS.
nc=$c/persistence_202002071335_forecast.nc
h=$(ncdump -h "$nc") || fail "ncdump cannot read $nc"
for want in 'realization = 1 ;' 'time = 12 ;' 'y = 512 ;' 'x = 512 ;' \
  'short dbz(realization, time, y, x) ;' ':standard_name = "equivalent_reflectivity_factor" ;' \
  'dbz:_FillValue = -32768s ;' 'double forecast_reference_time ;' \
  'forecast_period(time) ;' 'time:axis = "T" ;' ':grid_mapping = "crs" ;' \
  'crs:crs_wkt = ' 'lat(y, x) ;' 'lon(y, x) ;' ':Conventions = "CF-1.8' ':predictor = "persistence" ;'; do
  printf '%s\n' "$h" | grep -qF -- "$want" || fail "NetCDF: '$want' missing"
done
ncdump -v forecast_reference_time,forecast_period "$nc" | grep -q 'forecast_reference_time = 1581082500 ;' ||
  fail "NetCDF: forecast_reference_time is not 13:35"
ncdump -v forecast_period "$nc" | tr -d '\n ' | grep -q 'forecast_period=300,600,900,1200,1500,1800,2100,2400,2700,3000,3300,3600;' ||
  fail "NetCDF: forecast periods are not 5..60 min"
ens=$c/extrapolation-ens_202002071335_forecast.nc
he=$(ncdump -h "$ens") || fail "ncdump cannot read $ens"
for want in 'realization = 4 ;' 'threshold = 3 ;' 'short dbz(realization, time, y, x) ;' \
  ':spp__relative_to_threshold = "greater_than_or_equal_to" ;' 'threshold(threshold) ;'; do
  printf '%s\n' "$he" | grep -qF -- "$want" || fail "ensemble NetCDF: '$want' missing"
done
gdalinfo "NETCDF:$nc:dbz" 2>/dev/null | grep -q '^Origin = (-256000.000000000000000,256000.000000000000000)$' ||
  fail "GDAL reads another geotransform from the NetCDF"

# Running twice for the same time gives the same products.
product_sums "$d" >"$d/sums1"
run_ops "$d" --time 202002071335 || fail "second run exited $?"
product_sums "$d" >"$d/sums2"
cmp -s "$d/sums1" "$d/sums2" || fail "the second run changed the products"

# A corrupt newest volume (truncated copy) is reported and skipped: the cycle
# runs from the set ending 13:35 and says so.
head -c 100000 "$v35" >"$d/in/20200207134000.rad.behel.pvol.dbzh.scanz.hdf"
run_ops "$d" --time 202002071340 || fail "run with a corrupt newest volume exited $?: $(cat "$d/err")"
grep -q "warn: input: .*20200207134000.rad.behel.pvol.dbzh.scanz.hdf: .*(skipped)" "$d/err" ||
  fail "corrupt volume not reported: $(grep -i warn "$d/err")"
grep -q '"reference_time": "2020-02-07T13:35:00Z"' "$d/products/latest.json" ||
  fail "corrupt newest volume: the cycle did not run from 13:35"
grep -q '"comment": "late or missing input: expected 2020-02-07T13:40:00Z' "$d/products/latest.json" ||
  fail "corrupt newest volume not recorded in the products"
finish
