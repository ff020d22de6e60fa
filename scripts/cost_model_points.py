#!/usr/bin/env python3
"""The engine points the cost model is fitted on and tested on (docs/resources.md, "Calibration
and held-out engine points").

  cost_model_points.py draw  --fxsim build/bin/fxsim [--set calibration|heldout|both]
      draws the points of each set from its seed, checks each one with `fxsim run` (model
      backend: the point file must be valid), synthesizes every unit instance of each point with
      `fxsim synth --json` (yosys 0.23; results cached under ~/.cache/fxsim) and writes
      testbenches/models/resources/data/cost_points_<set>.csv
  cost_model_points.py fit
      least squares of the LUT block coefficients on the CALIBRATION set only, printed with the
      median and worst error (the coefficients live in models/resources/logic_costs.hpp; PRESENT
      below must equal them, the model's LUTs come from engine_cost_points_tests --units-csv)

A point is a dense layer of the layer engine (docs/engine.md): PE x the PE unit (fx_mac_pe or
khot_pe) and, with [bn], PE x bn_act. The CSV has one row per unit instance: the point's fields,
the unit, the parameters `fxsim synth` got (the point's elaboration, models/engine/
elaboration.cpp, restated here; the C++ test checks the two agree) and yosys's counts.
Python standard library only.
"""

import argparse
import csv
import json
import math
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "testbenches", "models", "resources", "data")

# Seeds and sizes of the two sets: disjoint by construction (a held-out point equal to a
# calibration point is redrawn).
SETS = {"calibration": (1501, 40), "heldout": (1506, 24)}

Q_NAMES = ["RND", "RND_ZERO", "RND_MIN_INF", "RND_INF", "RND_CONV", "TRN", "TRN_ZERO"]
O_NAMES = ["SAT", "SAT_ZERO", "SAT_SYM", "WRAP", "WRAP_SM"]
ACT_NAMES = ["none", "relu", "relu_clip", "hardtanh", "sign"]

FIELDS = ["point", "kind", "pe", "simd", "mac_stages", "activation", "weight", "accumulator",
          "output", "bn_scale", "bn_bias", "bn_output", "bn_activation", "family", "dsp",
          "unit", "params", "lut", "ff", "carry", "dsp_count", "bram"]


def clog2(n):
    return 0 if n <= 1 else math.ceil(math.log2(n))


def fixed(rng, wmin, wmax, signed=True, modes=True):
    """A fixed<W,I,Q,O> spelling and its (W, FRAC, SIGNED, Q, O)."""
    w = rng.randint(wmin, wmax)
    i = rng.randint(1, max(1, w // 2)) if signed else rng.randint(0, max(0, w // 2))
    q = rng.choice(["TRN", "RND", "RND_CONV", "RND_INF"]) if modes else "TRN"
    o = rng.choice(["SAT", "WRAP", "SAT_SYM"]) if modes else "WRAP"
    name = "fixed" if signed else "ufixed"
    return f"{name}<{w},{i},{q},{o}>", (w, w - i, 1 if signed else 0, Q_NAMES.index(q),
                                        O_NAMES.index(o))


def draw_point(rng, index):
    p = {"point": index}
    p["kind"] = rng.choice(["fx_mac", "khot", "spt", "khot", "spt"])
    p["pe"] = rng.randint(1, 8)
    p["simd"] = rng.choice([2, 3, 6, 12, 2, 3, 6, 12, 1, 4, 5, 7, 8, 9, 10, 11])
    p["mac_stages"] = rng.choice([2, 2, 3])
    a_spell, a = fixed(rng, 4, 10, signed=rng.random() < 0.8)
    p["activation"] = a_spell
    ww = rng.randint(4, 10)
    wi = rng.randint(1, max(1, ww // 2))
    if p["kind"] == "fx_mac":
        p["weight"] = f"fixed<{ww},{wi}>"
        w_frac = ww - wi
        w_int = wi
    else:
        k = rng.randint(1, 3)
        p["weight"] = f"{p['kind']}<{ww},{wi},{k}>"
        w_frac = ww - wi
        w_int = wi
    in_features = 3 * p["simd"]
    frac = a[1] + w_frac
    ints = (a[0] - a[1]) + w_int + clog2(in_features) + rng.randint(0, 3)
    acc_o = rng.choice(["WRAP", "WRAP", "SAT"])
    p["accumulator"] = f"fixed<{ints + frac},{ints},TRN,{acc_o}>"
    o_spell, _ = fixed(rng, 4, 10)
    p["output"] = o_spell
    bn = rng.choice(["none", "fixed", "khot", "khot"])
    if bn == "none":
        p.update(bn_scale="", bn_bias="", bn_output="", bn_activation="")
    else:
        sw = rng.randint(4, 10)
        si = rng.randint(1, max(1, sw // 2))
        p["bn_scale"] = (f"fixed<{sw},{si}>" if bn == "fixed"
                         else f"khot<{sw},{si},{rng.randint(1, 3)}>")
        bw = rng.randint(6, 12)
        p["bn_bias"] = f"fixed<{bw},{rng.randint(1, bw // 2)}>"
        p["bn_output"], _ = fixed(rng, 4, 10)
        p["bn_activation"] = rng.choice(["none", "relu", "hardtanh", "sign"])
    p["family"] = rng.choice(["xc7", "xcup"])
    p["dsp"] = rng.choice([1, 1, 0])
    return p


def point_toml(p):
    simd = p["simd"]
    lines = [
        "seed = 1", "[engine]", f'kind = "{p["kind"]}"', f"pe = {p['pe']}", f"simd = {simd}",
        f"mac_stages = {p['mac_stages']}", "[layer]", f"in_features = {3 * simd}",
        f"out_features = {p['pe']}", "batch = 1", "[types]",
        f'activation = "{p["activation"]}"', f'weight = "{p["weight"]}"',
        f'accumulator = "{p["accumulator"]}"', f'output = "{p["output"]}"'
    ]
    if p["bn_scale"]:
        lines += ["[bn]", f'scale = "{p["bn_scale"]}"', f'bias = "{p["bn_bias"]}"',
                  f'output = "{p["bn_output"]}"', f'activation = "{p["bn_activation"]}"']
    return "\n".join(lines) + "\n"


def parse_type(s):
    """(kind, W, I, Q, O, K) of a fixed / ufixed / khot / spt spelling."""
    name, rest = s.split("<")
    parts = rest.rstrip(">").split(",")
    w, i = int(parts[0]), int(parts[1])
    if name in ("khot", "spt", "ukhot"):
        return name, w, i, None, None, int(parts[2])
    q = parts[2] if len(parts) > 2 else "TRN"
    o = parts[3] if len(parts) > 3 else "WRAP"
    return name, w, i, Q_NAMES.index(q), O_NAMES.index(o), None


def fmt_params(t, prefix):
    name, w, i, _, _, _ = parse_type(t)
    return {f"{prefix}_W": w, f"{prefix}_FRAC": w - i, f"{prefix}_SIGNED": 0 if name == "ufixed" else 1}


def out_params(t):
    name, w, i, q, o, _ = parse_type(t)
    return {"OUT_W": w, "OUT_FRAC": w - i, "OUT_SIGNED": 0 if name == "ufixed" else 1, "Q": q,
            "O": o, "N": 0, "AP": 0}


def shift_bits(t):
    name, w, _, _, _, _ = parse_type(t)
    magnitude = w if name == "ukhot" else w - 1
    return max(1, clog2(magnitude))


def unit_instances(p):
    """[(unit, params)]: the elaboration of models/engine/elaboration.cpp, restated."""
    pe = {"SIMD": p["simd"]}
    pe.update(fmt_params(p["activation"], "A"))
    if p["kind"] == "fx_mac":
        pe.update(fmt_params(p["weight"], "W"))
    else:
        _, w, i, _, _, k = parse_type(p["weight"])
        pe.update({"K": k, "SH_W": shift_bits(p["weight"]), "W_FRAC": w - i})
    _, aw, _, _, ao, _ = parse_type(p["accumulator"])
    pe.update({"ACC_W": aw, "ACC_O": ao})
    pe.update(out_params(p["output"]))
    pe["STAGES"] = p["mac_stages"]
    units = [("fx_mac_pe" if p["kind"] == "fx_mac" else "khot_pe", pe)]
    if p["bn_scale"]:
        bn = {}
        ow = out_params(p["output"])
        bn.update({"X_W": ow["OUT_W"], "X_FRAC": ow["OUT_FRAC"], "X_SIGNED": ow["OUT_SIGNED"]})
        kind, sw, si, _, _, k = parse_type(p["bn_scale"])
        if kind == "khot":
            bn.update({"SCALE_KIND": 1, "K": k, "SH_W": shift_bits(p["bn_scale"]),
                       "S_FRAC": sw - si})
        else:
            bn.update({"SCALE_KIND": 0, "S_W": sw, "S_FRAC": sw - si, "S_SIGNED": 1})
        _, bw, bi, _, _, _ = parse_type(p["bn_bias"])
        bn.update({"B_W": bw, "B_FRAC": bw - bi})
        bn.update(out_params(p["bn_output"]))
        bn["ACT"] = ACT_NAMES.index(p["bn_activation"])
        bn["STAGES"] = 2
        units.append(("bn_act", bn))
    return units


def point_is_valid(fxsim, p):
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write(point_toml(p))
        path = f.name
    try:
        r = subprocess.run([fxsim, "run", "-c", path], capture_output=True, text=True)
        return r.returncode != 2
    finally:
        os.unlink(path)


def synth(fxsim, unit, params, family, dsp):
    cmd = [fxsim, "synth", "--unit", unit, "--json", "--family", family]
    for k, v in params.items():
        cmd += ["--param", f"{k}={v}"]
    if not dsp:
        cmd.append("--no-dsp")
    r = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def key(p):
    return tuple(p[f] for f in FIELDS[1:15])


def draw(fxsim, name, avoid):
    seed, count = SETS[name]
    rng = random.Random(seed)
    points, keys = [], set(avoid)
    while len(points) < count:
        p = draw_point(rng, len(points))
        if key(p) in keys or not point_is_valid(fxsim, p):
            continue
        keys.add(key(p))
        points.append(p)
    return points


def counts(j):
    """LUT (LUT1..6 + INV + SRL), FF, CARRY, DSP, BRAM of an `fxsim synth --json` answer."""
    return j["lut"], j["ff"], j["carry"], j["dsp"], j["bram18"] + j["bram36"]


def cmd_draw(args):
    cal = draw(args.fxsim, "calibration", [])
    wanted = ["calibration", "heldout"] if args.set == "both" else [args.set]
    for name in wanted:
        points = cal if name == "calibration" else draw(args.fxsim, "heldout", [key(p) for p in cal])
        out = os.path.join(DATA, f"cost_points_{name}.csv")
        os.makedirs(DATA, exist_ok=True)
        with open(out, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=FIELDS, lineterminator="\n")
            w.writeheader()
            for p in points:
                for unit, params in unit_instances(p):
                    j = synth(args.fxsim, unit, params, p["family"], p["dsp"])
                    lut, ff, carry, dsp, bram = counts(j)
                    row = dict(p)
                    row.update(unit=unit, params=" ".join(f"{k}={v}" for k, v in params.items()),
                               lut=lut, ff=ff, carry=carry, dsp_count=dsp, bram=bram)
                    w.writerow(row)
                    f.flush()
                    print(f"{name} {p['point']} {unit}: {lut} LUT", file=sys.stderr)
        print(f"wrote {out}", file=sys.stderr)


# ---------------------------------------------------------------------------------------------
# fit: least squares of the LUT coefficients of the shift-add and wide-tree blocks
# (models/resources/logic_costs.cpp) on the CALIBRATION set only.
#
# The C++ model prints its LUTs per unit instance (engine_cost_points_tests --units-csv). The
# fitted blocks are restated here as features (widths only), per unit instance:
#   barrel = SIMD x K x a x 2^SH_W     barrel-shifter mux inputs (a = activation bits as yosys
#                                      sees them: A_W, + 1 when unsigned)
#   first  = SIMD x PW                 the first term: a conditional negation
#   second = SIMD x [K >= 2] x PW      the second term's add / subtract / mux
#   third  = SIMD x [K >= 3] x PW      every further term's (K = 3 here)
#   wide   = [xcup, SIMD >= 6] x tree  the lane-sum tree's extra LUTs on xcup (tree = its LUTs at
#                                      1.7 (SIMD - 2) w + sum bits, as multi_operand_adder)
# with PW = A_W + 2^SH_W + 1 + clog2(K) (khot_pe; bn_act with a K-hot scale: X_W, SIMD = 1). The
# target of an instance is yosys's LUTs minus the model's LUTs of every other block (the model's
# total minus these blocks at the model's present coefficients). Two stages, each a least squares
# weighted by 1 / yosys LUTs^2 (squared relative errors): `wide` on the fx_mac_pe instances (their only
# fitted block), then the four shift-add coefficients on the khot_pe and K-hot bn_act instances
# with `wide` fixed.


def solve(rows, targets, weights):
    """Weighted least squares by the normal equations (a handful of unknowns)."""
    n = len(rows[0])
    ata = [[sum(w * r[i] * r[j] for r, w in zip(rows, weights)) for j in range(n)] for i in range(n)]
    atb = [sum(w * r[i] * t for r, t, w in zip(rows, targets, weights)) for i in range(n)]
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(ata[r][c]))
        ata[c], ata[piv] = ata[piv], ata[c]
        atb[c], atb[piv] = atb[piv], atb[c]
        for r in range(n):
            if r != c and ata[c][c] != 0:
                f = ata[r][c] / ata[c][c]
                ata[r] = [x - f * y for x, y in zip(ata[r], ata[c])]
                atb[r] -= f * atb[c]
    return [atb[i] / ata[i][i] if ata[i][i] else 0.0 for i in range(n)]


TREE_LUT_PER_BIT = 1.7  # multi_operand_adder's carry-save tree (logic_costs.cpp)
WIDE_TREE_SIMD = 6      # from this many operands on, xcup's tree costs more
# The coefficients models/resources/logic_costs.cpp has today, in NAMES order.
PRESENT = [0.460, 0.117, 2.993, 1.875, 1.782]
NAMES = ["barrel", "first", "second", "third", "wide"]


def block_features(unit, prm, family):
    """[barrel, first, second, third, wide] of one unit instance: see above."""
    p = {k: int(v) for k, v in (kv.split("=") for kv in prm.split())}
    if unit in ("fx_mac_pe", "khot_pe"):
        simd = p["SIMD"]
        if unit == "khot_pe":
            a = p["A_W"] + (0 if p["A_SIGNED"] else 1)
            pw = p["A_W"] + (1 << p["SH_W"]) + 1 + clog2(p["K"])
        else:
            pw = p["A_W"] + p["W_W"] + (0 if p["A_SIGNED"] else 1) + (0 if p["W_SIGNED"] else 1)
        used = (lambda w: min(w, p["ACC_W"])) if p["ACC_O"] == 3 else (lambda w: w)
        tree = 0.0
        if simd >= 2:
            tree = TREE_LUT_PER_BIT * (simd - 2) * used(pw) + used(pw + clog2(simd))
        wide = tree if family == "xcup" and simd >= WIDE_TREE_SIMD else 0.0
        if unit == "fx_mac_pe":
            return [0.0, 0.0, 0.0, 0.0, wide]
        k, h = p["K"], p["SH_W"]
        return [simd * k * a * (1 << h), simd * pw, simd * (k >= 2) * pw, simd * (k >= 3) * pw,
                wide]
    if unit == "bn_act" and p["SCALE_KIND"] == 1:
        a = p["X_W"] + (0 if p["X_SIGNED"] else 1)
        k, h = p["K"], p["SH_W"]
        pw = p["X_W"] + (1 << h) + 1 + clog2(k)
        return [k * a * (1 << h), pw, (k >= 2) * pw, (k >= 3) * pw, 0.0]
    return [0.0] * 5


def read_model_luts(tests):
    out = subprocess.run([tests, "--units-csv"], capture_output=True, text=True, check=True)
    model = {}
    for line in out.stdout.splitlines():
        s, point, unit, lut = line.split(",")
        model[(s, int(point), unit)] = int(lut)
    return model


def cmd_fit(args):
    model = read_model_luts(args.tests)
    present = [float(x) for x in args.present.split(",")]
    inst = []  # (unit, features, yosys LUTs, LUTs of the other blocks)
    with open(os.path.join(DATA, "cost_points_calibration.csv")) as f:
        for r in csv.DictReader(f):
            feats = block_features(r["unit"], r["params"], r["family"])
            if not any(feats):
                continue
            m = model[("calibration", int(r["point"]), r["unit"])]
            rest = m - sum(c * x for c, x in zip(present, feats))
            inst.append((r["unit"], feats, int(r["lut"]), rest))
    mac = [i for i in inst if i[0] == "fx_mac_pe" and i[1][4]]
    (wide,) = solve([[i[1][4]] for i in mac], [i[2] - i[3] for i in mac], [1 / i[2] ** 2 for i in mac])
    sa = [i for i in inst if i[0] != "fx_mac_pe"]
    coef = solve([i[1][:4] for i in sa], [i[2] - i[3] - wide * i[1][4] for i in sa],
                 [1 / i[2] ** 2 for i in sa])
    coef.append(wide)
    print("fitted on", len(mac), "fx_mac_pe and", len(sa), "shift-add instances:")
    for n, c in zip(NAMES, coef):
        print(f"  {n}: {c:.3f}")
    errs = sorted(abs(100.0 * (i[3] + sum(c * x for c, x in zip(coef, i[1])) - i[2]) / i[2])
                  for i in inst)
    print(f"{len(errs)} fitted instances: median |LUT error| {errs[len(errs) // 2]:.1f}%, "
          f"worst {errs[-1]:.1f}%")

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--fxsim", default=os.path.join(ROOT, "build", "bin", "fxsim"))
    d.add_argument("--set", choices=["calibration", "heldout", "both"], default="both")
    f = sub.add_parser("fit")
    f.add_argument("--tests", default=os.path.join(ROOT, "build", "bin", "engine_cost_points_tests"))
    f.add_argument("--present", default=",".join(str(c) for c in PRESENT),
                   help="the model's present coefficients of the five features")
    args = ap.parse_args()
    if args.cmd == "draw":
        cmd_draw(args)
    else:
        cmd_fit(args)


if __name__ == "__main__":
    main()
