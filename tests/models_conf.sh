#!/bin/sh
# Every option the predictors read (models/*.c) is documented in a
# [predictor.*] section of etc/radnow.conf.example. (test_extrap checks that
# the documented values are the built-in defaults.)
. "$top_srcdir/tests/testlib.sh"
d=$(scratch)
ex=$top_srcdir/etc/radnow.conf.example
cat "$top_srcdir"/models/*.c |
  grep -Eo 'opt_(double|int)\(p, cfg, "[a-z_]+"|OPT\("[a-z_]+"|common_double\(p, cfg, "[a-z_]+"|p->section, "[a-z_]+"' |
  grep -Eo '"[a-z_]+"' | tr -d '"' | sort -u >"$d/used"
[ "$(wc -l <"$d/used")" -ge 20 ] || fail "found only $(wc -l <"$d/used") predictor options in the sources"
awk '/^\[/ { s = $0; next }
     s ~ /^\[predictor\./ && /^;? *[a-z_]+ *=/ { sub(/^; */, ""); sub(/ *=.*/, ""); print }' "$ex" |
  sort -u >"$d/documented"
missing=$(comm -23 "$d/used" "$d/documented")
[ -z "$missing" ] || fail "predictor options read but not documented in radnow.conf.example: $missing"
finish
