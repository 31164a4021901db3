#!/bin/sh
# radnow run never overlaps itself: a second run exits at once with code 3
# and one log line; a run waits (boundedly) for a late scan.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/ops/opslib.sh"
need_tool flock
need_tool timeout
d=$(scratch)
setup_ops "$d"
mkdir -p "$d/state"

# The lock held by another process (flock(1) on the same file).
flock -x "$d/state/radnow.lock" -c "touch '$d/held'; sleep 30" &
holder=$!
i=0
while [ ! -f "$d/held" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
timeout 10 "$RADNOW" run -c "$d/radnow.conf" --time 202002071335 >"$d/out" 2>"$d/err"
rc=$?
[ $rc -eq 3 ] || fail "run under a held lock exited $rc, expected 3: $(cat "$d/err")"
[ "$(grep -c . "$d/err")" -eq 1 ] || fail "expected one log line: $(cat "$d/err")"
grep -Eq "radnow\[[0-9]+\] error: run: lock: $d/state/radnow.lock: another radnow run holds the lock" "$d/err" ||
  fail "wrong message: $(cat "$d/err")"
[ -d "$d/products" ] && fail "a refused run created products"
kill $holder 2>/dev/null
wait $holder 2>/dev/null

# Two radnow runs: the first waits for the scan of the current slot, which
# arrives 2 s later; the second, started meanwhile, is refused with code 3.
now=$(date -u +%s)
slot=$((now / 300 * 300))
mkdir -p "$d/live" "$d/stage"
"$MKFRAMES" "$d/live" "$(date -u -d @$((slot - 1200)) +%Y%m%d%H%M)" 4 5 || fail "mkframes"
"$MKFRAMES" "$d/stage" "$(date -u -d @$slot +%Y%m%d%H%M)" 1 5 || fail "mkframes"
sed -e "s#$d/in/#$d/live/#" -e "s#$d/state#$d/lstate#" -e "s#$d/products#$d/lproducts#" \
  "$d/radnow.conf" >"$d/live.conf"
"$RADNOW" run -c "$d/live.conf" --time "$(date -u -d @$now +%Y%m%d%H%M%S)" --wait 120 \
  --set run.poll=0.5 >"$d/out1" 2>"$d/err1" &
first=$!
i=0
while ! grep -q "waiting for the scan" "$d/err1" 2>/dev/null && [ $i -lt 200 ]; do
  sleep 0.1
  i=$((i + 1))
done
grep -q "waiting for the scan of $(date -u -d @$slot +%Y-%m-%dT%H:%M:00Z)" "$d/err1" ||
  fail "first run does not wait for the current scan: $(cat "$d/err1")"
timeout 10 "$RADNOW" run -c "$d/live.conf" >"$d/out2" 2>"$d/err2"
rc=$?
[ $rc -eq 3 ] || fail "concurrent run exited $rc, expected 3: $(cat "$d/err2")"
grep -q "another radnow run holds the lock (pid $first since " "$d/err2" ||
  fail "refusal does not name the holder: $(cat "$d/err2")"
mv "$d/stage/"*.nc "$d/live/"
wait $first
rc=$?
[ $rc -eq 0 ] || fail "waiting run exited $rc: $(cat "$d/err1")"
grep -q "\"reference_time\": \"$(date -u -d @$slot +%Y-%m-%dT%H:%M:00Z)\"" "$d/lproducts/latest.json" ||
  fail "waiting run did not use the late scan"
grep -q '"comment"' "$d/lproducts/latest.json" && fail "a scan that arrived in time counted as late"
check_products_complete "$d/lproducts"

# A scan that never comes: the wait is bounded, then the run goes ahead from
# the newest complete set and says so.
rm "$d/live/radar_$(date -u -d @$slot +%Y%m%d%H%M).nc"
now=$(date -u +%s)
slot2=$((now / 300 * 300))
if [ $slot2 -ne $slot ]; then
  "$MKFRAMES" "$d/live" "$(date -u -d @$((slot2 - 1200)) +%Y%m%d%H%M)" 4 5 || fail "mkframes"
fi
rm -rf "$d/lstate"
timeout 60 "$RADNOW" run -c "$d/live.conf" --time "$(date -u -d @$now +%Y%m%d%H%M%S)" --wait 8 \
  --set run.poll=0.5 >"$d/out3" 2>"$d/err3"
rc=$?
[ $rc -eq 0 ] || fail "run after a bounded wait exited $rc: $(cat "$d/err3")"
grep -q "waiting for the scan" "$d/err3" || fail "no wait logged"
grep -q '"comment": "late or missing input' "$d/lproducts/latest.json" || fail "missing scan not recorded as late"
finish
