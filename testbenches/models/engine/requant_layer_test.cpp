// Affine integer layers ([requant]): the layer reference (compute_reference through RequantStage
// and units::int_requant) against independent_requant.hpp's brute force, on several points and
// on hand-chosen multipliers that land on ties; the coverage counts; the latency; the stimulus'
// spread over the output range.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "models/engine/elaboration.hpp"
#include "models/engine/latency.hpp"
#include "models/engine/memory_map.hpp"
#include "models/engine/reference.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/models/engine/independent_requant.hpp"
#include "testbenches/models/engine/points.hpp"

namespace fxsim::tlm_test {
namespace {

using engine::EngineConfig;

// The point's text with `from` replaced by `to`.
EngineConfig edited(const char* text, const std::string& from, const std::string& to) {
  std::string t = text;
  const auto at = t.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  t.replace(at, from.size(), to);
  return point(t.c_str());
}

std::vector<std::int64_t> expected_of(const EngineConfig& c, const engine::Stimulus& s) {
  return independent_requant_layer(c, s.batch, s.input, s.weights, s.bn_scale_words, s.bn_bias);
}

// Saturated outputs (outside the output range before the clamp) and outputs the ReLU raised, by
// the brute force.
struct HandCounts {
  std::uint64_t saturated = 0, raised = 0;
};
HandCounts hand_counts(const EngineConfig& c, const engine::Stimulus& s) {
  HandCounts k;
  const engine::RequantConfig& r = *c.requant;
  const auto n_in = static_cast<std::size_t>(c.in_features);
  for (int b = 0; b < s.batch; ++b) {
    for (int o = 0; o < c.out_features; ++o) {
      std::int64_t acc = 0;
      for (std::size_t i = 0; i < n_in; ++i) acc += s.input[b * n_in + i] * s.weights[o * n_in + i];
      const __int128 y =
          hand_unclamped(c, acc, s.bn_bias[o], hand_multiplier(s.bn_scale_words[o], r.m0_bits));
      if (y < hand_q_min(r) || y > hand_q_max(r)) {
        ++k.saturated;
      } else if (r.relu && y < r.zero_point) {
        ++k.raised;
      }
    }
  }
  return k;
}

void expect_reference_matches(const EngineConfig& c, const std::string& what) {
  const engine::Stimulus s = engine::make_stimulus(c, c.seed);
  const engine::LayerReference ref = engine::compute_reference(engine::elaborate(c), s);
  EXPECT_EQ(ref.output, expected_of(c, s)) << what;
  const HandCounts k = hand_counts(c, s);
  const auto n = static_cast<std::uint64_t>(c.batch) * c.out_features;
  EXPECT_TRUE(ref.coverage.has_requant) << what;
  EXPECT_EQ(ref.coverage.int_requant.count, n) << what;
  EXPECT_EQ(ref.coverage.int_requant.overflows, k.saturated) << what;
  EXPECT_EQ(ref.coverage.activation.count, c.requant->relu ? n : 0u) << what;
  EXPECT_EQ(ref.coverage.activation.overflows, k.raised) << what;
  EXPECT_EQ(ref.coverage.bn_requant.count, 0u) << what;
}

TEST(RequantLayer, ReferenceEqualsBruteForceOnSeveralPoints) {
  expect_reference_matches(point(kRequantPoint), "int8 double");
  expect_reference_matches(edited(kRequantPoint, "\"double\"", "\"single\""), "int8 single");
  expect_reference_matches(edited(kRequantPoint, "relu = false", "relu = true"),
                           "int8 double relu");
  expect_reference_matches(point(kRequantUint8Point), "uint8 single relu");
  expect_reference_matches(edited(kRequantUint8Point, "\"single\"", "\"double\""),
                           "uint8 double relu");
  expect_reference_matches(edited(kRequantUint8Point, "relu = true", "relu = false"),
                           "uint8 single");
  expect_reference_matches(edited(kRequantPoint, "batch = 3", "batch = 9"),
                           "int8 double, batch 9 (the int16 path)");
}

// Multipliers chosen by hand: M0 = 2^(B-1) (M = 2^-(n+1)) makes every odd multiple a tie, where
// the two roundings differ; left shifts (n < 0) and a few random M0; a bias that wraps the
// 32-bit accumulator.
TEST(RequantLayer, HandChosenMultipliersTiesAndLeftShifts) {
  for (const char* rounding : {"\"double\"", "\"single\""}) {
    const EngineConfig c = edited(kRequantPoint, "\"double\"", rounding);
    engine::Stimulus s = engine::make_stimulus(c, c.seed);
    const std::int64_t half = std::int64_t{1} << 30;  // B = 31
    const std::vector<std::pair<std::int64_t, int>> m = {
        {half, 0},  {half, 1},       {half, 2}, {half, 7},        {half, -1},
        {half, -2}, {1518500250, 9}, {0, 0},    {2147483647, 12}, {1234567890, 4}};
    ASSERT_EQ(m.size(), 10u);
    for (std::size_t o = 0; o < m.size(); ++o) {
      // The word by hand: n's 7-bit field above the 31 bits of m0.
      s.bn_scale_words[o] = ((static_cast<std::int64_t>(m[o].second) & 0x7F) << 31) | m[o].first;
      s.bn_bias[o] = static_cast<std::int64_t>(o) * 37 - 150;
    }
    s.bn_bias[9] = 2147483647;  // acc + bias wraps to negative for positive acc
    const engine::LayerReference ref = engine::compute_reference(engine::elaborate(c), s);
    EXPECT_EQ(ref.output, expected_of(c, s)) << rounding;
  }
  // The two roundings must disagree somewhere on these multipliers (the test can tell them).
  const EngineConfig d = point(kRequantPoint);
  std::uint64_t differ = 0;
  for (std::int64_t acc = -64; acc <= 64; ++acc) {
    const HandMultiplier hm{std::int64_t{1} << 30, 2};  // M = 1/8
    const EngineConfig sgl = edited(kRequantPoint, "\"double\"", "\"single\"");
    differ += hand_requant(d, acc, 0, hm) != hand_requant(sgl, acc, 0, hm);
  }
  EXPECT_GT(differ, 0u);
}

TEST(RequantLayer, HandWorkedOutputs) {
  // Worked from the rules, not by the brute force: M = 2^30 x 2^-(31 + 1) = 1/4, zp -3.
  //   acc 6:   6/4 = 1.5  double: r1 = 3 (6/2), r = 3/2 = 1.5 away -> 2;  single: 1.5 up -> 2
  //   acc -6: -1.5        double: r1 = -3, r = -1.5 away -> -2;            single: -1.5 up -> -1
  //   acc -2: -0.5        double: r1 = -1, r = -0.5 away -> -1;            single: -0.5 up -> 0
  const EngineConfig d = point(kRequantPoint);
  const EngineConfig sgl = edited(kRequantPoint, "\"double\"", "\"single\"");
  const HandMultiplier quarter{std::int64_t{1} << 30, 1};
  EXPECT_EQ(hand_requant(d, 6, 0, quarter), 2 - 3);
  EXPECT_EQ(hand_requant(sgl, 6, 0, quarter), 2 - 3);
  EXPECT_EQ(hand_requant(d, -6, 0, quarter), -2 - 3);
  EXPECT_EQ(hand_requant(sgl, -6, 0, quarter), -1 - 3);
  EXPECT_EQ(hand_requant(d, -2, 0, quarter), -1 - 3);
  EXPECT_EQ(hand_requant(sgl, -2, 0, quarter), 0 - 3);
  // The same through the engine: one input of 1 and weights 6, -6, -2 on the first three rows.
  for (const EngineConfig* c : {&d, &sgl}) {
    engine::Stimulus s = engine::make_stimulus(*c, c->seed);
    std::fill(s.input.begin(), s.input.end(), 0);
    std::fill(s.weights.begin(), s.weights.end(), 0);
    s.input[0] = 1;
    const std::int64_t w[3] = {6, -6, -2};
    for (int o = 0; o < 10; ++o) {
      if (o < 3) s.weights[static_cast<std::size_t>(o) * 37] = w[o];
      s.bn_scale_words[o] = (std::int64_t{1} << 31) | (std::int64_t{1} << 30);  // n 1, M0 2^30
      s.bn_bias[o] = 0;
    }
    s.weight_words = s.weights;
    const engine::LayerReference ref = engine::compute_reference(engine::elaborate(*c), s);
    const bool dbl = c == &d;
    EXPECT_EQ(ref.output[0], -1);
    EXPECT_EQ(ref.output[1], dbl ? -5 : -4);
    EXPECT_EQ(ref.output[2], dbl ? -4 : -3);
  }
}

TEST(RequantLayer, ChannelTheUnitCannotTakeIsRefused) {
  const EngineConfig c = point(kRequantPoint);  // lshift_max 2
  engine::Stimulus s = engine::make_stimulus(c, c.seed);
  s.bn_scale_words[4] = (std::int64_t{0x7D} << 31) | (std::int64_t{1} << 30);  // n = -3
  try {
    engine::compute_reference(engine::elaborate(c), s);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "channel 4: int_requant: shift n = -3 is a left shift of 3, the unit builds "
              "LSHIFT_MAX = 2");
  }
}

TEST(RequantLayer, LatencyAddsTheRequantFill) {
  // 37 inputs over SIMD 3: SF 13; 10 outputs over PE 4: NF 3; batch 3: 117 beats + (2 + 1) +
  // (2 + 1).
  EXPECT_EQ(engine::compute_cycles(point(kRequantPoint), 3), 123u);
  // 50 over SIMD 8: SF 7; 7 over PE 3: NF 3; batch 2: 42 + (1 + 1) + (3 + 1).
  EXPECT_EQ(engine::compute_cycles(point(kRequantUint8Point), 2), 48u);
  EXPECT_EQ(engine::requant_fill_cycles(point(kRequantUint8Point)), 4u);
  EXPECT_EQ(engine::requant_fill_cycles(point(kContractPoint)), 0u);
}

// The stimulus' multipliers spread a layer's outputs over the output range: on 784 -> 128 with
// uint8 inputs, most of the 256 codes occur and few outputs saturate.
TEST(RequantLayer, StimulusSpreadsOutputsOverTheRange) {
  for (const char* out : {"\"int<8>\"", "\"uint<8>\""}) {
    std::string text = kRequantUint8Point;
    auto put = [&](const std::string& from, const std::string& to) {
      text.replace(text.find(from), from.size(), to);
    };
    put("in_features = 50", "in_features = 784");
    put("out_features = 7", "out_features = 128");
    put("batch = 2", "batch = 4");
    put("relu = true", "relu = false");
    put("\"uint<8>\"", out);
    put("zero_point = 100", std::string(out)[1] == 'u' ? "zero_point = 128" : "zero_point = 0");
    const EngineConfig c = point(text.c_str());
    const engine::Stimulus s = engine::make_stimulus(c, c.seed);
    const engine::LayerReference ref = engine::compute_reference(engine::elaborate(c), s);
    const std::set<std::int64_t> codes(ref.output.begin(), ref.output.end());
    EXPECT_GT(codes.size(), 128u) << out;
    EXPECT_LT(ref.coverage.int_requant.overflows, ref.output.size() / 10) << out;
    // Deterministic from the seed, and another seed gives other multipliers.
    EXPECT_EQ(engine::make_stimulus(c, c.seed).bn_scale_words, s.bn_scale_words);
    EXPECT_NE(engine::make_stimulus(c, c.seed + 1).bn_scale_words, s.bn_scale_words);
  }
}

}  // namespace
}  // namespace fxsim::tlm_test
