// A hand-built CNN QuantNetwork (conv + bn_act/relu, conv with padded lanes, max-pool, flatten
// yxc, dense) in formats where nothing rounds or overflows: its logits are PyTorch's own
// torch::conv2d / relu / max_pool2d / matmul on the exact dequantized values (float64), never
// conv_integer. The LibTorch integer inference (forward_integer) and the plain C++ reference
// through models/units (reference_forward) must both give those raws, image by image.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "fx/width_rules.hpp"
#include "golden/conv_layer.hpp"
#include "golden/quant_network.hpp"
#include "golden/torch/int_inference.hpp"

namespace {

namespace fx = fxsim::fx;
namespace golden = fxsim::golden;
using fx::FxType;
using fx::Overflow;
using fx::Rounding;

std::vector<std::int64_t> random_ints(std::mt19937_64& rng, std::size_t n, int lo, int hi) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<std::int64_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

torch::Tensor values(const std::vector<std::int64_t>& raws, std::vector<std::int64_t> shape,
                     int frac_bits) {
  return torch::tensor(raws, torch::kInt64).to(torch::kFloat64).reshape(shape) *
         std::ldexp(1.0, -frac_bits);
}

// 6x6x1 pixels -> conv1 (3x3, P1, 3 channels, bn_act relu) -> conv2 (3x3, P1, 3 -> 2 channels,
// SIMD 2: Cp 4, no bn) -> pool1 (2) -> 3x3x2 -> flatten yxc -> fc1 (18 -> 10, no bn).
struct HandCnn {
  golden::QuantNetwork model;
  // The oracle's operands, in torch layouts (values).
  torch::Tensor w1, scale, bias, w2, fc;  // [3,1,3,3], [3], [3], [2,3,3,3], [10, 18 (y,x,c)]
};

HandCnn hand_cnn() {
  std::mt19937_64 rng(17);
  const FxType pixel = FxType::make_unsigned(8, 0, Rounding::RND_CONV, Overflow::SAT);
  const FxType weight = FxType::make_signed(4, 2);  // raws -8..7, values -2..1.75
  HandCnn h;
  h.model.input_type = pixel;

  golden::ConvLayer c1;
  c1.name = "conv1";
  c1.shape = {6, 6, 1, 3, 1, 1};  // H, W, C, K, stride, padding
  c1.out_channels = 3;
  c1.simd = 1;
  c1.input_type = pixel;
  c1.weight_type = weight;
  c1.acc_type = fx::accumulator_type(pixel, weight, 9, Overflow::SAT);  // F = 8 + 2 = 10
  c1.out_type = c1.acc_type;                                            // no rounding
  const auto w1 = random_ints(rng, 3 * 9, -8, 7);
  c1.weight_raw = golden::window_order_weights(w1, 3, 1, 3, 1);
  golden::BnActLayer b;
  b.scale_type = FxType::make_signed(4, 2);  // F 2: t has F = 10 + 2 = 12 >= the bias's 6
  b.bias_type = FxType::make_signed(8, 2);
  b.out_type = FxType::make_signed(24, 12, Rounding::TRN, Overflow::SAT);  // F 12: exact
  b.act = fxsim::units::Activation::RELU;
  b.scale_raw = random_ints(rng, 3, -8, 7);
  b.bias_raw = random_ints(rng, 3, -128, 127);
  c1.bn = b;

  golden::ConvLayer c2;
  c2.name = "conv2";
  c2.shape = {6, 6, 3, 3, 1, 1};
  c2.out_channels = 2;
  c2.simd = 2;  // Cp = 4: lane 3 is a zero lane
  c2.input_type = b.out_type;
  c2.weight_type = weight;
  c2.acc_type = fx::accumulator_type(b.out_type, weight, 9 * 3, Overflow::SAT);  // F 14
  c2.out_type = c2.acc_type;
  const auto w2 = random_ints(rng, 2 * 3 * 9, -8, 7);
  c2.weight_raw = golden::window_order_weights(w2, 2, 3, 3, 2);

  golden::MaxPoolLayer p;
  p.name = "pool1";
  p.height = 6;
  p.width = 6;
  p.channels = 2;
  p.size = 2;
  p.type = c2.out_type;

  golden::DenseLayer fc;
  fc.name = "fc1";
  fc.in_features = 18;
  fc.out_features = 10;
  fc.simd = 4;
  fc.input_type = c2.out_type;
  fc.weight_type = weight;
  fc.acc_type = fx::accumulator_type(c2.out_type, weight, 18, Overflow::SAT);  // F 16
  fc.out_type = fc.acc_type;
  fc.weight_raw = random_ints(rng, 10 * 18, -8, 7);  // columns in the yxc order

  h.model.features = {c1, c2, p};
  h.model.layers = {fc};
  golden::validate(h.model);
  const int fw = weight.frac_bits();  // 2
  h.w1 = values(w1, {3, 1, 3, 3}, fw);
  h.scale = values(b.scale_raw, {1, 3, 1, 1}, b.scale_frac());         // 2
  h.bias = values(b.bias_raw, {1, 3, 1, 1}, b.bias_type.frac_bits());  // fixed<8,2>: 6
  h.w2 = values(w2, {2, 3, 3, 3}, fw);
  h.fc = values(fc.weight_raw, {10, 18}, fw);
  return h;
}

// PyTorch's kernels on the values (float64: every value and sum here is an exact dyadic).
torch::Tensor oracle_logits(const HandCnn& h, const torch::Tensor& pixels_raw) {
  const torch::Tensor x = pixels_raw.to(torch::kFloat64).reshape({-1, 1, 6, 6}) / 256.0;
  torch::Tensor v = torch::relu(torch::conv2d(x, h.w1, {}, 1, 1) * h.scale + h.bias);
  v = torch::max_pool2d(torch::conv2d(v, h.w2, {}, 1, 1), 2, 2);
  v = v.permute({0, 2, 3, 1}).flatten(1);  // (y, x, c), as the model's columns
  return torch::mm(v, h.fc.t());
}

TEST(HandBuiltCnn, IntegerAndReferenceInferenceEqualTorchKernels) {
  const HandCnn h = hand_cnn();
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(23);
  const int n = 300;  // more than forward_integer's chunk of 256 images
  torch::Tensor pixels = torch::randint(0, 256, {n, 36}, gen, torch::kInt64);
  pixels[0].fill_(255);  // the largest input everywhere
  const torch::Tensor expected_values = oracle_logits(h, pixels);
  const int f = h.model.layers[0].out_type.frac_bits();
  ASSERT_EQ(f, 16);
  const torch::Tensor scaled = expected_values * std::ldexp(1.0, f);
  ASSERT_TRUE(torch::equal(scaled, torch::round(scaled)));  // exact raws of the logits type
  const torch::Tensor expected = scaled.to(torch::kInt64);
  ASSERT_GT(expected.abs().max().item<std::int64_t>(), 0);

  const torch::Tensor integer = golden::forward_integer(h.model, pixels);
  ASSERT_EQ(integer.sizes(), (std::vector<std::int64_t>{n, 10}));
  EXPECT_TRUE(torch::equal(integer, expected)) << integer << expected;
  for (int i = 0; i < n; ++i) {
    const torch::Tensor row = pixels[i].contiguous();
    const std::vector<std::int64_t> in(row.data_ptr<std::int64_t>(),
                                       row.data_ptr<std::int64_t>() + 36);
    const torch::Tensor e = expected[i].contiguous();
    const std::vector<std::int64_t> want(e.data_ptr<std::int64_t>(),
                                         e.data_ptr<std::int64_t>() + 10);
    EXPECT_EQ(golden::reference_forward(h.model, in), want) << "image " << i;
  }
  // The relu changed something (some t < 0) and the pool picked from several positions: the
  // oracle's conv output is not trivially non-negative.
  const torch::Tensor x = pixels.to(torch::kFloat64).reshape({-1, 1, 6, 6}) / 256.0;
  const torch::Tensor t = torch::conv2d(x, h.w1, {}, 1, 1) * h.scale + h.bias;
  EXPECT_TRUE(torch::lt(t, 0).any().item<bool>());
  EXPECT_TRUE(torch::gt(t, 0).any().item<bool>());
}

TEST(HandBuiltCnn, ReferenceRefusesAnInputOfTheWrongSize) {
  const HandCnn h = hand_cnn();
  try {
    golden::reference_forward(h.model, std::vector<std::int64_t>(35, 0));
    FAIL() << "no error";
  } catch (const golden::ModelError& e) {
    EXPECT_STREQ(e.what(), "conv1: input has 35 elements, expected 6x6x1 = 36");
  }
}

}  // namespace
