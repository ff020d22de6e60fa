// The rtl backend on binary / ternary layers (docs/engine.md, "Binary and ternary layers"): PE
// Verilated xnor_pe (MODE 1 binary weights, 2 ternary, 0 xnor) feeding ONE Verilated threshold
// of PE lanes ([threshold], its memory written from the job's directions and thresholds before
// each run), a bn_act per PE ([bn]) or nothing. On a grid (PE 1 / 4 / 8, SIMD 1 / 8 / 16, NF and
// SF > 1, PE not dividing N_out, T 1 / 3, batch 1..3) the rtl backend's outputs equal the model
// backend's and engine::compute_reference's (run_point's scoreboard) and the brute force of
// bipolar_points.hpp (plain integer loops); the cycles equal the contract's formula written out
// here and checked by hand for three points.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/env/run_point.hpp"
#include "testbenches/models/engine/bipolar_points.hpp"
#include "tlm/rtl/rtl_backend.hpp"

namespace fxsim::engine_test {
namespace {

using engine::EngineKind;
using env::Backends;

struct BipolarSpec {
  const char* name;
  EngineKind kind = EngineKind::BINARY;
  int thresholds = 0;  // T; 0: no [threshold]
  bool bn = false;
  int pe = 4, simd = 8, in = 32, out = 8, batch = 1;
  int mac_stages = 2, stages = 2;
  double scale = 1.0;
  std::uint64_t seed = 1;
  std::uint64_t hand_cycles = 0;  // worked out by hand in grid(); 0: not given
};

void PrintTo(const BipolarSpec& s, std::ostream* os) { *os << s.name; }

engine::EngineConfig make_config(const BipolarSpec& s) {
  engine::EngineConfig c;
  c.seed = s.seed;
  c.kind = s.kind;
  c.pe = s.pe;
  c.simd = s.simd;
  c.mac_stages = s.mac_stages;
  c.in_features = s.in;
  c.out_features = s.out;
  c.batch = s.batch;
  c.bipolar = s.kind == EngineKind::TERNARY ? fx::BipolarType::ternary(s.scale)
                                            : fx::BipolarType::binary(s.scale);
  c.weight = fx::FxType::make_signed(2, 2);
  c.binary_activation = s.kind == EngineKind::XNOR;
  c.activation = c.binary_activation
                     ? fx::FxType::make_unsigned(1, 1)
                     : fx::FxType::make_signed(6, 2, fx::Rounding::TRN, fx::Overflow::SAT);
  // Exact: |acc| <= in x max|a| (32 LSBs, or 1 for bits) < 2^13; F = F_a - log2(scale).
  const int frac = c.activation.frac_bits() - c.bipolar->scale_exponent();
  c.accumulator = fx::FxType::make_signed(14, 14 - frac, fx::Rounding::TRN, fx::Overflow::WRAP);
  c.output = c.accumulator;
  if (s.thresholds > 0) c.threshold = engine::ThresholdTable{s.thresholds, s.stages};
  if (s.bn) {
    engine::BnConfig bn;
    bn.scale = fx::FxType::make_signed(8, 2);
    bn.bias = fx::FxType::make_signed(16, 8);
    bn.output = fx::FxType::make_signed(8, 3, fx::Rounding::RND, fx::Overflow::SAT);
    bn.activation = units::Activation::RELU;
    bn.stages = s.stages;
    c.bn = bn;
  }
  engine::validate(c, s.name);
  return c;
}

// The contract's latency, written out: one beat an edge, then each unit's STAGES + 1.
std::uint64_t expected_cycles(const engine::EngineConfig& c, int batch) {
  const std::uint64_t sf = (c.in_features + c.simd - 1) / c.simd;
  const std::uint64_t nf = (c.out_features + c.pe - 1) / c.pe;
  const bool post = c.threshold || c.bn;
  const int post_stages = c.threshold ? c.threshold->stages : c.bn ? c.bn->stages : 0;
  return batch * nf * sf + (c.mac_stages + 1) + (post ? post_stages + 1 : 0);
}

std::vector<BipolarSpec> grid() {
  std::vector<BipolarSpec> g;
  auto add = [&](BipolarSpec s) { g.push_back(s); };
  {  // 2 x NF 2 x SF 4 = 16 beats + 3 + 3 = 22
    BipolarSpec s{"binary_t3_pe4_simd8_32x8_b2"};
    s.thresholds = 3, s.batch = 2, s.scale = 0.25, s.seed = 3, s.hand_cycles = 22;
    add(s);
  }
  {  // 1 x NF 3 x SF 4 = 12 beats + 3 + 2 = 17; PE 4 of 10 (2 lanes past N_out in the last fold)
    BipolarSpec s{"xnor_t1_pe4_simd16_64x10_b1"};
    s.kind = EngineKind::XNOR, s.thresholds = 1, s.simd = 16, s.in = 64, s.out = 10;
    s.stages = 1, s.seed = 5, s.hand_cycles = 17;
    add(s);
  }
  {  // 3 x NF 2 x SF 3 = 18 beats + 4 = 22, ternary, no unit after the PEs
    BipolarSpec s{"ternary_none_pe8_simd16_40x12_b3"};
    s.kind = EngineKind::TERNARY, s.pe = 8, s.simd = 16, s.in = 40, s.out = 12, s.batch = 3;
    s.mac_stages = 3, s.seed = 7, s.hand_cycles = 22;
    add(s);
  }
  {
    BipolarSpec s{"ternary_t3_pe1_simd1_9x3_b2"};
    s.kind = EngineKind::TERNARY, s.thresholds = 3, s.pe = 1, s.simd = 1, s.in = 9, s.out = 3;
    s.batch = 2, s.stages = 3, s.seed = 9;
    add(s);
  }
  {
    BipolarSpec s{"xnor_t3_pe8_simd8_48x20_b2"};
    s.kind = EngineKind::XNOR, s.thresholds = 3, s.pe = 8, s.simd = 8, s.in = 48, s.out = 20;
    s.batch = 2, s.mac_stages = 1, s.seed = 11;
    add(s);
  }
  {
    BipolarSpec s{"binary_bn_pe4_simd16_50x9_b2"};
    s.bn = true, s.simd = 16, s.in = 50, s.out = 9, s.batch = 2, s.scale = 2.0, s.seed = 13;
    add(s);
  }
  {
    BipolarSpec s{"binary_t1_pe8_simd1_7x16_b1"};
    s.thresholds = 1, s.pe = 8, s.simd = 1, s.in = 7, s.out = 16, s.seed = 15;
    add(s);
  }
  return g;
}

// Every Verilated unit of this suite, built (or found in the cache) once before the tests.
TEST(Prebuild, RtlBipolarVariants) {
  for (const BipolarSpec& s : grid()) {
    const engine::Elaboration e = engine::elaborate(make_config(s));
    const tlm_rtl::EngineVariants v = tlm_rtl::find_engine_variants(e);
    ASSERT_NE(v.pe, nullptr) << s.name;
    EXPECT_EQ(v.pe->unit, "xnor_pe") << s.name;
    EXPECT_EQ(v.threshold != nullptr, s.thresholds > 0) << s.name;
    EXPECT_EQ(v.bn != nullptr, s.bn) << s.name;
  }
}

class RtlBipolarGrid : public ::testing::TestWithParam<BipolarSpec> {};

TEST_P(RtlBipolarGrid, RtlEqualsModelReferenceAndBruteForceCycleExact) {
  const BipolarSpec& spec = GetParam();
  const engine::EngineConfig cfg = make_config(spec);
  const env::RunSummary s = env::run_point(cfg, Backends::BOTH);
  const std::uint64_t cycles = expected_cycles(cfg, cfg.batch);
  if (spec.hand_cycles) {
    EXPECT_EQ(cycles, spec.hand_cycles);
  }
  EXPECT_EQ(s.formula_cycles, cycles);
  const std::size_t n = static_cast<std::size_t>(cfg.batch) * cfg.out_features;
  const engine::Stimulus stim = engine::make_stimulus(cfg, s.seed, cfg.batch);
  const std::vector<std::int64_t> acc =
      tlm_test::brute_force_accumulators(cfg, stim.input, stim.weight_words, cfg.batch);
  ASSERT_EQ(s.runs.size(), 2u);
  for (const env::BackendRun& r : s.runs) {
    SCOPED_TRACE(env::to_string(r.kind));
    EXPECT_TRUE(r.completed);
    EXPECT_EQ(r.tlm_errors, 0u);
    EXPECT_EQ(r.scoreboard.checked, n);
    EXPECT_EQ(r.scoreboard.mismatch_count, 0u);  // == compute_reference
    EXPECT_EQ(r.cycles, cycles);
    const std::vector<std::int64_t> out(r.output.begin(),
                                        r.output.begin() + static_cast<std::ptrdiff_t>(n));
    if (cfg.threshold) {
      EXPECT_EQ(out, tlm_test::brute_force_thresholds(cfg, acc, stim.bn_scale_words, stim.bn_bias));
    } else if (!cfg.bn) {
      EXPECT_EQ(out, acc);
    }
  }
  EXPECT_EQ(s.runs[0].output, s.runs[1].output);
  EXPECT_TRUE(s.passed());
  const std::vector<std::int64_t>& y = s.runs[0].output;
  EXPECT_GE(std::set<std::int64_t>(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(n)).size(),
            2u)
      << "the stimulus leaves the outputs constant";
}

INSTANTIATE_TEST_SUITE_P(Bipolar, RtlBipolarGrid, ::testing::ValuesIn(grid()),
                         [](const ::testing::TestParamInfo<BipolarSpec>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace fxsim::engine_test
