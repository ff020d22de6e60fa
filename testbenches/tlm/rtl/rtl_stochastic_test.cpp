// RND_STOCH output rounding in the layer engine (docs/engine.md, "Stochastic rounding"): on dense
// points whose MAC output (and bn output) round stochastically, the rtl backend (Verilated
// fx_mac_pe / bn_act with their lane LFSRs seeded through lfsr_seed) equals the model backend and
// engine::compute_reference (run_point's scoreboard) for three seeds, with the cycles of the same
// point rounding RND_CONV. Without BN the outputs also equal a brute force written here from the
// rule (lane p = output o % PE, fx::Lfsr::for_lane(seed, 0, p), vector by vector and fold by fold,
// lanes past N_out drawing for the dropped result) that shares no code with the engine's
// LaneRounding. On the same stimulus a changed seed changes the outputs.
#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "fx/cast.hpp"
#include "fx/lfsr.hpp"
#include "fx/stochastic.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/env/run_point.hpp"
#include "tlm/rtl/engine_variants.hpp"

namespace fxsim::engine_test {
namespace {

using env::Backends;

struct StochSpec {
  const char* name;
  bool bn = false;
  int pe = 4, simd = 8, in = 32, out = 8, batch = 2, mac_stages = 2;
};

void PrintTo(const StochSpec& s, std::ostream* os) { *os << s.name; }

engine::EngineConfig make_config(const StochSpec& s, std::uint64_t seed,
                                 fx::Rounding q = fx::Rounding::RND_STOCH) {
  engine::EngineConfig c;
  c.seed = seed;
  c.kind = engine::EngineKind::FX_MAC;
  c.pe = s.pe;
  c.simd = s.simd;
  c.mac_stages = s.mac_stages;
  c.in_features = s.in;
  c.out_features = s.out;
  c.batch = s.batch;
  c.activation = fx::FxType::make_signed(8, 2);
  c.weight = fx::FxType::make_signed(8, 1);
  c.accumulator = fx::FxType::make_signed(28, 15, fx::Rounding::TRN, fx::Overflow::SAT);
  // 12 of the product's 13 fraction bits (6 + 7) dropped: each output's last bit is a draw.
  c.output = fx::FxType::make_signed(12, 11, q, fx::Overflow::SAT);
  if (s.bn) {
    engine::BnConfig b;
    b.scale = fx::FxType::make_signed(8, 2);
    b.bias = fx::FxType::make_signed(12, 6);
    b.output = fx::FxType::make_signed(10, 7, q, fx::Overflow::SAT);
    b.activation = units::Activation::NONE;
    b.stages = 2;
    c.bn = b;
  }
  engine::validate(c, s.name);
  return c;
}

std::vector<StochSpec> grid() {
  return {
      {"mac_pe4_32x8_b2"},
      {"mac_pe3_20x7_b3_padded", false, 3, 4, 20, 7, 3, 1},  // lane 2 of fold 2 drops its result
      {"bn_pe4_24x8_b2", true, 4, 8, 24, 8, 2, 2},
      {"bn_pe5_16x12_b2_padded", true, 5, 4, 16, 12, 2, 3},
  };
}

constexpr std::uint64_t kSeeds[] = {1, 2, 99};

// The rule, brute force: exact dot products (the accumulator is wide enough never to saturate
// on these stimuli: 32 products of |a| <= 2^7, |w| <= 2^7 need 20 bits), one fx::Lfsr per lane.
std::vector<std::int64_t> brute_layer(const engine::EngineConfig& c, const engine::Stimulus& st) {
  std::vector<fx::Lfsr> lanes;
  for (int p = 0; p < c.pe; ++p) lanes.push_back(fx::Lfsr::for_lane(c.seed, 0, p));
  const int frac = c.activation.frac_bits() + c.fx_weight().frac_bits();
  const int bits = fx::stochastic_bits_per_cast(frac - c.output.frac_bits());
  std::vector<std::int64_t> y(static_cast<std::size_t>(st.batch) * c.out_features);
  for (int b = 0; b < st.batch; ++b) {
    for (int f = 0; f * c.pe < c.out_features; ++f) {
      for (int p = 0; p < c.pe; ++p) {
        const int o = f * c.pe + p;
        if (o >= c.out_features) {
          lanes[p].next_bits(bits);  // the dropped result rounds all the same
          continue;
        }
        std::int64_t dot = 0;
        for (int k = 0; k < c.in_features; ++k) {
          dot += st.input[static_cast<std::size_t>(b) * c.in_features + k] *
                 st.weights[static_cast<std::size_t>(o) * c.in_features + k];
        }
        y[static_cast<std::size_t>(b) * c.out_features + o] =
            fx::StochasticCaster(c.output, lanes[p]).cast_from_raw(dot, frac);
      }
    }
  }
  return y;
}

class RtlStochastic : public ::testing::TestWithParam<StochSpec> {};

TEST_P(RtlStochastic, RtlEqualsModelAndReferenceForThreeSeedsCyclesUnchanged) {
  const StochSpec& spec = GetParam();
  const std::uint64_t det_cycles =
      env::run_point(make_config(spec, 1, fx::Rounding::RND_CONV), Backends::MODEL).runs[0].cycles;
  const engine::Stimulus stim = engine::make_stimulus(make_config(spec, 1), 1, spec.batch);
  std::vector<std::vector<std::int64_t>> outputs;
  for (std::uint64_t seed : kSeeds) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    const engine::EngineConfig cfg = make_config(spec, seed);
    env::RunOptions opt;
    opt.stimulus = &stim;  // one stimulus for every seed: only the LFSRs change
    const env::RunSummary s = env::run_point(cfg, Backends::BOTH, opt);
    const std::size_t n = static_cast<std::size_t>(cfg.batch) * cfg.out_features;
    ASSERT_EQ(s.runs.size(), 2u);
    for (const env::BackendRun& r : s.runs) {
      SCOPED_TRACE(env::to_string(r.kind));
      EXPECT_TRUE(r.completed);
      EXPECT_EQ(r.tlm_errors, 0u);
      EXPECT_EQ(r.scoreboard.checked, n);
      EXPECT_EQ(r.scoreboard.mismatch_count, 0u);  // == compute_reference
      EXPECT_EQ(r.cycles, det_cycles);
    }
    const std::vector<std::int64_t> out(s.runs[1].output.begin(), s.runs[1].output.begin() + n);
    EXPECT_EQ(std::vector<std::int64_t>(s.runs[0].output.begin(), s.runs[0].output.begin() + n),
              out);
    if (!spec.bn) {
      EXPECT_EQ(out, brute_layer(cfg, stim));
    }
    EXPECT_TRUE(s.passed());
    outputs.push_back(out);
  }
  std::size_t diff = 0;
  for (std::size_t i = 0; i < outputs[0].size(); ++i) diff += outputs[0][i] != outputs[1][i];
  EXPECT_GT(diff, outputs[0].size() / 8) << "another seed, other roundings";
}

INSTANTIATE_TEST_SUITE_P(Stochastic, RtlStochastic, ::testing::ValuesIn(grid()),
                         [](const ::testing::TestParamInfo<StochSpec>& info) {
                           return std::string(info.param.name);
                         });

// Every Verilated unit of this suite, built (or found in the cache) once before the tests.
TEST(Prebuild, RtlStochasticVariants) {
  for (const StochSpec& s : grid()) {
    const engine::Elaboration e = engine::elaborate(make_config(s, 1));
    const tlm_rtl::EngineVariants v = tlm_rtl::find_engine_variants(e);
    EXPECT_NE(v.pe, nullptr) << s.name;
  }
}

}  // namespace
}  // namespace fxsim::engine_test
