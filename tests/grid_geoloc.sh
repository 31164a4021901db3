#!/bin/sh
# Gate geolocation checked with PROJ's own command-line tools. For each gate
# (site, elevation, azimuth, slant range) the expected position is computed
# here, independently of radnow:
#   1. ground range s from the 4/3-earth beam model (awk, the formulas of
#      include/radnow/beam.h),
#   2. geod: the forward geodesic from the site along the azimuth over s,
#   3. cs2cs: that point into the grid's CRS.
# grid_probe then grids a volume whose only echo is that gate onto a 50 m
# grid around the expected point; the centroid of the pixels showing it must
# be within half a pixel (25 m) of the expected point.
. "$top_srcdir/tests/testlib.sh"
need_tool geod
need_tool cs2cs
need_tool projinfo
probe="$top_builddir/tests/tools/grid_probe"
res=50

# proj_of CRS: a PROJ string cs2cs takes after +to
proj_of() {
  case "$1" in
  +*) echo "$1" ;;
  *) projinfo -q -o PROJ "$1" | sed 's/ +type=crs//' ;;
  esac
}

# gate LAT LON HEIGHT EL AZ RANGE CRS (CRS "radar": aeqd centred on the site)
gate() {
  lat=$1 lon=$2 h=$3 el=$4 az=$5 r=$6 crs=$7
  s=$(awk -v r="$r" -v el="$el" 'BEGIN {
        ae = 4 / 3 * 6371000; pi = atan2(0, -1); e = el * pi / 180
        h = sqrt(r * r + ae * ae + 2 * r * ae * sin(e)) - ae
        x = r * cos(e) / (ae + h)
        printf "%.4f", ae * atan2(x, sqrt(1 - x * x)) }')
  ll=$(echo "$lat $lon $az $s" | geod +ellps=WGS84 -f %.10f) || { fail "geod failed"; return; }
  lat2=$(echo "$ll" | awk '{ print $1 }')
  lon2=$(echo "$ll" | awk '{ print $2 }')
  if [ "$crs" = radar ]; then
    p="+proj=aeqd +lat_0=$lat +lon_0=$lon +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
  else
    p=$(proj_of "$crs")
  fi
  # shellcheck disable=SC2086 # the PROJ string is split into its +parameters on purpose
  xy=$(echo "$lon2 $lat2" | cs2cs -f %.4f +proj=longlat +datum=WGS84 +to $p) ||
    { fail "cs2cs failed for $crs"; return; }
  x=$(echo "$xy" | awk '{ print $1 }')
  y=$(echo "$xy" | awk '{ print $2 }')
  ext=$(awk -v x="$x" -v y="$y" 'BEGIN { printf "%.3f,%.3f,%.3f,%.3f", x - 3000, y - 3000, x + 3000, y + 3000 }')
  out=$("$probe" "$lat" "$lon" "$h" "$el" "$az" "$r" "$crs" "$ext" "$res") ||
    { fail "grid_probe failed for $crs"; return; }
  set -- $out
  d=$(awk -v x="$x" -v y="$y" -v cx="$2" -v cy="$3" 'BEGIN { printf "%.2f", sqrt((cx - x)^2 + (cy - y)^2) }')
  echo "site $lat,$lon el $el az $az r $r on $crs: s $s m, expected $x $y, centroid $2 $3 of $1 pixels: $d m off"
  if [ "$1" -lt 10 ] || ! awk -v d="$d" -v t="$res" 'BEGIN { exit !(d <= t / 2) }'; then
    fail "gate el $el az $az r $r on $crs lands $d m from where geod/cs2cs put it ($1 pixels)"
  fi
}

# Helchteren (BE): the radar's own projection, LAEA Europe, UTM 31N, Web Mercator
for crs in radar EPSG:3035 EPSG:32631 EPSG:3857; do
  gate 51.069072 5.4064 140 0.3 45.5 100500 "$crs"
  gate 51.069072 5.4064 140 3.0 200.5 50500 "$crs"
  gate 51.069072 5.4064 140 0.5 300.5 199500 "$crs"
  gate 51.069072 5.4064 140 15.0 90.5 20500 "$crs"
done
# Ikaalinen (FI): TM35FIN and FMI's polar stereographic
for crs in EPSG:3067 "+proj=stere +lat_0=90 +lat_ts=60 +lon_0=25 +ellps=WGS84 +units=m +no_defs"; do
  gate 61.7673 23.0764 153 0.3 10.5 180500 "$crs"
  gate 61.7673 23.0764 153 1.5 250.5 90500 "$crs"
done
# southern hemisphere, and across the antimeridian
gate -33.7008 151.2094 195 0.5 135.5 120500 "+proj=utm +zone=56 +south +datum=WGS84 +units=m +no_defs"
gate -17.75 179.3 20 0.5 90.5 150500 radar
gate -17.75 179.3 20 0.5 90.5 150500 EPSG:3832
finish
