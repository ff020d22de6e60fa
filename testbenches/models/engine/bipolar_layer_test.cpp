// Binary / ternary layers (docs/engine.md, "Binary and ternary layers"): the point file's fields,
// defaults and every refusal (FILE:LINE: key: message, exactly); the elaboration (xnor_pe MODE,
// threshold); the latency, memory map and cost by hand; the stimulus' ranges; the reference
// (units::xnor_beat_sum, units::threshold) against bipolar_points.hpp's brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "models/engine/elaboration.hpp"
#include "models/engine/latency.hpp"
#include "models/engine/memory_map.hpp"
#include "models/engine/reference.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/models/engine/bipolar_points.hpp"
#include "testbenches/models/engine/points.hpp"

namespace fxsim::tlm_test {
namespace {

using engine::EngineConfig;
using engine::EngineKind;

std::string edit(std::string text, const std::vector<std::pair<std::string, std::string>>& edits) {
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  return text;
}

std::string error_of(const std::string& text) {
  try {
    engine::parse_point(text, "POINT.toml");
  } catch (const engine::PointFileError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(BipolarPointFile, BinaryFieldsDefaultsAndElaboration) {
  const EngineConfig c = point(kBinaryPoint);
  EXPECT_EQ(c.kind, EngineKind::BINARY);
  ASSERT_TRUE(c.bipolar.has_value());
  EXPECT_EQ(*c.bipolar, fx::BipolarType::binary(0.25));
  EXPECT_FALSE(c.binary_activation);
  // Exact for 50 terms of |a| <= 32 LSBs: |acc| <= 1600 < 2^11, 12 bits; F = 4 - (-2) = 6.
  EXPECT_EQ(c.accumulator, fx::FxType::make_signed(12, 6, fx::Rounding::TRN, fx::Overflow::WRAP));
  EXPECT_EQ(c.output, c.accumulator);
  ASSERT_TRUE(c.threshold.has_value());
  EXPECT_EQ(c.threshold->thresholds, 3);
  EXPECT_EQ(c.final_output(), fx::FxType::make_unsigned(2, 2));
  const engine::Elaboration e = engine::elaborate(c);
  EXPECT_EQ(e.pe.unit->name, "xnor_pe");
  EXPECT_EQ(e.pe.count, 4);
  EXPECT_EQ(e.pe.params.at("MODE"), 1);
  EXPECT_EQ(e.pe.params.at("A_W"), 6);
  EXPECT_EQ(e.pe.params.at("A_SIGNED"), 1);
  EXPECT_EQ(e.pe.params.at("ACC_W"), 12);
  EXPECT_EQ(e.pe.params.at("STAGES"), 2);
  ASSERT_TRUE(e.threshold.has_value());
  EXPECT_EQ(e.threshold->count, 1);
  EXPECT_EQ(e.threshold->params.at("PE"), 4);
  EXPECT_EQ(e.threshold->params.at("CH"), 12);  // NF 3 x PE 4
  EXPECT_EQ(e.threshold->params.at("X_W"), 12);
  EXPECT_EQ(e.threshold->params.at("T"), 3);
  EXPECT_EQ(e.instances().size(), 2u);
}

TEST(BipolarPointFile, TernaryAndXnorDefaults) {
  const EngineConfig t = point(kTernaryPoint);
  EXPECT_EQ(*t.bipolar, fx::BipolarType::ternary());
  // 40 terms of a <= 255: 10200 < 2^14, 15 bits, F = 4 - 0.
  EXPECT_EQ(t.accumulator, fx::FxType::make_signed(15, 11, fx::Rounding::TRN, fx::Overflow::WRAP));
  EXPECT_EQ(t.final_output(), t.accumulator);
  EXPECT_EQ(engine::elaborate(t).pe.params.at("MODE"), 2);
  const EngineConfig x = point(kXnorPoint);
  EXPECT_TRUE(x.binary_activation);
  EXPECT_EQ(x.activation, fx::FxType::make_unsigned(1, 1));
  // 64 terms of +-1: [-64, 64], 8 bits, integers.
  EXPECT_EQ(x.accumulator, fx::FxType::make_signed(8, 8, fx::Rounding::TRN, fx::Overflow::WRAP));
  EXPECT_EQ(x.final_output(), fx::FxType::make_unsigned(1, 1));  // T = 1: the sign bit
  EXPECT_EQ(engine::elaborate(x).pe.params.at("MODE"), 0);
  // [bn] after a binary MAC: bn_act takes the accumulator as its x.
  const EngineConfig bn =
      point(edit(kBinaryPoint, {{"[threshold]\nthresholds = 3\nstages = 2\n",
                                 "[bn]\nscale = \"fixed<8,2>\"\nbias = \"fixed<16,8>\"\n"
                                 "output = \"fixed<8,3,RND,SAT>\"\nactivation = \"relu\"\n"}})
                .c_str());
  const engine::Elaboration e = engine::elaborate(bn);
  ASSERT_TRUE(e.bn.has_value());
  EXPECT_EQ(e.bn->params.at("X_W"), 12);
  EXPECT_EQ(e.bn->params.at("X_FRAC"), 6);
}

TEST(BipolarPointFile, ExamplesParse) {
  for (const char* f : {"binary_dense", "ternary_dense", "xnor_dense"}) {
    const std::string path = std::string(FXSIM_SOURCE_DIR) + "/docs/examples/" + f + ".toml";
    EXPECT_NO_THROW(engine::load_point_file(path)) << f;
  }
}

TEST(BipolarPointFile, ErrorsNameFileLineKey) {
  auto err = [](const char* base, std::vector<std::pair<std::string, std::string>> edits) {
    return error_of(edit(base, edits));
  };
  EXPECT_EQ(err(kBinaryPoint, {{"\"binary\"", "\"binry\""}}),
            "POINT.toml:3: engine.kind: \"binry\" is not one of fx_mac, khot, spt, binary, "
            "ternary, xnor");
  EXPECT_EQ(err(kBinaryPoint, {{"binary<0.25>", "binary<0.3>"}}),
            "POINT.toml:15: types.weight: binary<0.3>: the scale is not a power of two; expected "
            "a scale 2^e (it only moves the accumulator's binary point): fold any other scale "
            "into [bn]");
  EXPECT_EQ(err(kBinaryPoint, {{"binary<0.25>", "ternary<0.25>"}}),
            "POINT.toml:15: types.weight: ternary<0.25> does not match engine.kind = \"binary\"; "
            "expected binary or binary<S>");
  EXPECT_EQ(err(kTernaryPoint, {{"weight = \"ternary\"", "weight = \"binary\""}}),
            "POINT.toml:15: types.weight: binary does not match engine.kind = \"ternary\"; "
            "expected ternary or ternary<S>");
  EXPECT_EQ(err(kBinaryPoint, {{"\"binary<0.25>\"", "\"fixed<8,1>\""}}).substr(0, 46),
            "POINT.toml:15: types.weight: type 'fixed<8,1>'");
  EXPECT_EQ(err(kBinaryPoint, {{"fixed<6,2,TRN,SAT>", "binary"}}),
            "POINT.toml:14: types.activation: \"binary\" activations need engine.kind = "
            "\"xnor\"; expected fixed<W,I,...> or ufixed<W,I,...>");
  EXPECT_EQ(err(kXnorPoint, {{"activation = \"binary\"", "activation = \"fixed<8,1>\""}}),
            "POINT.toml:14: types.activation: \"fixed<8,1>\"; expected \"binary\" with "
            "engine.kind = \"xnor\" (1 = +1, 0 = -1)");
  EXPECT_EQ(err(kXnorPoint, {{"in_features = 64", "in_features = 60"}}),
            "POINT.toml:10: layer.in_features: 60 is not a multiple of engine.simd = 16; "
            "expected whole beats with engine.kind = \"xnor\" (a padded lane counts as (-1) x "
            "(-1) = +1)");
  EXPECT_EQ(err(kBinaryPoint, {{"weight = \"binary<0.25>\"",
                                "weight = \"binary<0.25>\"\naccumulator = \"fixed<16,12>\""}}),
            "POINT.toml:16: types.accumulator: fixed<16,12,TRN,WRAP,0> has 4 fraction bits; "
            "expected a signed fixed with F_acc = F_activation - log2(scale) = 4 - (-2) = 6: e.g. "
            "fixed<12,6,TRN,WRAP,0> (the default when the key is left out)");
  EXPECT_EQ(err(kTernaryPoint,
                {{"weight = \"ternary\"", "weight = \"ternary\"\noutput = \"fixed<8,4>\""}}),
            "POINT.toml:16: types.output: fixed<8,4,TRN,WRAP,0> is not the accumulator "
            "fixed<15,11,TRN,WRAP,0>; expected types.output left out or equal to "
            "types.accumulator with engine.kind = \"ternary\" (the MAC output is the "
            "accumulator)");
  EXPECT_EQ(err(kBinaryPoint, {{"thresholds = 3\n",
                                "thresholds = 3\n[bn]\nscale = \"fixed<8,2>\"\nbias = "
                                "\"fixed<16,8>\"\noutput = \"fixed<8,3>\"\n"}}),
            "POINT.toml:16: threshold: [threshold] and [bn] both present; expected one of them "
            "(threshold takes bn_act's place after the MAC array)");
  EXPECT_EQ(err(kTernaryPoint, {{"weight = \"ternary\"\n",
                                 "weight = \"fixed<8,1>\"\noutput = \"fixed<8,3>\"\n[threshold]\n"
                                 "thresholds = 1\n"},
                                {"kind = \"ternary\"", "kind = \"fx_mac\""}}),
            "POINT.toml:3: engine.kind: \"fx_mac\" with [threshold]; expected \"binary\", "
            "\"ternary\" or \"xnor\" (thresholds compare the integer accumulator)");
  EXPECT_EQ(err(kBinaryPoint, {{"thresholds = 3", "thresholds = 256"}}),
            "POINT.toml:17: threshold.thresholds: expected an integer in 1..255, got 256");
  EXPECT_EQ(err(kBinaryPoint, {{"thresholds = 3\nstages = 2", "thresholds = 3\nstages = 0"}}),
            "POINT.toml:18: threshold.stages: expected an integer in 1..8, got 0");
  EXPECT_EQ(err(kBinaryPoint, {{"thresholds = 3\n", ""}}),
            "POINT.toml:16: threshold.thresholds: missing; expected an integer in 1..255");
  EXPECT_EQ(err(kBinaryPoint, {{"thresholds = 3", "thresholds = 3\nlevels = 2"}}),
            "POINT.toml:18: threshold.levels: unknown key; expected one of thresholds, stages");
  EXPECT_EQ(err(kBinaryPoint, {{"weight = \"binary<0.25>\"",
                                "weight = \"binary<0.25>\"\naccumulator = \"fixed<40,34>\""}}),
            "POINT.toml:16: types.accumulator: fixed<40,34,TRN,WRAP,0> has 40 bits; expected at "
            "most 32 with [threshold] (threshold's X_W)");
  EXPECT_EQ(err(kBinaryPoint, {{"bus_bits = 64", "bus_bits = 8"}}),
            "POINT.toml:8: engine.bus_bits: 8 is not a multiple of the 16-bit elements of "
            "threshold (thresholds: types.accumulator + 1 bit); expected a multiple of 16");
  // A weight scale 2^e with e > 0 is fine: the accumulator has fewer fraction bits.
  EXPECT_EQ(err(kBinaryPoint, {{"binary<0.25>", "binary<4>"}}), "(accepted)");
  EXPECT_EQ(point(edit(kBinaryPoint, {{"binary<0.25>", "binary<4>"}}).c_str()).accumulator,
            fx::FxType::make_signed(12, 10, fx::Rounding::TRN, fx::Overflow::WRAP));
}

// Hand-worked: beats = batch x NF x SF, then (MAC_STAGES + 1) and (threshold STAGES + 1).
TEST(BipolarLayer, LatencyByHand) {
  EXPECT_EQ(engine::compute_cycles(point(kBinaryPoint), 3), 3u * 3 * 7 + 3 + 3);  // 69
  EXPECT_EQ(engine::compute_cycles(point(kTernaryPoint), 2), 2u * 3 * 3 + 4);     // 22
  EXPECT_EQ(engine::compute_cycles(point(kXnorPoint), 2), 2u * 3 * 4 + 2 + 2);    // 28
  EXPECT_EQ(engine::threshold_fill_cycles(point(kTernaryPoint)), 0u);
}

TEST(BipolarLayer, MemoryMapByHand) {
  const EngineConfig b = point(kBinaryPoint);
  EXPECT_EQ(engine::weight_element_bits(b), 1);
  EXPECT_FALSE(engine::weight_element_signed(b));
  EXPECT_EQ(engine::bn_scale_element_bits(b), 1);  // directions
  EXPECT_EQ(engine::bn_bias_element_bits(b), 13);  // thresholds: X_W + 1
  EXPECT_EQ(engine::bn_bias_count(b), 30u);        // 10 channels x T 3
  const engine::BufferSizes s = engine::buffer_sizes(b, 3);
  EXPECT_EQ(s.weights, 500u);
  EXPECT_EQ(s.bn_scale, 10u);
  EXPECT_EQ(s.bn_bias, 60u);
  EXPECT_EQ(s.input, 150u);
  EXPECT_EQ(s.output, 30u);
  const EngineConfig t = point(kTernaryPoint);
  EXPECT_EQ(engine::weight_element_bits(t), 2);
  EXPECT_EQ(engine::buffer_sizes(t, 2).output, 80u);  // 15-bit accumulators: 2 bytes
  EXPECT_EQ(engine::bn_bias_count(t), 0u);
  const EngineConfig x = point(kXnorPoint);
  EXPECT_EQ(engine::input_element_bits(x), 1);
  EXPECT_EQ(engine::output_element_bits(x), 1);
}

TEST(BipolarLayer, CostHasNoDsp) {
  for (const char* text : {kBinaryPoint, kTernaryPoint, kXnorPoint}) {
    const resources::ResourceEstimate r = engine::engine_cost(
        engine::elaborate(point(text)), resources::Family::xc7, /*use_dsp=*/true);
    EXPECT_EQ(r.dsp, 0) << text;
    EXPECT_GT(r.lut, 0) << text;
  }
}

TEST(BipolarLayer, StimulusValuesAreInRange) {
  for (const char* text : {kBinaryPoint, kTernaryPoint, kXnorPoint}) {
    const EngineConfig c = point(text);
    const engine::Stimulus s = engine::make_stimulus(c, c.seed);
    const bool ternary = c.kind == EngineKind::TERNARY;
    int seen[3] = {0, 0, 0};
    for (std::size_t i = 0; i < s.weights.size(); ++i) {
      const std::int64_t v = s.weights[i], w = s.weight_words[i];
      ASSERT_TRUE(v == 1 || v == -1 || (ternary && v == 0)) << v;
      ++seen[v + 1];
      EXPECT_EQ(w, ternary ? (v == 1 ? 2 : v == -1 ? 3 : 0) : (v == 1 ? 1 : 0));
    }
    EXPECT_GT(seen[0], 0);
    EXPECT_GT(seen[2], 0);
    EXPECT_EQ(seen[1] > 0, ternary);
    if (c.binary_activation) {
      for (std::int64_t a : s.input) ASSERT_TRUE(a == 0 || a == 1);
    }
    if (!c.threshold) continue;
    const int t = c.threshold->thresholds;
    const std::int64_t lo = -(std::int64_t{1} << (c.accumulator.width - 1)) - 1;
    const std::int64_t hi = std::int64_t{1} << (c.accumulator.width - 1);
    ASSERT_EQ(s.bn_bias.size(), static_cast<std::size_t>(c.out_features) * t);
    int descending = 0;
    for (int o = 0; o < c.out_features; ++o) {
      ASSERT_TRUE(s.bn_scale_words[o] == 0 || s.bn_scale_words[o] == 1);
      descending += static_cast<int>(s.bn_scale_words[o]);
      for (int k = 0; k < t; ++k) {
        const std::int64_t v = s.bn_bias[static_cast<std::size_t>(o) * t + k];
        EXPECT_TRUE(v >= lo && v <= hi) << v;
        if (k > 0) {
          EXPECT_LE(s.bn_bias[static_cast<std::size_t>(o) * t + k - 1], v);
        }
      }
    }
    EXPECT_GT(descending, 0);
    EXPECT_LT(descending, c.out_features);
  }
}

void expect_reference_is_brute_force(const EngineConfig& c, const std::string& what) {
  const engine::Stimulus s = engine::make_stimulus(c, c.seed);
  const engine::LayerReference ref = engine::compute_reference(engine::elaborate(c), s);
  const std::vector<std::int64_t> acc =
      brute_force_accumulators(c, s.input, s.weight_words, s.batch);
  EXPECT_EQ(ref.mac_output, acc) << what;
  if (c.threshold) {
    const std::vector<std::int64_t> y = brute_force_thresholds(c, acc, s.bn_scale_words, s.bn_bias);
    EXPECT_EQ(ref.output, y) << what;
    // The thresholds split the outputs: not all of one level.
    EXPECT_NE(*std::min_element(y.begin(), y.end()), *std::max_element(y.begin(), y.end())) << what;
  } else if (!c.bn) {
    EXPECT_EQ(ref.output, acc) << what;
  }
  const std::uint64_t beats =
      static_cast<std::uint64_t>(s.batch) * c.out_features * c.synapse_fold();
  EXPECT_EQ(ref.coverage.accumulator.count, beats) << what;
  EXPECT_EQ(ref.coverage.accumulator.overflows, 0u) << what;
}

TEST(BipolarLayer, ReferenceEqualsBruteForceForEachKind) {
  expect_reference_is_brute_force(point(kBinaryPoint), "binary T 3");
  expect_reference_is_brute_force(point(kTernaryPoint), "ternary");
  expect_reference_is_brute_force(point(kXnorPoint), "xnor T 1");
  expect_reference_is_brute_force(
      point(edit(kTernaryPoint, {{"weight = \"ternary\"\n",
                                  "weight = \"ternary\"\n[threshold]\nthresholds = 7\n"}})
                .c_str()),
      "ternary T 7");
  expect_reference_is_brute_force(
      point(edit(kBinaryPoint, {{"simd = 8", "simd = 1"}, {"pe = 4", "pe = 1"}}).c_str()),
      "binary PE 1 SIMD 1");
  expect_reference_is_brute_force(
      point(edit(kXnorPoint, {{"seed = 9", "seed = 10"}, {"thresholds = 1", "thresholds = 3"}})
                .c_str()),
      "xnor T 3");
}

// A saturating accumulator too narrow for the sums: the reference applies it beat by beat, as
// xnor_pe does; the brute force here saturates its prefix sums at the beat boundaries.
TEST(BipolarLayer, NarrowSaturatingAccumulator) {
  const EngineConfig c = point(edit(kXnorPoint, {{"weight = \"binary\"",
                                                  "weight = \"binary\"\naccumulator = "
                                                  "\"fixed<5,5,TRN,SAT>\""},
                                                 {"[threshold]\nthresholds = 1\nstages = 1\n", ""}})
                                   .c_str());
  const engine::Stimulus s = engine::make_stimulus(c, c.seed);
  const engine::LayerReference ref = engine::compute_reference(engine::elaborate(c), s);
  std::vector<std::int64_t> want;
  std::uint64_t clamps = 0;
  for (int b = 0; b < s.batch; ++b) {
    for (int o = 0; o < c.out_features; ++o) {
      std::int64_t acc = 0;
      for (int i = 0; i < c.in_features; i += c.simd) {
        std::int64_t beat = 0;
        for (int j = i; j < i + c.simd; ++j) {
          const bool same = s.input[static_cast<std::size_t>(b) * c.in_features + j] ==
                            s.weight_words[static_cast<std::size_t>(o) * c.in_features + j];
          beat += same ? 1 : -1;
        }
        const std::int64_t sum = acc + beat;
        acc = std::clamp<std::int64_t>(sum, -16, 15);
        clamps += acc != sum;
      }
      want.push_back(acc);
    }
  }
  EXPECT_EQ(ref.output, want);
  EXPECT_EQ(ref.coverage.accumulator.overflows, clamps);
  EXPECT_GT(clamps, 0u);
}

}  // namespace
}  // namespace fxsim::tlm_test
