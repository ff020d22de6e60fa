// Two hand-built binary / ternary MLPs shared by the plain and the LibTorch tests of
// golden/bipolar_network.hpp: a BNN (8 pixel bytes -> 4 bits -> 3 logits) and a ternary-weight
// MLP with fixed-point activations (8 pixel bytes -> 4 x ufixed<8,3> -> 3 logits). Their
// parameters are picked by hand; the tests compute their outputs by brute force. `fxsim verify`'s
// tests (testbenches/env/tests/verify_bipolar_test.cpp) run them on the layer engine.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "golden/bipolar_network.hpp"

namespace fxsim::golden::test {

inline fx::FxType pixels() {
  return fx::FxType::make_unsigned(8, 0, fx::Rounding::RND_CONV, fx::Overflow::SAT);
}

// BN of the BNN's hidden layer, per channel: scale s and bias b (y = s * h + b), h = 0.5 x acc
// x 2^-8 (binary<0.5> weights on pixel raws). s < 0, s = 0 and b = 0 on the boundary included.
inline const std::vector<double>& bnn_bn_scale() {
  static const std::vector<double> s = {1.0, -2.0, 0.5, 0.0};
  return s;
}
inline const std::vector<double>& bnn_bn_bias() {
  static const std::vector<double> b = {-0.1, 0.3, 0.0, 0.2};
  return b;
}

inline BipolarNetwork tiny_bnn() {
  BipolarNetwork net;
  net.input_type = pixels();
  BipolarDense fc1;
  fc1.name = "fc1";
  fc1.in_features = 8;
  fc1.out_features = 4;
  fc1.simd = 4;
  fc1.input_type = pixels();
  fc1.weight_type = fx::BipolarType::binary(0.5);
  fc1.weight_v = {1,  -1, 1, 1,  -1, -1, 1,  -1, -1, -1, -1, 1,  1,  1, 1,  1,
                  -1, 1,  1, -1, 1,  -1, -1, 1,  1,  1,  1,  -1, -1, 1, -1, -1};
  fc1.acc_type = bipolar_acc_type(&fc1.input_type, 8);
  for (int c = 0; c < 4; ++c) {
    fc1.thresholds.push_back(units::thresholds_from_batch_norm(
        bnn_bn_scale()[c], bnn_bn_bias()[c], 0.5 / 256, {0.0}, fc1.acc_type.width));
  }
  BipolarDense fc2;
  fc2.name = "fc2";
  fc2.in_features = 4;
  fc2.out_features = 3;
  fc2.simd = 4;
  fc2.binary_input = true;
  fc2.weight_type = fx::BipolarType::binary();
  fc2.weight_v = {1, 1, -1, 1, -1, 1, 1, -1, -1, -1, -1, 1};
  fc2.acc_type = bipolar_acc_type(nullptr, 4);
  BnActLayer bn;
  bn.scale_type = fx::FxType::make_signed(8, 4, fx::Rounding::TRN, fx::Overflow::SAT);
  bn.scale_raw = {16, -24, 5};
  bn.bias_type = fx::FxType::make_signed(8, 4, fx::Rounding::TRN, fx::Overflow::SAT);
  bn.bias_raw = {3, -1, 0};
  bn.out_type = fx::FxType::make_signed(16, 12, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  bn.act = units::Activation::NONE;
  fc2.bn = bn;
  net.layers = {fc1, fc2};
  return net;
}

inline BipolarNetwork tiny_ternary() {
  BipolarNetwork net;
  net.input_type = pixels();
  BipolarDense fc1;
  fc1.name = "fc1";
  fc1.in_features = 8;
  fc1.out_features = 4;
  fc1.simd = 3;  // a short last beat: MODE 2 pads with zero weights
  fc1.input_type = pixels();
  fc1.weight_type = fx::BipolarType::ternary(0.25);
  fc1.weight_v = {1, 0, -1, 1, 0, 0,  1, -1, -1, -1, 0, 1, 1,  0, 1,  1,
                  0, 1, 1,  0, 1, -1, 0, 1,  1,  1,  1, 0, -1, 0, -1, -1};
  fc1.acc_type = bipolar_acc_type(&fc1.input_type, 8);
  BnActLayer bn1;
  bn1.scale_type = fx::FxType::make_signed(8, 2, fx::Rounding::TRN, fx::Overflow::SAT);
  bn1.scale_raw = {37, -64, 127, 5};
  bn1.bias_type = fx::FxType::make_signed(8, 2, fx::Rounding::TRN, fx::Overflow::SAT);
  bn1.bias_raw = {-20, 90, 127, 127};
  bn1.out_type = fx::FxType::make_unsigned(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  bn1.act = units::Activation::RELU;
  fc1.bn = bn1;
  BipolarDense fc2;
  fc2.name = "fc2";
  fc2.in_features = 4;
  fc2.out_features = 3;
  fc2.simd = 4;
  fc2.input_type = bn1.out_type;
  fc2.weight_type = fx::BipolarType::ternary();
  fc2.weight_v = {1, 0, -1, 1, 0, -1, 1, 1, -1, 1, 0, 0};
  fc2.acc_type = bipolar_acc_type(&fc2.input_type, 4);
  BnActLayer bn2;
  bn2.scale_type = fx::FxType::make_signed(8, 4, fx::Rounding::TRN, fx::Overflow::SAT);
  bn2.scale_raw = {16, -24, 127};
  bn2.bias_type = fx::FxType::make_signed(8, 4, fx::Rounding::TRN, fx::Overflow::SAT);
  bn2.bias_raw = {3, -1, -128};
  bn2.out_type = fx::FxType::make_signed(24, 15, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  bn2.act = units::Activation::NONE;
  fc2.bn = bn2;
  net.layers = {fc1, fc2};
  return net;
}

// Brute force, independent of models/units: plain sums and the BN in double (the BNN), exact
// integer t = acc * S + B aligned by hand and rounded half to even (the ternary MLP).
inline std::int64_t round_half_even_shift(std::int64_t t, int shift) {
  if (shift <= 0) return t * (std::int64_t{1} << -shift);
  const std::int64_t d = std::int64_t{1} << shift;
  std::int64_t q = t >= 0 ? t / d : -((-t + d - 1) / d);  // floor
  const std::int64_t rem = t - q * d;
  if (2 * rem > d || (2 * rem == d && (q & 1))) ++q;
  return q;
}

inline std::vector<std::int64_t> brute_bnn(const std::vector<std::int64_t>& px) {
  const BipolarNetwork net = tiny_bnn();
  std::vector<int> bits(4);
  for (int o = 0; o < 4; ++o) {
    std::int64_t acc = 0;
    for (int i = 0; i < 8; ++i) acc += net.layers[0].weight_v[o * 8 + i] * px[i];
    bits[o] = (bnn_bn_scale()[o] * static_cast<double>(acc)) * (0.5 / 256) + bnn_bn_bias()[o] >= 0;
  }
  const std::vector<std::int64_t> s = {16, -24, 5}, b = {3, -1, 0};
  std::vector<std::int64_t> out(3);
  for (int o = 0; o < 3; ++o) {
    std::int64_t acc = 0;
    for (int i = 0; i < 4; ++i) acc += net.layers[1].weight_v[o * 4 + i] * (bits[i] ? 1 : -1);
    out[o] = acc * s[o] + b[o];  // F: 0 + 4 = 4 = the bias's = the output's
  }
  return out;
}

inline std::vector<std::int64_t> brute_ternary(const std::vector<std::int64_t>& px) {
  const BipolarNetwork net = tiny_ternary();
  std::vector<std::int64_t> h(4);
  const std::vector<std::int64_t> s1 = {37, -64, 127, 5}, b1 = {-20, 90, 127, 127};
  for (int o = 0; o < 4; ++o) {
    std::int64_t acc = 0;
    for (int i = 0; i < 8; ++i) acc += net.layers[0].weight_v[o * 8 + i] * px[i];
    // acc: F 8, scale F 6 -> product F 14; bias F 6 -> << 8; output F 5: >> 9.
    const std::int64_t t = acc * s1[o] + (b1[o] << 8);
    h[o] = std::clamp<std::int64_t>(round_half_even_shift(t, 9), 0, 255);
  }
  const std::vector<std::int64_t> s2 = {16, -24, 127}, b2 = {3, -1, -128};
  std::vector<std::int64_t> out(3);
  for (int o = 0; o < 3; ++o) {
    std::int64_t acc = 0;
    for (int i = 0; i < 4; ++i) acc += net.layers[1].weight_v[o * 4 + i] * h[i];
    // acc F 5, scale F 4 -> F 9; bias F 4 -> << 5; output F 9: exact.
    out[o] = acc * s2[o] + (b2[o] << 5);
  }
  return out;
}

}  // namespace fxsim::golden::test
