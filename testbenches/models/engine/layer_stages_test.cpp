// The layer stages' fast paths against the general arithmetic, value by value and count by count:
//  * PeArrayStage: its int16 path (run16, taken when the actual weights bound every prefix sum)
//    and its int64 path (run), on random formats, SIMD widths, accumulator sizes around the
//    bound and every accumulator / output mode, against a brute force written here from fx
//    alone (the accumulator cast after every beat, then the output cast, as independent.hpp);
//  * fits_int16 on hand-worked edges: a prefix bound equal to the accumulator's largest raw, or
//    to INT32_MAX's floor, takes the path; one more does not;
//  * BnStage (K-hot scales decoded per call or once up front, one cast loop per call, one or
//    many pixels) against
//    units::bn_act (the unit's
//    reference, shift-add terms unpacked per value) for both scale kinds, every activation and
//    every output mode.
#include "models/engine/layer_stages.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "fx/cast.hpp"
#include "models/engine/memory_map.hpp"

namespace fxsim::tlm_test {
namespace {

using fx::FxType;

std::int64_t uniform(std::mt19937_64& rng, std::int64_t lo, std::int64_t hi) {
  return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
}

FxType random_output(std::mt19937_64& rng) {
  const auto q = fx::kAllRoundings[rng() % 7];
  const auto o = fx::kAllOverflows[rng() % 5];
  const int w = static_cast<int>(uniform(rng, 2, 16));
  return FxType::make_signed(w, static_cast<int>(uniform(rng, -2, w)), q, o,
                             static_cast<int>(uniform(rng, 0, 2)));
}

// The PE array by brute force: per row, ceil(n / SIMD) beats, the accumulator cast (TRN, ACC_O)
// after each, an accumulator overflow when that cast changed the sum; then the output cast.
struct BruteForce {
  std::vector<std::int64_t> out;
  engine::Coverage cov;
};

BruteForce brute_force(const units::AccumulatorConfig& c, const std::vector<std::int64_t>& w,
                       const std::vector<std::int64_t>& x, int n_out) {
  const int n = static_cast<int>(x.size());
  BruteForce r;
  for (int o = 0; o < n_out; ++o) {
    std::int64_t acc = 0;
    for (int i0 = 0; i0 < n; i0 += c.simd) {
      std::int64_t beat = 0;
      for (int i = i0; i < std::min(n, i0 + c.simd); ++i) beat += x[i] * w[o * n + i];
      const std::int64_t sum = acc + beat;
      acc = fx::cast_from_raw(sum, c.acc.frac_bits(), c.acc);
      r.cov.accumulator.count += 1;
      r.cov.accumulator.overflows += acc != sum;
    }
    fx::CastFlags f;
    r.out.push_back(fx::cast_from_raw(acc, c.product_frac(), c.out, &f));
    r.cov.mac_requant.count += 1;
    r.cov.mac_requant.overflows += f.overflow;
    r.cov.mac_requant.ties += f.tie;
    r.cov.mac_requant.inexact += f.inexact;
  }
  return r;
}

void expect_same(const engine::StageCoverage& a, const engine::StageCoverage& b,
                 const std::string& what) {
  EXPECT_EQ(a.count, b.count) << what;
  EXPECT_EQ(a.overflows, b.overflows) << what;
  EXPECT_EQ(a.ties, b.ties) << what;
  EXPECT_EQ(a.inexact, b.inexact) << what;
}

TEST(PeArrayStage, BothPathsEqualBruteForce) {
  std::mt19937_64 rng(0x70656172);
  int narrow_cases = 0, wide_cases = 0, overflowing_cases = 0;
  for (int trial = 0; trial < 600; ++trial) {
    units::AccumulatorConfig c;
    c.simd = static_cast<int>(uniform(rng, 1, 9));
    const bool a_signed = rng() % 4 != 0;
    const int a_w = static_cast<int>(uniform(rng, 1, 16));
    c.a = FxType::make(a_signed, a_w, static_cast<int>(uniform(rng, -2, a_w)));
    c.w_frac = static_cast<int>(uniform(rng, 0, 6));
    const std::int64_t w_max = std::int64_t{1} << uniform(rng, 0, 14);
    const int n_in = static_cast<int>(uniform(rng, 1, 100));
    const int n_out = static_cast<int>(uniform(rng, 1, 6));
    std::vector<std::int64_t> w(static_cast<std::size_t>(n_in) * n_out), x(n_in);
    for (auto& v : w) v = uniform(rng, -w_max, w_max);
    for (auto& v : x) v = uniform(rng, c.a.raw_min(), c.a.raw_max());
    if (trial % 5 == 0) {  // extreme activations: every prefix near its bound
      for (auto& v : x) v = rng() % 2 ? c.a.raw_min() : c.a.raw_max();
    }
    // An accumulator from far too small (wraps / saturates) to roomy.
    const int acc_w = static_cast<int>(uniform(rng, 4, 40));
    const auto acc_o = fx::kAllOverflows[rng() % 5];
    c.acc = FxType::make_signed(acc_w, acc_w - c.product_frac(), fx::Rounding::TRN, acc_o,
                                static_cast<int>(uniform(rng, 0, 2)));
    c.out = random_output(rng);

    const BruteForce want = brute_force(c, w, x, n_out);
    const std::string what = "trial " + std::to_string(trial) + " acc " + c.acc.str() + " a " +
                             c.a.str() + " n_in " + std::to_string(n_in);
    for (const bool bounded : {false, true}) {
      engine::PeArrayStage pe(c, bounded ? engine::weight_bounds(w.data(), n_in, n_out)
                                         : engine::WeightBounds{w_max, -1});
      std::vector<std::int64_t> out(n_out);
      engine::Coverage cov;
      pe.run(w.data(), x.data(), n_in, 0, n_out, out.data(), &cov);
      EXPECT_EQ(out, want.out) << what;
      expect_same(cov.accumulator, want.cov.accumulator, what + " accumulator");
      expect_same(cov.mac_requant, want.cov.mac_requant, what + " mac_requant");
      if (!pe.fits_int16(n_in)) {
        wide_cases += bounded;
        overflowing_cases += bounded && want.cov.accumulator.overflows > 0;
        continue;
      }
      EXPECT_EQ(want.cov.accumulator.overflows, 0u) << what;  // the path's premise
      narrow_cases += bounded;
      std::vector<std::int16_t> w16(w.size()), x16(x.size());
      ASSERT_TRUE(engine::narrow_to_int16(w.data(), w.size(), w16.data()));
      ASSERT_TRUE(engine::narrow_to_int16(x.data(), x.size(), x16.data()));
      engine::Coverage cov16;
      std::vector<std::int64_t> out16(n_out);
      // Outputs [1, n_out) then [0, 1): a fold at a time, as the SystemC model calls it.
      pe.run16(w16.data(), x16.data(), n_in, 1, n_out, out16.data() + 1, &cov16);
      pe.run16(w16.data(), x16.data(), n_in, 0, 1, out16.data(), &cov16);
      EXPECT_EQ(out16, want.out) << what;
      expect_same(cov16.accumulator, want.cov.accumulator, what + " accumulator (int16)");
      expect_same(cov16.mac_requant, want.cov.mac_requant, what + " mac_requant (int16)");
    }
  }
  // The sample reached both paths, and rows whose accumulator does overflow.
  EXPECT_GT(narrow_cases, 100);
  EXPECT_GT(wide_cases, 100);
  EXPECT_GT(overflowing_cases, 30);
}

units::AccumulatorConfig edge_config(const FxType& a, int acc_w, fx::Overflow acc_o) {
  units::AccumulatorConfig c;
  c.simd = 2;
  c.a = a;
  c.acc = FxType::make_signed(acc_w, acc_w - a.frac_bits(), fx::Rounding::TRN, acc_o);
  c.out = FxType::make_signed(16, 16);
  return c;
}

bool fits(const units::AccumulatorConfig& c, const std::vector<std::int64_t>& row) {
  const int n = static_cast<int>(row.size());
  return engine::PeArrayStage(c, engine::weight_bounds(row.data(), n, 1)).fits_int16(n);
}

TEST(PeArrayStage, Int16PathEdges) {
  // a = fixed<1,1>: raws -1, 0, so max|a| = 1 and the prefix bound is the row's sum of |w|.
  // ACC_W = 16: largest raw 32767.
  const FxType a1 = FxType::make_signed(1, 1);
  for (const auto o : {fx::Overflow::WRAP, fx::Overflow::SAT, fx::Overflow::SAT_SYM}) {
    EXPECT_TRUE(fits(edge_config(a1, 16, o), {16384, -16383}));
    EXPECT_FALSE(fits(edge_config(a1, 16, o), {16384, -16384}));
  }
  // a = fixed<16,16>: max|a| = 32768; INT32_MAX / 32768 = 65535.99: a row sum of 65535 fits
  // int32 (with a 40-bit accumulator), 65536 does not.
  const FxType a16 = FxType::make_signed(16, 16);
  EXPECT_TRUE(fits(edge_config(a16, 40, fx::Overflow::WRAP), {32767, -32767, 1}));
  EXPECT_FALSE(fits(edge_config(a16, 40, fx::Overflow::WRAP), {32767, -32767, 2}));
  // A weight or an activation format beyond int16.
  EXPECT_FALSE(fits(edge_config(a1, 40, fx::Overflow::WRAP), {32768}));
  EXPECT_TRUE(fits(edge_config(a1, 40, fx::Overflow::WRAP), {32767}));
  EXPECT_FALSE(fits(edge_config(FxType::make_unsigned(16, 16), 48, fx::Overflow::WRAP), {1}));
  EXPECT_FALSE(fits(edge_config(FxType::make_signed(17, 17), 48, fx::Overflow::WRAP), {1}));
  // Unknown weights (no bound): never.
  EXPECT_FALSE(engine::PeArrayStage(edge_config(a1, 40, fx::Overflow::WRAP)).fits_int16(1));
  // narrow_to_int16 reports a raw that does not fit.
  const std::int64_t raws[] = {-32768, 32767, 32768};
  std::int16_t out[3];
  EXPECT_TRUE(engine::narrow_to_int16(raws, 2, out));
  EXPECT_EQ(out[0], -32768);
  EXPECT_EQ(out[1], 32767);
  EXPECT_FALSE(engine::narrow_to_int16(raws, 3, out));
}

TEST(BnStage, EqualsUnitsBnAct) {
  std::mt19937_64 rng(0x626e);
  for (int trial = 0; trial < 400; ++trial) {
    units::BnActConfig c;
    c.x = FxType::make_signed(static_cast<int>(uniform(rng, 4, 16)),
                              static_cast<int>(uniform(rng, 0, 8)));
    c.scale_kind = static_cast<int>(rng() % 2);
    c.s_frac = static_cast<int>(uniform(rng, 0, 8));
    c.scale = FxType::make_signed(static_cast<int>(uniform(rng, 2, 10)),
                                  static_cast<int>(uniform(rng, 2, 10)) - c.s_frac);
    c.k = static_cast<int>(uniform(rng, 1, 3));
    c.sh_w = static_cast<int>(uniform(rng, 1, 4));
    c.bias = FxType::make_signed(static_cast<int>(uniform(rng, 4, 16)),
                                 static_cast<int>(uniform(rng, 0, 8)));
    c.out = random_output(rng);
    c.act = static_cast<units::Activation>(rng() % 5);
    c.clip = uniform(rng, 0, c.out.raw_max());  // (OUT_FRAC >= 0 here, as hardtanh / sign need)
    const int n = static_cast<int>(uniform(rng, 1, 20));
    std::vector<std::int64_t> mac(n), scale(n), bias(n);
    for (auto& v : mac) v = uniform(rng, c.x.raw_min(), c.x.raw_max());
    for (auto& v : bias) v = uniform(rng, c.bias.raw_min(), c.bias.raw_max());
    for (auto& v : scale) {
      // Raw scales, or any term word of K fields of 2 + SH_W bits (disabled terms included).
      v = c.scale_kind == 0 ? uniform(rng, c.scale.raw_min(), c.scale.raw_max())
                            : static_cast<std::int64_t>(rng() >> (64 - c.k * (2 + c.sh_w)));
    }
    std::vector<std::int64_t> want(n);
    engine::Coverage want_cov;
    fx::Terms terms;
    for (int o = 0; o < n; ++o) {
      if (c.scale_kind == 1) engine::unpack_terms(scale[o], c.k, c.sh_w, &terms);
      const units::BnActResult r = units::bn_act(c, mac[o], scale[o], terms, bias[o]);
      want[o] = r.y;
      want_cov.bn_requant.count += 1;
      want_cov.bn_requant.overflows += r.requantized.flags.overflow;
      want_cov.bn_requant.ties += r.requantized.flags.tie;
      want_cov.bn_requant.inexact += r.requantized.flags.inexact;
      want_cov.activation.count += 1;
      want_cov.activation.overflows += r.y != r.requantized.raw;
    }
    engine::BnStage stage(c);
    std::vector<std::int64_t> y(n);
    engine::Coverage cov;
    const int split = n / 2;  // two calls, as the SystemC model's folds
    stage.run(mac.data(), scale.data(), bias.data(), 0, split, y.data(), &cov);
    stage.run(mac.data() + split, scale.data(), bias.data(), split, n, y.data() + split, &cov);
    const std::string what = "trial " + std::to_string(trial) + " out " + c.out.str();
    EXPECT_EQ(y, want) << what;
    expect_same(cov.bn_requant, want_cov.bn_requant, what + " bn_requant");
    expect_same(cov.activation, want_cov.activation, what + " activation");
    // The same with the scales decoded once up front.
    const std::vector<std::int64_t> values = stage.scale_values(scale.data(), n);
    std::vector<std::int64_t> y2(n);
    engine::Coverage cov2;
    stage.run_decoded(mac.data(), values.data(), bias.data(), 0, n, y2.data(), &cov2);
    EXPECT_EQ(y2, want) << what;
    expect_same(cov2.bn_requant, want_cov.bn_requant, what + " bn_requant (decoded)");
    expect_same(cov2.activation, want_cov.activation, what + " activation (decoded)");
    // Two pixels of n channels in one call (the second the first's mac values reversed).
    std::vector<std::int64_t> mac2(mac);
    mac2.insert(mac2.end(), mac.rbegin(), mac.rend());
    std::vector<std::int64_t> want2(want), y3(2 * static_cast<std::size_t>(n));
    engine::Coverage want_cov2 = want_cov, cov3;
    for (int o = 0; o < n; ++o) {
      if (c.scale_kind == 1) engine::unpack_terms(scale[o], c.k, c.sh_w, &terms);
      const units::BnActResult r = units::bn_act(c, mac[n - 1 - o], scale[o], terms, bias[o]);
      want2.push_back(r.y);
      want_cov2.bn_requant.count += 1;
      want_cov2.bn_requant.overflows += r.requantized.flags.overflow;
      want_cov2.bn_requant.ties += r.requantized.flags.tie;
      want_cov2.bn_requant.inexact += r.requantized.flags.inexact;
      want_cov2.activation.count += 1;
      want_cov2.activation.overflows += r.y != r.requantized.raw;
    }
    stage.run_pixels(mac2.data(), values.data(), bias.data(), n, 2, y3.data(), &cov3);
    EXPECT_EQ(y3, want2) << what;
    expect_same(cov3.bn_requant, want_cov2.bn_requant, what + " bn_requant (pixels)");
    expect_same(cov3.activation, want_cov2.activation, what + " activation (pixels)");
  }
}

}  // namespace
}  // namespace fxsim::tlm_test
