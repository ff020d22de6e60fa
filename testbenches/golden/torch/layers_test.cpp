// Quantized layers: the fake-quantized eval forward of a calibrated network equals its exported
// integer inference (dequantized), QuantConv2d quantizes what it should, K-hot BN scales land on
// K-hot values, and calibration picks the formats the rule says.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include "golden/torch/int_inference.hpp"
#include "golden/torch/mlp.hpp"
#include "golden/torch/quantize.hpp"

namespace fx = fxsim::fx;

namespace {

using namespace fxsim::golden;

TEST(Calibration, IntegerBitsCoverTheRange) {
  EXPECT_EQ(calibrated_int_bits(0.2, true), -1);   // 2^-3 <= 0.2 < 2^-2: fixed<W,-1> < 0.25
  EXPECT_EQ(calibrated_int_bits(0.2, false), -2);  // ufixed<W,-2> < 0.25
  EXPECT_EQ(calibrated_int_bits(3.0, true), 3);    // [-4, 4)
  EXPECT_EQ(calibrated_int_bits(4.0, true), 4);    // 4 itself needs [-8, 8)
  EXPECT_EQ(calibrated_int_bits(0.0, true), 2);    // no data: a unit range
}

class SmallNetwork : public ::testing::TestWithParam<int> {};

TEST_P(SmallNetwork, FakeQuantForwardEqualsIntegerInference) {
  QMlp net({784, 32, 10}, 3);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(11);
  const torch::Tensor raw = torch::randint(0, 256, {64, 784}, gen, torch::kInt64);
  const torch::Tensor x = raw.to(torch::kFloat32) / 256.0;
  net.forward(x, Precision::FLOAT, /*training=*/true);  // running statistics from one batch
  QuantSettings s;
  s.elementwise_bits = 6;
  s.khot_k = GetParam();
  net.set_formats(net.calibrate(x), s);
  const QuantNetwork m = net.export_model(8);
  if (s.khot_k > 0) {
    EXPECT_TRUE(m.layers[0].bn->khot_scale());
    const auto& k = std::get<fx::KhotType>(m.layers[0].bn->scale_type);
    EXPECT_EQ(k.k, s.khot_k);
    EXPECT_EQ(k.width, 6);
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor fake =
      net.forward(x, Precision::QUANT, /*training=*/false).to(torch::kFloat64);
  const torch::Tensor exact = dequantize(forward_integer(m, raw), m.layers.back().output_type());
  // float32 sums of 784 products may round where the integer sum does not: allow a few logits
  // to differ by one LSB of the MAC output, propagated; the rest must be identical.
  const double lsb = m.layers.back().output_type().lsb();
  const torch::Tensor diff = (fake - exact).abs();
  EXPECT_GE(torch::eq(diff, 0).to(torch::kFloat64).mean().item<double>(), 0.95);
  EXPECT_LE(diff.max().item<double>(), 64 * lsb);
}

INSTANTIATE_TEST_SUITE_P(ScaleKinds, SmallNetwork, ::testing::Values(0, 2));

TEST(QuantConv2d, QuantizesWeightsAndOutput) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(5);
  QuantConv2d conv(1, 2, 3, 1, gen);
  conv.weight_fmt =
      QFormat(fx::FxType::make_signed(4, 0, fx::Rounding::RND_CONV, fx::Overflow::SAT), false);
  conv.out_fmt =
      QFormat(fx::FxType::make_signed(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT), false);
  const torch::Tensor x = torch::rand({1, 1, 5, 5}, gen);
  const torch::Tensor y = conv.forward(x, Precision::QUANT);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{1, 2, 5, 5}));
  const torch::Tensor wq = quantize(conv.weight.detach(), conv.weight_fmt.type());
  const torch::Tensor expected = quantize(torch::conv2d(x, wq, {}, 1, 1), conv.out_fmt.type());
  EXPECT_TRUE(torch::equal(y.detach(), expected));
  // The output is on the fixed<8,3> grid (multiples of 2^-5).
  EXPECT_TRUE(torch::equal(y.detach() * 32, torch::round(y.detach() * 32)));
}

TEST(QFormat, LearnedFractionBitsRoundAndClamp) {
  QFormat f(fx::FxType::make_signed(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT), true);
  EXPECT_EQ(f.type().int_bits, 3);  // F = 5 initially
  {
    torch::NoGradGuard g;
    f.frac().fill_(6.6);
  }
  EXPECT_EQ(f.type().int_bits, 1);  // F = round(6.6) = 7
  {
    torch::NoGradGuard g;
    f.frac().fill_(100.0);
  }
  f.clamp_frac();
  EXPECT_EQ(f.type().frac_bits(), 48);
}

}  // namespace
