#!/usr/bin/python3
"""PyTorch's own affine quantization and quantized dense layers, for fxsim's raw-for-raw tests.

    /usr/bin/python3 testbenches/golden/affine/make_affine_vectors.py OUT_DIR

Debian's python3-torch (1.13) computes everything here; nothing is computed by fxsim's rules.
Seeded (numpy default_rng(19)), one thread, a few seconds. Writes, all little-endian:

affine_linear.bin   torch.ops.quantized.linear, engine QNNPACK (and ONEDNN where it can run)
    char[8] "FXAFLIN1", u32 case_count, then per case:
      u32 batch N, u32 in K, u32 out O, u32 flags
          flags bit 0: per-channel weights (axis 0), bit 1: has a float bias,
                bit 2: has ONEDNN outputs (only when every weight zero point is 0: ONEDNN
                       refuses others)
      f32 sx, i32 zx (input, quint8), f32 sy, i32 zy (output, quint8)
      f32 sw[O], i32 zw[O]      (weights, qint8; per tensor: O copies of the one pair)
      f32 bias[O]               (if bit 1: the float bias PyTorch quantizes itself)
      u8  qx[N*K]               (row-major)
      i8  qw[O*K]               (row-major)
      u8  y_qnnpack[N*O]        (the output integers, row-major)
      u8  y_onednn[N*O]         (if bit 2)
  Cases: random layers (K in 1..512, several scales and zero points, per tensor and per channel,
  with and without bias), "all products" grids (K = 1, every quint8 input against every qint8
  weight, so every accumulator of an 8x8 product is requantized; half of them with weight scales
  picked so that another plausible multiplier rule would round some product differently),
  power-of-two scales with
  M = 1/2 (every odd accumulator is an exact tie), and M > 1 (products past int32).

affine_quantize.bin torch.quantize_per_tensor / quantize_per_channel (axis 0) and dequantize()
    char[8] "FXAFQNT1", u32 record_count, then per record:
      u32 dtype (0 quint8, 1 qint8, 2 qint32), u32 per_channel, u32 C, u32 L
      f32 scale[C], i32 zero_point[C]
      f32 x[C*L]   (channel-major: channel c holds x[c*L .. c*L+L-1]; per tensor C = 1)
      i32 q[C*L]   (PyTorch's integers)
      f32 d[C*L]   (PyTorch's dequantize() of q)
  Values: exact ties (power-of-two scales, k + 1/2 steps), near-ties ((k + 1/2) * scale in
  float32 and both float neighbours), uniform randoms, +-inf, NaN, huge values.

Prints how many outputs ONEDNN gives differently from QNNPACK, per kind of case, and how many of
ONEDNN's outputs onednn_model (its rounding as found by experiment) does not explain.
"""
import os
import struct
import sys

import numpy as np
import torch

F32 = np.float32
rng = np.random.default_rng(19)
torch.set_num_threads(1)


def f32(v):
    return float(F32(v))


def linear(engine, x_int, zx, sx, w_int, sw, zw, per_channel, bias, sy, zy):
    torch.backends.quantized.engine = engine
    qx = torch._make_per_tensor_quantized_tensor(torch.from_numpy(x_int.astype(np.uint8)), sx, zx)
    w = torch.from_numpy(w_int.astype(np.int8))
    if per_channel:
        qw = torch._make_per_channel_quantized_tensor(
            w, torch.from_numpy(sw.astype(np.float64)), torch.from_numpy(zw.astype(np.int64)), 0)
    else:
        qw = torch._make_per_tensor_quantized_tensor(w, float(sw[0]), int(zw[0]))
    b = None if bias is None else torch.from_numpy(bias)
    packed = torch.ops.quantized.linear_prepack(qw, b)
    return torch.ops.quantized.linear(qx, packed, sy, zy).int_repr().numpy().astype(np.uint8)


def onednn_model(x_int, zx, sx, w_int, sw, bias, sy, zy):
    """What ONEDNN computes here, as found by experiment (weight zero points 0): M from the
    reciprocal scales, the float bias in accumulator units, the output zero point added BEFORE
    rounding, every step float32. Only to explain where it differs from QNNPACK."""
    acc = ((x_int - zx) @ w_int.T).astype(F32)
    inv_x, inv_y = F32(1 / np.float64(sx)), F32(1 / np.float64(sy))
    inv_w = (1 / sw.astype(np.float64)).astype(F32)
    m = inv_y / (inv_x * inv_w)
    if bias is not None:
        acc = acc + (bias * (inv_x * inv_w))[None, :]
    return np.clip(np.rint(acc * m[None, :] + F32(zy)), 0, 255).astype(np.uint8)


class LinearCases:
    def __init__(self):
        self.chunks = []
        self.count = 0
        self.outputs = 0
        self.onednn_compared = 0
        self.onednn_differ = 0
        self.onednn_by_kind = {}
        self.onednn_unexplained = 0

    def add(self, kind, x_int, zx, sx, w_int, sw, zw, per_channel, bias, sy, zy):
        n, k = x_int.shape
        o = w_int.shape[0]
        sw = sw.astype(F32)
        zw = zw.astype(np.int32)
        y = linear("qnnpack", x_int, zx, sx, w_int, sw, zw, per_channel, bias, sy, zy)
        with_onednn = bool((zw == 0).all())
        flags = (1 if per_channel else 0) | (2 if bias is not None else 0) | (4 if with_onednn else 0)
        parts = [struct.pack("<4I", n, k, o, flags), struct.pack("<fifi", sx, zx, sy, zy),
                 sw.tobytes(), zw.tobytes()]
        if bias is not None:
            parts.append(bias.astype(F32).tobytes())
        parts += [x_int.astype(np.uint8).tobytes(), w_int.astype(np.int8).tobytes(), y.tobytes()]
        if with_onednn:
            y2 = linear("onednn", x_int, zx, sx, w_int, sw, zw, per_channel, bias, sy, zy)
            parts.append(y2.tobytes())
            differ = int((y2 != y).sum())
            self.onednn_compared += y.size
            self.onednn_differ += differ
            self.onednn_unexplained += int(
                (onednn_model(x_int, zx, sx, w_int, sw, bias, sy, zy) != y2).sum())
            c, d = self.onednn_by_kind.get(kind, (0, 0))
            self.onednn_by_kind[kind] = (c + y.size, d + differ)
        self.chunks.append(b"".join(parts))
        self.count += 1
        self.outputs += y.size


def random_layer(cases, per_channel, with_bias, weight_zp_zero):
    n = 256
    k = int(rng.integers(1, 513))
    o = int(rng.integers(8, 65))
    sx = f32(10 ** rng.uniform(-3, -1))
    zx = int(rng.integers(0, 256))
    x_int = rng.integers(0, 256, (n, k))
    w_int = rng.integers(-128, 128, (o, k))
    if per_channel:
        sw = (10 ** rng.uniform(-3.5, -1.5, o)).astype(F32)
        zw = np.zeros(o, np.int32) if weight_zp_zero else rng.integers(-30, 31, o)
    else:
        sw = np.full(o, F32(10 ** rng.uniform(-3.5, -1.5)))
        zw = np.full(o, 0 if weight_zp_zero else int(rng.integers(-30, 31)))
    bias = rng.normal(0, 1, o).astype(F32) if with_bias else None
    # An output scale that spreads the outputs over most of uint8: the accumulators' spread
    # (floats, only to pick a scale) over a random 15..60 steps.
    acc = (x_int - zx) @ (w_int - zw[:, None]).T
    spread = float(np.std(acc * (sx * sw.astype(np.float64))[None, :])) + 1e-6
    sy = f32(spread / rng.uniform(15, 60))
    zy = int(rng.integers(32, 224))
    cases.add("random", x_int, zx, sx, w_int, sw, zw, per_channel, bias, sy, zy)


def product_grid(cases, weight_zp_zero, with_bias):
    """K = 1: every quint8 input times every qint8 weight, one output channel per weight."""
    x_int = np.arange(256).reshape(256, 1)
    w_int = np.arange(-128, 128).reshape(256, 1)
    zx = int(rng.integers(0, 256))
    zw = np.zeros(256, np.int32) if weight_zp_zero else rng.integers(-20, 21, 256)
    sx = f32(10 ** rng.uniform(-3, -1))
    sy = f32(10 ** rng.uniform(-1.5, 0))
    # M ~ 2^-8..2^-7 per channel, each channel's M different: |acc| < 2^15 lands in +-255.
    m = 10 ** rng.uniform(-2.4, -2.1)
    sw = (m * rng.uniform(0.9, 1.1, 256) * sy / sx).astype(F32)
    bias = rng.normal(0, 0.05, 256).astype(F32) if with_bias else None
    cases.add("grid", x_int, zx, sx, w_int, sw, zw, True, bias, sy, int(rng.integers(100, 156)))


def discriminating_grid(cases):
    """An all-products grid whose per-channel weight scales are picked (from random candidates)
    so that some product rounds differently under another plausible multiplier: M's other
    float32 orders, M rounded once from double, or float(acc) x M in double. PyTorch still gives
    the expected outputs; the candidates only choose inputs where a wrong rule must show."""
    x_int = np.arange(256).reshape(256, 1)
    w_int = np.arange(-128, 128).reshape(256, 1)
    zx, zy = int(rng.integers(0, 256)), int(rng.integers(100, 156))
    sx = F32(10 ** rng.uniform(-3, -1))
    sy = F32(10 ** rng.uniform(-1.5, 0))
    acc = (x_int[:, 0] - zx).astype(np.float64)
    sw = np.empty(256, F32)
    for o in range(256):
        d = o - 128
        cand = (10 ** rng.uniform(-2.4, -2.1, 400) * float(sy) / float(sx)).astype(F32)
        m = (cand * sx) * (F32(1) / sy)
        alts = [cand * (sx * (F32(1) / sy)), (cand * sx) / sy,
                (cand.astype(np.float64) * float(sx) / float(sy)).astype(F32)]
        a32 = (acc * d).astype(F32)[None, :]
        y = np.rint(a32 * m[:, None])
        hit = np.zeros(cand.size, bool)
        for alt in alts:
            hit |= (np.rint(a32 * alt[:, None]) != y).any(axis=1)
        hit |= (np.rint((acc * d)[None, :] * m[:, None].astype(np.float64)) != y).any(axis=1)
        sw[o] = cand[np.argmax(hit)] if hit.any() else cand[0]
    cases.add("grid", x_int, zx, float(sx), w_int, sw, np.zeros(256, np.int32), True, None,
              float(sy), zy)


def tie_layer(cases, weight_zp_zero, zy):
    """Power-of-two scales with M = 1/2: every odd accumulator is an exact tie. An odd output
    zero point tells rounding before adding it (ONEDNN) from rounding after (QNNPACK)."""
    n, k, o = 256, int(rng.integers(1, 9)), 32
    x_int = rng.integers(0, 256, (n, k))
    w_int = rng.integers(-128, 128, (o, k))
    zw = np.zeros(o, np.int32) if weight_zp_zero else rng.integers(-10, 11, o)
    sx, sy = 2.0 ** -4, 2.0 ** -8
    sw = np.full(o, F32(2.0 ** -5))
    # sx * sw / sy = 2^-1; K <= 8 keeps |acc| / 2 mostly inside uint8 around zy.
    x_int = 128 + (x_int - 128) // 16
    zx = 128
    cases.add("ties", x_int, zx, sx, w_int, sw, zw, False, None, sy, zy)


def big_multiplier_layer(cases):
    """M > 1: products past int32 (QNNPACK's conversion makes those INT32_MIN)."""
    n, k, o = 64, 64, 16
    x_int = rng.integers(0, 256, (n, k))
    w_int = rng.integers(-128, 128, (o, k))
    sw = np.full(o, F32(0.5))
    zw = np.zeros(o, np.int32)
    try:
        cases.add("big M", x_int, 0, 1.0, w_int, sw, zw, False, None, f32(1e-6), 128)
    except RuntimeError as e:  # an engine refusing M > 1 leaves the case out, and says so
        print("make_affine_vectors: M > 1 refused:", str(e).splitlines()[0])


def quantize_records():
    out = []

    def record(dtype, per_channel, scales, zps, x):
        c, length = x.shape
        tdt = [torch.quint8, torch.qint8, torch.qint32][dtype]
        xt = torch.from_numpy(x.astype(F32))
        if per_channel:
            q = torch.quantize_per_channel(xt, torch.from_numpy(scales.astype(np.float64)),
                                           torch.from_numpy(zps.astype(np.int64)), 0, tdt)
        else:
            q = torch.quantize_per_tensor(xt.reshape(-1), float(scales[0]), int(zps[0]), tdt)
        qi = q.int_repr().numpy().astype(np.int32).reshape(c, length)
        d = q.dequantize().numpy().astype(F32).reshape(c, length)
        out.append(struct.pack("<4I", dtype, 1 if per_channel else 0, c, length) +
                   scales.astype(F32).tobytes() + zps.astype(np.int32).tobytes() +
                   x.astype(F32).tobytes() + qi.tobytes() + d.tobytes())

    ranges = {0: (0, 255), 1: (-128, 127), 2: (-2 ** 31, 2 ** 31 - 1)}

    def values(scale, length):
        k = rng.integers(-300, 300, length // 4)
        ties = ((k + 0.5) * float(scale)).astype(F32)
        return np.concatenate([ties, np.nextafter(ties, F32(np.inf)),
                               np.nextafter(ties, F32(-np.inf)),
                               rng.uniform(-60, 60, length - 3 * (length // 4)).astype(F32)])

    torch.backends.quantized.engine = "qnnpack"
    for dtype in (0, 1):
        lo, hi = ranges[dtype]
        for _ in range(12):  # per tensor, random scales: near-ties
            s = F32(10 ** rng.uniform(-3, 0))
            z = int(rng.integers(lo, hi + 1))
            record(dtype, False, np.array([s]), np.array([z]), values(s, 20000).reshape(1, -1))
        for s in (1.0, 0.5, 0.25, 2.0, 0.125):  # exact ties, zero point added after rounding
            for z in (lo, 0 if dtype else 1, 3, hi):
                x = np.concatenate([np.arange(-300, 300, 0.5), [np.inf, -np.inf, np.nan, 1e30,
                                                                 -1e30, 1e38]]) * s
                record(dtype, False, np.array([s], F32), np.array([z]), x.reshape(1, -1))
        for _ in range(6):  # per channel
            c = int(rng.integers(1, 17))
            scales = (10 ** rng.uniform(-3, 0, c)).astype(F32)
            zps = rng.integers(lo, hi + 1, c)
            x = np.stack([values(scales[i], 4000) for i in range(c)])
            record(dtype, True, scales, zps, x)
    for z in (0, 1, -7777777, 12345):  # qint32: the float32 sum with the zero point
        x = rng.uniform(-3e9, 3e9, 20000).astype(F32)
        record(2, False, np.array([F32(1.0)]), np.array([z]), x.reshape(1, -1))
        record(2, False, np.array([F32(0.37)]), np.array([z]), (x / 1e3).reshape(1, -1))
    return out


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    cases = LinearCases()
    for i in range(64):
        random_layer(cases, per_channel=i % 2 == 1, with_bias=i % 4 < 2,
                     weight_zp_zero=i % 8 >= 4)
    for i in range(8):
        product_grid(cases, weight_zp_zero=i % 2 == 0, with_bias=i % 4 >= 2)
    for i in range(8):
        discriminating_grid(cases)
    for i in range(4):
        tie_layer(cases, weight_zp_zero=i < 2, zy=127 + i % 2)
    big_multiplier_layer(cases)
    with open(os.path.join(out_dir, "affine_linear.bin.tmp"), "wb") as f:
        f.write(b"FXAFLIN1" + struct.pack("<I", cases.count) + b"".join(cases.chunks))
    os.replace(os.path.join(out_dir, "affine_linear.bin.tmp"),
               os.path.join(out_dir, "affine_linear.bin"))
    records = quantize_records()
    with open(os.path.join(out_dir, "affine_quantize.bin.tmp"), "wb") as f:
        f.write(b"FXAFQNT1" + struct.pack("<I", len(records)) + b"".join(records))
    os.replace(os.path.join(out_dir, "affine_quantize.bin.tmp"),
               os.path.join(out_dir, "affine_quantize.bin"))
    print(f"make_affine_vectors: {cases.count} layers, {cases.outputs} QNNPACK outputs, "
          f"{len(records)} quantize records")
    print(f"make_affine_vectors: ONEDNN differs from QNNPACK in {cases.onednn_differ} of "
          f"{cases.onednn_compared} outputs compared")
    for kind, (c, d) in cases.onednn_by_kind.items():
        print(f"make_affine_vectors:   {kind}: {d} of {c}")
    print(f"make_affine_vectors: the numpy model of ONEDNN (onednn_model) misses "
          f"{cases.onednn_unexplained} of its outputs")


if __name__ == "__main__":
    main()
