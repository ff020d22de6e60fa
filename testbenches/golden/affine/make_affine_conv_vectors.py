#!/usr/bin/python3
"""PyTorch's quantized 2-D convolutions, for fxsim's raw-for-raw tests of golden/affine_conv.

    /usr/bin/python3 testbenches/golden/affine/make_affine_conv_vectors.py OUT_DIR

Debian's python3-torch (1.13) computes everything here; nothing is computed by fxsim's rules.
Seeded (numpy default_rng(1919)), one thread, a few seconds. The engines: QNNPACK (the one fxsim
matches), ONEDNN where it can run (quint8 inputs and weight zero points 0 only: it refuses the
others), FBGEMM where this torch has it (Debian's has not). Writes, all little-endian:

affine_conv2d.bin   torch.ops.quantized.conv2d (conv2d_relu when flagged), prepacked by
                    torch.ops.quantized.conv2d_prepack, dilation 1, groups 1
    char[8] "FXAFCNV1", u32 case_count, then per case:
      u32 N, u32 C, u32 H, u32 W (input N x C x H x W), u32 O (output channels), u32 K (square
      kernel), u32 stride, u32 padding (both the same along H and W), u32 flags
          flags bit 0: per-channel weights (axis 0), bit 1: has a float bias,
                bit 2: has ONEDNN outputs, bit 3: activations qint8 (else quint8; the output is
                of the input's dtype), bit 4: fused ReLU (quantized.conv2d_relu),
                bit 5: has FBGEMM outputs
      f32 sx, i32 zx (input), f32 sy, i32 zy (output)
      f32 sw[O], i32 zw[O]      (weights, qint8; per tensor: O copies of the one pair)
      f32 bias[O]               (if bit 1: the float bias PyTorch quantizes itself)
      x   qx[N*C*H*W]           (u8 or i8 by bit 3, NCHW row-major)
      i8  qw[O*C*K*K]           (OIHW row-major)
      y   y_qnnpack[N*O*OH*OW]  (the output integers, NCHW; u8 or i8 by bit 3)
      y   y_onednn[...]         (if bit 2)
      y   y_fbgemm[...]         (if bit 5)
  Cases: every kernel size 1, 3, 5 x stride 1, 2 x padding 0, 1, 2, several times each, with
  random channels, maps, scales and zero points (the input zero point anywhere in 0..255, so the
  padding, which PyTorch fills with it, is rarely real 0's neighbour), per tensor and per channel
  weights, weight zero points 0 and not, with and without bias; a few with ReLU and a few with
  qint8 activations (the QNNPACK engine takes them; PyTorch's sources route them to XNNPACK);
  power-of-two scales with M = 1/2 (every odd accumulator an exact tie) and odd and even output
  zero points.

Prints how many outputs ONEDNN (and FBGEMM) give differently from QNNPACK, per kind of case, and
how many of ONEDNN's outputs onednn_model (make_affine_vectors.py's rounding rules for its
quantized.linear) does not explain.
"""
import os
import struct
import sys

import numpy as np
import torch

F32 = np.float32
rng = np.random.default_rng(1919)
torch.set_num_threads(1)
ENGINES = torch.backends.quantized.supported_engines


def f32(v):
    return float(F32(v))


def onednn_model(c, relu):
    """What ONEDNN computes here, by the rules make_affine_vectors.py found for its
    quantized.linear (weight zero points 0): M from the reciprocal scales, the float bias in
    accumulator units, the output zero point added BEFORE rounding, every step float32. The
    accumulators by numpy (padding taps are zx, so they add nothing). Only to explain where it
    differs from QNNPACK."""
    x, w, s, p = c["x"].astype(np.int64), c["w"].astype(np.int64), c["stride"], c["padding"]
    n, ch, h, wd = x.shape
    o, _, k, _ = w.shape
    oh, ow = (h + 2 * p - k) // s + 1, (wd + 2 * p - k) // s + 1
    xp = np.zeros((n, ch, h + 2 * p, wd + 2 * p), np.int64)
    xp[:, :, p:p + h, p:p + wd] = x - c["zx"]
    acc = np.zeros((n, o, oh, ow), np.int64)
    for ky in range(k):
        for kx in range(k):
            patch = xp[:, :, ky:ky + s * (oh - 1) + 1:s, kx:kx + s * (ow - 1) + 1:s]
            acc += np.einsum("nchw,oc->nohw", patch, w[:, :, ky, kx])
    acc = acc.astype(F32)
    inv_x, inv_y = F32(1 / np.float64(c["sx"])), F32(1 / np.float64(c["sy"]))
    inv_w = (1 / c["sw"].astype(np.float64)).astype(F32)
    m = (inv_y / (inv_x * inv_w))[None, :, None, None]
    if c["bias"] is not None:
        acc = acc + (c["bias"] * (inv_x * inv_w))[None, :, None, None]
    y = np.rint(acc * m + F32(c["zy"]))
    lo = c["zy"] if relu else 0
    return np.clip(y, lo, 255).astype(np.uint8)


def conv(engine, c, relu):
    """One quantized conv2d of case dict c on `engine`: the output integers, NCHW."""
    torch.backends.quantized.engine = engine
    signed = c["signed"]
    qx = torch._make_per_tensor_quantized_tensor(
        torch.from_numpy(c["x"].astype(np.int8 if signed else np.uint8)), c["sx"], c["zx"])
    w = torch.from_numpy(c["w"].astype(np.int8))
    if c["per_channel"]:
        qw = torch._make_per_channel_quantized_tensor(
            w, torch.from_numpy(c["sw"].astype(np.float64)),
            torch.from_numpy(c["zw"].astype(np.int64)), 0)
    else:
        qw = torch._make_per_tensor_quantized_tensor(w, float(c["sw"][0]), int(c["zw"][0]))
    b = None if c["bias"] is None else torch.from_numpy(c["bias"])
    s, p = c["stride"], c["padding"]
    packed = torch.ops.quantized.conv2d_prepack(qw, b, [s, s], [p, p], [1, 1], 1)
    op = torch.ops.quantized.conv2d_relu if relu else torch.ops.quantized.conv2d
    y = op(qx, packed, c["sy"], c["zy"]).int_repr().numpy()
    return y.astype(np.int8 if signed else np.uint8)


class ConvCases:
    def __init__(self):
        self.chunks = []
        self.count = 0
        self.outputs = 0
        self.other = {}  # engine -> {kind: (compared, differ, max |difference|)}
        self.onednn_unexplained = 0

    def add(self, kind, c, relu=False):
        n, ch, h, w = c["x"].shape
        o, _, k, _ = c["w"].shape
        c["sw"] = c["sw"].astype(F32)
        c["zw"] = c["zw"].astype(np.int32)
        y = conv("qnnpack", c, relu)
        others = []
        if "onednn" in ENGINES and not c["signed"] and bool((c["zw"] == 0).all()):
            others.append(("onednn", 4))
        if "fbgemm" in ENGINES and not c["signed"]:
            others.append(("fbgemm", 32))
        flags = ((1 if c["per_channel"] else 0) | (2 if c["bias"] is not None else 0) |
                 (8 if c["signed"] else 0) | (16 if relu else 0))
        outs = [y.tobytes()]
        for engine, bit in others:
            try:
                y2 = conv(engine, c, relu)
            except RuntimeError as e:  # an engine refusing a layer leaves its outputs out
                print(f"make_affine_conv_vectors: {engine} refused a {kind} case:",
                      str(e).splitlines()[0])
                continue
            flags |= bit
            outs.append(y2.tobytes())
            d = np.abs(y2.astype(np.int64) - y.astype(np.int64))
            per_kind = self.other.setdefault(engine, {})
            cmp_, dif, mx = per_kind.get(kind, (0, 0, 0))
            per_kind[kind] = (cmp_ + y.size, dif + int((d != 0).sum()), max(mx, int(d.max())))
            if engine == "onednn":
                self.onednn_unexplained += int((onednn_model(c, relu) != y2).sum())
        head = [struct.pack("<9I", n, ch, h, w, o, k, c["stride"], c["padding"], flags),
                struct.pack("<fifi", c["sx"], c["zx"], c["sy"], c["zy"]),
                c["sw"].tobytes(), c["zw"].tobytes()]
        if c["bias"] is not None:
            head.append(c["bias"].astype(F32).tobytes())
        xdt = np.int8 if c["signed"] else np.uint8
        head += [c["x"].astype(xdt).tobytes(), c["w"].astype(np.int8).tobytes()]
        self.chunks.append(b"".join(head + outs))
        self.count += 1
        self.outputs += y.size


def output_scale(c):
    """An output scale that spreads the outputs over most of the 8-bit range: the accumulators'
    spread (estimated in floats from the operands' spreads, only to pick a scale) over a random
    15..60 steps."""
    _, ch, _, _ = c["x"].shape
    _, _, k, _ = c["w"].shape
    xs = float(np.std(c["x"].astype(np.float64) - c["zx"])) + 1.0
    ws = float(np.std(c["w"].astype(np.float64) - c["zw"][:, None, None, None])) + 1.0
    spread = xs * ws * np.sqrt(ch * k * k) * float(np.median(c["sw"])) * c["sx"]
    return f32(spread / rng.uniform(15, 60))


def random_case(k, stride, padding, per_channel, with_bias, weight_zp_zero, signed=False):
    n = int(rng.integers(1, 5))
    ch = int(rng.integers(1, 33))
    o = int(rng.integers(4, 49))
    lo = max(k - 2 * padding, 1)  # the map must hold the kernel once padded
    h, w = int(rng.integers(max(lo, 4), 25)), int(rng.integers(max(lo, 4), 25))
    xlo, xhi = (-128, 128) if signed else (0, 256)
    c = {"x": rng.integers(xlo, xhi, (n, ch, h, w)), "w": rng.integers(-128, 128, (o, ch, k, k)),
         "stride": stride, "padding": padding, "per_channel": per_channel, "signed": signed,
         "sx": f32(10 ** rng.uniform(-3, -1)), "zx": int(rng.integers(xlo, xhi))}
    if per_channel:
        c["sw"] = (10 ** rng.uniform(-3.5, -1.5, o)).astype(F32)
        c["zw"] = np.zeros(o, np.int32) if weight_zp_zero else rng.integers(-30, 31, o)
    else:
        c["sw"] = np.full(o, F32(10 ** rng.uniform(-3.5, -1.5)))
        c["zw"] = np.full(o, 0 if weight_zp_zero else int(rng.integers(-30, 31)))
    c["bias"] = rng.normal(0, 1, o).astype(F32) if with_bias else None
    c["sy"] = output_scale(c)
    c["zy"] = int(rng.integers(-96, 96) if signed else rng.integers(32, 224))
    return c


def tie_case(stride, padding, zy):
    """Power-of-two scales with M = sx * sw / sy = 1/2: every odd accumulator is an exact tie,
    and an odd output zero point tells rounding before adding it from rounding after."""
    k, ch, o = 3, 2, 16
    x = 128 + (rng.integers(0, 256, (2, ch, 12, 12)) - 128) // 16
    c = {"x": x, "w": rng.integers(-128, 128, (o, ch, k, k)), "stride": stride,
         "padding": padding, "per_channel": False, "signed": False,
         "sx": 2.0 ** -4, "zx": 128, "sw": np.full(o, F32(2.0 ** -5)),
         "zw": np.zeros(o, np.int32), "bias": None, "sy": 2.0 ** -8, "zy": zy}
    return c


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    cases = ConvCases()
    i = 0
    for rep in range(4):
        for k in (1, 3, 5):
            for stride in (1, 2):
                for padding in (0, 1, 2):
                    cases.add("random", random_case(k, stride, padding, per_channel=i % 2 == 1,
                                                    with_bias=i % 4 < 2,
                                                    weight_zp_zero=(i // 4) % 2 == 0))
                    i += 1
    for i in range(8):  # the fused ReLU
        cases.add("relu", random_case(int(rng.choice([1, 3, 5])), 1 + i % 2, i % 3,
                                      per_channel=i % 2 == 0, with_bias=True,
                                      weight_zp_zero=i < 4), relu=True)
    for i in range(8):  # qint8 activations (engine QNNPACK, by its XNNPACK path)
        cases.add("qint8", random_case(int(rng.choice([1, 3, 5])), 1 + i % 2, i % 3,
                                       per_channel=i % 2 == 1, with_bias=i % 4 < 2,
                                       weight_zp_zero=True, signed=True))
    for i in range(4):
        cases.add("ties", tie_case(1 + i % 2, i // 2, zy=127 + i % 2))
    path = os.path.join(out_dir, "affine_conv2d.bin")
    with open(path + ".tmp", "wb") as f:
        f.write(b"FXAFCNV1" + struct.pack("<I", cases.count) + b"".join(cases.chunks))
    os.replace(path + ".tmp", path)
    print(f"make_affine_conv_vectors: {cases.count} layers, {cases.outputs} QNNPACK outputs")
    for engine, per_kind in cases.other.items():
        compared = sum(v[0] for v in per_kind.values())
        differ = sum(v[1] for v in per_kind.values())
        print(f"make_affine_conv_vectors: {engine} differs from QNNPACK in {differ} of "
              f"{compared} outputs compared")
        for kind, (c, d, m) in per_kind.items():
            print(f"make_affine_conv_vectors:   {kind}: {d} of {c}, by at most {m}")
    print(f"make_affine_conv_vectors: the numpy model of ONEDNN (onednn_model) misses "
          f"{cases.onednn_unexplained} of its outputs")


if __name__ == "__main__":
    main()
