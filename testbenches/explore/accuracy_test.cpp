// Accuracy against the float layer: the float workload, its quantization into a point's formats,
// the double reference and the error metrics, on hand-worked values.
#include <gtest/gtest.h>

#include <cmath>

#include "explore/design_points.hpp"
#include "explore/float_layer.hpp"
#include "fx/cast.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/memory_map.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::explore {
namespace {

TEST(Accuracy, MetricsOnAHandWorkedExample) {
  // fixed<8,3>: LSB 1/32. Raws 32, -16, 9 are 1.0, -0.5, 0.28125.
  const fx::FxType t = fx::FxType::make_signed(8, 3);
  const Accuracy a = compare_outputs({1.0, -0.5, 0.25}, {32, -16, 9}, t);
  EXPECT_DOUBLE_EQ(a.mse, (1.0 / 1024) / 3);
  EXPECT_DOUBLE_EQ(a.max_abs_error, 1.0 / 32);
  EXPECT_DOUBLE_EQ(a.sqnr_db, 10 * std::log10((1.0 + 0.25 + 0.0625) / (1.0 / 1024)));
  const Accuracy exact = compare_outputs({1.0, -0.5}, {32, -16}, t);
  EXPECT_EQ(exact.mse, 0);
  EXPECT_TRUE(std::isinf(exact.sqnr_db));
}

TEST(Accuracy, FloatLayerIsSeededAndInItsRanges) {
  Workload w;
  w.in_features = 16;
  w.out_features = 4;
  w.batch = 3;
  w.weight_min = -0.5;
  w.weight_max = 0.25;
  const FloatLayer a = make_float_layer(w, BnSpec{}, 9), b = make_float_layer(w, BnSpec{}, 9);
  const FloatLayer c = make_float_layer(w, BnSpec{}, 10);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(a.input, b.input);
  EXPECT_NE(a.weights, c.weights);
  ASSERT_EQ(a.weights.size(), 64u);
  ASSERT_EQ(a.input.size(), 48u);
  for (double x : a.weights) {
    EXPECT_GE(x, -0.5);
    EXPECT_LT(x, 0.25);
  }
  for (double x : a.input) {
    EXPECT_GE(x, 0.0);
    EXPECT_LT(x, 1.0);
  }
}

// A 2 x 2 layer written out by hand.
FloatLayer tiny_layer() {
  FloatLayer f;
  f.in_features = 2;
  f.out_features = 2;
  f.batch = 1;
  f.weights = {0.5, -0.25, 0.3, 0.7};
  f.input = {0.75, 0.5};
  f.bn_scale = {2.0, 1.0};
  f.bn_bias = {-1.0, 0.125};
  return f;
}

engine::EngineConfig tiny_config() {
  engine::EngineConfig cfg;
  cfg.in_features = 2;
  cfg.out_features = 2;
  cfg.batch = 1;
  cfg.pe = 1;
  cfg.simd = 2;
  cfg.activation = fx::FxType::make_signed(8, 1, fx::Rounding::RND, fx::Overflow::SAT);
  cfg.weight = fx::FxType::make_signed(4, 1, fx::Rounding::RND, fx::Overflow::SAT);
  return cfg;
}

TEST(Accuracy, ReferenceIsTheDoubleLayer) {
  engine::EngineConfig cfg = tiny_config();
  const FloatLayer f = tiny_layer();
  // W x = (0.375 - 0.125, 0.225 + 0.35)
  const std::vector<double> y = float_reference(f, cfg);
  EXPECT_DOUBLE_EQ(y[0], 0.25);
  EXPECT_DOUBLE_EQ(y[1], 0.575);
  cfg.bn = engine::BnConfig{};
  cfg.bn->activation = units::Activation::RELU;
  const std::vector<double> z = float_reference(f, cfg);
  EXPECT_DOUBLE_EQ(z[0], 0.0);  // relu(2 x 0.25 - 1)
  EXPECT_DOUBLE_EQ(z[1], 0.7);  // relu(0.575 + 0.125)
}

TEST(Accuracy, QuantizationUsesTheFormatsOwnModes) {
  const engine::EngineConfig cfg = tiny_config();
  const engine::Stimulus s = quantize_layer(tiny_layer(), cfg);
  // fixed<4,1,RND,SAT>: LSB 1/8, max 0.875: 0.5 -> 4, -0.25 -> -2, 0.3 -> 2.4 -> 2, 0.7 -> 5.6
  // -> 6.
  EXPECT_EQ(s.weights, (std::vector<std::int64_t>{4, -2, 2, 6}));
  EXPECT_EQ(s.weight_words, s.weights);
  // fixed<8,1>: LSB 1/128: 0.75 -> 96, 0.5 -> 64.
  EXPECT_EQ(s.input, (std::vector<std::int64_t>{96, 64}));
  EXPECT_TRUE(s.bn_scale.empty());
}

TEST(Accuracy, KhotWeightsAreNearestRepresentableAndPacked) {
  engine::EngineConfig cfg = tiny_config();
  cfg.kind = engine::EngineKind::KHOT;
  cfg.weight = fx::KhotType::make(fx::KhotKind::KHOT, 4, 1, 1);  // +-2^-1 .. +-2^-3, or 0
  const engine::Stimulus s = quantize_layer(tiny_layer(), cfg);
  // 0.5 -> 4 (2^2 raw); -0.25 -> -2; 0.3 -> 0.25 = 2; 0.7 -> 0.5 = 4 (one term).
  EXPECT_EQ(s.weights, (std::vector<std::int64_t>{4, -2, 2, 4}));
  for (std::size_t i = 0; i < s.weights.size(); ++i) {
    EXPECT_EQ(
        engine::term_word_value(s.weight_words[i], 1, engine::khot_shift_bits(cfg.khot_weight())),
        s.weights[i]);
  }
}

}  // namespace
}  // namespace fxsim::explore
