#!/bin/sh
# radnow run: a cycle on gridded frames, exit codes, repeatability, late and
# corrupt inputs, and the retention of frames and products.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/ops/opslib.sh"
need_tool ncdump
need_tool gdal_translate
d=$(scratch)
setup_ops "$d"

# A normal cycle: products, manifest and latest.json, stage timings.
run_ops "$d" --time 202002071335 || fail "run exited $?: $(cat "$d/err")"
[ "$(cat "$d/out")" = "$d/products/latest.json" ] || fail "run did not print latest.json"
grep -q '"reference_time": "2020-02-07T13:35:00Z"' "$d/products/latest.json" ||
  fail "latest.json: wrong reference time"
grep -q '"comment"' "$d/products/latest.json" && fail "latest.json: a timely run has a comment"
for kind in dbz display; do
  [ "$(ls "$d/products/202002071335" | grep -c "^persistence_202002071335_+0[0-9][0-9]min_$kind.tif$")" -eq 12 ] ||
    fail "expected 12 $kind GeoTIFFs: $(ls "$d/products/202002071335")"
done
[ -f "$d/products/202002071335/persistence_202002071335_forecast.nc" ] || fail "no forecast NetCDF"
for stage in lock gather select load "predict persistence" "products persistence" publish retention; do
  grep -Eq "info: cycle: $stage: .*[0-9.]+ ms$" "$d/err" || fail "no timing for stage $stage"
done
grep -Eq "info: cycle: total [0-9.]+ s$" "$d/err" || fail "no total time"
check_products_complete "$d/products"
# The forecast at every lead is the 13:35 frame (persistence), as GDAL reads both.
gdal_translate -q -of XYZ "NETCDF:$d/in/radar_202002071335.nc:dbz" "$d/a.xyz" ||
  fail "GDAL cannot read the input frame"
gdal_translate -q -of XYZ "$d/products/202002071335/persistence_202002071335_+060min_dbz.tif" \
  "$d/b.xyz" || fail "GDAL cannot read the product"
cmp -s "$d/a.xyz" "$d/b.xyz" || fail "persistence product differs from the last input frame"
gdalinfo "$d/products/202002071335/persistence_202002071335_+060min_dbz.tif" |
  grep -q "valid_time=2020-02-07T14:35:00Z" || fail "valid time of lead 60 is not 14:35"

# Running twice for the same time gives the same products; so does a fresh state.
product_sums "$d" >"$d/sums1"
run_ops "$d" --time 202002071335 || fail "second run exited $?"
grep -q "0 frame(s) gridded" "$d/err" || fail "second run gridded frames again"
product_sums "$d" >"$d/sums2"
cmp -s "$d/sums1" "$d/sums2" || fail "second run changed the products: $(diff "$d/sums1" "$d/sums2")"
rm -rf "$d/state"
run_ops "$d" --time 202002071335 || fail "run with a fresh state exited $?"
product_sums "$d" >"$d/sums3"
cmp -s "$d/sums1" "$d/sums3" || fail "a fresh state changed the products"

# Newest scan missing (a re-run of a past time does not wait): ran from 13:30, said so.
mv "$d/in/radar_202002071335.nc" "$d/late.nc"
run_ops "$d" --time 202002071336 --set state.dir="$d/state_late" || fail "late run exited $?"
grep -q '"comment": "late or missing input: expected 2020-02-07T13:35:00Z, ran from the newest complete set ending 2020-02-07T13:30:00Z"' \
  "$d/products/latest.json" || fail "late comment missing: $(grep comment "$d/products/latest.json")"
grep -q '"reference_time": "2020-02-07T13:30:00Z"' "$d/products/latest.json" || fail "late run did not run from 13:30"
gdalinfo "$d/products/202002071330/persistence_202002071330_+005min_display.tif" |
  grep -q "comment=late or missing input: expected 2020-02-07T13:35:00Z" || fail "late comment not in the GeoTIFF"
ncdump -h "$d/products/202002071330/persistence_202002071330_forecast.nc" |
  grep -q ':comment = "late or missing input: expected 2020-02-07T13:35:00Z' || fail "late comment not in the NetCDF"
grep -q "warn: cycle: late or missing input" "$d/err" || fail "late run did not log a warning"
mv "$d/late.nc" "$d/in/radar_202002071335.nc"

# A corrupt newest file is reported, skipped, and the cycle runs from the set before.
head -c 3000 "$d/in/radar_202002071330.nc" >"$d/in/radar_202002071340.nc"
run_ops "$d" --time 202002071340 || fail "run with a corrupt newest file exited $?: $(cat "$d/err")"
grep -q "warn: input: .*$d/in/radar_202002071340.nc: .*(skipped)" "$d/err" ||
  fail "corrupt file not reported: $(cat "$d/err")"
grep -q '"reference_time": "2020-02-07T13:35:00Z"' "$d/products/latest.json" || fail "corrupt run did not use 13:35"
grep -q "202002071340.*bad" "$d/state/inputs.tsv" || fail "corrupt file not recorded as bad"
run_ops "$d" --time 202002071340 || fail "second run with a corrupt newest file exited $?"
grep -q "warn: input: $d/in/radar_202002071340.nc: unreadable, skipped" "$d/err" ||
  fail "known corrupt file not reported again"
# Once repaired (it changes), it is read again.
rm "$d/in/radar_202002071340.nc"
mkdir -p "$d/tmp" && "$MKFRAMES" "$d/tmp" 202002071340 1 5
mv "$d/tmp/radar_202002071340.nc" "$d/in/"
run_ops "$d" --time 202002071340 || fail "run after repair exited $?"
grep -q '"reference_time": "2020-02-07T13:40:00Z"' "$d/products/latest.json" || fail "repaired file not used"

# Retention: products older than the retention and frames beyond [state] keep go.
run_ops "$d" --time 202002071340 --set products.retention=4 --set state.keep=5 ||
  fail "retention run exited $?"
[ -d "$d/products/202002071335" ] && fail "products of 13:35 outlived a 4-minute retention"
[ -d "$d/products/202002071340" ] || fail "retention deleted the current cycle"
[ "$(ls "$d/state/frames" | wc -l)" -eq 5 ] || fail "state keeps $(ls "$d/state/frames" | wc -l) frames, want 5"

# Exit codes.
rr() { "$RADNOW" --log error "$@"; }
expect_error 1 "config: $d/nope.conf: No such file" rr run -c "$d/nope.conf"
expect_error 1 "\[predictor.persistence\] leads = 'x': not an integer" rr run -c "$d/radnow.conf" --set predictor.persistence.leads=x
expect_error 1 "\[run\] max_age = 'x': not a number" rr run -c "$d/radnow.conf" --set run.max_age=x
expect_error 1 "\[products\] compress = 'LZW': want DEFLATE or ZSTD" rr run -c "$d/radnow.conf" --set products.compress=LZW
expect_error 1 "\[run\] predictors: 'persistence' given twice" rr run -c "$d/radnow.conf" --set "run.predictors=persistence, persistence"
expect_error 1 "\[state\] keep = 2: the predictors need 4 frames" rr run -c "$d/radnow.conf" --set state.keep=2
expect_error 1 "--set run.wait: want SECTION.KEY=VALUE" rr run -c "$d/radnow.conf" --set run.wait
expect_error 1 "predictor 'magic' unknown \(known: persistence, " rr run -c "$d/radnow.conf" --set run.predictors=magic
expect_error 1 "\[input\] patterns: no input file pattern" rr run -c "$d/radnow.conf" --set input.patterns=
expect_error 1 "--time 2020: want YYYYmmddHHMM" rr run -c "$d/radnow.conf" --time 2020
expect_error 2 "no 4 consecutive frames 5 min apart .* 0 frames in that window" \
  rr run -c "$d/radnow.conf" --time 202002071300 --set input.patterns="$d/nothing/*.h5" --set state.dir="$d/state2"
expect_error 2 "no 4 consecutive frames 5 min apart .*: 13:00 13:05" \
  rr run -c "$d/radnow.conf" --time 202002071305 --set state.dir="$d/state3"
expect_error 2 "no 10 consecutive frames" rr run -c "$d/radnow.conf" --time 202002071340 --set predictor.persistence.inputs=10
expect_error 4 "products: $d/radnow.conf/products: Not a directory" rr run -c "$d/radnow.conf" --time 202002071340 --set products.dir="$d/radnow.conf/products"
finish
