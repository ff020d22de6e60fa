// Stochastic rounding (RND_STOCH, Q = 7) in the RTL: rtl/fx_lfsr.sv against fx::Lfsr (and the
// first draws from state 1 worked out by hand), rtl/fx_requant.sv's rule against the rule written
// out here (round up iff u < the top min(d, 28) remainder bits), and fx_mac_pe / bn_act streams
// with their lane LFSR under random in_valid gaps and out_ready stalls, bit-exact against
// models/units (MacPe, bn_act with an fx::Lfsr) and against fx directly (exact __int128 sums,
// fx::StochasticCaster with the lane's fx::Lfsr), for several seeds: a changed seed must change
// the outputs. d (dropped bits) runs from 1 to 33 across the variants.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

#include "fx/cast.hpp"
#include "fx/khot.hpp"
#include "fx/lfsr.hpp"
#include "fx/stochastic.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "models/units/fx_requant/fx_requant.hpp"
#include "testbenches/rtl/pe_stream.hpp"
#include "testbenches/rtl/port_dut.hpp"
#include "testbenches/rtl/stream_check.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace fx = fxsim::fx;

namespace {

namespace units = fxsim::units;
using namespace fxsim::rtl_test;

constexpr std::uint64_t kSeeds[] = {1, 7, 2026};

// ---- fx_lfsr ------------------------------------------------------------------------------

// Two fx_lfsr instances (K = 28 and K = 5) on one seed and one step: dout = {k5, k28}.
fxsim::verilated::TopWrapper lfsr_wrapper() {
  return {"fx_lfsr_pair",
          "fx_lfsr_pair.sv",
          "module fx_lfsr_pair (\n"
          "    input logic clk, input logic rst_n, input logic [30:0] lfsr_seed,\n"
          "    input logic in_valid, output logic [32:0] dout\n"
          ");\n"
          "  fx_lfsr #(.K(28)) u28 (.clk, .rst_n, .seed(lfsr_seed), .step(in_valid),\n"
          "                         .bits(dout[27:0]));\n"
          "  fx_lfsr #(.K(5)) u5 (.clk, .rst_n, .seed(lfsr_seed), .step(in_valid),\n"
          "                       .bits(dout[32:28]));\n"
          "endmodule\n",
          {}};
}

void lfsr_reset(Dut& m, std::uint64_t state) {
  m.lfsr_seed = state;
  m.in_valid = 0;
  m.clk = 0;
  m.rst_n = 0;
  m.eval();
  tick(m);
  m.rst_n = 1;
  m.eval();
}

// From state 1 (s_0 = 1, s_1 .. s_30 = 0), by hand with s_{n+31} = s_{n+3} ^ s_n: the ones up
// to s_111 are s_0, s_31 (= s_3 ^ s_0), s_59 (= s_31 ^ s_28), s_62 (= s_34 ^ s_31), s_87
// (= s_59 ^ s_56), s_93 (= s_65 ^ s_62; s_90 = s_62 ^ s_59 = 0). 28-bit draws s_0..27, s_28..55,
// s_56..83, s_84..111: 0x1, bit 3 = 0x8, bits 3 and 6 = 0x48, bits 3 and 9 = 0x208.
TEST(StochLfsr, FirstDrawsFromStateOneByHand) {
  Dut m("fx_mac_pe", {}, lfsr_wrapper());
  lfsr_reset(m, 1);
  const std::uint64_t expected[] = {0x1, 0x8, 0x48, 0x208};
  for (std::uint64_t want : expected) {
    EXPECT_EQ(get_bits(m.dout, 0, 28), want);
    m.in_valid = 1;
    tick(m);
  }
}

// Random step enables over 2,000 clocks, three lane states: each output equals fx::Lfsr's next
// draw of K bits, and a clock without step leaves it.
TEST(StochLfsr, MatchesFxLfsrUnderRandomSteps) {
  Dut m("fx_mac_pe", {}, lfsr_wrapper());
  for (std::uint64_t seed : kSeeds) {
    const std::uint64_t state = fx::lane_state(seed, 0, seed % 5);
    lfsr_reset(m, state);
    fx::Lfsr g28(state), g5(state);
    std::uint64_t u28 = g28.next_bits(28), u5 = g5.next_bits(5);
    std::mt19937_64 rng(seed);
    int mismatches = 0;
    for (int c = 0; c < 2000; ++c) {
      mismatches += get_bits(m.dout, 0, 28) != u28;
      mismatches += get_bits(m.dout, 28, 5) != u5;
      const bool step = rng() % 3 != 0;
      m.in_valid = step;
      tick(m);
      if (step) u28 = g28.next_bits(28), u5 = g5.next_bits(5);
    }
    EXPECT_EQ(mismatches, 0) << "seed " << seed;
  }
}

// ---- fx_requant, Q = 7 ----------------------------------------------------------------------

// The rule written out: floor and remainder of din at d dropped bits, up iff u < r >> (d - k),
// then the output format's overflow of floor + up (a TRN cast of an exact value: only overflow).
std::int64_t rule(std::int64_t raw, int d, std::uint64_t u, const fx::FxType& out) {
  const int k = std::min(d, 28);
  const std::int64_t fl = raw >> d;
  const std::int64_t r = raw & ((std::int64_t{1} << d) - 1);
  const std::uint64_t uk = u & ((std::uint64_t{1} << k) - 1);
  const std::int64_t v = fl + (static_cast<std::int64_t>(uk) < (r >> (d - k)) ? 1 : 0);
  fx::FxType exact = out;
  exact.rounding = fx::Rounding::TRN;
  return fx::cast_from_raw(v, out.frac_bits(), exact);
}

void check_requant(const units::ParamMap& overrides, bool exhaustive) {
  const units::ParamMap p = units::resolve_params(units::find_unit("fx_requant"), overrides);
  const units::RequantConfig c = units::RequantConfig::from(p);
  const int d = c.in.frac_bits() - c.out.frac_bits();
  Dut m("fx_requant", overrides);
  std::mt19937_64 rng(base_seed() + static_cast<std::uint64_t>(d));
  int mismatches = 0, ups = 0, cases = 0;
  const std::uint64_t n_in = exhaustive ? (std::uint64_t{1} << c.in.width) : 20000;
  for (std::uint64_t i = 0; i < n_in; ++i) {
    const std::uint64_t word = exhaustive ? i : rng() & low_mask(c.in.width);
    const std::int64_t raw = to_raw(word, c.in.width, c.in.is_signed);
    for (int j = 0; j < (exhaustive ? 16 : 2); ++j) {
      const std::uint64_t u = exhaustive ? static_cast<std::uint64_t>(j) : rng() & low_mask(28);
      put_bits(m.din, 0, c.in.width, word);
      m.rnd = u;
      m.eval();
      const std::int64_t got =
          to_raw(get_bits(m.dout, 0, c.out.width), c.out.width, c.out.is_signed);
      const std::int64_t want = rule(raw, d, u, c.out);
      ups += want != rule(raw, d, ~std::uint64_t{0}, c.out);  // differs from never rounding up
      ++cases;
      if (got != want && ++mismatches <= 3) {
        ADD_FAILURE() << "din " << raw << " rnd " << u << ": rtl " << got << ", rule " << want;
      }
    }
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(ups, cases / 8);  // the random bits decide a good share of the cases
}

// d = 4 (k = 4): every 10-bit input with every 4-bit u, SAT_SYM.
TEST(StochRequant, ExhaustiveFourDroppedBits) {
  check_requant({{"IN_W", 10}, {"IN_FRAC", 6}, {"OUT_W", 5}, {"OUT_FRAC", 2}, {"Q", 7}, {"O", 2}},
                true);
}

// d = 30 (k = 28: the remainder's top 28 bits decide), random inputs, WRAP with N = 2, ap_fixed.
TEST(StochRequant, ThirtyDroppedBitsUsesTopTwentyEight) {
  check_requant({{"IN_W", 40},
                 {"IN_FRAC", 32},
                 {"OUT_W", 7},
                 {"OUT_FRAC", 2},
                 {"Q", 7},
                 {"O", 3},
                 {"N", 2},
                 {"AP", 1}},
                false);
}

// ---- fx_mac_pe ------------------------------------------------------------------------------

struct MacVariant {
  const char* name;
  units::ParamMap overrides;
};

// d = PF - OUT_FRAC: 1, 12, 33.
const MacVariant kMacVariants[] = {
    {"d1_sat_s2",
     {{"SIMD", 2},
      {"A_W", 8},
      {"A_FRAC", 4},
      {"W_W", 8},
      {"W_FRAC", 6},
      {"ACC_W", 20},
      {"ACC_O", 0},
      {"OUT_W", 16},
      {"OUT_FRAC", 9},
      {"Q", 7},
      {"O", 0},
      {"STAGES", 2}}},
    {"d12_wrap_ap_s3",
     {{"SIMD", 3},
      {"A_W", 8},
      {"A_FRAC", 6},
      {"W_W", 8},
      {"W_FRAC", 8},
      {"ACC_W", 20},
      {"ACC_O", 3},
      {"OUT_W", 8},
      {"OUT_FRAC", 2},
      {"Q", 7},
      {"O", 3},
      {"N", 1},
      {"AP", 1},
      {"STAGES", 3}}},
    {"d33_wrapsm_s1",
     {{"SIMD", 2},
      {"A_W", 24},
      {"A_FRAC", 20},
      {"W_W", 24},
      {"W_FRAC", 20},
      {"ACC_W", 54},
      {"ACC_O", 3},
      {"OUT_W", 14},
      {"OUT_FRAC", 7},
      {"Q", 7},
      {"O", 4},
      {"STAGES", 1}}},
};

PeDot random_mac_dot(std::mt19937_64& rng, const units::MacPeConfig& c) {
  const int len = 1 + static_cast<int>(rng() % (3 * c.simd));
  PeDot d;
  for (int i = 0; i < len; ++i) {
    // Mostly small operands: the results stay in range, so the rounding decides them.
    std::int64_t a = random_raw(rng, c.a), w = random_raw(rng, c.w);
    if (rng() % 2) a >>= c.a.width / 2, w >>= c.w.width / 2;
    d.a.push_back(a);
    d.w_words.push_back(static_cast<std::uint64_t>(w) & low_mask(c.w.width));
  }
  return d;
}

std::vector<units::PeResult> mac_units_stream(units::MacPeConfig c, const std::vector<PeDot>& dots,
                                              std::uint64_t state) {
  c.lfsr_seed = state;
  units::MacPe pe(c);
  std::vector<units::PeResult> out;
  for (const PeBeat& b : to_beats(dots, c.simd)) {
    std::vector<std::int64_t> a, w;
    for (int l = 0; l < c.simd; ++l) {
      a.push_back(static_cast<std::int64_t>(b.a[l]));
      w.push_back(to_raw(b.w[l], c.w.width, c.w.is_signed));
    }
    if (auto r = pe.beat(a, w, b.start, b.last)) out.push_back(*r);
  }
  return out;
}

// fx directly: exact beat sums, the accumulator's wrap / saturation, StochasticCaster.
std::vector<units::PeResult> mac_fx_stream(const units::MacPeConfig& c,
                                           const std::vector<PeDot>& dots, std::uint64_t state) {
  fx::Lfsr lfsr(state);
  fx::StochasticCaster caster(c.out, lfsr);
  std::vector<units::PeResult> out;
  for (const PeDot& d : dots) {
    std::int64_t acc = 0;
    for (std::size_t i = 0; i < d.a.size(); i += c.simd) {
      __int128 s = i == 0 ? 0 : acc;
      for (std::size_t l = i; l < std::min(d.a.size(), i + c.simd); ++l) {
        s += static_cast<__int128>(d.a[l]) * to_raw(d.w_words[l], c.w.width, c.w.is_signed);
      }
      acc = fx::cast_from_raw(static_cast<std::int64_t>(s), c.product_frac(), c.acc);
    }
    fx::CastFlags f;
    units::PeResult r;
    r.data = caster.cast_from_raw(acc, c.product_frac(), &f);
    r.overflow = f.overflow;
    out.push_back(r);
  }
  return out;
}

std::size_t count_differences(const std::vector<units::PeResult>& a,
                              const std::vector<units::PeResult>& b) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) n += !(a[i] == b[i]);
  return n + std::max(a.size(), b.size()) - std::min(a.size(), b.size());
}

class StochMacPe : public ::testing::TestWithParam<MacVariant> {};

TEST_P(StochMacPe, RtlEqualsReferenceForSeedsUnderStalls) {
  const MacVariant& v = GetParam();
  const units::ParamMap p = units::resolve_params(units::find_unit("fx_mac_pe"), v.overrides);
  const units::MacPeConfig c = units::MacPeConfig::from(p);
  Dut m("fx_mac_pe", v.overrides);
  std::mt19937_64 rng(base_seed() * 7919 + c.product_frac());
  std::vector<PeDot> dots;
  for (int i = 0; i < 3000; ++i) dots.push_back(random_mac_dot(rng, c));
  std::vector<std::vector<units::PeResult>> per_seed;
  int run = 0;
  for (std::uint64_t seed : kSeeds) {
    const std::uint64_t state = fx::lane_state(seed, 0, 0);
    const auto expected = mac_units_stream(c, dots, state);
    EXPECT_EQ(count_differences(expected, mac_fx_stream(c, dots, state)), 0u) << "seed " << seed;
    for (const auto& [pv, pr] : {std::pair{1.0, 1.0}, std::pair{0.6, 0.5}}) {
      m.lfsr_seed = state;  // loaded during run_stream's reset
      StreamOptions opt{static_cast<int>(p.at("STAGES")), pv, pr, base_seed() + run++};
      const StreamReport rep =
          run_pe(m, to_beats(dots, c.simd), expected, opt, c.a.width, c.w.width, c.out);
      EXPECT_EQ(rep.mismatches, 0u) << v.name << " seed " << seed << " stalls " << pv << "/" << pr;
      EXPECT_EQ(rep.results, dots.size());
    }
    per_seed.push_back(expected);
  }
  // Another seed, other roundings: many results differ (each inexact one with some probability).
  EXPECT_GT(count_differences(per_seed[0], per_seed[1]), dots.size() / 20);
  EXPECT_GT(count_differences(per_seed[1], per_seed[2]), dots.size() / 20);
}

INSTANTIATE_TEST_SUITE_P(Variants, StochMacPe, ::testing::ValuesIn(kMacVariants),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- bn_act ---------------------------------------------------------------------------------

struct BnElem {
  std::int64_t x = 0, bias = 0;
  std::uint64_t scale_word = 0;
};

// d = F - OUT_FRAC: 10 (fixed-point scale, relu), 29 (K-hot scale, none).
const MacVariant kBnVariants[] = {
    {"d10_fixed_relu_s2", {{"SCALE_KIND", 0}, {"OUT_W", 16}, {"ACT", 1}, {"Q", 7}, {"STAGES", 2}}},
    {"d29_khot_none_s3",
     {{"SCALE_KIND", 1},
      {"K", 2},
      {"SH_W", 3},
      {"S_FRAC", 6},
      {"X_W", 16},
      {"X_FRAC", 14},
      {"B_W", 24},
      {"B_FRAC", 30},
      {"OUT_W", 10},
      {"OUT_FRAC", 1},
      {"Q", 7},
      {"O", 2},
      {"ACT", 0},
      {"STAGES", 3}}},
};

fx::Terms word_terms(std::uint64_t word, const units::BnActConfig& c) {
  fx::Terms terms;
  for (int k = 0; k < c.k; ++k) {
    const std::uint64_t t = (word >> (k * c.term_width())) & low_mask(c.term_width());
    if (t >> (c.sh_w + 1)) {
      terms.push_back(fx::Term{((t >> c.sh_w) & 1) != 0, static_cast<int>(t & low_mask(c.sh_w))});
    }
  }
  return terms;
}

// The scale's value, from the port word (the K-hot terms read bit by bit here).
std::int64_t scale_value(std::uint64_t word, const units::BnActConfig& c) {
  if (c.scale_kind == 0) return to_raw(word, c.scale.width, c.scale.is_signed);
  std::int64_t v = 0;
  for (int k = 0; k < c.k; ++k) {
    const std::uint64_t t = (word >> (k * c.term_width())) & low_mask(c.term_width());
    if (!(t >> (c.sh_w + 1))) continue;
    const std::int64_t p = std::int64_t{1} << (t & low_mask(c.sh_w));
    v += ((t >> c.sh_w) & 1) ? -p : p;
  }
  return v;
}

class StochBnAct : public ::testing::TestWithParam<MacVariant> {};

TEST_P(StochBnAct, RtlEqualsReferenceForSeedsUnderStalls) {
  const MacVariant& v = GetParam();
  const units::ParamMap p = units::resolve_params(units::find_unit("bn_act"), v.overrides);
  const units::BnActConfig c = units::BnActConfig::from(p);
  const int scale_w = c.scale_kind == 0 ? c.scale.width : c.k * c.term_width();
  Dut m("bn_act", v.overrides);
  std::mt19937_64 rng(base_seed() * 104729 + c.sum_frac());
  std::vector<BnElem> elems(20000);
  for (BnElem& e : elems) {
    e.x = random_raw(rng, c.x);
    e.bias = random_raw(rng, c.bias);
    if (rng() % 2) e.bias >>= c.bias.width / 2;
    e.scale_word = rng() & low_mask(scale_w);
  }
  std::vector<std::vector<std::int64_t>> per_seed;
  int run = 0;
  for (std::uint64_t seed : kSeeds) {
    const std::uint64_t state = fx::lane_state(seed, 0, 3);
    std::vector<std::int64_t> expected, direct;
    fx::Lfsr lfsr_units(state), lfsr_fx(state);
    fx::StochasticCaster caster(c.out, lfsr_fx);
    const int pf = c.product_frac(), bf = c.bias.frac_bits(), f = std::max(pf, bf);
    for (const BnElem& e : elems) {
      const fx::Terms terms = word_terms(e.scale_word, c);
      const std::int64_t scale = to_raw(e.scale_word, c.scale.width, c.scale.is_signed);
      expected.push_back(units::bn_act(c, e.x, scale, terms, e.bias, &lfsr_units).y);
      // fx directly: exact t, the stochastic cast, the activation.
      const __int128 t =
          static_cast<__int128>(e.x) * scale_value(e.scale_word, c) * (__int128{1} << (f - pf)) +
          static_cast<__int128>(e.bias) * (__int128{1} << (f - bf));
      const std::int64_t r = caster.cast_from_raw(static_cast<std::int64_t>(t), f);
      direct.push_back(c.act == units::Activation::RELU ? std::max<std::int64_t>(r, 0) : r);
    }
    EXPECT_EQ(expected, direct) << "seed " << seed;
    for (const auto& [pv, pr] : {std::pair{1.0, 1.0}, std::pair{0.7, 0.4}}) {
      m.lfsr_seed = state;
      StreamOptions opt{static_cast<int>(p.at("STAGES")), pv, pr, base_seed() + run++};
      const StreamReport rep = run_stream(
          m, elems, expected, opt,
          [&](Dut& mm, const BnElem& e) {
            put_bits(mm.in_x, 0, c.x.width, static_cast<std::uint64_t>(e.x));
            put_bits(mm.in_scale, 0, scale_w, e.scale_word);
            put_bits(mm.in_bias, 0, c.bias.width, static_cast<std::uint64_t>(e.bias));
          },
          [](const BnElem&) { return true; },
          [&](const Dut& mm) {
            return to_raw(get_bits(mm.out_y, 0, c.out.width), c.out.width, c.out.is_signed);
          });
      EXPECT_EQ(rep.mismatches, 0u) << v.name << " seed " << seed << " stalls " << pv << "/" << pr;
      EXPECT_EQ(rep.results, elems.size());
    }
    per_seed.push_back(expected);
  }
  std::size_t diff = 0;
  for (std::size_t i = 0; i < elems.size(); ++i) diff += per_seed[0][i] != per_seed[1][i];
  EXPECT_GT(diff, elems.size() / 20);
}

INSTANTIATE_TEST_SUITE_P(Variants, StochBnAct, ::testing::ValuesIn(kBnVariants),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
