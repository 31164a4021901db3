#!/bin/sh
# A full disk: the run exits 4 and the previous products stay intact.
# As root the products live on a small tmpfs that is then filled; otherwise
# a file-size limit (ulimit -f, SIGXFSZ ignored) makes writes fail the same way.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/ops/opslib.sh"
need_tool ncdump
d=$(scratch)
setup_ops "$d"
mnt=
if [ "$(id -u)" -eq 0 ] && mkdir -p "$d/mnt" && mount -t tmpfs -o size=2m radnow-test "$d/mnt" 2>/dev/null; then
  mnt=$d/mnt
  trap 'umount "$mnt"; rm -rf "$d"' EXIT
  sed -i "s#^dir = $d/products#dir = $mnt/products#" "$d/radnow.conf"
  P=$mnt/products
  echo "products on a 2 MB tmpfs"
else
  P=$d/products
  echo "products limited by ulimit -f"
fi

run_ops "$d" --time 202002071330 || fail "first run exited $?: $(cat "$d/err")"
(cd "$P" && find . -type f | LC_ALL=C sort | xargs md5sum) >"$d/sums.before"

if [ -n "$mnt" ]; then
  # Leave 20 kB: the first product then fails half-way through its writing.
  avail=$(df -k --output=avail "$mnt" | tail -n 1)
  dd if=/dev/zero of="$mnt/fill" bs=1k count=$((avail - 20)) 2>/dev/null
  run_ops "$d" --time 202002071335
  rc=$?
  expect="No space left"
else
  (trap '' XFSZ; ulimit -f 8; exec "$RADNOW" run -c "$d/radnow.conf" --time 202002071335) \
    >"$d/out" 2>"$d/err"
  rc=$?
  expect="File too large|HDF error"
fi
# 4, not a crash: HDF5 must not trip over the failed file at exit.
[ $rc -eq 4 ] || fail "run on a full disk exited $rc, expected 4: $(cat "$d/err")"
tail -n 1 "$d/err" | grep -Eiq "error: run: .*($expect)" ||
  fail "unclear message: $(tail -n 1 "$d/err")"
(cd "$P" && find . -type f ! -name fill | LC_ALL=C sort | xargs md5sum) >"$d/sums.after"
cmp -s "$d/sums.before" "$d/sums.after" ||
  fail "previous products changed: $(diff "$d/sums.before" "$d/sums.after")"
left=$(find "$P" -name '.*.tmp.*')
[ -z "$left" ] || fail "temporaries left on the full disk: $left"
[ -e "$P/202002071335" ] && fail "the failed cycle left a folder: $(ls -a "$P/202002071335")"

# Room again: the next run succeeds.
[ -n "$mnt" ] && rm -f "$mnt/fill"
run_ops "$d" --time 202002071335 || fail "run after freeing space exited $?: $(cat "$d/err")"
grep -q '"reference_time": "2020-02-07T13:35:00Z"' "$P/latest.json" || fail "run after freeing space did not publish"
finish
