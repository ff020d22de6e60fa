// K-hot and signed-power-of-two (SPT) numbers.
//
//  * khot / ukhot: for W <= 12, every K and several I, a brute force over all
//    representable values proves that no value is nearer to the input than
//    khot_quantize's result (ties to the larger magnitude), on all midpoints
//    between representable values, random doubles and inputs beyond the range.
//  * spt: results checked against a reference greedy written here from the
//    header's definition (exhaustive over small formats), plus a hand-worked
//    table of the greedy rule.
//  * encode / representable / terms_value / format_terms / str / validate.
#include "fx/khot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bitset>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "fx/fx_type.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::KhotKind;
using fx::KhotType;
using fx::Term;

int popcount64(uint64_t v) { return static_cast<int>(std::bitset<64>(v).count()); }

// By hand from the definition: the K top bits of the magnitude bits.
uint64_t hand_max_magnitude(const KhotType& t) {
  const int mb = t.kind == KhotKind::UKHOT ? t.width : t.width - 1;
  const uint64_t all = mb == 64 ? ~uint64_t{0} : (uint64_t{1} << mb) - 1;
  const uint64_t low = mb - t.k == 64 ? ~uint64_t{0} : (uint64_t{1} << (mb - t.k)) - 1;
  return all & ~low;
}

// All representable raws of a khot / ukhot type (small W).
std::vector<int64_t> representable(const KhotType& t) {
  const int mb = t.kind == KhotKind::UKHOT ? t.width : t.width - 1;
  std::vector<int64_t> v;
  for (int64_t m = 0; m < (int64_t{1} << mb); ++m) {
    if (popcount64(static_cast<uint64_t>(m)) > t.k) continue;
    v.push_back(m);
    if (t.kind == KhotKind::KHOT && m != 0) v.push_back(-m);
  }
  std::sort(v.begin(), v.end());
  return v;
}

void check_terms(const std::vector<Term>& terms, int64_t raw, const KhotType& t, int* failures) {
  const int mb = t.kind == KhotKind::UKHOT ? t.width : t.width - 1;
  bool ok = static_cast<int>(terms.size()) <= t.k && fx::terms_value(terms) == raw;
  for (size_t j = 0; j < terms.size(); ++j) {
    ok = ok && terms[j].shift >= 0 && terms[j].shift < mb;
    if (j > 0) ok = ok && terms[j].shift < terms[j - 1].shift;  // most significant first
    if (t.kind == KhotKind::UKHOT) ok = ok && !terms[j].negative;
    if (t.kind == KhotKind::KHOT) ok = ok && terms[j].negative == (raw < 0);
  }
  if (!ok && ++*failures <= 10) {
    ADD_FAILURE() << t.str() << " raw " << raw << ": bad terms "
                  << fx::format_terms(terms, t.frac_bits()) << " (" << terms.size() << " terms)";
  }
}

// ---------------------------------------------------------------------------
// khot / ukhot: brute-force nearest.

TEST(Khot, QuantizeIsNearestByBruteForce) {
  std::mt19937_64 rng(8);
  int failures = 0;
  uint64_t checks = 0;
  for (KhotKind kind : {KhotKind::KHOT, KhotKind::UKHOT}) {
    for (int w = (kind == KhotKind::KHOT ? 2 : 1); w <= 12; ++w) {
      const int mb = kind == KhotKind::UKHOT ? w : w - 1;
      std::vector<int> is = {1, -3, w + 4};
      if (w >= 11) is = {1, -3};  // two I for the largest (quadratic) cases
      for (int i : is) {
        for (int k = 1; k <= mb; ++k) {
          const KhotType t = KhotType::make(kind, w, i, k);
          const int f = t.frac_bits();
          const std::vector<int64_t> rep = representable(t);
          std::vector<double> repd(rep.begin(), rep.end());
          const double maxm = static_cast<double>(hand_max_magnitude(t));
          ASSERT_EQ(t.max_magnitude(), hand_max_magnitude(t)) << t.str();
          ASSERT_EQ(static_cast<double>(rep.back()), maxm) << t.str();

          // Inputs in raw units: every midpoint, random doubles, beyond the range.
          std::vector<double> xs;
          for (size_t j = 0; j + 1 < rep.size(); ++j) xs.push_back((repd[j] + repd[j + 1]) / 2);
          for (int j = 0; j < 64; ++j) {
            const double u = static_cast<double>(rng() >> 11) / 9007199254740992.0;
            xs.push_back((kind == KhotKind::KHOT ? -1.2 : -0.2) * maxm + u * 1.4 * maxm);
          }
          for (double b : {maxm + 0.25, maxm + 0.5, maxm + 1, 2 * maxm + 7, 1e30}) {
            xs.push_back(b);
            xs.push_back(-b);
          }
          for (size_t j = 0; j < rep.size(); j += 1 + rep.size() / 64) xs.push_back(repd[j]);

          for (double xr : xs) {
            const double x = std::ldexp(xr, -f);  // the value; exact (power-of-two scaling)
            const int64_t c = fx::khot_quantize(x, t);
            const double cd = static_cast<double>(c);
            ++checks;
            // No representable r is nearer to xr than c; on a tie c has the
            // larger magnitude. Compared through the exact midpoint (r + c) / 2.
            bool found = false;
            bool has_better = false;
            int64_t better = 0;
            for (size_t j = 0; j < rep.size(); ++j) {
              const double rd = repd[j];
              if (rep[j] == c) {
                found = true;
                continue;
              }
              const double mid = (rd + cd) / 2;
              const bool nearer = rd > cd ? xr > mid : xr < mid;
              const bool tie_lost = xr == mid && std::fabs(rd) > std::fabs(cd);
              if (nearer || tie_lost) {
                has_better = true;
                better = rep[j];
              }
            }
            if (!found || has_better) {
              if (++failures <= 10) {
                ADD_FAILURE() << "khot_quantize(" << x << " = " << xr << " LSB, " << t.str()
                              << ") = raw " << c << (found ? "" : " (not representable)")
                              << (has_better ? ", but raw " + std::to_string(better) +
                                                   " is nearer (or as near with a larger "
                                                   "magnitude)"
                                             : "");
              }
            }
            if (found && fx::khot_representable(c, t)) {
              check_terms(fx::khot_encode(c, t), c, t, &failures);
            } else if (found && ++failures <= 10) {
              ADD_FAILURE() << t.str() << ": khot_representable(" << c << ") is false";
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(failures, 0) << "in " << checks << " inputs";
}

TEST(Khot, RepresentableMatchesDefinition) {
  int failures = 0;
  for (KhotKind kind : {KhotKind::KHOT, KhotKind::UKHOT}) {
    for (int w = (kind == KhotKind::KHOT ? 2 : 1); w <= 10; ++w) {
      const int mb = kind == KhotKind::UKHOT ? w : w - 1;
      for (int k = 1; k <= mb; ++k) {
        const KhotType t = KhotType::make(kind, w, 0, k);
        const int64_t lim = (int64_t{1} << mb) + 3;
        for (int64_t raw = -lim; raw <= lim; ++raw) {
          const uint64_t m = static_cast<uint64_t>(raw < 0 ? -raw : raw);
          const bool want =
              (kind == KhotKind::KHOT || raw >= 0) && m < (uint64_t{1} << mb) && popcount64(m) <= k;
          if (fx::khot_representable(raw, t) != want) {
            if (++failures <= 10) {
              ADD_FAILURE() << t.str() << ": khot_representable(" << raw << ") should be " << want;
            }
          }
          if (want) {
            const std::vector<Term> terms = fx::khot_encode(raw, t);
            check_terms(terms, raw, t, &failures);
            // khot / ukhot terms are exactly the set bits of the magnitude.
            if (static_cast<int>(terms.size()) != popcount64(m) && ++failures <= 10) {
              ADD_FAILURE() << t.str() << " raw " << raw << ": " << terms.size() << " terms for "
                            << popcount64(m) << " set bits";
            }
          } else {
            bool threw = false;
            try {
              fx::khot_encode(raw, t);
            } catch (const fx::FxTypeError&) {
              threw = true;
            }
            if (!threw && ++failures <= 10) {
              ADD_FAILURE() << t.str() << ": khot_encode(" << raw
                            << ") of a non-representable raw did not throw FxTypeError";
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(Khot, HandWorkedExamples) {
  // khot<8,1,2>: 7 magnitude bits, F = 7 (LSB 2^-7), max magnitude 1100000b = 96 = 0.75.
  const KhotType t = KhotType::make(KhotKind::KHOT, 8, 1, 2);
  EXPECT_EQ(t.max_magnitude(), 96u);
  EXPECT_EQ(fx::khot_quantize(0.75, t), 96);
  EXPECT_EQ(fx::khot_quantize(1.0, t), 96);    // saturates
  EXPECT_EQ(fx::khot_quantize(-5.0, t), -96);  // saturates
  EXPECT_EQ(fx::khot_quantize(97.0 / 128, t), 96);
  EXPECT_EQ(fx::khot_quantize(7.0 / 128, t), 8);  // 111b: 110b and 1000b both 1 away -> larger 8
  EXPECT_EQ(fx::khot_quantize(-7.0 / 128, t), -8);
  EXPECT_EQ(fx::khot_quantize(11.0 / 128, t), 12);  // 1011b: 1010b, 1100b tie -> 12
  EXPECT_EQ(fx::khot_quantize(13.0 / 128, t), 12);  // 1101b: 1100b (1) beats 10000b (3)
  EXPECT_EQ(fx::khot_quantize(0.5 / 128, t), 1);    // tie 0 / 1 -> larger magnitude 1
  EXPECT_EQ(fx::khot_quantize(-0.5 / 128, t), -1);
  EXPECT_EQ(fx::khot_quantize(0.4 / 128, t), 0);
  EXPECT_EQ(fx::khot_quantize(std::nan(""), t), 0);
  EXPECT_EQ(fx::khot_quantize(std::numeric_limits<double>::infinity(), t), 96);
  EXPECT_EQ(fx::khot_quantize(-std::numeric_limits<double>::infinity(), t), -96);
  EXPECT_EQ(fx::khot_to_double(-96, t), -0.75);
  EXPECT_EQ(fx::khot_encode(-96, t), (std::vector<Term>{{true, 6}, {true, 5}}));
  EXPECT_EQ(fx::format_terms(fx::khot_encode(-96, t), 7), "-2^-1 -2^-2");

  // ukhot<4,0,1>: values {0, 1, 2, 4, 8} LSB, LSB 1/16, max 8.
  const KhotType u = KhotType::make(KhotKind::UKHOT, 4, 0, 1);
  EXPECT_EQ(u.max_magnitude(), 8u);
  EXPECT_EQ(fx::khot_quantize(6.4 / 16, u), 8);  // 8 is 1.6 away, 4 is 2.4
  EXPECT_EQ(fx::khot_quantize(6.0 / 16, u), 8);  // tie 4 / 8 -> 8
  EXPECT_EQ(fx::khot_quantize(3.0 / 16, u), 4);  // tie 2 / 4 -> 4
  EXPECT_EQ(fx::khot_quantize(5.9 / 16, u), 4);
  EXPECT_EQ(fx::khot_quantize(-0.1, u), 0);  // negative -> 0
  EXPECT_EQ(fx::khot_quantize(-100.0, u), 0);
  EXPECT_EQ(fx::khot_quantize(1.0, u), 8);  // 16 LSB saturates to 8
  EXPECT_EQ(fx::khot_encode(5, KhotType::make(KhotKind::UKHOT, 4, 0, 2)),
            (std::vector<Term>{{false, 2}, {false, 0}}));
  EXPECT_TRUE(fx::khot_representable(5, KhotType::make(KhotKind::UKHOT, 4, 0, 2)));
  EXPECT_FALSE(fx::khot_representable(7, KhotType::make(KhotKind::UKHOT, 4, 0, 2)));
  EXPECT_FALSE(fx::khot_representable(-1, u));
  EXPECT_FALSE(fx::khot_representable(16, u));
}

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

// ---------------------------------------------------------------------------
// Terms, strings, validation.

TEST(KhotTerms, ValueAndFormat) {
  EXPECT_EQ(fx::terms_value({}), 0);
  EXPECT_EQ(fx::terms_value({{false, 6}, {true, 3}}), 56);
  EXPECT_EQ(fx::terms_value({{true, 62}, {true, 62}}), INT64_MIN);  // -2^62 - 2^62
  EXPECT_EQ(fx::terms_value({{false, 0}}), 1);
  EXPECT_EQ(fx::format_terms({}, 3), "0");
  EXPECT_EQ(fx::format_terms({{false, 6}, {true, 3}}, 7), "+2^-1 -2^-4");
  EXPECT_EQ(fx::format_terms({{false, 3}, {true, 0}}, 0), "+2^3 -2^0");
  EXPECT_EQ(fx::format_terms({{true, 2}}, 0), "-2^2");
  EXPECT_EQ(fx::format_terms({{false, 1}}, -4), "+2^5");
}

TEST(KhotTerms, EncodeRoundTripsEveryRepresentableValue) {
  int failures = 0;
  for (KhotKind kind : {KhotKind::KHOT, KhotKind::UKHOT, KhotKind::SPT}) {
    for (int w = 2; w <= 9; ++w) {
      const int mb = kind == KhotKind::UKHOT ? w : w - 1;
      for (int k = 1; k <= mb; ++k) {
        const KhotType t = KhotType::make(kind, w, 1, k);
        const int64_t lim = (int64_t{1} << mb) + 2;
        for (int64_t raw = -lim; raw <= lim; ++raw) {
          if (!fx::khot_representable(raw, t)) continue;
          const std::vector<Term> terms = fx::khot_encode(raw, t);
          if ((fx::terms_value(terms) != raw || static_cast<int>(terms.size()) > k) &&
              ++failures <= 10) {
            ADD_FAILURE() << t.str() << ": encode(" << raw
                          << ") = " << fx::format_terms(terms, t.frac_bits());
          }
          // A representable value quantizes to itself.
          if (fx::khot_quantize(fx::khot_to_double(raw, t), t) != raw && ++failures <= 10) {
            ADD_FAILURE() << t.str() << ": quantize(to_double(" << raw << ")) != " << raw;
          }
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(KhotType, StrMaxMagnitudeValidate) {
  EXPECT_EQ(KhotType::make(KhotKind::KHOT, 8, 1, 2).str(), "khot<8,1,2>");
  EXPECT_EQ(KhotType::make(KhotKind::UKHOT, 4, 0, 4).str(), "ukhot<4,0,4>");
  EXPECT_EQ(KhotType::make(KhotKind::SPT, 8, 8, 2).str(), "spt<8,8,2>");
  EXPECT_EQ(KhotType::make(KhotKind::KHOT, 6, -3, 1).str(), "khot<6,-3,1>");

  EXPECT_EQ(KhotType::make(KhotKind::KHOT, 64, 0, 63).max_magnitude(), (uint64_t{1} << 63) - 1);
  EXPECT_EQ(KhotType::make(KhotKind::UKHOT, 64, 0, 64).max_magnitude(), UINT64_MAX);
  EXPECT_EQ(KhotType::make(KhotKind::UKHOT, 64, 0, 1).max_magnitude(), uint64_t{1} << 63);
  EXPECT_EQ(KhotType::make(KhotKind::KHOT, 64, 0, 2).max_magnitude(), (uint64_t{3} << 61));
  EXPECT_EQ(KhotType::make(KhotKind::UKHOT, 1, 0, 1).max_magnitude(), 1u);
  EXPECT_EQ(KhotType::make(KhotKind::KHOT, 2, 0, 1).max_magnitude(), 1u);
  EXPECT_EQ(KhotType::make(KhotKind::KHOT, 8, 1, 2).magnitude_bits(), 7);
  EXPECT_EQ(KhotType::make(KhotKind::UKHOT, 8, 1, 2).magnitude_bits(), 8);

  const auto bad = [](KhotKind kind, int w, int i, int k) {
    KhotType t;
    t.kind = kind;
    t.width = w;
    t.int_bits = i;
    t.k = k;
    return t;
  };
  EXPECT_THROW(bad(KhotKind::KHOT, 1, 0, 1).validate(), fx::FxTypeError);  // no magnitude bit
  EXPECT_THROW(bad(KhotKind::SPT, 1, 0, 1).validate(), fx::FxTypeError);
  EXPECT_NO_THROW(bad(KhotKind::UKHOT, 1, 0, 1).validate());
  EXPECT_THROW(bad(KhotKind::KHOT, 8, 0, 0).validate(), fx::FxTypeError);  // K = 0
  EXPECT_THROW(bad(KhotKind::KHOT, 4, 0, 4).validate(), fx::FxTypeError);  // K > 3 magnitude bits
  EXPECT_NO_THROW(bad(KhotKind::UKHOT, 4, 0, 4).validate());
  EXPECT_THROW(bad(KhotKind::UKHOT, 4, 0, 5).validate(), fx::FxTypeError);
  EXPECT_THROW(bad(KhotKind::SPT, 4, 0, 4).validate(), fx::FxTypeError);
  EXPECT_THROW(bad(KhotKind::KHOT, 65, 0, 1).validate(), fx::FxTypeError);
  EXPECT_THROW(bad(KhotKind::UKHOT, 0, 0, 1).validate(), fx::FxTypeError);
  EXPECT_THROW(bad(KhotKind::KHOT, 8, 0, -1).validate(), fx::FxTypeError);
}

}  // namespace

namespace {

// shift_add: hand-worked, then every term set of up to 3 distinct shifts 0..7 with both signs
// against a * (sum of +-2^shift) in 128-bit integers, over a grid of a.
TEST(ShiftAdd, HandWorked) {
  // 24 * (2^7 - 2^5) = 24 * 96 = 2304; -8 * 2^0 = -8; an empty term list is 0.
  EXPECT_EQ(fx::shift_add(24, {{false, 7}, {true, 5}}), 2304);
  EXPECT_EQ(fx::shift_add(-8, {{false, 0}}), -8);
  EXPECT_EQ(fx::shift_add(123, {}), 0);
  EXPECT_EQ(fx::shift_add(-3, {{true, 2}}), 12);
}

TEST(ShiftAdd, EqualsTheProductForEveryTermSet) {
  std::uint64_t checked = 0;
  for (int mask = 0; mask < (1 << 8); ++mask) {
    if (__builtin_popcount(mask) > 3) continue;
    for (int signs = 0; signs < 8; ++signs) {
      fx::Terms terms;
      for (int s = 7; s >= 0; --s) {
        if (mask & (1 << s)) {
          terms.push_back({((signs >> terms.size()) & 1) != 0, s});
        }
      }
      __int128 value = 0;
      for (const fx::Term& t : terms) value += (t.negative ? -1 : 1) * (__int128{1} << t.shift);
      for (std::int64_t a = -1000; a <= 1000; a += 7) {
        ASSERT_EQ(static_cast<__int128>(fx::shift_add(a, terms)), value * a) << a;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100000u);
}

}  // namespace
