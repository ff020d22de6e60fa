// Accuracy against the float layer: the float workload, its quantization into a point's formats,
// the double reference and the error metrics, on hand-worked values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>
#include <vector>

#include "explore/design_points.hpp"
#include "explore/float_layer.hpp"
#include "fx/cast.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/memory_map.hpp"
#include "models/engine/reference.hpp"
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

TEST(Accuracy, StimulusFloatLayerIsTheValuesOfItsRaws) {
  engine::EngineConfig cfg = tiny_config();
  cfg.kind = engine::EngineKind::KHOT;
  cfg.weight = fx::KhotType::make(fx::KhotKind::KHOT, 4, 1, 1);  // F = 3
  cfg.bn = engine::BnConfig{};
  cfg.bn->scale = fx::FxType::make_signed(8, 2);  // F = 6
  cfg.bn->bias = fx::FxType::make_signed(16, 8);  // F = 8
  engine::Stimulus s;
  s.batch = 1;
  s.weights = {4, -2, 2, -1};  // raws of khot<4,1,1>: 0.5, -0.25, 0.25, -0.125
  s.input = {96, -64};         // fixed<8,1>: 0.75, -0.5
  s.bn_scale = {64, -32};      // 1.0, -0.5
  s.bn_bias = {-256, 32};      // -1.0, 0.125
  const FloatLayer f = stimulus_float_layer(s, cfg);
  EXPECT_EQ(f.in_features, 2);
  EXPECT_EQ(f.out_features, 2);
  EXPECT_EQ(f.batch, 1);
  EXPECT_EQ(f.weights, (std::vector<double>{0.5, -0.25, 0.25, -0.125}));
  EXPECT_EQ(f.input, (std::vector<double>{0.75, -0.5}));
  EXPECT_EQ(f.bn_scale, (std::vector<double>{1.0, -0.5}));
  EXPECT_EQ(f.bn_bias, (std::vector<double>{-1.0, 0.125}));
  EXPECT_TRUE(f.labels.empty());
}

// The numbers `fxsim run` prints for the example points of docs/examples/ (and their comments
// state), recomputed here from the point's own stimulus by an independent float layer: raws
// scaled by 2^-F, y = W x, bn and the activation in double, the SQNR summed directly; and the
// outputs from the models/units reference (engine::compute_reference), as both backends return
// them. cli.run_summary checks the same numbers in the printed summary.
struct ExampleNumbers {
  const char* file;
  const char* sqnr_db;  // as printed, two decimals
  std::uint64_t outputs, mac_saturated, bn_saturated, activation_changed;
};

void PrintTo(const ExampleNumbers& x, std::ostream* os) { *os << x.file; }

class ExamplePoint : public ::testing::TestWithParam<ExampleNumbers> {};

double value(std::int64_t raw, int frac_bits) {
  return std::ldexp(static_cast<double>(raw), -frac_bits);
}

TEST_P(ExamplePoint, AccuracyAgainstAnIndependentFloatLayer) {
  const ExampleNumbers& x = GetParam();
  const engine::EngineConfig cfg =
      engine::load_point_file(std::string(FXSIM_SOURCE_DIR) + "/docs/examples/" + x.file);
  const engine::Stimulus stim = engine::make_stimulus(cfg, cfg.seed);
  const engine::LayerReference ref = engine::compute_reference(engine::elaborate(cfg), stim);
  ASSERT_TRUE(cfg.bn.has_value());
  const int w_frac = cfg.kind == engine::EngineKind::FX_MAC ? cfg.fx_weight().frac_bits()
                                                            : cfg.khot_weight().frac_bits();
  const int s_frac = cfg.bn->khot_scale() ? std::get<fx::KhotType>(cfg.bn->scale).frac_bits()
                                          : std::get<fx::FxType>(cfg.bn->scale).frac_bits();
  const int n_in = cfg.in_features, n_out = cfg.out_features;
  double signal = 0, noise = 0;
  for (int b = 0; b < cfg.batch; ++b) {
    for (int o = 0; o < n_out; ++o) {
      double y = 0;
      for (int i = 0; i < n_in; ++i) {
        y += value(stim.weights[o * n_in + i], w_frac) *
             value(stim.input[b * n_in + i], cfg.activation.frac_bits());
      }
      double t =
          value(stim.bn_scale[o], s_frac) * y + value(stim.bn_bias[o], cfg.bn->bias.frac_bits());
      if (cfg.bn->activation == units::Activation::RELU) t = std::max(t, 0.0);
      if (cfg.bn->activation == units::Activation::HARDTANH) t = std::clamp(t, -1.0, 1.0);
      const double got = value(ref.output[b * n_out + o], cfg.bn->output.frac_bits());
      signal += t * t;
      noise += (t - got) * (t - got);
    }
  }
  const double sqnr_db = 10 * std::log10(signal / noise);
  char printed[32];
  std::snprintf(printed, sizeof printed, "%.2f", sqnr_db);
  EXPECT_STREQ(printed, x.sqnr_db);
  // explore's float layer of the stimulus (what `fxsim run` prints) agrees with this one.
  const Accuracy a = compare_outputs(float_reference(stimulus_float_layer(stim, cfg), cfg),
                                     ref.output, cfg.final_output());
  EXPECT_NEAR(a.sqnr_db, sqnr_db, 1e-9);
  EXPECT_NEAR(a.mse, noise / (cfg.batch * n_out), 1e-15);
  // Sensible formats: nothing saturates.
  EXPECT_EQ(ref.coverage.mac_requant.count, x.outputs);
  EXPECT_EQ(ref.coverage.mac_requant.overflows, x.mac_saturated);
  EXPECT_EQ(ref.coverage.bn_requant.overflows, x.bn_saturated);
  EXPECT_EQ(ref.coverage.accumulator.overflows, 0u);
  EXPECT_EQ(ref.coverage.activation.overflows, x.activation_changed);
}

INSTANTIATE_TEST_SUITE_P(Examples, ExamplePoint,
                         ::testing::Values(ExampleNumbers{"point_fx_mac.toml", "38.53", 128, 0, 0,
                                                          60},
                                           ExampleNumbers{"point_khot.toml", "34.71", 90, 0, 0, 3}),
                         [](const ::testing::TestParamInfo<ExampleNumbers>& i) {
                           return std::string(i.index == 0 ? "FxMac" : "Khot");
                         });

}  // namespace
}  // namespace fxsim::explore
