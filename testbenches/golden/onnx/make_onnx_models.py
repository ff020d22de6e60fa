#!/usr/bin/python3
"""The ONNX files of the import tests, made by Debian's PyTorch (python3-torch) and onnx.

    /usr/bin/python3 testbenches/golden/onnx/make_onnx_models.py OUT_DIR [FASHION_MNIST_DIR]

Trains six small networks on Fashion-MNIST for 300 steps each (seeded, one thread) and exports
them with torch.onnx.export in inference mode:

  mlp.onnx       784-64-10 MLP: Flatten, Gemm, BatchNormalization, Relu, Dropout, Gemm (opset 13);
                 the input is pixel / 255 (torchvision's ToTensor)
  mlp_norm.onnx  784-48-32-10 MLP on (pixel / 255 - 0.5) / 0.5: Gemm, Clip(0, 6) (ReLU6), Gemm,
                 Clip(-1, 1) (hardtanh), Gemm, LogSoftmax (opset 11)
  cnn.onnx       conv3x3-8 + BN + ReLU, max-pool 2, conv3x3-16 + ReLU, max-pool 2, Flatten,
                 Gemm 784-10 (opset 17)
  mlp_bn_after.onnx  784-64-10 MLP with the batch norm after the ReLU (folded into the next
                 layer's weights): Gemm, Relu, BatchNormalization, Gemm (opset 13)
  cnn_bn_after.onnx  conv3x3-8 (padded) + ReLU + BN, max-pool 2, conv3x3-16 (unpadded) + ReLU,
                 max-pool 2, Flatten, BatchNormalization of the 576 features, Gemm 576-10: every
                 batch norm away from its layer, folded forward (opset 13)
  cnn_strided.onnx   conv3x3-8 stride 2 + BN + ReLU, conv3x3-16 stride 2 + ReLU (28 -> 14 -> 7),
                 Flatten, Gemm 784-10: downsampling by strides instead of pools (opset 13)

  qonnx_mlp.onnx 784-16-10 MLP built with onnx.helper in QONNX form: Quant nodes (domain
                 qonnx.custom_op.general) with power-of-two scales on both weight tensors (8-bit,
                 2^-6), on the hidden ReLU's output (unsigned 8-bit, 2^-4) and on the logits
                 (12-bit, 2^-5); its input is pixel / 256. qonnx_mlp_raws.i64: the logits' integers
                 (int64 little-endian, 100 x 10) of the QONNX semantics computed here with numpy
                 (q = clip(round_half_even(x / scale), min, max), float64 sums: exact)

  rgb_cnn.onnx, rgb_mlp.onnx  three-channel 3 x 14 x 14 inputs (to_rgb below) on raw tensor files
                 rgb_calibration.u8, rgb_test.u8 (uint8 N x 3 x 14 x 14) and rgb_test_labels.u8:
                 conv3x3-8 + BN + ReLU, max-pool 2, Gemm 392-10; and a 588-32-10 MLP that flattens
                 the channels (torch's C, Y, X order)

and for each PyTorch NAME: NAME_outputs.f32, PyTorch's own float32 logits (little-endian, 100 x 10, before
the LogSoftmax the import drops) of the first 100 test images, and NAME.json: {"accuracy": top-1 of PyTorch on all 10,000 test
images, "input_divisor", "input_mean", "input_std"}. The C++ tests compare fxsim's import against
these (testbenches/golden/onnx/onnx_import_test.cpp).
"""
import gzip
import json
import os
import struct
import sys

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, np.uint8, offset=16).reshape(count, rows, cols)
    return np.frombuffer(data, np.uint8, offset=8)


def train(model, x, y, steps=300, batch=64):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    gen = torch.Generator().manual_seed(1)
    model.train()
    for _ in range(steps):
        idx = torch.randint(0, x.shape[0], (batch,), generator=gen)
        loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()


def main():
    out = sys.argv[1]
    data = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    torch.set_num_threads(1)
    train_px = torch.from_numpy(read_idx(f"{data}/train-images-idx3-ubyte.gz")[:20000].copy())
    train_y = torch.from_numpy(read_idx(f"{data}/train-labels-idx1-ubyte.gz")[:20000].astype(np.int64))
    test_px = torch.from_numpy(read_idx(f"{data}/t10k-images-idx3-ubyte.gz").copy())
    test_y = torch.from_numpy(read_idx(f"{data}/t10k-labels-idx1-ubyte.gz").astype(np.int64))

    models = {
        "mlp": (nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.BatchNorm1d(64), nn.ReLU(),
                              nn.Dropout(0.1), nn.Linear(64, 10)), 13, 0.0, 1.0),
        "mlp_norm": (nn.Sequential(nn.Flatten(), nn.Linear(784, 48), nn.ReLU6(), nn.Linear(48, 32),
                                   nn.Hardtanh(), nn.Linear(32, 10), nn.LogSoftmax(dim=1)),
                     11, 0.5, 0.5),
        "cnn": (nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * 7 * 7, 10)), 17, 0.0,
                1.0),
        "mlp_bn_after": (nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.ReLU(),
                                       nn.BatchNorm1d(64), nn.Linear(64, 10)), 13, 0.0, 1.0),
        "cnn_bn_after": (nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(8),
                                       nn.MaxPool2d(2), nn.Conv2d(8, 16, 3), nn.ReLU(),
                                       nn.MaxPool2d(2), nn.Flatten(), nn.BatchNorm1d(16 * 6 * 6),
                                       nn.Linear(16 * 6 * 6, 10)), 13, 0.0, 1.0),
        "cnn_strided": (nn.Sequential(nn.Conv2d(1, 8, 3, stride=2, padding=1), nn.BatchNorm2d(8),
                                      nn.ReLU(), nn.Conv2d(8, 16, 3, stride=2, padding=1),
                                      nn.ReLU(), nn.Flatten(), nn.Linear(16 * 7 * 7, 10)), 13,
                        0.0, 1.0),
    }
    for name, (model, opset, mean, std) in models.items():
        def prep(px):
            return ((px.float() / 255.0 - mean) / std).reshape(-1, 1, 28, 28)
        train(model, prep(train_px), train_y)
        with torch.no_grad():
            logits = model(prep(test_px))
            accuracy = (logits.argmax(1) == test_y).float().mean().item()
            # The logits: before a final LogSoftmax, which the import drops.
            head = model[:-1] if isinstance(model[-1], nn.LogSoftmax) else model
            head(prep(test_px[:100])).numpy().astype("<f4").tofile(f"{out}/{name}_outputs.f32")
        torch.onnx.export(model, prep(test_px[:1]), f"{out}/{name}.onnx", opset_version=opset,
                          input_names=["images"], output_names=["logits"],
                          dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}})
        with open(f"{out}/{name}.json", "w") as f:
            json.dump({"accuracy": accuracy, "input_divisor": 255.0, "input_mean": mean,
                       "input_std": std}, f)
        print(f"{name}: PyTorch accuracy {accuracy:.4f}, opset {opset}")
    rgb_models(out, train_px, train_y, test_px, test_y)
    qonnx_mlp(out, test_px)


def to_rgb(px):
    """Three-channel 14 x 14 images made from Fashion-MNIST: every other pixel, and three
    different channels (the image, its negative, half of it plus 64), as uint8 N x 3 x 14 x 14."""
    px = px[:, ::2, ::2]
    return torch.stack([px, 255 - px, px // 2 + 64], dim=1).contiguous()


def rgb_models(out, train_px, train_y, test_px, test_y):
    """rgb_cnn / rgb_mlp on raw tensor files: rgb_calibration.u8 (1,000 training images),
    rgb_test.u8 (1,000 test images, N x 3 x 14 x 14 uint8) and rgb_test_labels.u8 (uint8)."""
    train_rgb, test_rgb = to_rgb(train_px), to_rgb(test_px[:1000])
    train_rgb[:1000].numpy().tofile(f"{out}/rgb_calibration.u8")
    test_rgb.numpy().tofile(f"{out}/rgb_test.u8")
    test_y[:1000].numpy().astype("uint8").tofile(f"{out}/rgb_test_labels.u8")
    models = {
        "rgb_cnn": nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
                                 nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * 7 * 7, 10)),
        "rgb_mlp": nn.Sequential(nn.Flatten(), nn.Linear(3 * 14 * 14, 32), nn.ReLU(),
                                 nn.Linear(32, 10)),
    }
    for name, model in models.items():
        train(model, train_rgb.float() / 255.0, train_y)
        with torch.no_grad():
            logits = model(test_rgb.float() / 255.0)
            accuracy = (logits.argmax(1) == test_y[:1000]).float().mean().item()
            logits[:100].numpy().astype("<f4").tofile(f"{out}/{name}_outputs.f32")
        torch.onnx.export(model, test_rgb[:1].float() / 255.0, f"{out}/{name}.onnx",
                          opset_version=13, input_names=["images"], output_names=["logits"],
                          dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}})
        with open(f"{out}/{name}.json", "w") as f:
            json.dump({"accuracy": accuracy, "input_divisor": 255.0, "input_mean": 0.0,
                       "input_std": 1.0}, f)
        print(f"{name}: PyTorch accuracy {accuracy:.4f} on 1,000 test images")


def quant(x, scale, bits, signed):
    lo, hi = (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if signed else (0, 2 ** bits - 1)
    return np.clip(np.round(x / scale), lo, hi)  # numpy rounds half to even, as QONNX's ROUND


def qonnx_mlp(out, test_px):
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(3)
    w1 = rng.normal(0, 0.08, (16, 784)).astype(np.float32)
    w2 = rng.normal(0, 0.3, (10, 16)).astype(np.float32)
    domain = "qonnx.custom_op.general"
    consts = {"s_w": 2.0 ** -6, "s_a": 2.0 ** -4, "s_o": 2.0 ** -5, "zero": 0.0, "b8": 8.0,
              "b12": 12.0}
    inits = [numpy_helper.from_array(w1, "W1"), numpy_helper.from_array(w2, "W2")]
    inits += [numpy_helper.from_array(np.array(v, np.float32), k) for k, v in consts.items()]

    def q(name, x, y, scale, bits, signed):
        return helper.make_node("Quant", [x, scale, "zero", bits], [y], domain=domain, name=name,
                                signed=int(signed), narrow=0, rounding_mode="ROUND")

    nodes = [q("qw1", "W1", "W1q", "s_w", "b8", True), q("qw2", "W2", "W2q", "s_w", "b8", True),
             helper.make_node("Gemm", ["images", "W1q"], ["h"], transB=1, name="fc1"),
             helper.make_node("Relu", ["h"], ["r"], name="relu1"),
             q("qa1", "r", "rq", "s_a", "b8", False),
             helper.make_node("Gemm", ["rq", "W2q"], ["o"], transB=1, name="fc2"),
             q("qo", "o", "logits", "s_o", "b12", True)]
    graph = helper.make_graph(
        nodes, "qonnx_mlp", [helper.make_tensor_value_info("images", TensorProto.FLOAT, ["N", 784])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13),
                                                    helper.make_opsetid(domain, 1)])
    onnx.checker.check_model(model)
    onnx.save(model, f"{out}/qonnx_mlp.onnx")
    x = test_px[:100].reshape(100, 784).numpy().astype(np.float64) / 256.0
    w1q = quant(w1.astype(np.float64), 2.0 ** -6, 8, True) * 2.0 ** -6
    w2q = quant(w2.astype(np.float64), 2.0 ** -6, 8, True) * 2.0 ** -6
    hidden = quant(np.maximum(x @ w1q.T, 0.0), 2.0 ** -4, 8, False) * 2.0 ** -4
    raws = quant(hidden @ w2q.T, 2.0 ** -5, 12, True)
    raws.astype("<i8").tofile(f"{out}/qonnx_mlp_raws.i64")
    print("qonnx_mlp: written with its numpy raws")


if __name__ == "__main__":
    main()
