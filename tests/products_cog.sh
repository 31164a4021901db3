#!/bin/sh
# COG GeoTIFF products and latest.json, checked by tools other than radnow:
# GDAL's COG validator (python3-gdal), gdalinfo, and Python's json module.
. "$top_srcdir/tests/testlib.sh"
need_tool gdalinfo
writer="$top_builddir/tests/unit/product_writer"
d=$(mktemp -d "${TMPDIR:-/tmp}/radnow-test.XXXXXX")
trap 'rm -rf "$d"' EXIT

# The validator ships with python3-gdal (build-aux/deps-debian.sh); a missing
# one fails under CI=true instead of skipping.
validator=
for v in /usr/share/doc/python3-gdal/examples/validate_cloud_optimized_geotiff.py \
         /usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py; do
  if [ -f "$v" ]; then validator=$v; break; fi
  if [ -f "$v.gz" ]; then gzip -dc "$v.gz" >"$d/validate.py" && validator=$d/validate.py && break; fi
done
if [ -z "$validator" ] || ! /usr/bin/python3 -c 'from osgeo import gdal' 2>/dev/null; then
  echo "validate_cloud_optimized_geotiff.py or Debian's python3-gdal not found"
  if [ "${CI:-}" = true ]; then exit 99; fi
  exit 77
fi

"$writer" "$d/ens" --members 3 --leads 2 >"$d/ens.list" || fail "writing ensemble products"
"$writer" "$d/zstd" --zstd --leads 1 >"$d/zstd.list" || fail "writing ZSTD products"
[ "$(grep -c . "$d/ens.list")" -eq 10 ] || fail "expected 10 ensemble products: $(cat "$d/ens.list")"

for f in "$d"/ens/*.tif "$d"/zstd/*.tif; do
  out=$(/usr/bin/python3 "$validator" --full-check=yes "$f" 2>&1)
  printf '%s\n' "$out" | grep -q "is a valid cloud optimized GeoTIFF" ||
    fail "$(basename "$f"): not a valid COG: $out"
done

# Georeference, nodata, overviews, tags (every product).
for f in "$d"/ens/*.tif; do
  info=$(gdalinfo "$f")
  b=$(basename "$f")
  printf '%s\n' "$info" | grep -q 'ID\["EPSG",3035\]' || fail "$b: CRS is not EPSG:3035"
  printf '%s\n' "$info" | grep -q '^Origin = (3900000.000000000000000,3300000.000000000000000)$' ||
    fail "$b: wrong origin"
  printf '%s\n' "$info" | grep -q '^Pixel Size = (1000.000000000000000,-1000.000000000000000)$' ||
    fail "$b: wrong pixel size"
  printf '%s\n' "$info" | grep -q 'Block=256x256' || fail "$b: not 256x256 tiles"
  printf '%s\n' "$info" | grep -q 'Overviews: 300x225, 150x112' || fail "$b: overviews"
  printf '%s\n' "$info" | grep -q 'LAYOUT=COG' || fail "$b: layout"
  printf '%s\n' "$info" | grep -q 'COMPRESSION=DEFLATE' || fail "$b: compression"
  for tag in "predictor=extrapolation-ens" "reference_time=2020-02-07T13:35:00Z" \
             "member_count=3" "comment=late input: ran from 12:54 (13:00 missing)"; do
    printf '%s\n' "$info" | grep -q "^  $tag\$" || fail "$b: tag $tag missing"
  done
done
info=$(gdalinfo "$d/ens/extrapolation-ens_202002071335_+010min_dbz.tif")
printf '%s\n' "$info" | grep -q 'Type=Float32' || fail "dbz: not float32"
printf '%s\n' "$info" | grep -q 'NoData Value=-9999$' || fail "dbz: nodata"
printf '%s\n' "$info" | grep -q '^  valid_time=2020-02-07T13:45:00Z$' || fail "dbz: valid time"
printf '%s\n' "$info" | grep -q '^  lead_minutes=10$' || fail "dbz: lead minutes"
printf '%s\n' "$info" | grep -q 'PREDICTOR=3' || fail "dbz: floating-point predictor"
info=$(gdalinfo "$d/ens/extrapolation-ens_202002071335_+005min_display.tif")
printf '%s\n' "$info" | grep -q 'Type=Byte, ColorInterp=Palette' || fail "display: not paletted byte"
printf '%s\n' "$info" | grep -q 'NoData Value=255$' || fail "display: nodata"
printf '%s\n' "$info" | grep -q 'Offset: -32,   Scale:0.5' || fail "display: scale/offset"
printf '%s\n' "$info" | grep -q 'Color Table (RGB with 256 entries)' || fail "display: colour table"
printf '%s\n' "$info" | grep -q '^ *74: 4,233,231,255$' || fail "display: 5 dBZ colour"
printf '%s\n' "$info" | grep -q '^ *164: 253,0,0,255$' || fail "display: 50 dBZ colour"
info=$(gdalinfo "$d/ens/extrapolation-ens_202002071335_+005min_prob40.tif")
printf '%s\n' "$info" | grep -q '^  threshold_dbz=40$' || fail "prob40: threshold tag"
printf '%s\n' "$info" | grep -q 'NoData Value=255$' || fail "prob40: nodata"
gdalinfo "$d/zstd/extrapolation_202002071335_+005min_dbz.tif" | grep -q 'COMPRESSION=ZSTD' ||
  fail "zstd: compression"

# The manifest is valid JSON and lists exactly the files written.
/usr/bin/python3 - "$d/ens" <<'PY' || fail "latest.json"
import json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "latest.json")))
files = sorted(p["file"] for p in m["products"])
on_disk = sorted(f for f in os.listdir(d) if f.endswith(".tif"))
assert files == on_disk, (files, on_disk)
assert m["reference_time"] == "2020-02-07T13:35:00Z"
assert m["predictors"] == [{"name": "extrapolation-ens", "members": 3, "lead_minutes": [5, 10]}]
for p in m["products"]:
    assert p["bytes"] == os.path.getsize(os.path.join(d, p["file"]))
    assert ("threshold_dbz" in p) == p["kind"].startswith("prob")
PY
finish
