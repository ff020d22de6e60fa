// Signed-power-of-two (SPT) numbers: fx::khot_quantize on spt<W,I,K> checked
// against a reference greedy written here from the header's definition
// (exhaustive over small formats), plus a hand-worked table of the greedy
// rule. K-hot / ukhot and the shared term helpers are tested in khot_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"
#include "khot_test_util.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::KhotKind;
using fx::KhotType;
using fx::Term;
using fxtest::hand_max_magnitude;

// ---------------------------------------------------------------------------
// spt: reference greedy, from the header's definition.

// Everything in raw units (x * 2^F). Inputs are on a 2^-20 grid with
// magnitude < 2^12, so every residual is exact in a double.
//
// The terms are signed digits (khot.hpp: "the greedy terms (signed digits)"),
// so each power of two is used at most once. The two readings differ only at
// the top: with K >= 3 a residual in [0.75, 1) * 2^(W-2) left after the term
// 2^(W-2) is nearest to 2^(W-2) again; as a digit it cannot be reused and
// the next term is 2^(W-3).
int64_t reference_spt(double xr, const KhotType& t, std::vector<Term>* terms) {
  const int mb = t.width - 1;  // shifts 0 .. W-2
  const double maxm = static_cast<double>(hand_max_magnitude(t));
  double res = std::max(-maxm, std::min(maxm, xr));  // clamp first
  double value = 0;
  std::vector<bool> used(mb, false);
  for (int step = 0; step < t.k && res != 0; ++step) {
    // The signed power of two nearest to res; ties to the larger power.
    double best = 0;
    int best_shift = -1;
    bool best_neg = false;
    double best_dist = std::numeric_limits<double>::infinity();
    for (int s = 0; s < mb; ++s) {
      if (used[s]) continue;
      for (bool neg : {false, true}) {
        const double p = neg ? -std::ldexp(1.0, s) : std::ldexp(1.0, s);
        const double d = std::fabs(res - p);
        if (d < best_dist || (d == best_dist && s > best_shift)) {
          best_dist = d;
          best = p;
          best_shift = s;
          best_neg = neg;
        }
      }
    }
    if (best_shift < 0 || !(std::fabs(res - best) < std::fabs(res))) break;  // must reduce it
    used[best_shift] = true;
    res -= best;
    value += best;
    if (terms) terms->push_back({best_neg, best_shift});
  }
  return static_cast<int64_t>(value);
}

TEST(Spt, QuantizeMatchesReferenceGreedy) {
  std::mt19937_64 rng(21);
  int failures = 0;
  for (int w = 2; w <= 10; ++w) {
    for (int i : {0, 3, w}) {
      for (int k = 1; k <= w - 1; ++k) {
        const KhotType t = KhotType::make(KhotKind::SPT, w, i, k);
        const int f = t.frac_bits();
        const double maxm = static_cast<double>(hand_max_magnitude(t));
        ASSERT_EQ(t.max_magnitude(), hand_max_magnitude(t)) << t.str();
        std::vector<double> xs;
        for (double r = -maxm - 3; r <= maxm + 3; r += 0.25)
          xs.push_back(r);  // ints, halves, quarters
        for (int j = 0; j < 200; ++j) {
          const int64_t g = static_cast<int64_t>(rng() % (uint64_t{1} << 32)) - (int64_t{1} << 31);
          xs.push_back(std::ldexp(static_cast<double>(g), -20) * (maxm + 4) / 2048);
        }
        for (double xr : xs) {
          // Keep the reference exact: inputs on the 2^-20 grid.
          xr = std::ldexp(std::round(std::ldexp(xr, 20)), -20);
          std::vector<Term> ref_terms;
          const int64_t want = reference_spt(xr, t, &ref_terms);
          const int64_t got = fx::khot_quantize(std::ldexp(xr, -f), t);
          if (got != want) {
            if (++failures <= 10) {
              ADD_FAILURE() << "khot_quantize(" << xr << " LSB, " << t.str() << ") = " << got
                            << ", reference greedy " << want << " ("
                            << fx::format_terms(ref_terms, f) << ")";
            }
            continue;
          }
          const bool in_range = static_cast<double>(got < 0 ? -got : got) <= maxm;
          if ((!in_range || static_cast<int>(ref_terms.size()) > k) && ++failures <= 10) {
            ADD_FAILURE() << t.str() << ": " << got << " out of range or too many terms";
          }
          if (!fx::khot_representable(got, t)) {
            if (++failures <= 10) {
              ADD_FAILURE() << t.str() << ": khot_representable(" << got
                            << ") is false for a quantized value";
            }
            continue;
          }
          // encode gives the greedy signed digits of the raw value.
          std::vector<Term> enc_ref;
          reference_spt(static_cast<double>(got), t, &enc_ref);
          const std::vector<Term> enc = fx::khot_encode(got, t);
          if ((enc != enc_ref || fx::terms_value(enc) != got || static_cast<int>(enc.size()) > k) &&
              ++failures <= 10) {
            ADD_FAILURE() << t.str() << ": khot_encode(" << got
                          << ") = " << fx::format_terms(enc, f) << ", reference "
                          << fx::format_terms(enc_ref, f);
          }
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(Spt, SinglePowersOfTwoAreExact) {
  for (int w = 2; w <= 64; w += (w < 12 ? 1 : 13)) {
    for (int k = 1; k <= std::min(w - 1, 4); ++k) {
      const KhotType t = KhotType::make(KhotKind::SPT, w, 2, k);
      for (int s = 0; s <= w - 2; ++s) {
        for (bool neg : {false, true}) {
          const double x = std::ldexp(neg ? -1.0 : 1.0, s - t.frac_bits());
          const int64_t raw = fx::khot_quantize(x, t);
          const int64_t want = neg ? -(int64_t{1} << s) : (int64_t{1} << s);
          EXPECT_EQ(raw, want) << t.str() << " x = 2^" << (s - t.frac_bits());
          EXPECT_EQ(fx::khot_encode(raw, t), (std::vector<Term>{{neg, s}})) << t.str();
          EXPECT_EQ(fx::khot_to_double(raw, t), x);
        }
      }
    }
  }
}

TEST(Spt, HandWorkedGreedyTable) {
  // spt<8,8,2>: F = 0, shifts 0..6 (powers 1..64), K = 2,
  // max magnitude = the K top of 7 magnitude bits = 64 + 32 = 96.
  const KhotType t = KhotType::make(KhotKind::SPT, 8, 8, 2);
  EXPECT_EQ(t.max_magnitude(), 96u);
  struct Row {
    double x;
    int64_t raw;
    std::vector<Term> terms;  // of the quantized raw (khot_encode)
  };
  const Row rows[] = {
      // 7: 8 (1 away) beats 4 (3 away): +8; residual -1: -1. 8 - 1 = 7.
      {7, 7, {{false, 3}, {true, 0}}},
      // 5: 4 (1 away) beats 8 (3): +4; residual 1: +1. 5.
      {5, 5, {{false, 2}, {false, 0}}},
      // 6: 4 and 8 both 2 away, tie -> larger +8; residual -2: -2. 6.
      {6, 6, {{false, 3}, {true, 1}}},
      // 3: 2 / 4 tie -> +4; residual -1: -1. 3.
      {3, 3, {{false, 2}, {true, 0}}},
      // 11: 8 (3) beats 16 (5): +8; residual 3: 2 / 4 tie -> +4. 12 (K = 2 used).
      // encode(12): 8 / 16 tie -> +16; residual -4: -4.
      {11, 12, {{false, 4}, {true, 2}}},
      // 13: 16 (3) beats 8 (5): +16; residual -3: -2 / -4 tie -> -4. 12.
      {13, 12, {{false, 4}, {true, 2}}},
      // -7: -8, then +1. -7.
      {-7, -7, {{true, 3}, {false, 0}}},
      // 48: 32 / 64 tie -> +64; residual -16: -16. 48.
      {48, 48, {{false, 6}, {true, 4}}},
      // 100: clamped to 96; 64 (128 is beyond shift 6); residual 32: +32. 96.
      {100, 96, {{false, 6}, {false, 5}}},
      {-1000, -96, {{true, 6}, {true, 5}}},
      // 95: 64; residual 31: 32 (1 away) -> 96.
      {95, 96, {{false, 6}, {false, 5}}},
      // 0.5: +1 would leave -0.5, no smaller than 0.5: no term. 0.
      {0.5, 0, {}},
      // 0.75: +1 leaves -0.25 (smaller): taken; -1 would leave 0.75: stop. 1.
      {0.75, 1, {{false, 0}}},
      // 1.5: 1 / 2 tie -> +2; residual -0.5: -1 does not reduce it. 2.
      {1.5, 2, {{false, 1}}},
      // 2.5: 2 (0.5 away) beats 4 (1.5): +2; residual 0.5: no term. 2.
      {2.5, 2, {{false, 1}}},
      {0, 0, {}},
      {64, 64, {{false, 6}}},
  };
  for (const Row& r : rows) {
    const int64_t raw = fx::khot_quantize(r.x, t);
    EXPECT_EQ(raw, r.raw) << "spt<8,8,2> of " << r.x;
    EXPECT_EQ(fx::khot_encode(r.raw, t), r.terms) << "khot_encode(" << r.raw << ")";
    EXPECT_EQ(fx::terms_value(r.terms), r.raw);
    EXPECT_TRUE(fx::khot_representable(r.raw, t)) << r.raw;
  }
  // 7 cannot be written with one signed power of two: not in spt<8,8,1>.
  EXPECT_FALSE(fx::khot_representable(7, KhotType::make(KhotKind::SPT, 8, 8, 1)));
  EXPECT_TRUE(fx::khot_representable(64, KhotType::make(KhotKind::SPT, 8, 8, 1)));
  EXPECT_FALSE(fx::khot_representable(97, t));   // beyond max magnitude
  EXPECT_FALSE(fx::khot_representable(128, t));  // beyond the magnitude bits
  EXPECT_THROW(fx::khot_encode(97, t), fx::FxTypeError);

  // Each power of two is one signed digit, used at most once.
  // spt<4,4,3>: F = 0, powers 1, 2, 4, max magnitude 4 + 2 + 1 = 7.
  // 7: +4 (8 is beyond the magnitude bits); residual 3 is as near to 4 as to
  // 2, but 4 is taken: +2; residual 1: +1. 7 = +4 +2 +1.
  const KhotType t3 = KhotType::make(KhotKind::SPT, 4, 4, 3);
  EXPECT_EQ(fx::khot_quantize(7, t3), 7);
  EXPECT_EQ(fx::khot_encode(7, t3), (std::vector<Term>{{false, 2}, {false, 1}, {false, 0}}));
  // spt<7,7,4>: powers 1..32, max magnitude 32 + 16 + 8 + 4 = 60.
  // -59: -32 (-64 is beyond); residual -27: -16 (-32 is taken); -11: -8;
  // -3: -2 / -4 tie -> -4; K = 4 terms used: -60. (Reusing -32 would give
  // -32 -32 +4 +1 = -59 exactly.) So -59 is not a value of spt<7,7,4>.
  const KhotType t4 = KhotType::make(KhotKind::SPT, 7, 7, 4);
  EXPECT_EQ(fx::khot_quantize(-59, t4), -60);
  EXPECT_EQ(fx::khot_encode(-60, t4),
            (std::vector<Term>{{true, 5}, {true, 4}, {true, 3}, {true, 2}}));
  EXPECT_FALSE(fx::khot_representable(-59, t4));
  EXPECT_TRUE(fx::khot_representable(-60, t4));

  // spt<8,1,2>: F = 7. 0.4375 = 56 LSB: 64 (8 away) beats 32: +64; residual -8: -8.
  const KhotType t2 = KhotType::make(KhotKind::SPT, 8, 1, 2);
  EXPECT_EQ(fx::khot_quantize(0.4375, t2), 56);
  EXPECT_EQ(fx::format_terms(fx::khot_encode(56, t2), t2.frac_bits()), "+2^-1 -2^-4");
  EXPECT_EQ(fx::khot_to_double(56, t2), 0.4375);
  EXPECT_EQ(fx::khot_quantize(std::nan(""), t2), 0);
}

}  // namespace
