// khot_pe: K = 1, 2, 3; weights from fx::khot_encode of khot and spt values (padded with disabled
// terms), plus arbitrary term words (any {en, neg, shift} is legal hardware input). Bit-exact
// against models/units (khot_dot) and against fx directly (each weight's value from
// fx::terms_value, an exact __int128 product sum, fx::cast_from_raw), with the cycle model.
#include "models/units/khot_pe/khot_pe.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "fx/cast.hpp"
#include "fx/khot.hpp"
#include "testbenches/rtl/pe_stream.hpp"
#include "testbenches/rtl/rtl_variants.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace fx = fxsim::fx;

namespace {

namespace units = fxsim::units;
using namespace fxsim::rtl_test;

// Port word of one weight: K terms {en, neg, shift}, term k at bits [k*TERM_W +: TERM_W].
std::uint64_t pack_terms(const fx::Terms& terms, const units::KhotPeConfig& c) {
  std::uint64_t word = 0;
  for (std::size_t k = 0; k < terms.size(); ++k) {
    const std::uint64_t t = (std::uint64_t{1} << (c.sh_w + 1)) |
                            (std::uint64_t{terms[k].negative} << c.sh_w) |
                            static_cast<std::uint64_t>(terms[k].shift);
    word |= t << (k * c.term_width());
  }
  return word;
}

// Read back independently of pack_terms: the weight's value in raw units (2^-W_FRAC).
std::int64_t word_value(std::uint64_t word, const units::KhotPeConfig& c) {
  std::int64_t v = 0;
  for (int k = 0; k < c.k; ++k) {
    const std::uint64_t t = (word >> (k * c.term_width())) & low_mask(c.term_width());
    if (!(t >> (c.sh_w + 1))) continue;
    const std::int64_t p = std::int64_t{1} << (t & low_mask(c.sh_w));
    v += ((t >> c.sh_w) & 1) ? -p : p;
  }
  return v;
}

fx::Terms word_terms(std::uint64_t word, const units::KhotPeConfig& c) {
  fx::Terms terms;
  for (int k = 0; k < c.k; ++k) {
    const std::uint64_t t = (word >> (k * c.term_width())) & low_mask(c.term_width());
    if (t >> (c.sh_w + 1)) {
      terms.push_back(fx::Term{((t >> c.sh_w) & 1) != 0, static_cast<int>(t & low_mask(c.sh_w))});
    }
  }
  return terms;
}

// The K-hot / SPT formats whose shifts fit SH_W: magnitude bits = 2^SH_W.
fx::KhotType weight_type(fx::KhotKind kind, const units::KhotPeConfig& c) {
  const int w = (1 << c.sh_w) + 1;
  return fx::KhotType::make(kind, w, w - c.w_frac, c.k);
}

PeDot random_dot(std::mt19937_64& rng, const units::KhotPeConfig& c) {
  const int len = 1 + static_cast<int>(rng() % (4 * c.simd));
  const int mode = static_cast<int>(rng() % 3);  // 0 khot, 1 spt, 2 arbitrary term words
  const fx::KhotType kt = weight_type(mode == 0 ? fx::KhotKind::KHOT : fx::KhotKind::SPT, c);
  const double range = std::ldexp(1.0, kt.int_bits - 1) * 1.1;
  std::uniform_real_distribution<double> real(-range, range);
  const bool big = rng() % 8 == 0;  // all-extreme operands: accumulator overflow
  PeDot d;
  for (int i = 0; i < len; ++i) {
    std::int64_t a = big ? (rng() % 2 ? c.a.raw_max() : c.a.raw_min()) : random_raw(rng, c.a);
    d.a.push_back(a);
    if (mode == 2) {
      d.w_words.push_back(rng() & low_mask(c.k * c.term_width()));
    } else {
      const std::int64_t raw =
          big ? static_cast<std::int64_t>(kt.max_magnitude()) : fx::khot_quantize(real(rng), kt);
      d.w_words.push_back(pack_terms(fx::khot_encode(raw, kt), c));
    }
  }
  return d;
}

void check_random(const units::ParamMap& overrides, std::uint64_t seed_salt) {
  const units::ParamMap p = units::resolve_params(units::find_unit("khot_pe"), overrides);
  const units::KhotPeConfig c = units::KhotPeConfig::from(p);
  Dut m("khot_pe", overrides);
  const RandomPeReport r = random_pe_suite(
      m, c, base_seed() * 1000003 + seed_salt, c.k * c.term_width(),
      [&](std::mt19937_64& rng) { return random_dot(rng, c); },
      [&](std::uint64_t word) { return word_value(word, c); },
      [&](const PeDot& d) {
        std::vector<fx::Terms> w;
        for (std::uint64_t word : d.w_words) w.push_back(word_terms(word, c));
        return units::khot_dot(c, d.a, w);
      });
  const PeCoverage& cov = r.cov;
  EXPECT_EQ(r.arith_mismatches, 0u);
  EXPECT_EQ(r.rtl_mismatches, 0u) << units::format_params(units::find_unit("khot_pe"), p);
  EXPECT_GT(cov.acc_overflows, 0u);
  EXPECT_GT(cov.out_ties, 0u);
  EXPECT_GT(cov.out_overflows, 0u);
}

TEST(KhotPe, RandomK1Stage1) { check_random(fxsim::rtl_variants::khot_k1::overrides(), 21); }
TEST(KhotPe, RandomK2Stage2) { check_random(fxsim::rtl_variants::khot_k2::overrides(), 22); }
TEST(KhotPe, RandomK3Stage3) { check_random(fxsim::rtl_variants::khot_k3::overrides(), 23); }

// Hand-worked on khot_k2 (A 4 frac bits, W_FRAC 7, product 11 frac, out 8 bits 4 frac RND_INF):
// a = 24 (1.5), weight spt 0.75 = +2^0 -2^-2 -> terms {+, shift 7}, {-, shift 5}:
// 24 * (128 - 32) = 2304 -> 2304 / 2^11 = 1.125 -> x16 = 18 exactly.
// a = -8 (-0.5), weight +2^-7 (shift 0): -8 / 2^11 -> x16 = -0.0625 -> nearest 0 (no tie).
// a = -16 (-1.0), weight +2^-4 (shift 3): -128 / 2^11 = -0.0625 -> x16 = -1 exactly.
TEST(KhotPe, HandWorkedSpt) {
  Dut m("khot_pe", fxsim::rtl_variants::khot_k2::overrides());
  const units::KhotPeConfig c = units::KhotPeConfig::from(units::resolve_params(
      units::find_unit("khot_pe"), fxsim::rtl_variants::khot_k2::overrides()));
  const fx::KhotType spt = weight_type(fx::KhotKind::SPT, c);
  ASSERT_EQ(fx::khot_encode(96, spt), (fx::Terms{{false, 7}, {true, 5}}));
  const std::vector<PeDot> dots = {{{24}, {pack_terms({{false, 7}, {true, 5}}, c)}},
                                   {{-8}, {pack_terms({{false, 0}}, c)}},
                                   {{-16}, {pack_terms({{false, 3}}, c)}}};
  const std::vector<units::PeResult> expected = {{18, false}, {0, false}, {-1, false}};
  const StreamReport rep = run_pe(m, to_beats(dots, c.simd), expected, StreamOptions{2}, c.a.width,
                                  c.k * c.term_width(), c.out);
  EXPECT_EQ(rep.mismatches, 0u);
  EXPECT_EQ(rep.cycles, 5u);  // 3 beats, latency 2: the third result is taken on edge 5
}

}  // namespace
