// bn_act: both scale kinds and all five activations across the variants, bit-exact against
// models/units (bn_act) and against fx directly (exact __int128 t, fx::cast_from_raw, the
// activation written out here from docs/rtl_units.md), with the cycle model.
#include "models/units/bn_act/bn_act.hpp"

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

struct BnBeat {
  std::int64_t x = 0, bias = 0;
  std::uint64_t scale_word = 0;  // S_W-bit raw, or K packed terms
};

struct Coverage {
  std::uint64_t ties = 0, overflows = 0, negative = 0, clipped = 0;
};

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

// fx directly; the activation from the doc: ONE = raw 1.0 clamped to the output range.
std::int64_t fx_reference(const units::BnActConfig& c, const BnBeat& b, Coverage* cov) {
  const int pf = c.x.frac_bits() + c.s_frac, bf = c.bias.frac_bits(), f = std::max(pf, bf);
  const __int128 t =
      static_cast<__int128>(b.x) * scale_value(b.scale_word, c) * (__int128{1} << (f - pf)) +
      static_cast<__int128>(b.bias) * (__int128{1} << (f - bf));
  fx::CastFlags fl;
  std::int64_t r = fx::cast_from_raw(static_cast<std::int64_t>(t), f, c.out, &fl);
  r = perturb_on_tie(r, fl.tie);  // a separate statement: fl is set by the cast
  cov->ties += fl.tie;
  cov->overflows += fl.overflow;
  cov->negative += r < 0;
  const std::int64_t hi = c.out.raw_max();
  const std::int64_t one = c.out.frac_bits() >= c.out.width - (c.out.is_signed ? 1 : 0)
                               ? hi
                               : std::int64_t{1} << c.out.frac_bits();
  switch (static_cast<int>(c.act)) {
    case 1:
      return r < 0 ? 0 : r;
    case 2:
      cov->clipped += r > c.clip;
      return r < 0 ? 0 : (r > c.clip ? c.clip : r);
    case 3:
      return r > one ? one : (r < -one ? -one : r);
    case 4:
      return r >= 0 ? one : (c.out.is_signed ? -one : 0);
    default:
      return r;
  }
}

BnBeat random_beat(std::mt19937_64& rng, const units::BnActConfig& c) {
  BnBeat b;
  b.x = random_raw(rng, c.x);
  b.bias = random_raw(rng, c.bias);
  if (rng() % 4 == 0) b.bias >>= (rng() % c.bias.width);  // small biases: outputs near zero
  if (c.scale_kind == 0) {
    b.scale_word = static_cast<std::uint64_t>(random_raw(rng, c.scale)) & low_mask(c.scale.width);
  } else if (rng() % 2) {
    b.scale_word = rng() & low_mask(c.k * c.term_width());  // arbitrary terms
  } else {
    const int w = (1 << c.sh_w) + 1;
    const fx::KhotType kt = fx::KhotType::make(rng() % 2 ? fx::KhotKind::SPT : fx::KhotKind::KHOT,
                                               w, w - c.s_frac, c.k);
    std::uniform_real_distribution<double> real(-std::ldexp(1.0, kt.int_bits - 1),
                                                std::ldexp(1.0, kt.int_bits - 1));
    const auto terms = fx::khot_encode(fx::khot_quantize(real(rng), kt), kt);
    for (std::size_t k = 0; k < terms.size(); ++k) {
      const std::uint64_t t = (std::uint64_t{1} << (c.sh_w + 1)) |
                              (std::uint64_t{terms[k].negative} << c.sh_w) |
                              static_cast<std::uint64_t>(terms[k].shift);
      b.scale_word |= t << (k * c.term_width());
    }
  }
  return b;
}

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

StreamReport run_bn(Dut& m, const units::BnActConfig& c, const std::vector<BnBeat>& beats,
                    const std::vector<std::int64_t>& expected, const StreamOptions& opt) {
  const int scale_w = c.scale_kind == 0 ? c.scale.width : c.k * c.term_width();
  return run_stream(
      m, beats, expected, opt,
      [&](Dut& mm, const BnBeat& b) {
        put_bits(mm.in_x, 0, c.x.width, static_cast<std::uint64_t>(b.x));
        put_bits(mm.in_scale, 0, scale_w, b.scale_word);
        put_bits(mm.in_bias, 0, c.bias.width, static_cast<std::uint64_t>(b.bias));
      },
      [](const BnBeat&) { return true; },
      [&](const Dut& mm) {
        return to_raw(get_bits(mm.out_y, 0, c.out.width), c.out.width, c.out.is_signed);
      });
}

Coverage check_random(const units::ParamMap& overrides, std::uint64_t seed_salt) {
  const units::ParamMap p = units::resolve_params(units::find_unit("bn_act"), overrides);
  const units::BnActConfig c = units::BnActConfig::from(p);
  std::mt19937_64 rng(base_seed() * 1000003 + seed_salt);
  const std::uint64_t total = vectors_per_variant();
  Coverage cov;
  std::uint64_t done = 0, arith_mismatch = 0, rtl_mismatch = 0, run = 0;
  Dut m("bn_act", overrides);
  while (done < total) {
    const std::uint64_t n = std::min<std::uint64_t>(50000, total - done);
    std::vector<BnBeat> beats;
    std::vector<std::int64_t> expected;
    for (std::uint64_t i = 0; i < n; ++i) {
      beats.push_back(random_beat(rng, c));
      const BnBeat& b = beats.back();
      const std::int64_t want = fx_reference(c, b, &cov);
      const units::BnActResult a =
          units::bn_act(c, b.x, c.scale_kind == 0 ? scale_value(b.scale_word, c) : 0,
                        c.scale_kind == 1 ? word_terms(b.scale_word, c) : fx::Terms{}, b.bias);
      if (a.y != want && arith_mismatch++ < 3) {
        ADD_FAILURE() << "arith " << a.y << " vs fx " << want << " (x " << b.x << ")";
      }
      expected.push_back(want);
    }
    const auto& [pv, pr] = stall_patterns()[run % stall_patterns().size()];
    const StreamReport rep = run_bn(m, c, beats, expected, StreamOptions{c.stages, pv, pr, rng()});
    rtl_mismatch += rep.mismatches;
    EXPECT_EQ(rep.results, n);
    done += n;
    ++run;
  }
  EXPECT_EQ(arith_mismatch, 0u);
  EXPECT_EQ(rtl_mismatch, 0u) << units::format_params(units::find_unit("bn_act"), p);
  EXPECT_GT(cov.ties, 0u);
  EXPECT_GT(cov.overflows, 0u);
  return cov;
}

TEST(BnAct, RandomMultiplierRelu) { check_random(fxsim::rtl_variants::bn_relu::overrides(), 31); }
TEST(BnAct, RandomMultiplierReluClipStage1) {
  const Coverage c = check_random(fxsim::rtl_variants::bn_clip::overrides(), 32);
  EXPECT_GT(c.clipped, 0u);
}
TEST(BnAct, RandomMultiplierNoneStage5) {
  check_random(fxsim::rtl_variants::bn_none::overrides(), 33);
}
TEST(BnAct, RandomKhotHardtanh) {
  const Coverage c = check_random(fxsim::rtl_variants::bn_tanh::overrides(), 34);
  EXPECT_GT(c.negative, 0u);
}
TEST(BnAct, RandomKhotSign) {
  const Coverage c = check_random(fxsim::rtl_variants::bn_sign::overrides(), 35);
  EXPECT_GT(c.negative, 0u);
}

// Hand-worked on bn_relu (x 8 frac, scale 6 frac, bias 8 frac: t has 14 frac; out 4 frac
// RND_CONV SAT, relu): x = 384 (1.5), scale = 96 (1.5), bias = -64 (-0.25): 2.25 - 0.25 = 2.0
// -> 32. x = -256 (-1.0), scale 64 (1.0), bias 0: -1.0 -> relu 0. x = 32767 (127.99...),
// scale 127 (1.98...), bias 0: ~254 -> SAT 127 (7.9375). x = 9 (0.03515625), scale 64, bias 0:
// x16 = 0.5625 -> 1. x = 8 (0.03125), scale 64: x16 = 0.5, a tie -> 0 (even).
TEST(BnAct, HandWorkedRelu) {
  Dut m("bn_act", fxsim::rtl_variants::bn_relu::overrides());
  const units::BnActConfig c = units::BnActConfig::from(
      units::resolve_params(units::find_unit("bn_act"), fxsim::rtl_variants::bn_relu::overrides()));
  const std::vector<BnBeat> beats = {
      {384, -64, 96}, {-256, 0, 64}, {32767, 0, 127}, {9, 0, 64}, {8, 0, 64}};
  const std::vector<std::int64_t> expected = {32, 0, 127, 1, 0};
  const StreamReport rep = run_bn(m, c, beats, expected, StreamOptions{2});
  EXPECT_EQ(rep.mismatches, 0u);
  EXPECT_EQ(rep.cycles, 7u);  // 5 beats back to back, latency 2
}

}  // namespace
