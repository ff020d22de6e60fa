#!/usr/bin/python3
"""PyTorch's eager-mode static quantization of a small Linear + ReLU MLP, for fxsim's affine PTQ.

    /usr/bin/python3 testbenches/golden/torch/make_affine_mlp_vectors.py OUT_DIR

Debian's python3-torch (1.13) computes everything here; nothing is computed by fxsim's rules.
Seeded (numpy default_rng(193)), one thread, engine QNNPACK. For each weight granularity
(per_tensor: MinMaxObserver qint8 per_tensor_symmetric; per_channel: PerChannelMinMaxObserver
qint8 per_channel_symmetric) and each pair (hidden width list), a float MLP 20 - H... - 5 of
nn.Linear layers (float bias), ReLU after the hidden ones (fused into nnq.LinearReLU by
fuse_modules), activations observed by MinMaxObserver quint8 on 64 calibration images, then
torch.ao.quantization.convert. The input is the pixel byte quantized at scale 1/256, zero point 0
(torch.quantize_per_tensor, fed to the converted layers directly). Writes OUT_DIR/affine_mlp.txt:

    case NAME WEIGHTS LAYERS              WEIGHTS per_tensor | per_channel
    layer IN OUT RELU                     RELU 0 | 1, then, for this layer:
    w <IN*OUT float32 as float.hex>       the float weight, row-major [out, in]
    b <OUT float32 as float.hex>          the float bias
    out SCALE(hex) ZERO_POINT             the output's quint8 scale and zero point (observer)
    calib N <N*IN pixel bytes>            the calibration images
    test N <N*IN pixel bytes>
    y <N*OUT integers>                    the quint8 integers of the last layer (the logits)
"""
import os
import sys

import numpy as np
import torch
import torch.ao.quantization as tq
from torch import nn

rng = np.random.default_rng(193)
torch.set_num_threads(1)
torch.backends.quantized.engine = "qnnpack"
IN, OUT = 20, 5


def hexf(v):
    return float(np.float32(v)).hex()


def make_case(out, name, weights, hidden):
    sizes = [IN] + hidden + [OUT]
    mods = []
    for i in range(len(sizes) - 1):
        lin = nn.Linear(sizes[i], sizes[i + 1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(rng.normal(0, 0.4, (sizes[i + 1], sizes[i])).astype(np.float32)))
            lin.bias.copy_(torch.from_numpy(rng.normal(0, 0.3, sizes[i + 1]).astype(np.float32)))
        mods.append(lin)
        if i + 2 < len(sizes):
            mods.append(nn.ReLU())
    model = nn.Sequential(*mods).eval()
    pairs = [[str(i), str(i + 1)] for i, m in enumerate(mods) if isinstance(m, nn.ReLU) is False
             and i + 1 < len(mods) and isinstance(mods[i + 1], nn.ReLU)]
    fused = tq.fuse_modules(model, pairs)
    wobs = (tq.MinMaxObserver.with_args(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric)
            if weights == "per_tensor" else
            tq.PerChannelMinMaxObserver.with_args(dtype=torch.qint8,
                                                  qscheme=torch.per_channel_symmetric))
    fused.qconfig = tq.QConfig(activation=tq.MinMaxObserver.with_args(dtype=torch.quint8),
                               weight=wobs)
    prepared = tq.prepare(fused)
    calib = rng.integers(0, 256, (64, IN))
    # A few saturated pixels so that the ranges are not all small.
    calib[0, :] = 255
    test = rng.integers(0, 256, (200, IN))
    with torch.no_grad():
        prepared(torch.from_numpy(calib.astype(np.float32) / 256))
    q = tq.convert(prepared)
    qx = torch.quantize_per_tensor(torch.from_numpy(test.astype(np.float32) / 256), 1 / 256, 0,
                                   torch.quint8)
    layers = [m for m in q if not isinstance(m, nn.Identity)]
    y = qx
    for m in layers:
        y = m(y)
    floats = [m for m in mods if isinstance(m, nn.Linear)]
    out.write(f"case {name} {weights} {len(floats)}\n")
    for i, (lin, ql) in enumerate(zip(floats, layers)):
        out.write(f"layer {lin.in_features} {lin.out_features} {int(i + 1 < len(floats))}\n")
        out.write("w " + " ".join(hexf(v) for v in lin.weight.detach().numpy().ravel()) + "\n")
        out.write("b " + " ".join(hexf(v) for v in lin.bias.detach().numpy().ravel()) + "\n")
        out.write(f"out {hexf(ql.scale)} {ql.zero_point}\n")
    out.write(f"calib {calib.shape[0]} " + " ".join(str(v) for v in calib.ravel()) + "\n")
    out.write(f"test {test.shape[0]} " + " ".join(str(v) for v in test.ravel()) + "\n")
    out.write("y " + " ".join(str(v) for v in y.int_repr().numpy().ravel()) + "\n")


def main():
    os.makedirs(sys.argv[1], exist_ok=True)
    with open(os.path.join(sys.argv[1], "affine_mlp.txt"), "w") as out:
        for weights in ("per_tensor", "per_channel"):
            make_case(out, "one_hidden_" + weights, weights, [12])
            make_case(out, "two_hidden_" + weights, weights, [16, 8])


if __name__ == "__main__":
    main()
