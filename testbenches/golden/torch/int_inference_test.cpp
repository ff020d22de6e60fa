// Integer inference of random quantized dense(+bn_act) layers, element for element against
// models/units (mac_dot + bn_act), the reference the SystemC and RTL units are checked against.
#include "golden/torch/int_inference.hpp"

#include <gtest/gtest.h>

#include <random>

#include "fx/width_rules.hpp"
#include "golden/torch/quantize.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;
using namespace fxsim::golden;
using fxsim::units::Activation;

std::vector<int64_t> random_raws(std::mt19937_64& rng, size_t n, const FxType& t) {
  std::uniform_int_distribution<int64_t> d(t.raw_min(), t.raw_max());
  std::vector<int64_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

struct Case {
  const char* name;
  Overflow acc_overflow;
  int acc_int_bits_less;  // 0: accumulator_type (never overflows); > 0: narrower, overflows
  bool khot;
  Activation act;
  int simd;
};

DenseLayer random_layer(const Case& c, uint64_t seed) {
  std::mt19937_64 rng(seed);
  DenseLayer l;
  l.name = c.name;
  l.in_features = 37;  // not a multiple of SIMD: a short last beat
  l.out_features = 11;
  l.simd = c.simd;
  l.input_type = FxType::make_unsigned(8, 1, Rounding::RND_CONV, Overflow::SAT);
  l.weight_type = FxType::make_signed(6, 1, Rounding::RND_CONV, Overflow::SAT);
  FxType acc = fx::accumulator_type(l.input_type, l.weight_type, l.in_features, c.acc_overflow);
  acc = FxType::make_signed(acc.width - c.acc_int_bits_less, acc.int_bits - c.acc_int_bits_less,
                            Rounding::TRN, c.acc_overflow);
  l.acc_type = acc;
  l.out_type = FxType::make_signed(10, 4, Rounding::RND, Overflow::SAT);
  l.weight_raw = random_raws(rng, size_t(l.in_features) * l.out_features, l.weight_type);
  BnActLayer b;
  if (c.khot) {
    const fx::KhotType k = fx::KhotType::make(fx::KhotKind::KHOT, 8, 2, 2);
    b.scale_type = k;
    std::uniform_real_distribution<double> u(-2.0, 2.0);
    for (int i = 0; i < l.out_features; ++i) b.scale_raw.push_back(fx::khot_quantize(u(rng), k));
  } else {
    const FxType s = FxType::make_signed(8, 2);
    b.scale_type = s;
    b.scale_raw = random_raws(rng, l.out_features, s);
  }
  b.bias_type = FxType::make_signed(8, 3);
  b.bias_raw = random_raws(rng, l.out_features, b.bias_type);
  b.out_type = FxType::make_signed(6, 2, Rounding::RND_CONV, Overflow::SAT);
  b.act = c.act;
  b.clip_raw = 20;
  l.bn = b;
  return l;
}

class IntInferenceVsArith : public ::testing::TestWithParam<Case> {};

TEST_P(IntInferenceVsArith, ElementForElement) {
  const DenseLayer layer = random_layer(GetParam(), 99);
  validate(layer);
  std::mt19937_64 rng(5);
  const int batch = 64;
  std::vector<int64_t> inputs;
  for (int b = 0; b < batch; ++b) {
    auto v = random_raws(rng, layer.in_features, layer.input_type);
    inputs.insert(inputs.end(), v.begin(), v.end());
  }
  const torch::Tensor x = torch::tensor(inputs, torch::kInt64).reshape({batch, layer.in_features});
  const torch::Tensor got = dense_integer(layer, x).contiguous();
  DenseLayer mac_only = layer;
  mac_only.bn.reset();
  const torch::Tensor got_mac = dense_integer(mac_only, x).contiguous();
  int changed_by_overflow = 0;
  for (int b = 0; b < batch; ++b) {
    const std::vector<int64_t> in(inputs.begin() + b * layer.in_features,
                                  inputs.begin() + (b + 1) * layer.in_features);
    const std::vector<int64_t> expected = reference_dense(layer, in);
    const std::vector<int64_t> expected_mac = reference_dense(mac_only, in);
    for (int o = 0; o < layer.out_features; ++o) {
      ASSERT_EQ(got[b][o].item<int64_t>(), expected[o]) << "batch " << b << " output " << o;
      ASSERT_EQ(got_mac[b][o].item<int64_t>(), expected_mac[o]) << "batch " << b << " out " << o;
    }
    // How often the narrow accumulator actually overflowed (the exact dot product differs).
    int64_t exact = 0;
    for (int o = 0; o < layer.out_features; ++o) {
      exact = 0;
      for (int i = 0; i < layer.in_features; ++i)
        exact += in[i] * layer.weight_raw[size_t(o) * layer.in_features + i];
      changed_by_overflow += exact < layer.acc_type.raw_min() || exact > layer.acc_type.raw_max();
    }
  }
  if (GetParam().acc_int_bits_less > 0) {
    EXPECT_GT(changed_by_overflow, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Layers, IntInferenceVsArith,
    ::testing::Values(
        Case{"wide_acc_fixed_relu", Overflow::SAT, 0, false, Activation::RELU, 8},
        Case{"sat_acc_fixed_none", Overflow::SAT, 5, false, Activation::NONE, 8},
        Case{"sat_acc_simd3_clip", Overflow::SAT, 6, false, Activation::RELU_CLIP, 3},
        Case{"wrap_acc_khot_hardtanh", Overflow::WRAP, 5, true, Activation::HARDTANH, 4},
        Case{"satsym_acc_khot_sign", Overflow::SAT_SYM, 5, true, Activation::SIGN, 16},
        Case{"wrapsm_acc_fixed_relu", Overflow::WRAP_SM, 4, false, Activation::RELU, 8}),
    [](const ::testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });

}  // namespace
