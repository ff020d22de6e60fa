// compute_reference and the stimulus: values against the independent computation, the K-hot
// path against units::khot_dot, determinism, coverage counts, and its cost per MAC.
#include "models/engine/reference.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "fx/cast.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/stimulus.hpp"
#include "models/units/khot_pe/khot_pe.hpp"
#include "testbenches/models/engine/independent.hpp"
#include "testbenches/models/engine/points.hpp"

namespace fxsim::tlm_test {
namespace {

TEST(Reference, MatchesIndependentComputation) {
  for (const char* text : {kContractPoint, kKhotPoint, kSptPoint}) {
    const engine::EngineConfig c = point(text);
    const engine::Stimulus s = engine::make_stimulus(c, c.seed);
    const engine::LayerReference r = engine::compute_reference(engine::elaborate(c), s);
    EXPECT_EQ(r.output, independent_layer(c, s)) << text;
  }
}

TEST(Reference, KhotWordsAgreeWithKhotDot) {
  const engine::EngineConfig c = point(kKhotPoint);
  const engine::Stimulus s = engine::make_stimulus(c, 11);
  const units::KhotPeConfig pe = engine::elaborate(c).khot_pe();
  const engine::LayerReference r = engine::compute_reference(engine::elaborate(c), s);
  for (int b = 0; b < s.batch; ++b) {
    const std::vector<std::int64_t> x(s.input.begin() + b * c.in_features,
                                      s.input.begin() + (b + 1) * c.in_features);
    for (int o = 0; o < c.out_features; ++o) {
      std::vector<fx::Terms> w;
      for (int i = 0; i < c.in_features; ++i) {
        w.push_back(fx::khot_encode(s.weights[o * c.in_features + i], c.khot_weight()));
      }
      EXPECT_EQ(r.output[b * c.out_features + o], units::khot_dot(pe, x, w).data);
    }
  }
}

TEST(Stimulus, DeterministicAndInRange) {
  const engine::EngineConfig c = point(kSptPoint);
  const engine::Stimulus a = engine::make_stimulus(c, 5), b = engine::make_stimulus(c, 5);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(a.weight_words, b.weight_words);
  EXPECT_EQ(a.bn_scale_words, b.bn_scale_words);
  EXPECT_EQ(a.input, b.input);
  EXPECT_NE(a.input, engine::make_stimulus(c, 6).input);
  // The batch only extends the inputs.
  const engine::Stimulus big = engine::make_stimulus(c, 5, 4);
  EXPECT_EQ(big.weights, a.weights);
  EXPECT_TRUE(std::equal(a.input.begin(), a.input.end(), big.input.begin()));
  for (std::int64_t x : a.input) {
    EXPECT_GE(x, 0);
    EXPECT_LE(x, 127);
  }
  for (std::int64_t w : a.weights) EXPECT_TRUE(fx::khot_representable(w, c.khot_weight()));
}

TEST(Stimulus, FirstValuesArePinned) {
  // mt19937_64 is fully specified by the standard and the mapping is ours: these never change.
  const engine::EngineConfig c = point(kContractPoint);
  const engine::Stimulus s = engine::make_stimulus(c, 1);
  std::printf("pinned: %lld %lld %lld %lld\n", static_cast<long long>(s.weights[0]),
              static_cast<long long>(s.weights[1]), static_cast<long long>(s.input[0]),
              static_cast<long long>(s.bn_bias[0]));
  const std::uint64_t seed = 1 ^ 0x5745494748545321ull;
  std::mt19937_64 g(seed);
  EXPECT_EQ(s.weights[0], -128 + static_cast<std::int64_t>(g() % 256));
  EXPECT_EQ(s.weights[1], -128 + static_cast<std::int64_t>(g() % 256));
}

TEST(Reference, CoverageCounts) {
  const engine::EngineConfig c = point(kKhotPoint);  // 12-bit SAT accumulator: it saturates
  const engine::Stimulus s = engine::make_stimulus(c, c.seed);
  const engine::Coverage cov = engine::compute_reference(engine::elaborate(c), s).coverage;
  EXPECT_EQ(cov.accumulator.count, 3u * 10u * 17u);  // one per beat
  EXPECT_EQ(cov.mac_requant.count, 30u);
  EXPECT_EQ(cov.bn_requant.count, 0u);
  EXPECT_GT(cov.accumulator.overflows, 0u);
  EXPECT_EQ(cov.accumulator.overflow, fx::Overflow::SAT);
  EXPECT_EQ(cov.mac_requant.rounding, fx::Rounding::RND_INF);
  const engine::Coverage cov2 =
      engine::compute_reference(engine::elaborate(point(kContractPoint)),
                                engine::make_stimulus(point(kContractPoint), 1))
          .coverage;
  EXPECT_EQ(cov2.accumulator.overflows, 0u);  // 24 bits hold every sum
  EXPECT_EQ(cov2.bn_requant.count, 128u);
  EXPECT_EQ(cov2.activation.count, 128u);
  EXPECT_GT(cov2.mac_requant.inexact, 0u);
}

// The reference against a native loop that does the same integer MACs and casts inline (8-lane
// beats, the accumulator's wrap after each, the output requant), value for value. Its speed
// against that loop is measured by `make bench` (engine_bench, RATIO model_vs_native).
TEST(Reference, MatchesNativeFxLoop) {
  engine::EngineConfig c = point(kContractPoint);
  c.batch = 8;
  c.bn.reset();
  const engine::Stimulus s = engine::make_stimulus(c, 1);
  const engine::LayerReference ref = engine::compute_reference(engine::elaborate(c), s);
  std::vector<std::int64_t> native;
  for (int b = 0; b < 8; ++b) {
    for (int o = 0; o < 128; ++o) {
      const std::int64_t* x = &s.input[b * 784];
      const std::int64_t* w = &s.weights[o * 784];
      std::int64_t acc = 0;
      for (int i0 = 0; i0 < 784; i0 += 8) {
        std::int64_t beat = 0;
        for (int i = i0; i < i0 + 8; ++i) beat += x[i] * w[i];
        acc = fx::cast_from_raw(acc + beat, 14, c.accumulator);
      }
      native.push_back(fx::cast_from_raw(acc, 14, c.output));
    }
  }
  EXPECT_EQ(ref.output, native);
}

}  // namespace
}  // namespace fxsim::tlm_test
