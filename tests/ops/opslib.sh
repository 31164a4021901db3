# opslib.sh - helpers for the operations tests (sourced after testlib.sh).
# setup_ops DIR: an input folder with frames 13:00-13:35 (5-min) written by
# mkframes, and DIR/radnow.conf pointing state and products into DIR.
MKFRAMES=$top_builddir/tests/ops/mkframes
# gdalinfo -stats must not leave .aux.xml files (stale statistics of a
# product rewritten in place, and foreign files) in the products folders.
GDAL_PAM_ENABLED=NO
export GDAL_PAM_ENABLED

setup_ops() {
  mkdir -p "$1/in"
  "$MKFRAMES" "$1/in" 202002071300 8 5 "${2:-64}" || fail "mkframes failed"
  cat >"$1/radnow.conf" <<CONF
[input]
patterns = $1/in/*.nc
step = 5
[state]
dir = $1/state
[products]
dir = $1/products
[run]
predictors = persistence
wait = 0
[predictor.persistence]
inputs = 4
CONF
}

# run_ops DIR [ARGS...]: radnow run with DIR's configuration; stderr to DIR/err.
run_ops() {
  d=$1
  shift
  "$RADNOW" run -c "$d/radnow.conf" "$@" >"$d/out" 2>"$d/err"
}

# Checksums of every visible product file (manifests included).
product_sums() {
  (cd "$1/products" && find . -type f ! -name '.*' | LC_ALL=C sort | xargs md5sum)
}

# Every visible file in the products folder $1 is complete: NetCDF files and
# GeoTIFFs open, manifests are whole JSON documents whose files exist.
check_products_complete() {
  for f in $(find "$1" -type f ! -name '.*' -name '*.nc'); do
    ncdump -h "$f" >/dev/null 2>&1 || fail "visible product $f does not open"
  done
  for f in $(find "$1" -type f ! -name '.*' -name '*.tif'); do
    out=$(gdalinfo -checksum "$f" 2>&1) || fail "visible product $f does not open"
    case $out in *ERROR*) fail "visible product $f does not read: $out" ;; esac
  done
  for m in $(find "$1" -type f -name '*.json' ! -name '.*'); do
    tail -n 1 "$m" | grep -q '^}$' || fail "manifest $m is not complete"
    base=$(dirname "$m")
    for f in $(grep -o '"[^"]*\.\(nc\|tif\)"' "$m" | tr -d '"'); do
      [ -f "$base/$f" ] || fail "$m lists $f, which does not exist"
    done
  done
}
