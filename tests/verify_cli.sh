#!/bin/sh
# radnow verify on a synthetic period (tests/unit/verify_fixture): perfect,
# displaced and ensemble CF forecasts, persistence from frames and built in,
# a missing observation, a mismatched grid and a truncated forecast file.
. "$top_srcdir/tests/testlib.sh"
need_tool /usr/bin/python3

d=$(scratch)
"$top_builddir/tests/unit/verify_fixture" "$d/in" || { echo "fixture failed"; exit 99; }

# --- the normal run --------------------------------------------------------
"$RADNOW" --log warn verify --forecast "$d/in/fc" --forecast-frames "pers-frames=$d/in/frames" \
  --persistence --obs "$d/in/obs" --out "$d/out" --title "CLI test" >"$d/stdout" 2>"$d/stderr"
rc=$?
[ "$rc" -eq 0 ] || fail "verify exited $rc: $(cat "$d/stderr")"
for f in scores.csv scores.json report.html csi_lead_30.png fss_scale_40.png reliability_30.png \
         rank_histogram_ens.png; do
  [ -s "$d/out/$f" ] || fail "$f not written"
done
grep -q "had no observation at their valid time" "$d/stderr" || fail "missing observations not reported on stderr: $(cat "$d/stderr")"
grep -Eq "^perfect +1\.0000 +1\.0000 +1\.0000" "$d/stdout" || fail "perfect forecast CSI is not 1: $(cat "$d/stdout")"
ls -A "$d/out" | grep -q '^\.' && fail "temporary files left in the output folder"

# Read scores.csv and scores.json back with independent parsers.
/usr/bin/python3 - "$d/out" <<'EOF' || fail "scores.csv / scores.json checks failed"
import csv, json, math, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(out + "/scores.csv")))
assert rows, "no rows"
assert list(rows[0].keys()) == ["predictor", "lead_min", "threshold_dbz", "scale", "score",
                                "value", "n_cases", "n_pixels"], rows[0].keys()
def get(pred, lead, score, thr="", scale=""):
    m = [r for r in rows if r["predictor"] == pred and r["lead_min"] == lead and
         r["score"] == score and r["threshold_dbz"] == thr and r["scale"] == scale]
    assert len(m) == 1, (pred, lead, score, thr, scale, len(m))
    return m[0]
preds = sorted({r["predictor"] for r in rows})
assert preds == ["ens", "obs-persistence", "perfect", "pers-frames", "shift"], preds
# perfect: CSI 1, FSS 1 at every lead, MAE within the 0.01 dBZ packing of the
# forecast file; 3 cycles x 6 leads, one missing
for lead in ["5", "10", "30", "all"]:
    for thr in ["30", "40", "50"]:
        assert float(get("perfect", lead, "csi", thr)["value"]) == 1.0
        assert float(get("perfect", lead, "fss", thr, "9")["value"]) == 1.0
    assert float(get("perfect", lead, "mae")["value"]) <= 0.005
r = get("perfect", "all", "csi", "30")
assert r["n_cases"] == "17", r
assert int(r["n_pixels"]) == 17 * (64 * 48 - 1), r   # one nodata corner
assert get("perfect", "30", "missing_cases")["value"] == "1"
assert get("perfect", "all", "missing_cases")["value"] == "1"
# pooled CSI is from the summed table
for pred in ["shift", "ens"]:
    h, m, f = (float(get(pred, "all", s, "30")["value"]) for s in ["hits", "misses", "false_alarms"])
    assert abs(float(get(pred, "all", "csi", "30")["value"]) - h / (h + m + f)) < 1e-9
# the displaced forecast gets worse with lead; FSS grows with scale
csi = [float(get("shift", str(l), "csi", "30")["value"]) for l in (5, 15, 30)]
assert csi[0] > csi[1] > csi[2], csi
fss = [float(get("shift", "all", "fss", "30", str(s))["value"]) for s in (1, 3, 9, 27)]
assert fss == sorted(fss) and fss[-1] > fss[0], fss
# persistence built in equals persistence read from frames
for score, thr in [("csi", "30"), ("csi", "40"), ("mae", ""), ("ssim", "")]:
    a = get("obs-persistence", "all", score, thr)["value"]
    b = get("pers-frames", "all", score, thr)["value"]
    assert a == b, (score, a, b)
# the ensemble has ensemble scores, rank histogram sums to the pixels ranked
assert get("ens", "all", "members")["value"] == "5"
crps = float(get("ens", "all", "crps")["value"])
assert 0 < crps < float(get("ens", "all", "mae")["value"]) + 10
ranks = [get("ens", "all", "rank_histogram[%d]" % k) for k in range(6)]
assert sum(float(x["value"]) for x in ranks) == float(ranks[0]["n_pixels"]) > 0
assert 0.5 < float(get("ens", "all", "roc_area", "30")["value"]) <= 1
# undefined scores are empty, never "nan"
assert not any(r["value"].lower() == "nan" for r in rows)

j = json.load(open(out + "/scores.json"))
assert j["thresholds_dbz"] == [30, 40, 50] and j["fss_scales_px"] == [1, 3, 9, 27]
assert len(j["rows"]) == len(rows)
miss = [m for m in j["missing"] if m["predictor"] == "perfect"]
assert miss == [{"predictor": "perfect", "lead_min": 30, "valid_time": "2020-02-07T13:15:00Z"}], miss
jr = [r for r in j["rows"] if r["predictor"] == "shift" and r["lead_min"] == "all" and
      r["score"] == "csi" and r["threshold_dbz"] == 30]
assert len(jr) == 1 and abs(jr[0]["value"] - float(get("shift", "all", "csi", "30")["value"])) < 1e-9
for f in ["csi_lead_30.png", "fss_scale_40.png", "reliability_30.png"]:
    b = open(out + "/" + f, "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n" and len(b) > 5000, f
print("scores.csv: %d rows, scores.json agrees" % len(rows))
EOF

# --- progress on a terminal (cases done / total, then the time taken) -------
if command -v script >/dev/null 2>&1; then
  script -qc "\"$RADNOW\" --log error verify --forecast \"$d/in/fc\" --obs \"$d/in/obs\" --out \"$d/tty\" >/dev/null" /dev/null |
    tr '\r' '\n' >"$d/tty.txt"
  grep -Eq '^verify: 54/54 cases, [0-9.]+ s' "$d/tty.txt" || fail "no progress on a terminal: $(cat "$d/tty.txt")"
fi
grep -q 'cases' "$d/stderr" && fail "progress printed although stderr is not a terminal"

# --- options from a configuration file --------------------------------------
cat >"$d/verify.conf" <<'EOF'
[verify]
thresholds = 20,35
scales = 1,5
ssim = false
EOF
"$RADNOW" --log error verify -c "$d/verify.conf" --forecast "$d/in/fc/shift_202002071200.nc" \
  --obs "$d/in/obs" --out "$d/conf" >/dev/null || fail "verify -c exited non-zero"
grep -q '^shift,5,35,5,fss,' "$d/conf/scores.csv" || fail "[verify] thresholds/scales not used"
grep -q ',ssim,' "$d/conf/scores.csv" && fail "[verify] ssim = false not used"

# Every [verify] option the command reads is documented in the example configuration.
for key in $(grep -Eo '"verify", "[a-z_]+"' "$top_srcdir/nowcast/cmd_verify.c" | sed 's/.*, "//; s/"//' | sort -u); do
  sed -n '/^\[verify\]/,/^\[/p' "$top_srcdir/etc/radnow.conf.example" | grep -q "^$key =" ||
    fail "[verify] $key is not documented in etc/radnow.conf.example"
done
"$RADNOW" --log error verify -c "$top_srcdir/etc/radnow.conf.example" \
  --forecast "$d/in/fc/shift_202002071200.nc" --obs "$d/in/obs" --out "$d/example" >/dev/null ||
  fail "the example configuration does not work for verify"

# --- errors: one clear line and the exit code of DESIGN.md ----------------
expect_error 1 "no observations" "$RADNOW" verify --forecast "$d/in/fc"
expect_error 1 "no forecasts" "$RADNOW" verify --obs "$d/in/obs"
expect_error 1 "needs at least one value" "$RADNOW" verify --forecast --obs "$d/in/obs"
expect_error 1 "--thresholds '30,x'" "$RADNOW" verify --forecast "$d/in/fc" --obs "$d/in/obs" --thresholds 30,x
expect_error 2 "no/such: no such file" "$RADNOW" verify --forecast no/such --obs "$d/in/obs"
expect_error 2 "badgrid/obs_202002071215.nc: grid 64 x 48 .* differs from the grid of forecast" \
  "$RADNOW" --log error verify --forecast "$d/in/fc/shift_202002071200.nc" --obs "$d/in/badgrid" "$d/in/obs" --out "$d/bad"
size=$(wc -c <"$d/in/fc/ens_202002071220.nc")
head -c $((size / 2)) "$d/in/fc/ens_202002071220.nc" >"$d/trunc_202002071220.nc"
expect_error 2 "trunc_202002071220.nc" "$RADNOW" verify --forecast "$d/trunc_202002071220.nc" \
  --obs "$d/in/obs" --out "$d/trunc"
[ -e "$d/trunc/scores.csv" ] && fail "a report was written despite the truncated forecast"
echo "not netcdf" >"$d/text.nc"
expect_error 2 "text.nc" "$RADNOW" verify --forecast "$d/text.nc" --obs "$d/in/obs" --out "$d/text"
# no observation at any valid time: the report lists them, exit 2
expect_error 2 "no forecast could be matched" sh -c \
  "\"$RADNOW\" --log error verify --forecast \"$d/in/fc/shift_202002071245.nc\" --obs \"$d/in/obs/obs_202002071200.nc\" --out \"$d/none\" >/dev/null"
grep -q "2020-02-07T13:15:00Z" "$d/none/report.html" || fail "missing forecasts not listed in the report"
# output folder that cannot be created
touch "$d/file"
expect_error 4 "file" "$RADNOW" --log error verify --forecast "$d/in/fc/shift_202002071200.nc" \
  --obs "$d/in/obs" --out "$d/file/out"
finish
