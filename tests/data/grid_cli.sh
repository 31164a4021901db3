#!/bin/sh
# radnow grid on the Helchteren volumes: the frame file as GDAL sees it (CRS,
# geotransform), gridded values at chosen gates against the raw bytes read
# with h5dump (the pixel centred on a gate must show that gate: position from
# the beam model, geod), the lookup-table cache on disk, composites, errors.
. "$top_srcdir/tests/testlib.sh"
need_corpus
need_tool gdalinfo
need_tool gdallocationinfo
need_tool h5dump
need_tool ncdump
need_tool geod
need_tool cs2cs
need_tool projinfo
seq="$RADNOW_TESTDATA/volumes/odim_pvol_behel_seq"
v="$seq/20200207130000.rad.behel.pvol.dbzh.scanz.hdf"
v2="$seq/20200207130500.rad.behel.pvol.dbzh.scanz.hdf"
d=$(scratch)

# h5attr PATH: one attribute of the volume, full precision
h5attr() { h5dump -m %.10g -a "$1" "$v" | sed -n 's/^ *(0): *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' | head -1; }
lat=$(h5attr /where/lat)
lon=$(h5attr /where/lon)
# near A B TOL
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && b != "" && d <= t) }'; }

# 1. default grid: 500 x 500 at 1 km, azimuthal equidistant centred on the site
"$RADNOW" grid -o "$d/a.nc" "$v" 2>/dev/null || fail "radnow grid (defaults) failed"
info=$(gdalinfo "$d/a.nc" 2>&1)
printf '%s\n' "$info" | grep -q "^Size is 500, 500" || fail "default grid: size: $info"
printf '%s\n' "$info" | grep -q "^Origin = (-250000.0*,250000.0*)" || fail "default grid: origin"
printf '%s\n' "$info" | grep -q "^Pixel Size = (1000.0*,-1000.0*)" || fail "default grid: pixel size"
printf '%s\n' "$info" | grep -Eq 'METHOD\["(Modified )?Azimuthal Equidistant"' ||
  fail "default grid: not azimuthal equidistant"
olat=$(printf '%s\n' "$info" | sed -n 's/.*"Latitude of natural origin",\([-0-9.]*\),.*/\1/p')
olon=$(printf '%s\n' "$info" | sed -n 's/.*"Longitude of natural origin",\([-0-9.]*\),.*/\1/p')
near "$olat" "$lat" 1e-6 && near "$olon" "$lon" 1e-6 ||
  fail "default grid centred on $olat, $olon; h5dump says the site is $lat, $lon"
ncdump -h "$d/a.nc" | grep -q ':radnow_product = "pcappi"' || fail "default product is not pcappi"
# coverage: a disc out to the ground range of the outer edge of the last gate
# of the lowest sweep (800 gates of 250 m from 0 m, 0.3 deg): pi s^2 / 500 km^2
valid=$(gdalinfo -stats "NETCDF:$d/a.nc:dbz" 2>/dev/null | sed -n 's/.*STATISTICS_VALID_PERCENT=//p')
cover=$(awk 'BEGIN { ae = 4 / 3 * 6371000; r = 200000; e = 0.3 * atan2(0, -1) / 180
                     h = sqrt(r * r + ae * ae + 2 * r * ae * sin(e)) - ae; x = r * cos(e) / (ae + h)
                     s = ae * atan2(x, sqrt(1 - x * x)); printf "%.3f", 100 * atan2(0, -1) * s * s / 25e10 }')
echo "default grid: $valid % measured, a disc of the beam-model range covers $cover %"
near "$valid" "$cover" 0.1 || fail "coverage $valid %, expected $cover %"
# time: what/date + what/time of the file
t=$(ncdump -v time "$d/a.nc" | sed -n 's/^ *time = \([0-9]*\) ;/\1/p')
want=$(date -u -d "$(h5attr /what/date | sed 's/\(....\)\(..\)\(..\)/\1-\2-\3/') $(h5attr /what/time | sed 's/\(..\)\(..\)\(..\)/\1:\2:\3/')" +%s)
[ "$t" = "$want" ] || fail "frame time $t, h5dump what/date+time gives $want"

# the documented defaults are the defaults: etc/radnow.conf.example (every
# option with its default) gives the same frame
grep -q '^res = 1000$' "$top_srcdir/etc/radnow.conf.example" || fail "[grid] res not in the example"
"$RADNOW" grid -c "$top_srcdir/etc/radnow.conf.example" -o "$d/a2.nc" "$v" 2>/dev/null ||
  fail "radnow grid -c etc/radnow.conf.example failed"
ncdump -v dbz "$d/a.nc" | sed -n '/^ dbz =/,$p' >"$d/v1"
ncdump -v dbz "$d/a2.nc" | sed -n '/^ dbz =/,$p' >"$d/v2"
cmp -s "$d/v1" "$d/v2" || fail "the example configuration's defaults are not radnow's defaults"

# 2. another CRS: LAEA Europe, 300 x 200 at 2 km centred on 51N 5E, cmax
"$RADNOW" grid --crs EPSG:3035 --res 2000 --size 300x200 --center 51,5 --product cmax \
  -o "$d/b.nc" "$v" 2>/dev/null || fail "radnow grid --crs EPSG:3035 failed"
info=$(gdalinfo "$d/b.nc" 2>&1)
# shellcheck disable=SC2046
c=$(echo "5 51" | cs2cs -f %.4f +proj=longlat +datum=WGS84 +to $(projinfo -q -o PROJ EPSG:3035 | sed 's/ +type=crs//'))
ox=$(echo "$c" | awk '{ printf "%.4f", $1 - 300000 }')
oy=$(echo "$c" | awk '{ printf "%.4f", $2 + 200000 }')
gx=$(printf '%s\n' "$info" | sed -n 's/^Origin = (\([-0-9.]*\),\([-0-9.]*\))/\1/p')
gy=$(printf '%s\n' "$info" | sed -n 's/^Origin = (\([-0-9.]*\),\([-0-9.]*\))/\2/p')
near "$gx" "$ox" 0.01 && near "$gy" "$oy" 0.01 ||
  fail "EPSG:3035 grid origin ($gx, $gy); cs2cs puts the centre so that it is ($ox, $oy)"
printf '%s\n' "$info" | grep -q "^Size is 300, 200" || fail "EPSG:3035 grid: size"
px=$(printf '%s\n' "$info" | sed -n 's/^Pixel Size = (\([-0-9.]*\),\([-0-9.]*\))/\1 \2/p')
near "${px% *}" 2000 1e-6 && near "${px#* }" -2000 1e-6 || fail "EPSG:3035 grid: pixel size $px"
printf '%s\n' "$info" | grep -q 'ID\["EPSG",3035\]' || fail "EPSG:3035 grid: CRS is not EPSG:3035"
ncdump -h "$d/b.nc" | grep -q ':radnow_product = "cmax"' || fail "product cmax not recorded"

# 3. values: the 50 m pixel centred on a gate of the lowest sweep (0.3 deg,
# dataset1) shows that gate's value, 0.5 * raw - 32 (raw 0: no echo). Ray row
# r is centred on azimuth r + 0.5 deg; gate g on 125 + 250 g m.
for rg in "165 179" "245 142" "326 76" "15 156" "95 167"; do
  set -- $rg
  r=$1 g=$2
  raw=$(h5dump -d /dataset1/data1/data -s "$r,$g" -c "1,1" "$v" | sed -n 's/^ *([0-9]*,[0-9]*): *\([0-9]*\)$/\1/p')
  want=$(awk -v p="$raw" 'BEGIN { printf "%.2f", p == 0 ? -32 : 0.5 * p - 32 }')
  s=$(awk -v r=$((125 + 250 * g)) 'BEGIN {
        ae = 4 / 3 * 6371000; e = 0.3 * atan2(0, -1) / 180
        h = sqrt(r * r + ae * ae + 2 * r * ae * sin(e)) - ae
        x = r * cos(e) / (ae + h); printf "%.3f", ae * atan2(x, sqrt(1 - x * x)) }')
  ll=$(echo "$lat $lon $r.5 $s" | geod +ellps=WGS84 -f %.9f)
  plat=$(echo "$ll" | awk '{ print $1 }')
  plon=$(echo "$ll" | awk '{ print $2 }')
  "$RADNOW" grid --center "$plat,$plon" --res 50 --size 5x5 -o "$d/g.nc" "$v" 2>/dev/null ||
    fail "radnow grid around gate $r,$g failed"
  got=$(gdallocationinfo -valonly "NETCDF:$d/g.nc:dbz" 2 2 2>/dev/null)
  echo "gate ray $r bin $g: raw $raw -> $want dBZ; gridded pixel $got"
  near "$got" "$want" 0.001 || fail "pixel on gate $r,$g shows $got dBZ, h5dump gives raw $raw ($want dBZ)"
done

# 4. lookup tables cached on disk: the second run reads the table, same frame
"$RADNOW" --log debug grid --lut-cache "$d/lut" -o "$d/c1.nc" "$v" 2>"$d/log1" || fail "lut-cache run 1"
"$RADNOW" --log debug grid --lut-cache "$d/lut" -o "$d/c2.nc" "$v" 2>"$d/log2" || fail "lut-cache run 2"
grep -q "lookup table .* built" "$d/log1" || fail "first run did not build a lookup table"
grep -q "lookup table read from" "$d/log2" || fail "second run did not read the table from disk"
[ "$(ls "$d/lut" | grep -c '^radnow-lut-[0-9a-f]*\.bin$')" -eq 1 ] || fail "no table file in the cache folder"
ncdump -v dbz "$d/c1.nc" | sed -n '/^ dbz =/,$p' >"$d/v1"
ncdump -v dbz "$d/c2.nc" | sed -n '/^ dbz =/,$p' >"$d/v2"
cmp -s "$d/v1" "$d/v2" || fail "frame from the cached table differs"

# 5. two volumes: a composite (max) is at least each input wherever both have data
"$RADNOW" grid -o "$d/m.nc" "$v" "$v2" 2>/dev/null || fail "composite of two volumes failed"
ncdump -h "$d/m.nc" | grep -q ':radnow_product = "composite"' || fail "composite product name"

# 6. every polar volume of the corpus goes through the generic reader onto a
# grid with measured pixels (echo or no echo) on it
i=0
for f in $(find "$RADNOW_TESTDATA/volumes" -type f | sort); do
  i=$((i + 1))
  if ! "$RADNOW" --log warn grid --res 2000 --size 250x250 -o "$d/v$i.nc" "$f"; then
    fail "radnow grid ${f#"$RADNOW_TESTDATA"/} failed"
    continue
  fi
  valid=$(gdalinfo -stats "NETCDF:$d/v$i.nc:dbz" 2>/dev/null | sed -n 's/.*STATISTICS_VALID_PERCENT=//p')
  echo "${f#"$RADNOW_TESTDATA"/}: ${valid:-?} % of the grid measured"
  awk -v p="$valid" 'BEGIN { exit !(p > 0.5) }' || fail "${f#"$RADNOW_TESTDATA"/}: grid is all nodata"
done

# 7. errors: one line, exit codes of DESIGN.md
expect_error 1 "product = 'ppi': want pcappi, cmax or cappi" "$RADNOW" grid --product ppi -o "$d/x.nc" "$v"
expect_error 1 "size = '12y'" "$RADNOW" grid --size 12y -o "$d/x.nc" "$v"
expect_error 1 "--center and --extent exclude each other" "$RADNOW" grid --center 51,5 \
  --extent 0,0,1,1 -o "$d/x.nc" "$v"
expect_error 1 "'EPSG:999999' is not a coordinate reference system" "$RADNOW" grid \
  --crs EPSG:999999 -o "$d/x.nc" "$v"
expect_error 2 "no/such.h5" "$RADNOW" grid -o "$d/x.nc" no/such.h5
expect_error 2 "quantity 'VRADH' not in the file" "$RADNOW" grid --quantity VRADH -o "$d/x.nc" "$v"
expect_error 4 "no/such/dir/x.nc.*No such file or directory" "$RADNOW" --log warn grid -o "$d/no/such/dir/x.nc" "$v"
[ ! -e "$d/x.nc" ] || fail "a failed run left $d/x.nc"
finish
