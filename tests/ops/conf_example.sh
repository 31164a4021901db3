#!/bin/sh
# etc/radnow.conf.example documents every option of [run], [input], [state]
# and [products] that the code reads, and its defaults make a working cycle.
. "$top_srcdir/tests/testlib.sh"
. "$top_srcdir/tests/ops/opslib.sh"
d=$(scratch)
setup_ops "$d"
ex=$top_srcdir/etc/radnow.conf.example

# Options read by the code: ("section", "key") literals in the cycle's sources.
cat "$top_srcdir"/nowcast/*.c | tr -d '\n' |
  grep -Eo '(rn_config_[a-z]+|get_minutes|get_count)\( *cfg, *"(run|input|state|products)", *"[a-z_]+"' |
  sed 's/.*"\([a-z]*\)", *"\([a-z_]*\)"$/\1 \2/' | sort -u >"$d/used"
[ "$(wc -l <"$d/used")" -ge 20 ] || fail "found only $(wc -l <"$d/used") options in the sources"
# Options documented: "key =" or "; key =" lines, by section.
awk '/^\[/ { gsub(/[][]/, ""); s = $0; next }
     /^;? *[a-z_]+ *=/ { sub(/^; */, ""); sub(/ *=.*/, ""); print s, $0 }' "$ex" |
  sort -u >"$d/documented"
missing=$(comm -23 "$d/used" "$d/documented")
[ -z "$missing" ] || fail "options read but not documented in radnow.conf.example: $missing"

# The documented defaults work: only the folders are moved into the test's.
"$RADNOW" run -c "$ex" --time 202002071335 --set input.patterns="$d/in/*.nc" \
  --set state.dir="$d/state" --set products.dir="$d/products" >"$d/out" 2>"$d/err" ||
  fail "a cycle with the example configuration exited $?: $(cat "$d/err")"
grep -q '"lead_minutes": \[5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60\]' "$d/products/latest.json" ||
  fail "default leads are not 12 x 5 min"

# The cron line runs every 6 minutes; the timer likewise.
grep -Eq '^\*/6 \* \* \* \* radnow .*/radnow run -c .*/radnow/radnow.conf' "$top_srcdir/etc/cron.d/radnow.in" ||
  fail "cron example is not an every-6-minutes radnow run"
grep -q '^OnCalendar=\*:0/6$' "$top_srcdir/etc/systemd/radnow.timer" || fail "timer is not every 6 minutes"
grep -q '^ExecStart=@bindir@/radnow run -c @sysconfdir@/radnow/radnow.conf$' \
  "$top_srcdir/etc/systemd/radnow.service.in" || fail "service does not run radnow run"
finish
