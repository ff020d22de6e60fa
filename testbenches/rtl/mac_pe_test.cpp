// fx_mac_pe: random and corner dot products, bit-exact against models/units (mac_dot) and against
// fx directly (an exact __int128 sum per beat, fx::cast_from_raw into the accumulator and output
// formats), streamed through the RTL under random in_valid gaps and out_ready stalls with the
// contract's cycle model (stream_check.hpp) checking every cycle.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "fx/cast.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "testbenches/rtl/pe_stream.hpp"
#include "testbenches/rtl/rtl_variants.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace fx = fxsim::fx;

namespace {

namespace units = fxsim::units;
using namespace fxsim::rtl_test;

// A weight port word as its raw.
std::int64_t weight_raw(std::uint64_t word, const units::MacPeConfig& c) {
  return to_raw(word, c.w.width, c.w.is_signed);
}

PeDot random_dot(std::mt19937_64& rng, const units::MacPeConfig& c) {
  const int len = 1 + static_cast<int>(rng() % (4 * c.simd));
  const int mode = static_cast<int>(rng() % 16);
  PeDot d;
  for (int i = 0; i < len; ++i) {
    std::int64_t a = random_raw(rng, c.a), w = random_raw(rng, c.w);
    if (mode == 0) a = c.a.raw_max(), w = c.w.raw_max();  // drives the accumulator over the top
    if (mode == 1) a = c.a.raw_min(), w = c.w.is_signed ? c.w.raw_min() : c.w.raw_max();
    d.a.push_back(a);
    d.w_words.push_back(static_cast<std::uint64_t>(w) & low_mask(c.w.width));
  }
  return d;
}

void check_random(const units::ParamMap& overrides, std::uint64_t seed_salt) {
  const units::ParamMap p = units::resolve_params(units::find_unit("fx_mac_pe"), overrides);
  const units::MacPeConfig c = units::MacPeConfig::from(p);
  Dut m("fx_mac_pe", overrides);
  const RandomPeReport r = random_pe_suite(
      m, c, base_seed() * 1000003 + seed_salt, c.w.width,
      [&](std::mt19937_64& rng) { return random_dot(rng, c); },
      [&](std::uint64_t word) { return weight_raw(word, c); },
      [&](const PeDot& d) {
        std::vector<std::int64_t> w;
        for (std::uint64_t word : d.w_words) w.push_back(weight_raw(word, c));
        return units::mac_dot(c, d.a, w);
      });
  const PeCoverage& cov = r.cov;
  EXPECT_EQ(r.arith_mismatches, 0u);
  EXPECT_EQ(r.rtl_mismatches, 0u) << units::format_params(units::find_unit("fx_mac_pe"), p);
  // The stimuli reach the corners that matter.
  EXPECT_GT(cov.acc_overflows, 0u);
  EXPECT_GT(cov.out_ties, 0u);
  EXPECT_GT(cov.out_overflows, 0u);
}

TEST(MacPe, RandomStage1Wrap) { check_random(fxsim::rtl_variants::mac_s1::overrides(), 11); }
TEST(MacPe, RandomStage2Sat) { check_random(fxsim::rtl_variants::mac_s2::overrides(), 12); }
TEST(MacPe, RandomStage4UnsignedWrapSm) {
  check_random(fxsim::rtl_variants::mac_s4::overrides(), 13);
}

// Hand-worked on mac_s1 (SIMD 4, A fixed<8, 4 frac>, W 6 frac, product 10 frac, ACC_W 16 WRAP,
// out 8 bits 2 frac RND_CONV SAT):
//  * a = {16, 8, 0, 0} (1.0, 0.5), w = {64, 32, 0, 0} (1.0, 0.5): 1.25 -> raw 5 (x4), no overflow.
//  * a = {2, ...} w = {48, ...}: 96 raw / 2^10 = 0.09375 -> x4 = 0.375 -> 0 (RND_CONV: no tie).
//  * a = {4}, w = {32}: 128 / 1024 = 0.125 -> x4 = 0.5, a tie -> 0 (even); a = {12}, w = {32}:
//    0.375 -> 1.5 -> 2 (even).
//  * accumulator wrap: 3 beats of a = 127 x4, w = 127 x4: per beat 64516 -> wraps to -1020;
//    -1020 + 64516 = 63496 -> -2040; -2040 + 64516 = 62476 -> -3060; -3060 / 1024 = -2.98828,
//    x4 = -11.95 -> -12.
TEST(MacPe, HandWorkedStage1) {
  Dut m("fx_mac_pe", fxsim::rtl_variants::mac_s1::overrides());
  const units::MacPeConfig c = units::MacPeConfig::from(units::resolve_params(
      units::find_unit("fx_mac_pe"), fxsim::rtl_variants::mac_s1::overrides()));
  std::vector<PeDot> dots = {{{16, 8}, {64, 32}}, {{2}, {48}}, {{4}, {32}}, {{12}, {32}}, {{}, {}}};
  for (int i = 0; i < 12; ++i) {
    dots.back().a.push_back(127);
    dots.back().w_words.push_back(127);
  }
  const std::vector<units::PeResult> expected = {
      {5, false}, {0, false}, {0, false}, {2, false}, {-12, false}};
  const StreamReport rep =
      run_pe(m, to_beats(dots, c.simd), expected, StreamOptions{1}, c.a.width, c.w.width, c.out);
  EXPECT_EQ(rep.mismatches, 0u);
  EXPECT_EQ(rep.results, 5u);
  // 1 + 1 + 1 + 1 + 3 beats back to back, latency 1: the last result is seen on cycle 7, and
  // the run stops on the edge that takes it.
  EXPECT_EQ(rep.cycles, 8u);
}

}  // namespace
