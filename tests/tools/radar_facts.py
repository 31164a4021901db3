#!/usr/bin/python3
"""radar_facts.py - facts of the CINRAD and NEXRAD samples of the radar corpus,
decoded with nothing but Python's struct, bz2 and gzip modules.

This decoder was written from the published layouts (CINRAD.md beside the
corpus; the WSR-88D RDA/RPG ICD 2620002 for NEXRAD messages 1 and 31),
separately from the C readers in ingest/, to establish the numbers that
tests/data/test_cinrad_nexrad.c and tests/data/cinrad_nexrad_info.sh check.
It applies the conventions radnow documents for the volume structure:

  * one sweep per cut; a cut without velocity followed by a cut with it at
    (nearly) the same elevation (split cut) is one sweep whose rays and
    reflectivity are the first cut's;
  * sweep elevation: the nominal one where the format has it (CINRAD/CC and
    standard format), else the median of the ray elevations;
  * sweep gates: the finest gate length among the sweep's moments; the
    number of gates reaches the far end of the longest moment;
  * gate-0 centre: CINRAD ranges are near edges of gate 0 (centre = range +
    length / 2); NEXRAD ranges are centres; negative centres are skipped;
  * volume time: the first radial (CINRAD/CC: header start time, Beijing
    time minus 8 h);
  * maximum reflectivity: DBZH (dBZ of the standard format, REF of NEXRAD,
    the reflectivity of legacy records) over the volume.

Usage: radar_facts.py [CORPUS_DIR]   (default ../shared/data/radar)
"""
import bz2
import datetime
import gzip
import math
import os
import statistics
import struct
import sys


def load(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        return gzip.decompress(raw)
    if raw[:3] == b"BZh":
        return bz2.decompress(raw)
    return raw


def iso(t):
    return datetime.datetime.fromtimestamp(math.floor(t), datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class Cut:
    def __init__(self, nominal=None):
        self.nominal = nominal
        self.az, self.el, self.t = [], [], []
        self.moments = {}  # name -> (centre of gate 0, gate length, max gates, max value)
        self.folded = {}   # name -> gates coded "range folded"
        self.doppler = False

    def elevation(self):
        return self.nominal if self.nominal is not None else statistics.median(self.el)

    def moment(self, name, first, length, ngates, values):
        f, l, n, mx = self.moments.get(name, (first, length, 0, -math.inf))
        for v in values:
            if v is not None and v > mx:
                mx = v
        self.moments[name] = (first, length, max(n, ngates), mx)


def sweeps_of(cuts, wanted=None):
    """Merge split cuts, then describe each sweep like radnow does."""
    merged, i = [], 0
    while i < len(cuts):
        a = cuts[i]
        if (i + 1 < len(cuts) and not a.doppler and cuts[i + 1].doppler and a.az
                and abs(a.elevation() - cuts[i + 1].elevation()) <= 0.3):
            for k, v in cuts[i + 1].moments.items():
                if k not in a.moments:
                    a.moments[k] = v
                    a.folded[k] = cuts[i + 1].folded.get(k, 0)
            i += 2
        else:
            i += 1
        merged.append(a)
    out = []
    for c in merged:
        mom = {k: v for k, v in c.moments.items() if wanted is None or k in wanted}
        if not c.az or not mom:
            continue
        length = min(v[1] for v in mom.values())
        first = min(v[0] for v in mom.values() if abs(v[1] - length) < 1e-6)
        end = max(v[0] + (v[2] - 0.5) * v[1] for v in mom.values())
        if first < 0:
            first += math.ceil(-first / length) * length
        ngates = int(math.floor((end - (first - 0.5 * length)) / length + 1e-6))
        out.append(dict(elevation=c.elevation(), nrays=len(c.az), ngates=ngates,
                        gate_spacing=length, first_gate=first,
                        quantities=sorted(mom), max_dbz=mom.get("DBZH", (0, 0, 0, None))[3],
                        folded_vradh=c.folded.get("VRADH", 0)))
    out.sort(key=lambda s: s["elevation"])
    return out


def msg1_cuts(data, start, size, big_endian, first_is_centre):
    """Legacy radial records (CINRAD little-endian, NEXRAD message 1 big-endian)."""
    e = ">" if big_endian else "<"
    cuts, t0, vcp, cur = [], None, 0, None
    pos = start
    while pos + size <= len(data):
        r = data[pos:pos + size]
        pos += size
        mtype = r[15] if big_endian else struct.unpack_from("<H", r, 14)[0]
        if mtype != 1:
            continue
        (ms, day, _unamb, az, _rn, status, el, eln, fr, fv, gr, gv, nr, nv, _sec, _cal,
         pr, pv, pw, vres, v) = struct.unpack_from(e + "IHHHHHHHhhHHHHHIHHHHH", r, 28)
        t = (day - 1) * 86400 + ms / 1000.0
        t0 = t if t0 is None else t0
        vcp = vcp or v
        if status in (0, 3) or cur is None or eln != cur[0]:
            cuts.append(Cut())
            cur = (eln,)
        c = cuts[-1]
        c.az.append(az * 180.0 / 32768)
        ele = el * 180.0 / 32768
        c.el.append(ele - 360 if ele > 180 else ele)
        c.t.append(t)
        shift = 0 if first_is_centre else 0.5
        if nr:
            codes = r[pr + 28:pr + 28 + nr]
            c.moment("DBZH", fr + shift * gr, gr, nr,
                     [(x - 2) / 2.0 - 32 for x in codes if x > 1])
        if nv:
            c.doppler = True
            c.moment("VRADH", fv + shift * gv, gv, nv, [])
            c.folded["VRADH"] = c.folded.get("VRADH", 0) + r[pv + 28:pv + 28 + nv].count(1)
            c.moment("WRADH", fv + shift * gv, gv, nv, [])
        if status == 4:
            break
    return cuts, t0, vcp


def cinrad_legacy(path):
    data = load(path)
    for size, name in ((2432, "CINRAD/SA-SB"), (3132, "CINRAD/SC"), (4132, "CINRAD/CA-CB")):
        if len(data) % size == 0 and all(
                struct.unpack_from("<H", data, k)[0] == 1 for k in range(14, len(data), size)):
            break
    cuts, t0, vcp = msg1_cuts(data, 0, size, False, False)
    return dict(format=name, time=iso(t0), vcp=vcp, records=len(data) // size,
                sweeps=sweeps_of(cuts), sweeps_dbzh=sweeps_of(cuts, {"DBZH"}))


def cinrad_cc(path):
    d = load(path)
    h = d[:1024]
    lon, lat, height = struct.unpack_from("<iii", h, 168)
    start = datetime.datetime(h[184] * 100 + h[185], *h[186:191], tzinfo=datetime.timezone.utc)
    t0 = start.timestamp() - 8 * 3600
    mode = h[199]
    cuts, pos = [], 1024
    for k in range(mode - 100 if mode > 100 else 1):
        (_maxv, _maxl, width, bins, rays, _rot, _p1, _p2, _pw, angle, _s, _a) = struct.unpack_from(
            "<9Hh2B", h, 218 + 22 * k)
        c = Cut(angle / 100.0)
        c.az = [(i + 0.5) * 360.0 / rays for i in range(rays)]
        z = struct.unpack_from("<%dh" % (rays * 1500), d, pos)
        pos += rays * 3000
        vals = [z[r * 1500 + g] / 10.0 for r in range(rays) for g in range(bins)
                if z[r * 1500 + g] != -32768]
        c.moment("DBZH", width, 2.0 * width, bins, vals)
        c.moment("VRADH", width, 2.0 * width, bins, [])
        c.moment("WRADH", width, 2.0 * width, bins, [])
        cuts.append(c)
    return dict(format="CINRAD/CC", station=h[66:106].split(b"\0")[0].decode("gbk"),
                code=h[106:116].split(b"\0")[0].decode(), lat=lat / 3.6e6, lon=lon / 3.6e6,
                height=height / 1000.0, time=iso(t0), sweeps=sweeps_of(cuts))


def cinrad_std(path):
    d = load(path)
    magic, major, minor, gtype = struct.unpack_from("<iHHi", d, 0)
    assert magic == 0x4D545352 and gtype == 1
    code = d[32:40].split(b"\0")[0].decode()
    lat, lon, ant = struct.unpack_from("<ffi", d, 72)
    scan, _pw, start, ncut = struct.unpack_from("<iiii", d, 160 + 164)
    cfg = []
    for k in range(ncut):
        b = 416 + 256 * k
        el, = struct.unpack_from("<f", d, b + 24)
        logr, dopr = struct.unpack_from("<ii", d, b + 44)
        srange, = struct.unpack_from("<i", d, b + 60)
        cfg.append((el, logr, dopr, srange))
    cuts, cur, t0, pos = [], None, None, 416 + 256 * ncut
    names = {1: "TH", 2: "DBZH", 3: "VRADH", 4: "WRADH", 7: "ZDR", 9: "RHOHV", 10: "PHIDP",
             11: "KDP"}
    while pos + 64 <= len(d):
        state, _sb, _seq, _rn, eln, az, el, sec, usec, dlen, nmom = struct.unpack_from(
            "<5iffiiii", d, pos)
        assert d[pos + 50] == 0, "LZO radials: not in the sample"
        t = sec + usec * 1e-6
        t0 = t if t0 is None else t0
        if eln != cur or state in (0, 3, 5):
            cuts.append(Cut(cfg[eln - 1][0]))
            cur = eln
        c = cuts[-1]
        c.az.append(az)
        p = pos + 64
        for _ in range(nmom):
            mtype, scale, offset, binlen, _fl, blen = struct.unpack_from("<iiihhi", d, p)
            body = d[p + 32:p + 32 + blen]
            p += 32 + blen
            n = blen // binlen
            codes = struct.unpack("<%d%s" % (n, "B" if binlen == 1 else "H"), body)
            el0, logr, dopr, srange = cfg[eln - 1]
            reso = dopr if mtype in (3, 4) else logr
            if mtype == 3:
                c.doppler = True
            name = names.get(mtype, "T%d" % mtype)
            c.moment(name, srange + reso / 2.0, reso, n,
                     [(x - offset) / scale for x in codes if x >= 5] if mtype == 2 else [])
        pos += 64 + dlen
        if state in (4, 6):
            break
    return dict(format="CINRAD/STD", version="%d.%d" % (major, minor), code=code, lat=lat,
                lon=lon, height=ant, scan_type=scan, time=iso(t0), sweeps=sweeps_of(cuts))


def nexrad(path):
    d = load(path)
    version = d[:8].decode()
    icao = d[20:24].decode()
    buffers = []
    if d[28:31] == b"BZh":
        pos = 24
        while pos < len(d):
            n, = struct.unpack_from(">i", d, pos)
            buffers.append(bz2.decompress(d[pos + 4:pos + 4 + abs(n)]))
            pos += 4 + abs(n)
            if n < 0:
                break
    else:
        buffers.append(d[24:])
    cuts, t0, vcp, site, cur = [], None, 0, None, None
    names = {b"REF": "DBZH", b"VEL": "VRADH", b"SW ": "WRADH", b"ZDR": "ZDR", b"PHI": "PHIDP",
             b"RHO": "RHOHV", b"CFP": "CCORH"}
    legacy = []
    for buf in buffers:
        p = 0
        while p + 28 <= len(buf):
            size, mtype = struct.unpack_from(">H", buf, p + 12)[0], buf[p + 15]
            if mtype == 31:
                h = p + 28
                ms, jd = struct.unpack_from(">IH", buf, h + 4)
                az, = struct.unpack_from(">f", buf, h + 12)
                status, eln = buf[h + 21], buf[h + 22]
                el, = struct.unpack_from(">f", buf, h + 24)
                nb, = struct.unpack_from(">H", buf, h + 30)
                t = (jd - 1) * 86400 + ms / 1000.0
                t0 = t if t0 is None else t0
                if status in (0, 3, 5) or eln != cur:
                    cuts.append(Cut())
                    cur = eln
                c = cuts[-1]
                c.az.append(az)
                c.el.append(el)
                for k in range(nb):
                    q, = struct.unpack_from(">I", buf, h + 32 + 4 * k)
                    b = h + q
                    kind = buf[b:b + 4]
                    if kind == b"RVOL" and site is None:
                        lat, lon, hgt, feed = struct.unpack_from(">ffhH", buf, b + 8)
                        vcp, = struct.unpack_from(">H", buf, b + 40)
                        site = (lat, lon, hgt + feed)
                    elif kind[:1] == b"D":
                        n, rng, gate = struct.unpack_from(">HhH", buf, b + 8)
                        word = buf[b + 19]
                        scale, offset = struct.unpack_from(">ff", buf, b + 20)
                        name = names[kind[1:4]]
                        if name == "VRADH":
                            c.doppler = True
                        vals = []
                        if name == "DBZH":
                            codes = buf[b + 28:b + 28 + n] if word == 8 else struct.unpack_from(
                                ">%dH" % n, buf, b + 28)
                            vals = [(x - offset) / scale for x in codes if x > 1]
                        c.moment(name, rng, gate, n, vals)
                p += 12 + size * 2
            else:
                if mtype == 1:
                    legacy.append(buf[p:p + 2432])
                p += 2432
    if legacy:
        c1, t1, v1 = msg1_cuts(b"".join(legacy), 0, 2432, True, True)
        cuts += c1
        t0 = t1 if t0 is None else t0
        vcp = vcp or v1
    return dict(format="NEXRAD-L2", version=version, icao=icao, site=site, vcp=vcp, time=iso(t0),
                sweeps=sweeps_of(cuts))


def show(name, facts):
    print("== %s" % name)
    for k, v in facts.items():
        if k.startswith("sweeps"):
            print("%s: %d" % (k, len(v)))
            for i, s in enumerate(v):
                print("  %2d el %.4f rays %d gates %d spacing %g first %g max_dbz %s folded_vradh %d %s"
                      % (i, s["elevation"], s["nrays"], s["ngates"], s["gate_spacing"],
                         s["first_gate"], s["max_dbz"], s["folded_vradh"], ",".join(s["quantities"])))
            print("  volume max_dbz %s" % max(s["max_dbz"] for s in v if s["max_dbz"] is not None))
        else:
            print("%s: %r" % (k, v))


def main():
    corpus = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/radar"
    v = os.path.join(corpus, "volumes")
    show("Z9396 SB", cinrad_legacy(os.path.join(v, "cinrad", "Z9396_BASE_SB_20180724_055400.bin.bz2")))
    show("Aksu CC", cinrad_cc(os.path.join(v, "cinrad", "2016070817.48V.gz")))
    show("ZG170 standard format", cinrad_std(os.path.join(
        v, "cinrad", "Z_RADR_I_ZG170_20260329064800_O_DOR_YTD2_CAP_FMT.bin.bz2")))
    show("KLBB", nexrad(os.path.join(v, "nexrad", "KLBB20160601_150025_V06")))
    show("KLIX", nexrad(os.path.join(v, "nexrad", "KLIX20050828_180149.gz")))


if __name__ == "__main__":
    main()
