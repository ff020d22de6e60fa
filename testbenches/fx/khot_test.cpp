// K-hot numbers (khot / ukhot), the term helpers shared with SPT, and shift_add.
//
//  * khot / ukhot: for W <= 12, every K and several I, a brute force over all
//    representable values proves that no value is nearer to the input than
//    khot_quantize's result (ties to the larger magnitude), on all midpoints
//    between representable values, random doubles and inputs beyond the range.
//  * encode / representable / terms_value / format_terms / str / validate,
//    shift_add.
//  * spt (signed power-of-two terms): spt_test.cpp.
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
#include "khot_test_util.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::KhotKind;
using fx::KhotType;
using fx::Term;
using fxtest::hand_max_magnitude;

int popcount64(uint64_t v) { return static_cast<int>(std::bitset<64>(v).count()); }

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
