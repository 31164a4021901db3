#!/bin/sh
# A full disk while writing products: exit 4 with one error line, no partial
# or temporary file left, the previous products and latest.json intact.
# As root a 1 MiB tmpfs is the disk; otherwise RLIMIT_FSIZE (ulimit -f)
# makes every file over 200 KiB fail the same way (RADNOW_FULLDISK=ulimit
# chooses it as root too).
. "$top_srcdir/tests/testlib.sh"
need_tool gdalinfo
writer="$top_builddir/tests/unit/product_writer"
d=$(mktemp -d "${TMPDIR:-/tmp}/radnow-test.XXXXXX")
out=$d/products
mkdir -p "$out"
mode=ulimit
if [ "${RADNOW_FULLDISK:-tmpfs}" = tmpfs ] && [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m radnow-test "$out" 2>/dev/null; then
  mode=tmpfs
  trap 'umount "$out"; rm -rf "$d"' EXIT
else
  trap 'rm -rf "$d"' EXIT
fi
echo "limiting the disk with $mode"

run_limited() {
  if [ $mode = tmpfs ]; then
    "$writer" "$@"
  else
    (ulimit -f 400; trap '' XFSZ; exec "$writer" "$@")
  fi
}

# A first cycle fits (about 400 KB).
run_limited "$out" >/dev/null || fail "first cycle did not fit"
(cd "$out" && md5sum -- *) >"$d/before.md5"

# The same cycle again, larger and incompressible: its first file does not fit.
err=$(run_limited "$out" --noise --size 1000 800 2>&1 >/dev/null)
rc=$?
[ $rc -eq 4 ] || fail "full disk: exit $rc, expected 4"
[ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ] || fail "full disk: expected one error line, got: $err"
printf '%s\n' "$err" | grep -Eq "geotiff: $out/extrapolation_202002071335_\+005min_dbz.tif: (No space left on device|File too large)" ||
  fail "full disk: unclear error: $err"
[ "$(ls -A "$out")" = "$(cut -c35- "$d/before.md5")" ] ||
  fail "files changed: $(ls -A "$out")"
(cd "$out" && md5sum -c --quiet "$d/before.md5") || fail "previous products changed"

# A new cycle that does not fit leaves only complete files; latest.json
# still describes the first cycle.
err=$(run_limited "$out" --noise --size 1000 800 --time 202002071340 2>&1 >/dev/null)
rc=$?
[ $rc -eq 4 ] || fail "full disk, new cycle: exit $rc, expected 4"
stray=$(ls -A "$out" | grep -v '\.tif$' | grep -v '^latest\.json$')
[ -z "$stray" ] || fail "files left by the failed cycle: $stray"
(cd "$out" && md5sum -c --quiet "$d/before.md5") || fail "previous products changed (new cycle)"
for f in "$out"/*.tif; do
  gdalinfo -checksum "$f" >/dev/null 2>&1 || fail "$(basename "$f") is not a complete GeoTIFF"
done
finish
