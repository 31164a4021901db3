#!/bin/sh
# radnow info on every polar volume (ODIM_H5, CfRadial) and every composite of
# the corpus, checked against values read with h5dump / ncdump / gdalinfo when
# this test was written. ODIM:
#   h5dump -a /what/date -a /what/time -a /what/source -a /where/lat -a /where/lon \
#          -a /where/height FILE
#   for i in 1 .. N: h5dump -a /datasetI/where/elangle FILE   (then sorted)
#   h5dump -H FILE | grep DATASPACE   (rays x gates), h5dump -a /datasetI/where/rscale
. "$top_srcdir/tests/testlib.sh"
need_corpus
v="$RADNOW_TESTDATA/volumes"
c="$RADNOW_TESTDATA/composites"

# jget KEY JSON: the scalar value of KEY (strings without quotes).
jget() { printf '%s\n' "$2" | sed -n "s/.*\"$1\":\(\"\([^\"]*\)\"\|\([^,}]*\)\).*/\2\3/p"; }
# jall KEY JSON: every value of KEY, space separated.
jall() { printf '%s\n' "$2" | grep -o "\"$1\":[^,}]*" | sed "s/\"$1\"://" | tr '\n' ' ' | sed 's/ $//'; }

# check FILE TIME LAT LON HEIGHT NSWEEPS "ELEVATIONS" "NRAYS" "NGATES" "SPACING" "FIRST_GATE"
check() {
  f=$1
  j=$("$RADNOW" info --json "$f") || { fail "radnow info $f failed"; return; }
  [ "$(jget format "$j")" = ODIM_H5/V2_0 ] || [ "$(jget format "$j")" = ODIM_H5/V2_3 ] ||
    fail "$f: format $(jget format "$j")"
  [ "$(jget time "$j")" = "$2" ] || fail "$f: time $(jget time "$j"), expected $2"
  [ "$(jget lat "$j")" = "$3" ] || fail "$f: lat $(jget lat "$j"), expected $3"
  [ "$(jget lon "$j")" = "$4" ] || fail "$f: lon $(jget lon "$j"), expected $4"
  [ "$(jget height "$j")" = "$5" ] || fail "$f: height $(jget height "$j"), expected $5"
  n=$(printf '%s\n' "$j" | grep -o '"elevation":' | wc -l)
  [ "$n" -eq "$6" ] || fail "$f: $n sweeps, expected $6"
  [ "$(jall elevation "$j")" = "$7" ] || fail "$f: elevations $(jall elevation "$j"), expected $7"
  [ "$(jall nrays "$j")" = "$8" ] || fail "$f: rays $(jall nrays "$j"), expected $8"
  [ "$(jall ngates "$j")" = "$9" ] || fail "$f: gates $(jall ngates "$j"), expected $9"
  shift 9
  [ "$(jall gate_spacing "$j")" = "$1" ] || fail "$f: spacing $(jall gate_spacing "$j"), expected $1"
  [ "$(jall first_gate "$j")" = "$2" ] || fail "$f: first gate $(jall first_gate "$j"), expected $2"
}

# near A B TOL: |A - B| <= TOL
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= t) }'; }

rep() { r=""; for i in $(seq "$1"); do r="$r $2"; done; echo $r; }

# Helchteren: 12 sweeps x 360 rays x 800 gates of 250 m, rstart 0; 8 volumes 5 min apart.
el="0.3 0.5 0.8 1.8 3 5 7.5 10 13 16 20 25"
for t in 130000:13:00:05 130500:13:05:04 131000:13:10:04 131500:13:15:04 132000:13:20:04 \
         132500:13:25:04 133000:13:30:04 133500:13:35:04; do
  name=${t%%:*} time=${t#*:}
  check "$v/odim_pvol_behel_seq/20200207$name.rad.behel.pvol.dbzh.scanz.hdf" \
    "2020-02-07T${time}Z" 51.069072 5.4064 140 12 "$el" "$(rep 12 360)" "$(rep 12 800)" \
    "$(rep 12 250)" "$(rep 12 125)"
done
j=$("$RADNOW" info --json "$v/odim_pvol_behel_seq/20200207130000.rad.behel.pvol.dbzh.scanz.hdf")
[ "$(jget source "$j")" = "WMO:06475,RAD:BX43,PLC:Helchteren,NOD:behel,CTY:605,CMT:behel_scan_200km_dp_dBZ" ] ||
  fail "Helchteren source $(jget source "$j")"

# KNMI Den Helder (float32 attributes: lat 52.95334 is 52.9533386 in float).
check "$v/odim_pvol_knmi/knmi_polar_volume.h5" 2011-06-10T11:40:02Z 52.95333862 4.789969921 50 14 \
  "0.3000000119 0.400000006 0.8000000119 1.100000024 2 3 4.5 6 8 10 12 15 20 25" "$(rep 14 360)" \
  "320 240 240 240 240 340 340 300 300 240 240 240 240 240" \
  "1000 1000 1000 1000 1000 500 500 500 500 500 500 500 500 500" \
  "500 500 500 500 500 250 250 250 250 250 250 250 250 250"

# Meteo-France Avesnes: one sweep per file, 360 x 267 gates of 960 m, 3 moments.
check "$v/odim_scan_lfpw/T_PAZA63_C_LFPW_20230420065041.h5" 2023-04-20T06:50:41Z 50.12832 3.81181 \
  208.8 1 8 360 267 960 480
check "$v/odim_scan_lfpw/T_PAZA63_C_LFPW_20230420065541.h5" 2023-04-20T06:55:41Z 50.12832 3.81181 \
  208.8 1 6 360 267 960 480
j=$("$RADNOW" info --json "$v/odim_scan_lfpw/T_PAZA63_C_LFPW_20230420065041.h5")
printf '%s\n' "$j" | grep -q '"quantities":\["DBZH","TH","VRADH"\]' || fail "LFPW quantities: $j"
[ "$(jget object "$j")" = SCAN ] || fail "LFPW object $(jget object "$j")"
j=$("$RADNOW" info --json --quantity VRADH "$v/odim_scan_lfpw/T_PAZA63_C_LFPW_20230420065041.h5")
[ "$(jget quantity "$j")" = VRADH ] && [ "$(jget units "$j")" = m/s ] &&
  [ "$(jget max_dbz "$j")" = null ] || fail "LFPW --quantity VRADH: $j"

# OPERA composite: 3800 x 4400 pixels of 1 km on LAEA; corners from where/UL_lon ... projected
# with PROJ's command-line tool:
#   echo "-39.5357864125034 67.0228327624372" | proj +proj=laea +lat_0=55.0 +lon_0=10.0 \
#     +x_0=1950000.0 +y_0=-2100000.0 +units=m +ellps=WGS84   -> 0 0 (UL); LR -> 3800000 -4400000
for t in 010000 010500 011000; do
  f="$c/opera_cirrus_20241126/T_PABV21_C_EUOC_20241126$t.hdf"
  j=$("$RADNOW" info --json "$f") || { fail "radnow info $f"; continue; }
  [ "$(jget object "$j")" = COMP ] || fail "$f: object"
  [ "$(jget nx "$j")" = 3800 ] && [ "$(jget ny "$j")" = 4400 ] || fail "$f: size $(jget nx "$j") x $(jget ny "$j")"
  hh=$(echo $t | cut -c1-2) mm=$(echo $t | cut -c3-4)
  [ "$(jget time "$j")" = "2024-11-26T$hh:$mm:00Z" ] || fail "$f: time $(jget time "$j")"
  ext=$(printf '%s\n' "$j" | sed -n 's/.*"extent":\[\([^]]*\)\].*/\1/p')
  echo "$ext" | awk -F, '{ e = 0.01; if ((($1 < 0 ? -$1 : $1) > e) || (($2 + 4400000) > e || ($2 + 4400000) < -e) ||
      (($3 - 3800000) > e || ($3 - 3800000) < -e) || (($4 < 0 ? -$4 : $4) > e)) exit 1 }' ||
    fail "$f: extent $ext, expected 0,-4400000,3800000,0"
  printf '%s\n' "$j" | grep -q 'Lambert_Azimuthal_Equal_Area' || fail "$f: CRS is not LAEA"
  [ "$(jget quantity "$j")" = DBZH ] || fail "$f: quantity"
done

# CfRadial, from ncdump -v latitude,longitude,altitude,fixed_angle,sweep_start_ray_index,\
#   sweep_end_ray_index,time_coverage_start,range FILE   and ncdump -h (dimensions).
cf() {
  f=$1
  j=$("$RADNOW" info --json "$f") || { fail "radnow info $f failed"; return; }
  [ "$(jget format "$j")" = "$2" ] || fail "$f: format $(jget format "$j"), expected $2"
  [ "$(jget time "$j")" = "$3" ] || fail "$f: time $(jget time "$j"), expected $3"
  near "$(jget lat "$j")" "$4" 1e-5 || fail "$f: lat $(jget lat "$j"), expected $4"
  near "$(jget lon "$j")" "$5" 1e-5 || fail "$f: lon $(jget lon "$j"), expected $5"
  near "$(jget height "$j")" "$6" 1e-3 || fail "$f: height $(jget height "$j"), expected $6"
  [ "$(printf '%s\n' "$j" | grep -o '"elevation":' | wc -l)" -eq 1 ] || fail "$f: not one sweep"
  near "$(jall elevation "$j")" "$7" 1e-6 || fail "$f: elevation $(jall elevation "$j"), expected $7"
  [ "$(jall nrays "$j")" = "$8" ] || fail "$f: rays $(jall nrays "$j"), expected $8"
  [ "$(jall ngates "$j")" = "$9" ] || fail "$f: gates $(jall ngates "$j"), expected $9"
  shift 9
  near "$(jall first_gate "$j")" "$1" 1e-3 || fail "$f: first gate $(jall first_gate "$j"), expected $1"
  near "$(jall gate_spacing "$j")" "$2" 0.01 || fail "$f: spacing $(jall gate_spacing "$j"), expected $2"
}
# MLL: range = 249.999, 749.997, ... (492 values; spacing 499.998 over the sweep)
cf "$v/cfradial/MLL2217907250U.003.nc" CfRadial-1.3 2022-06-28T07:21:36Z 46.04076 8.833217 1626 \
  0.9997711 360 492 249.999 499.998
# Py-ART example: sweep_end_ray_index = 399 but the file holds 40 rays (truncated copy);
# range = 0, 960, ...
cf "$v/cfradial/example_cfradial_ppi.nc" CfRadial-1.2 2011-05-20T10:54:16Z 36.4908333333333 \
  -97.5941666666667 214 0.4998779 40 42 0 960
j=$("$RADNOW" info --json "$v/cfradial/example_cfradial_ppi.nc")
printf '%s\n' "$j" | grep -q '"notes":"1 sweep(s) end past the last ray (file has 40 rays): truncated"' ||
  fail "example_cfradial_ppi.nc: the truncation is not reported: $j"

# grid FILE NX NY XMIN YMIN XMAX YMAX TOL: size and extent of a gridded file.
grid() {
  j=$("$RADNOW" info --json "$1") || { fail "radnow info $1 failed"; return; }
  [ "$(jget nx "$j")" = "$2" ] && [ "$(jget ny "$j")" = "$3" ] ||
    fail "$1: size $(jget nx "$j") x $(jget ny "$j"), expected $2 x $3"
  ext=$(printf '%s\n' "$j" | sed -n 's/.*"extent":\[\([^]]*\)\].*/\1/p')
  set -- "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" $(echo "$ext" | tr ',' ' ')
  near "$9" "$4" "$8" && near "${10}" "$5" "$8" && near "${11}" "$6" "$8" && near "${12}" "$7" "$8" ||
    fail "$1: extent $ext, expected $4 $5 $6 $7"
  # The time inside agrees with the YYYYmmddHHMM of the name.
  [ "$(jget time "$j")" = "$(jget time_from_name "$j")" ] ||
    fail "$1: time $(jget time "$j") but the name says $(jget time_from_name "$j")"
}

# FMI PGM: size from the header line "760 1226"; corners "bottomleft 18.6 57.93",
# "topright 34.903 69.005" (zcat FILE | head -c 1500) projected with PROJ's tool:
#   printf "18.6 57.93\n34.903 69.005\n" | proj +proj=stere +lon_0=25 +lat_0=90 +lat_ts=60 \
#     +R=6371288 -f %.3f  -> -380886.305 -3395677.910, 378865.975 -2170133.261
# (the sphere radius for which the corners give metersperpixel_x 999.674053); every
# file's "# obstime" equals the time in its name (zcat | grep obstime).
n=0
for f in "$c"/fmi_pgm_20160928/*.pgm.gz; do
  grid "$f" 760 1226 -380886.305 -3395677.910 378865.975 -2170133.261 2
  n=$((n + 1))
done
[ "$n" -eq 40 ] || fail "expected 40 FMI PGM files, found $n"
j=$("$RADNOW" info --json "$c/fmi_pgm_20160928/201609281445_fmi.radar.composite.lowest_FIN_SUOMI1.pgm.gz")
[ "$(jget time "$j")" = 2016-09-28T14:45:00Z ] || fail "FMI PGM 14:45 time $(jget time "$j")"
printf '%s\n' "$j" | grep -q '"encoding":"odim-byte: dBZ = 0.5 p -32, nodata 255, undetect 0"' ||
  fail "FMI PGM encoding: $j"

# FMI GeoTIFF, from gdalinfo: Size is 4963, 7316; Origin = (-196593.004314229590818,
# 8084432.005259145982563); Pixel Size = (250.004018873606157,-250.013983930901190);
# corners -196593.004, 6255329.699 / 1044176.941, 8084432.005; EPSG 3067; the encoding
# from GDAL_METADATA (Gain 0.5, Offset -32, Nodata 255, Undetect 0).
for t in 1445 1450; do
  f="$c/fmi_geotiff_20160928/20160928${t}_FINUTM.tif"
  grid "$f" 4963 7316 -196593.004 6255329.699 1044176.941 8084432.005 0.01
  j=$("$RADNOW" info --json "$f")
  printf '%s\n' "$j" | grep -q 'AUTHORITY\[\\"EPSG\\",\\"3067\\"\]\]' || fail "$f: CRS is not EPSG:3067"
  printf '%s\n' "$j" | grep -q '"encoding":"file metadata: dBZ = 0.5 p -32, nodata 255, undetect 0"' ||
    fail "$f: encoding: $(jget encoding "$j")"
done

# KNMI: h5dump -A -g /geographic FILE: geo_number_columns 700, geo_number_rows 765,
# geo_pixel_size_x 1, _y -1 (km), geo_row_offset 3650, geo_column_offset 0 -> x 0 .. 700 km,
# y -4415 .. -3650 km; /overview/product_datetime_end 26-AUG-2010;00:00:00.000 for the first.
n=0
for f in "$c"/knmi_201008/08/*.h5; do
  grid "$f" 700 765 0 -4415000 700000 -3650000 0.01
  n=$((n + 1))
done
[ "$n" -eq 92 ] || fail "expected 92 KNMI files, found $n"
j=$("$RADNOW" info --json "$c/knmi_201008/08/RAD_NL25_RAP_5min_201008260735.h5")
[ "$(jget time "$j")" = 2010-08-26T07:35:00Z ] || fail "KNMI last time $(jget time "$j")"
[ "$(jget quantity "$j")" = ACRR ] && [ "$(jget units "$j")" = mm ] || fail "KNMI quantity/units: $j"

finish
