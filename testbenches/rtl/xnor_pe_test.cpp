// xnor_pe: every MODE (binary x binary, binary weights, ternary weights) on a grid of SIMD 1 .. 64
// (powers of two and not), activation widths 2 .. 32 signed and unsigned, accumulators of 2 .. 33
// bits in every overflow mode, STAGES 1 .. 5. Random dot products with the popcount at its
// corners (every lane matching, none matching) and runs of extreme operands that drive the
// accumulator over its range, streamed through the Verilated unit under random in_valid gaps and
// out_ready stalls; the contract's cycle model (stream_check.hpp) checks in_ready / out_valid
// every cycle against the unit's latency rule. Expected results come from a brute force written
// here (each lane's +-1 / 0 value decoded from the port bits, an exact __int128 sum, the
// accumulator's wrap / saturation by fx::cast_from_raw after every beat), and models/units'
// xnor_dot must agree with it.
#include "models/units/xnor_pe/xnor_pe.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "fx/cast.hpp"
#include "testbenches/rtl/pe_stream.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace fx = fxsim::fx;

namespace {

namespace units = fxsim::units;
using namespace fxsim::rtl_test;

// The parameter grid (built once by Prebuild.XnorPeVariants, the rtl_suite_variants fixture).
struct XnorVariant {
  const char* name;
  units::ParamMap overrides;
};

// ACC_O: 0 SAT, 1 SAT_ZERO, 2 SAT_SYM, 3 WRAP, 4 WRAP_SM.
const std::vector<XnorVariant>& grid() {
  static const std::vector<XnorVariant> g = {
      {"bin_simd1_s1_acc2_wrap",
       {{"MODE", 0}, {"SIMD", 1}, {"ACC_W", 2}, {"ACC_O", 3}, {"STAGES", 1}}},
      {"bin_simd5_s2_acc5_sat",
       {{"MODE", 0}, {"SIMD", 5}, {"ACC_W", 5}, {"ACC_O", 0}, {"STAGES", 2}}},
      {"bin_simd33_s4_acc7_wrap",
       {{"MODE", 0}, {"SIMD", 33}, {"ACC_W", 7}, {"ACC_O", 3}, {"STAGES", 4}}},
      {"bin_simd64_s3_acc8_satsym",
       {{"MODE", 0}, {"SIMD", 64}, {"ACC_W", 8}, {"ACC_O", 2}, {"STAGES", 3}}},
      {"binw_simd3_a4u_s1_acc8_sat",
       {{"MODE", 1},
        {"SIMD", 3},
        {"A_W", 4},
        {"A_SIGNED", 0},
        {"ACC_W", 8},
        {"ACC_O", 0},
        {"STAGES", 1}}},
      {"binw_simd7_a2_s3_acc5_wrapsm",
       {{"MODE", 1}, {"SIMD", 7}, {"A_W", 2}, {"ACC_W", 5}, {"ACC_O", 4}, {"STAGES", 3}}},
      {"binw_simd64_a8_s2_acc12_wrap",
       {{"MODE", 1}, {"SIMD", 64}, {"A_W", 8}, {"ACC_W", 12}, {"ACC_O", 3}, {"STAGES", 2}}},
      {"ter_simd1_a32_s1_acc33_satzero",
       {{"MODE", 2}, {"SIMD", 1}, {"A_W", 32}, {"ACC_W", 33}, {"ACC_O", 1}, {"STAGES", 1}}},
      {"ter_simd16_a8_s2_acc10_sat",
       {{"MODE", 2}, {"SIMD", 16}, {"A_W", 8}, {"ACC_W", 10}, {"ACC_O", 0}, {"STAGES", 2}}},
      {"ter_simd48_a6u_s5_acc14_satsym",
       {{"MODE", 2},
        {"SIMD", 48},
        {"A_W", 6},
        {"A_SIGNED", 0},
        {"ACC_W", 14},
        {"ACC_O", 2},
        {"STAGES", 5}}},
  };
  return g;
}

const units::ParamMap& variant(const std::string& name) {
  for (const XnorVariant& v : grid()) {
    if (name == v.name) return v.overrides;
  }
  throw std::logic_error("no xnor_pe variant " + name);
}

units::XnorPeConfig config_of(const units::ParamMap& overrides) {
  return units::XnorPeConfig::from(units::resolve_params(units::find_unit("xnor_pe"), overrides));
}

// A lane's value decoded from its port bits, written here from the contract (1 = +1, 0 = -1;
// ternary {nonzero, negative}), independently of models/units.
std::int64_t lane_value(const units::XnorPeConfig& c, std::int64_t a, std::uint64_t w) {
  switch (c.mode) {
    case units::XnorMode::BINARY:
      return (a & 1) == static_cast<std::int64_t>(w & 1) ? 1 : -1;  // xnor -> +1, else -1
    case units::XnorMode::BINARY_WEIGHTS:
      return (w & 1) ? a : -a;
    case units::XnorMode::TERNARY_WEIGHTS:
      return (w & 2) == 0 ? 0 : ((w & 1) ? -a : a);
  }
  return 0;
}

struct Coverage {
  std::uint64_t acc_overflows = 0, all_match_beats = 0, none_match_beats = 0, full_beats = 0;
};

// Brute force: every beat's exact sum, then the accumulator's ACC_W / ACC_O (fx::cast_from_raw,
// tested against SystemC in testbenches/fx/); the result is the accumulator, no overflow flag.
units::PeResult brute_force(const units::XnorPeConfig& c, const PeDot& d, Coverage* cov) {
  std::int64_t acc = 0;
  for (std::size_t i = 0; i < d.a.size(); i += c.simd) {
    const std::size_t end = std::min(d.a.size(), i + c.simd);
    __int128 s = i == 0 ? 0 : acc;
    int matches = 0;
    for (std::size_t l = i; l < end; ++l) {
      const std::int64_t v = lane_value(c, d.a[l], d.w_words[l]);
      s += v;
      if (c.mode == units::XnorMode::BINARY) matches += v == 1;
    }
    if (c.mode == units::XnorMode::BINARY) {
      cov->all_match_beats += matches == c.simd;
      cov->none_match_beats += matches == 0;
    }
    cov->full_beats += end - i == static_cast<std::size_t>(c.simd);
    fx::CastFlags f;
    acc = fx::cast_from_raw(static_cast<std::int64_t>(s), 0, c.acc, &f);
    cov->acc_overflows += f.overflow;
  }
  return units::PeResult{acc, false};
}

std::uint64_t random_code(std::mt19937_64& rng, const units::XnorPeConfig& c) {
  return rng() & low_mask(c.w_bits());
}

// A dot product: MODE 0 a whole number of beats (a padded lane would count +1), else any length.
// Kinds: 0 every lane matching / +max activations with +1 weights, 1 none matching / extreme
// activations against -1 weights (both drive the accumulator to its limits), else random (an
// extreme activation now and then, every weight code including ternary 0b01).
PeDot random_dot(std::mt19937_64& rng, const units::XnorPeConfig& c) {
  const bool binary = c.mode == units::XnorMode::BINARY;
  const int len = binary ? c.simd * (1 + static_cast<int>(rng() % 4))
                         : 1 + static_cast<int>(rng() % (4 * c.simd));
  const int kind = static_cast<int>(rng() % 8);
  const std::uint64_t plus = c.mode == units::XnorMode::TERNARY_WEIGHTS ? 2 : 1;
  const std::uint64_t minus = c.mode == units::XnorMode::TERNARY_WEIGHTS ? 3 : 0;
  PeDot d;
  for (int i = 0; i < len; ++i) {
    std::int64_t a;
    std::uint64_t w;
    if (binary) {
      a = static_cast<std::int64_t>(rng() & 1);
      w = kind == 0 ? static_cast<std::uint64_t>(a) : kind == 1 ? (a ^ 1) : (rng() & 1);
    } else if (kind == 0) {
      a = c.a.raw_max(), w = plus;
    } else if (kind == 1) {
      a = c.a.is_signed && rng() % 2 ? c.a.raw_min() : c.a.raw_max();
      w = minus;
    } else {
      a = random_raw(rng, c.a), w = random_code(rng, c);
    }
    d.a.push_back(a);
    d.w_words.push_back(w);
  }
  return d;
}

void check_random(const std::string& name, std::uint64_t seed_salt) {
  const units::ParamMap& overrides = variant(name);
  const units::UnitSpec& unit = units::find_unit("xnor_pe");
  const units::ParamMap p = units::resolve_params(unit, overrides);
  const units::XnorPeConfig c = units::XnorPeConfig::from(p);
  const int latency = units::latency_cycles(unit, p);
  Dut m("xnor_pe", overrides);
  std::mt19937_64 rng(base_seed() * 1000003 + seed_salt);
  const std::uint64_t total = vectors_per_variant();
  Coverage cov;
  std::uint64_t arith_mismatches = 0, rtl_mismatches = 0, done = 0, run = 0;
  while (done < total) {
    const std::uint64_t n = std::min<std::uint64_t>(20000, total - done);
    std::vector<PeDot> dots;
    std::vector<units::PeResult> expected;
    for (std::uint64_t i = 0; i < n; ++i) {
      dots.push_back(random_dot(rng, c));
      const units::PeResult want = brute_force(c, dots.back(), &cov);
      const units::PeResult got = units::xnor_dot(c, dots.back().a, dots.back().w_words);
      if (!(got == want) && arith_mismatches++ < 3) {
        ADD_FAILURE() << "xnor_dot " << got << " vs brute force " << want;
      }
      expected.push_back(want);
    }
    const auto& [pv, pr] = stall_patterns()[run % stall_patterns().size()];
    const StreamOptions opt{latency, pv, pr, rng()};
    const StreamReport rep =
        run_pe(m, to_beats(dots, c.simd), expected, opt, c.a_bits(), c.w_bits(), c.out);
    rtl_mismatches += rep.mismatches;
    EXPECT_EQ(rep.results, n);
    done += n;
    ++run;
  }
  EXPECT_EQ(arith_mismatches, 0u);
  EXPECT_EQ(rtl_mismatches, 0u) << units::format_params(unit, p);
  // The stimuli reach the corners that matter.
  EXPECT_GT(cov.acc_overflows, 0u);
  if (c.mode == units::XnorMode::BINARY) {
    EXPECT_GT(cov.all_match_beats, 0u);   // popcount = SIMD
    EXPECT_GT(cov.none_match_beats, 0u);  // popcount = 0
  } else {
    EXPECT_GT(cov.full_beats, 0u);
  }
}

TEST(Prebuild, XnorPeVariants) {
  for (const XnorVariant& v : grid()) {
    const Dut dut("xnor_pe", v.overrides);
    EXPECT_EQ(dut.variant().unit, "xnor_pe") << v.name;
  }
}

TEST(XnorPe, RandomBinSimd1Stage1Wrap) { check_random("bin_simd1_s1_acc2_wrap", 31); }
TEST(XnorPe, RandomBinSimd5Stage2Sat) { check_random("bin_simd5_s2_acc5_sat", 32); }
TEST(XnorPe, RandomBinSimd33Stage4Wrap) { check_random("bin_simd33_s4_acc7_wrap", 33); }
TEST(XnorPe, RandomBinSimd64Stage3SatSym) { check_random("bin_simd64_s3_acc8_satsym", 34); }
TEST(XnorPe, RandomBinWSimd3UnsignedStage1Sat) { check_random("binw_simd3_a4u_s1_acc8_sat", 35); }
TEST(XnorPe, RandomBinWSimd7Stage3WrapSm) { check_random("binw_simd7_a2_s3_acc5_wrapsm", 36); }
TEST(XnorPe, RandomBinWSimd64Stage2Wrap) { check_random("binw_simd64_a8_s2_acc12_wrap", 37); }
TEST(XnorPe, RandomTerSimd1A32Stage1SatZero) { check_random("ter_simd1_a32_s1_acc33_satzero", 38); }
TEST(XnorPe, RandomTerSimd16Stage2Sat) { check_random("ter_simd16_a8_s2_acc10_sat", 39); }
TEST(XnorPe, RandomTerSimd48UnsignedStage5SatSym) {
  check_random("ter_simd48_a6u_s5_acc14_satsym", 40);
}

// Streams hand-worked dots through variant `name` back to back without stalls: every result and
// the cycle count (beats + latency: the last result is taken on that edge).
void check_hand_worked(const std::string& name, const std::vector<PeDot>& dots,
                       const std::vector<units::PeResult>& expected) {
  const units::XnorPeConfig c = config_of(variant(name));
  Dut m("xnor_pe", variant(name));
  const std::vector<PeBeat> beats = to_beats(dots, c.simd);
  const StreamReport rep =
      run_pe(m, beats, expected, StreamOptions{c.stages}, c.a_bits(), c.w_bits(), c.out);
  EXPECT_EQ(rep.mismatches, 0u);
  EXPECT_EQ(rep.results, expected.size());
  EXPECT_EQ(rep.cycles, beats.size() + c.stages);
  for (std::size_t i = 0; i < dots.size(); ++i) {
    EXPECT_EQ(units::xnor_dot(c, dots[i].a, dots[i].w_words), expected[i]) << "dot " << i;
  }
}

PeDot repeated(std::int64_t a, std::uint64_t w, int n) {
  return PeDot{std::vector<std::int64_t>(n, a), std::vector<std::uint64_t>(n, w)};
}

// SIMD 5, ACC_W 5 SAT ([-16, 15]):
//  * a = 1 0 1 1 0, w = 1 0 0 1 1: lanes 0, 1, 3 match -> popcount 3 -> 2 * 3 - 5 = 1;
//  * 3 beats of 5 matches: 5 + 5 + 5 = 15 (the largest value, no overflow);
//  * 4 beats of 5 matches: 20 -> saturates to 15 (15 + 5 = 20 > 15 on the fourth beat);
//  * 4 beats of no match: -5 x 4 = -20 -> -16.
TEST(XnorPe, HandWorkedBinary) {
  check_hand_worked("bin_simd5_s2_acc5_sat",
                    {{{1, 0, 1, 1, 0}, {1, 0, 0, 1, 1}},
                     repeated(1, 1, 15),
                     repeated(0, 0, 20),
                     repeated(1, 0, 20)},
                    {{1, false}, {15, false}, {15, false}, {-16, false}});
}

// SIMD 3, 4-bit unsigned activations, ACC_W 8 SAT ([-128, 127]):
//  * a = {15, 7, 1}, w = {1, 0, 1}: 15 - 7 + 1 = 9;
//  * 9 lanes of a = 15 with w = 0: -45 per beat, -135 after three -> -128;
//  * a = {0, 0, 0}, w = {0, 0, 0}: -0 = 0 (the one's complement term ~0 plus its carry-in).
TEST(XnorPe, HandWorkedBinaryWeights) {
  check_hand_worked("binw_simd3_a4u_s1_acc8_sat",
                    {{{15, 7, 1}, {1, 0, 1}}, repeated(15, 0, 9), repeated(0, 0, 3)},
                    {{9, false}, {-128, false}, {0, false}});
}

// SIMD 16, 8-bit signed activations, ACC_W 10 SAT ([-512, 511]):
//  * a = {-128, 100, 5, 7}, codes {0b11 = -1, 0b10 = +1, 0b00 = 0, 0b01 = 0}: 128 + 100 = 228;
//  * 16 lanes of a = -128 with code 0b11: +2048 -> 511;
//  * 3 lanes of a = 127 with code 0b01 (the "negative zero"): 0.
TEST(XnorPe, HandWorkedTernary) {
  check_hand_worked("ter_simd16_a8_s2_acc10_sat",
                    {{{-128, 100, 5, 7}, {3, 2, 0, 1}}, repeated(-128, 3, 16), repeated(127, 1, 3)},
                    {{228, false}, {511, false}, {0, false}});
}

// The reference's and the parameter checks' messages.
TEST(XnorPe, ClearErrors) {
  const units::UnitSpec& unit = units::find_unit("xnor_pe");
  try {
    units::resolve_params(unit, {{"MODE", 3}});
    ADD_FAILURE() << "MODE 3 accepted";
  } catch (const units::UnitParamError& e) {
    EXPECT_NE(std::string(e.what()).find("MODE = 3 is out of range, expected 0..2"),
              std::string::npos)
        << e.what();
  }
  const units::XnorPeConfig bin = config_of(variant("bin_simd5_s2_acc5_sat"));
  try {
    units::xnor_dot(bin, {1, 0, 1}, {1, 1, 1});
    ADD_FAILURE() << "a binary dot of 3 lanes on SIMD 5 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("length 3 is not a multiple of SIMD = 5"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(units::xnor_dot(bin, {2, 0, 1, 0, 0}, {1, 1, 1, 1, 1}), std::invalid_argument);
  const units::XnorPeConfig ter = config_of(variant("ter_simd16_a8_s2_acc10_sat"));
  EXPECT_THROW(units::xnor_dot(ter, {1}, {4}), std::invalid_argument);
  EXPECT_THROW(units::xnor_dot(ter, {128}, {2}), std::invalid_argument);
  EXPECT_NO_THROW(units::xnor_dot(ter, {-128}, {3}));
  // MODE 0 ignores the activation format.
  const units::ParamMap p = units::resolve_params(unit, {{"MODE", 0}, {"A_W", 5}});
  EXPECT_EQ(units::summarize_params(unit, p).find("A_W"), std::string::npos);
  EXPECT_EQ(units::estimate(unit, p, fxsim::resources::Family::xc7, true).dsp, 0);
}

}  // namespace
