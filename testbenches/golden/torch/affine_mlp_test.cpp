// golden/torch/affine_mlp: the PTQ of a small Linear + ReLU MLP into affine integer layers and
// their integer inference, against PyTorch's own eager-mode static quantization (the fixture
// affine_mlp_vectors: make_affine_mlp_vectors.py, Debian's python3-torch 1.13 on QNNPACK, weights
// per tensor and per channel, one and two hidden layers). PyTorch's observers give every layer's
// output scale and zero point, its converted nnq.LinearReLU / nnq.Linear the logits' integers;
// fxsim must give the same, raw for raw. PyTorch's QNNPACK linear only outputs quint8, so its
// logits are compared with fxsim's int<8> ones shifted by 128: the same scale, the zero point
// 128 higher (the observer's range holds 0, so neither zero point is clamped), and the same
// rounding, so every integer is exactly 128 higher.
#include "golden/torch/affine_mlp.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "golden/torch/mlp.hpp"

namespace {

using namespace fxsim::golden;
namespace fx = fxsim::fx;

struct TorchLayer {
  int in = 0, out = 0;
  bool relu = false;
  std::vector<float> w, b;
  float scale = 0;
  int zero_point = 0;
};

struct TorchCase {
  std::string name, weights;
  std::vector<TorchLayer> layers;
  std::vector<std::int64_t> calib, test, y;
  int calib_n = 0, test_n = 0;
};

std::vector<float> floats(std::istream& in, std::size_t n) {
  std::vector<float> v(n);
  for (float& f : v) {
    std::string s;
    in >> s;
    f = std::strtof(s.c_str(), nullptr);  // hex floats, exact
  }
  return v;
}

std::vector<std::int64_t> ints(std::istream& in, std::size_t n) {
  std::vector<std::int64_t> v(n);
  for (std::int64_t& i : v) in >> i;
  return v;
}

std::vector<TorchCase> read_cases() {
  std::ifstream in(std::string(FXSIM_AFFINE_MLP_VECTORS_DIR) + "/affine_mlp.txt");
  std::vector<TorchCase> cases;
  std::string tag;
  while (in >> tag) {
    EXPECT_EQ(tag, "case");
    TorchCase c;
    int layers = 0;
    in >> c.name >> c.weights >> layers;
    for (int l = 0; l < layers; ++l) {
      TorchLayer t;
      int relu = 0;
      in >> tag >> t.in >> t.out >> relu;
      t.relu = relu != 0;
      in >> tag;
      t.w = floats(in, static_cast<std::size_t>(t.in * t.out));
      in >> tag;
      t.b = floats(in, static_cast<std::size_t>(t.out));
      in >> tag;
      t.scale = floats(in, 1)[0];
      in >> t.zero_point;
      c.layers.push_back(t);
    }
    const auto in_features = static_cast<std::size_t>(c.layers.front().in);
    in >> tag >> c.calib_n;
    c.calib = ints(in, static_cast<std::size_t>(c.calib_n) * in_features);
    in >> tag >> c.test_n;
    c.test = ints(in, static_cast<std::size_t>(c.test_n) * in_features);
    in >> tag;
    c.y = ints(in, static_cast<std::size_t>(c.test_n * c.layers.back().out));
    cases.push_back(std::move(c));
  }
  return cases;
}

torch::Tensor pixels(const std::vector<std::int64_t>& v, int n) {
  return torch::tensor(v, torch::kInt64).reshape({n, -1});
}

TEST(AffineMlpVsTorch, PtqEqualsEagerModeQuantizationRawForRaw) {
  const std::vector<TorchCase> cases = read_cases();
  ASSERT_EQ(cases.size(), 4u);
  std::size_t logits = 0;
  for (const TorchCase& c : cases) {
    std::vector<FoldedDense> layers;
    for (const TorchLayer& t : c.layers) {
      layers.push_back({torch::tensor(t.w).reshape({t.out, t.in}), torch::tensor(t.b), t.relu});
    }
    AffineSettings s;
    s.bits = 8;
    s.weights = c.weights == "per_tensor" ? AffineWeights::PER_TENSOR : AffineWeights::PER_CHANNEL;
    const torch::Tensor calib = pixels(c.calib, c.calib_n).to(torch::kFloat32) / 256.0;
    const std::vector<fx::AffineType> types =
        output_types(layers, observe_outputs(layers, calib, s), 8);
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const bool last = l + 1 == layers.size();
      EXPECT_EQ(types[l].format.str(), last ? "int<8>" : "uint<8>");
      EXPECT_EQ(types[l].params.scales[0], c.layers[l].scale) << c.name << " layer " << l;
      EXPECT_EQ(types[l].params.zero_points[0], c.layers[l].zero_point - (last ? 128 : 0))
          << c.name << " layer " << l;
    }
    const std::vector<AffineDense> q = export_affine(layers, types, s, RequantMethod::FLOAT);
    EXPECT_EQ(q[0].weight_type.params.is_per_channel(), c.weights == "per_channel");
    const torch::Tensor y = affine_forward_integer(q, pixels(c.test, c.test_n));
    ASSERT_EQ(static_cast<std::size_t>(y.numel()), c.y.size());
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < c.y.size(); ++i) {
      mismatches += y.flatten()[static_cast<std::int64_t>(i)].item<std::int64_t>() + 128 != c.y[i];
    }
    EXPECT_EQ(mismatches, 0u) << c.name;
    logits += c.y.size();
  }
  EXPECT_EQ(logits, 4u * 200u * 5u);
}

// QMlp::folded_dense: the dense layers with their batch norms folded in compute what the float
// network computes in evaluation mode (dense, then batch norm with its running statistics, then
// ReLU), here after a few training-mode passes have moved the running statistics off 0 / 1 and
// with gamma and beta off 1 / 0, so that a wrong fold (a bias of beta - mean, a scale on the
// columns) would show.
TEST(AffineMlpFold, FoldedLayersGiveTheFloatForward) {
  QMlp net({20, 12, 5}, /*seed=*/3);
  const torch::Tensor x =
      (torch::arange(64 * 20, torch::kInt64) * 37 % 256).reshape({64, 20}).to(torch::kFloat32) /
      256.0;
  {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> p = net.parameters();  // weight, gamma, beta per layer
    p[1].mul_(torch::linspace(0.5, 2.0, 12));
    p[2].add_(torch::linspace(-0.3, 0.4, 12));
    p[4].mul_(1.7);
    p[5].add_(0.25);
    for (int i = 0; i < 5; ++i) net.forward(x, Precision::FLOAT, /*training=*/true);
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor expected = net.forward(x, Precision::FLOAT, /*training=*/false);
  const std::vector<FoldedDense> f = net.folded_dense();
  ASSERT_EQ(f.size(), 2u);
  EXPECT_TRUE(f[0].relu);
  EXPECT_FALSE(f[1].relu);
  torch::Tensor v = x;
  for (const FoldedDense& l : f) {
    v = torch::addmm(l.bias, v, l.weight.t());
    if (l.relu) v = torch::relu(v);
  }
  EXPECT_LT((v - expected).abs().max().item<float>(), 1e-5f);
  EXPECT_GT(expected.abs().max().item<float>(), 0.5f);  // not a vacuous comparison
}

// The fake-quantized forward of the exported types gives the dequantized logits of the integer
// inference on this tiny layer (a 2-input, 2-output logits layer worked by hand): the
// export and the QAT forward quantize the same way.
TEST(AffineMlpHand, ExportAndFakeQuantAgree) {
  // W' = [[0.5, -0.25], [1, 0.125]], b' = [0.1, -0.2], per tensor int<8>: scale 1 / 127.5, so
  // W'q = round(W' x 127.5) = [[64 (63.75), -32 (-31.875)], [127 (127.5: clamped), 16]].
  std::vector<FoldedDense> layers = {{torch::tensor({0.5f, -0.25f, 1.0f, 0.125f}).reshape({2, 2}),
                                      torch::tensor({0.1f, -0.2f}), false}};
  AffineSettings s;
  s.weights = AffineWeights::PER_TENSOR;
  const std::vector<fx::AffineType> types = {
      {fx::AffineInt::make(true, 8), fx::AffineParams::per_tensor(0.0078125f, 0)}};  // 1/128
  const std::vector<AffineDense> q = export_affine(layers, types, s, RequantMethod::FLOAT);
  EXPECT_EQ(q[0].weight_q, (std::vector<std::int64_t>{64, -32, 127, 16}));
  // Bias at sx sw = (1/256)(1/127.5): 0.1 x 32640 = 3264, -0.2 x 32640 = -6528.
  EXPECT_EQ(q[0].bias_q, (std::vector<std::int32_t>{3264, -6528}));
  // Pixels {128, 64}: acc0 = 128 x 64 - 64 x 32 + 3264 = 9408, acc1 = 128 x 127 + 64 x 16 - 6528
  // = 10752; M = 128 / 32640: 9408 x M = 36.894 -> 37, 10752 x M = 42.16 -> 42.
  const torch::Tensor y = affine_forward_integer(q, torch::tensor({128L, 64L}).reshape({1, 2}));
  EXPECT_EQ(y[0][0].item<std::int64_t>(), 37);
  EXPECT_EQ(y[0][1].item<std::int64_t>(), 42);
  const torch::Tensor f =
      fake_quant_forward(layers, types, s, torch::tensor({0.5f, 0.25f}).reshape({1, 2}));
  EXPECT_EQ(f[0][0].item<float>(), 37 * 0.0078125f);
  EXPECT_EQ(f[0][1].item<float>(), 42 * 0.0078125f);
}

}  // namespace
