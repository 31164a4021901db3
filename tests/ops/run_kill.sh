#!/bin/sh
# A run killed with SIGKILL while writing leaves no partial product visible
# (latest.json still names the previous, complete cycle), and the next run
# succeeds and sweeps the temporaries.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/ops/opslib.sh"
need_tool ncdump
d=$(scratch)
setup_ops "$d" 96

run_ops "$d" --time 202002071330 || fail "first run exited $?"
cp "$d/products/latest.json" "$d/latest.before"

# kill_while_writing FOLDER TIME: start a run and SIGKILL it as soon as a
# temporary file shows up in FOLDER; 0 when caught mid-write.
kill_while_writing() {
  "$RADNOW" run -c "$d/radnow.conf" --time "$2" >/dev/null 2>"$d/err.killed" &
  pid=$!
  caught=1
  while kill -0 $pid 2>/dev/null; do
    if ls -a "$1" 2>/dev/null | grep -q '^\..*\.tmp\.'; then
      kill -9 $pid
      caught=0
      break
    fi
  done
  wait $pid 2>/dev/null
  return $caught
}

# Killed while writing products.
tries=0
until kill_while_writing "$d/products/202002071335" 202002071335; do
  tries=$((tries + 1))
  [ $tries -lt 5 ] || { fail "could not catch a run while it wrote products"; break; }
  rm -rf "$d/products/202002071335"
  cp "$d/latest.before" "$d/products/latest.json"
done
cmp -s "$d/latest.before" "$d/products/latest.json" ||
  fail "latest.json changed although the run was killed"
check_products_complete "$d/products"

# Killed while gridding frames into the state.
rm -rf "$d/state"
tries=0
until kill_while_writing "$d/state/frames" 202002071335; do
  tries=$((tries + 1))
  [ $tries -lt 5 ] || { fail "could not catch a run while it gridded frames"; break; }
  rm -rf "$d/state"
done
for f in "$d"/state/frames/frame_*.nc; do
  [ -e "$f" ] || continue
  ncdump -h "$f" >/dev/null 2>&1 || fail "partial state frame $f visible"
done

# The next run succeeds, completes the cycle and leaves no temporaries.
run_ops "$d" --time 202002071335 || fail "run after the kills exited $?: $(cat "$d/err")"
grep -q '"reference_time": "2020-02-07T13:35:00Z"' "$d/products/latest.json" || fail "next run did not publish"
check_products_complete "$d/products"
left=$(find "$d/products" "$d/state" -name '.*.tmp.*')
[ -z "$left" ] || fail "temporaries left after the next run: $left"
# Its products are those of an undisturbed run.
product_sums "$d" >"$d/sums.after"
rm -rf "$d/state" "$d/products"
run_ops "$d" --time 202002071330 && run_ops "$d" --time 202002071335 || fail "clean runs failed"
product_sums "$d" >"$d/sums.clean"
cmp -s "$d/sums.after" "$d/sums.clean" || fail "products after a kill differ from a clean run's"
finish
