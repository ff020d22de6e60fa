// fx::KhotCodec against the reference fx::khot_quantize / fx::khot_encode (whose own oracle is
// khot_test.cpp: brute force and a greedy written from the definition). The codec must give the
// same results bit for bit, so here the reference is the expected value.
//
//  * table path: every type of a grid (khot, ukhot, spt; W 2..10; I -2, 0, 1, 3; every K) on
//    every quarter-grid point of the scaled magnitude up to M + 2 LSB, both signs, their
//    nextafter neighbours, 10,000 random doubles over +-1.5 x the range, and NaN, infinities,
//    huge and tiny values; encode on every raw of the magnitude bits (+-2 beyond), including
//    the FxTypeError of non-representable raws. The array quantize on the same inputs.
//  * the same on the biggest table types (12 magnitude bits) and extreme I.
//  * types beyond the cap take the reference path and still match.
#include "fx/khot_codec.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "fx/fx_type.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::KhotCodec;
using fx::KhotKind;
using fx::KhotType;

// Counts mismatches, reporting the first few.
class Mismatches {
 public:
  template <typename Describe>
  void check(bool ok, Describe describe) {
    ++checks_;
    if (!ok && ++count_ <= 10) ADD_FAILURE() << describe();
  }
  int count() const { return count_; }
  long checks() const { return checks_; }

 private:
  int count_ = 0;
  long checks_ = 0;
};

std::string show(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

// quantize(x), and encode of the result, equal the reference.
void check_quantize(const KhotCodec& codec, double x, Mismatches* m) {
  const KhotType& t = codec.type();
  const int64_t want = fx::khot_quantize(x, t);
  const int64_t got = codec.quantize(x);
  m->check(got == want, [&] {
    return t.str() + ": quantize(" + show(x) + ") = " + std::to_string(got) + ", reference " +
           std::to_string(want);
  });
  if (got != want) return;
  const fx::Terms want_terms = fx::khot_encode(want, t);
  const fx::FixedTerms got_terms = codec.encode(want);
  m->check(got_terms == want_terms, [&] {
    return t.str() + ": encode(" + std::to_string(want) +
           ") = " + fx::format_terms(got_terms.to_vector(), t.frac_bits()) + ", reference " +
           fx::format_terms(want_terms, t.frac_bits());
  });
}

// The array quantize equals the reference on every input (all of them at once, and an odd-length
// tail so that the pairwise path and the scalar rest both run).
void check_quantize_array(const KhotCodec& codec, const std::vector<double>& xs, Mismatches* m) {
  const KhotType& t = codec.type();
  for (std::size_t len : {xs.size(), xs.size() > 3 ? std::size_t{3} : xs.size()}) {
    std::vector<int64_t> got(len);
    codec.quantize(xs.data(), len, got.data());
    for (std::size_t i = 0; i < len; ++i) {
      const int64_t want = fx::khot_quantize(xs[i], t);
      m->check(got[i] == want, [&] {
        return t.str() + ": quantize of an array, element " + show(xs[i]) + ": " +
               std::to_string(got[i]) + ", reference " + std::to_string(want);
      });
    }
  }
}

// encode(raw) equals the reference, or both throw FxTypeError.
void check_encode(const KhotCodec& codec, int64_t raw, Mismatches* m) {
  const KhotType& t = codec.type();
  bool want_throws = false, got_throws = false;
  fx::Terms want;
  fx::FixedTerms got;
  try {
    want = fx::khot_encode(raw, t);
  } catch (const fx::FxTypeError&) {
    want_throws = true;
  }
  try {
    got = codec.encode(raw);
  } catch (const fx::FxTypeError&) {
    got_throws = true;
  }
  m->check(want_throws == got_throws && (want_throws || got == want), [&] {
    return t.str() + ": encode(" + std::to_string(raw) + ") = " +
           (got_throws ? "FxTypeError" : fx::format_terms(got.to_vector(), t.frac_bits())) +
           ", reference " + (want_throws ? "FxTypeError" : fx::format_terms(want, t.frac_bits()));
  });
}

std::vector<double> special_inputs() {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<double> magnitudes = {0.0,
                                          std::numeric_limits<double>::denorm_min(),
                                          std::numeric_limits<double>::min(),
                                          1e-300,
                                          1e-30,
                                          1e30,
                                          1e300,
                                          std::numeric_limits<double>::max(),
                                          inf};
  std::vector<double> xs = {std::nan(""), -std::nan("")};
  for (double a : magnitudes) {
    xs.push_back(a);
    xs.push_back(-a);
  }
  return xs;
}

// Every input family of the brief on one type.
void check_type_on_all_inputs(const KhotType& t, std::mt19937_64* rng, Mismatches* m) {
  const KhotCodec codec(t);
  const int f = t.frac_bits();
  const auto max_mag = static_cast<int64_t>(t.max_magnitude());
  const double inf = std::numeric_limits<double>::infinity();

  std::vector<double> xs;
  for (int64_t j = 0; j <= 4 * max_mag + 8; ++j) {
    const double x = std::ldexp(static_cast<double>(j), -(f + 2));  // s = j/4, exact
    for (double v : {x, -x}) {
      xs.push_back(v);
      xs.push_back(std::nextafter(v, inf));
      xs.push_back(std::nextafter(v, -inf));
    }
  }
  const double range = std::ldexp(static_cast<double>(max_mag), -f);
  std::uniform_real_distribution<double> uniform(-1.5 * range, 1.5 * range);
  for (int i = 0; i < 10000; ++i) xs.push_back(uniform(*rng));
  for (double x : special_inputs()) xs.push_back(x);

  for (double x : xs) check_quantize(codec, x, m);
  check_quantize_array(codec, xs, m);

  const int64_t lim = (int64_t{1} << t.magnitude_bits()) + 2;
  for (int64_t raw = -lim; raw <= lim; ++raw) check_encode(codec, raw, m);
  for (int64_t raw : {INT64_MIN, INT64_MIN + 1, INT64_MAX}) check_encode(codec, raw, m);
}

TEST(KhotCodec, TableMatchesReferenceOnEveryTypeOfTheGrid) {
  std::mt19937_64 rng(13);
  Mismatches m;
  int types = 0;
  for (KhotKind kind : {KhotKind::KHOT, KhotKind::UKHOT, KhotKind::SPT}) {
    for (int w = 2; w <= 10; ++w) {
      for (int i : {-2, 0, 1, 3}) {
        for (int k = 1; k <= (kind == KhotKind::UKHOT ? w : w - 1); ++k) {
          const KhotType t = KhotType::make(kind, w, i, k);
          ASSERT_TRUE(KhotCodec(t).uses_table()) << t.str();
          check_type_on_all_inputs(t, &rng, &m);
          ++types;
        }
      }
    }
  }
  EXPECT_EQ(m.count(), 0) << "in " << m.checks() << " checks over " << types << " types";
}

TEST(KhotCodec, UsesTableWithinTheCap) {
  EXPECT_TRUE(KhotCodec(KhotType::make(KhotKind::KHOT, 8, 1, 3)).uses_table());
  EXPECT_TRUE(KhotCodec(KhotType::make(KhotKind::SPT, 8, 1, 2)).uses_table());
  EXPECT_TRUE(KhotCodec(KhotType::make(KhotKind::UKHOT, 1, 0, 1)).uses_table());
  // The cap: 12 magnitude bits.
  EXPECT_EQ(KhotCodec::kMaxTableMagnitudeBits, 12);
  EXPECT_TRUE(KhotCodec(KhotType::make(KhotKind::KHOT, 13, 2, 4)).uses_table());
  EXPECT_TRUE(KhotCodec(KhotType::make(KhotKind::UKHOT, 12, 0, 12)).uses_table());
  EXPECT_FALSE(KhotCodec(KhotType::make(KhotKind::UKHOT, 13, 0, 1)).uses_table());
  EXPECT_FALSE(KhotCodec(KhotType::make(KhotKind::SPT, 14, 0, 1)).uses_table());
  // Far integer-bit counts stay on the table path (the scale is an exact double).
  EXPECT_TRUE(KhotCodec(KhotType::make(KhotKind::KHOT, 8, 1000, 2)).uses_table());
  EXPECT_TRUE(KhotCodec(KhotType::make(KhotKind::SPT, 13, -1000, 3)).uses_table());
  EXPECT_THROW(KhotCodec(KhotType{KhotKind::KHOT, 8, 0, 9}), fx::FxTypeError);
}

// The largest tables (12 magnitude bits) and extreme I, on the same inputs as the grid.
TEST(KhotCodec, LargestTablesMatchReference) {
  std::mt19937_64 rng(17);
  Mismatches m;
  for (const KhotType& t :
       {KhotType::make(KhotKind::KHOT, 13, 2, 4), KhotType::make(KhotKind::UKHOT, 12, 0, 12),
        KhotType::make(KhotKind::SPT, 13, 5, 6), KhotType::make(KhotKind::SPT, 13, -1000, 3),
        KhotType::make(KhotKind::KHOT, 8, 1000, 2), KhotType::make(KhotKind::SPT, 9, 990, 8)}) {
    ASSERT_TRUE(KhotCodec(t).uses_table()) << t.str();
    check_type_on_all_inputs(t, &rng, &m);
  }
  EXPECT_EQ(m.count(), 0) << "in " << m.checks() << " checks";
}

TEST(KhotCodec, BeyondTheCapFallsBackToTheReference) {
  std::mt19937_64 rng(19);
  Mismatches m;
  for (const KhotType& t :
       {KhotType::make(KhotKind::UKHOT, 13, 0, 2), KhotType::make(KhotKind::KHOT, 24, 4, 3),
        KhotType::make(KhotKind::SPT, 20, 2, 5), KhotType::make(KhotKind::KHOT, 64, 0, 63),
        KhotType::make(KhotKind::UKHOT, 64, 0, 64), KhotType::make(KhotKind::SPT, 64, 1, 4)}) {
    const KhotCodec codec(t);
    EXPECT_FALSE(codec.uses_table()) << t.str();
    const double range = std::ldexp(static_cast<double>(t.max_magnitude()), -t.frac_bits());
    std::uniform_real_distribution<double> uniform(-1.5 * range, 1.5 * range);
    std::vector<double> xs = special_inputs();
    for (int i = 0; i < 5000; ++i) xs.push_back(uniform(rng));
    for (double x : xs) check_quantize(codec, x, &m);
    check_quantize_array(codec, xs, &m);
    for (int i = 0; i < 2000; ++i) check_encode(codec, static_cast<int64_t>(rng()), &m);
    check_encode(codec, static_cast<int64_t>(t.max_magnitude()), &m);
    check_encode(codec, -1, &m);
  }
  EXPECT_EQ(m.count(), 0) << "in " << m.checks() << " checks";
}

TEST(KhotCodec, HandWorkedExamples) {
  // khot_test.cpp's examples through the codec: khot<8,1,2>, F = 7, M = 96.
  const KhotCodec c(KhotType::make(KhotKind::KHOT, 8, 1, 2));
  EXPECT_EQ(c.quantize(7.0 / 128), 8);  // 110b and 1000b both 1 away: the larger
  EXPECT_EQ(c.quantize(-7.0 / 128), -8);
  EXPECT_EQ(c.quantize(13.0 / 128), 12);
  EXPECT_EQ(c.quantize(0.5 / 128), 1);  // tie 0 / 1: the larger magnitude
  EXPECT_EQ(c.quantize(0.4 / 128), 0);
  EXPECT_EQ(c.quantize(-5.0), -96);  // saturates
  EXPECT_EQ(c.quantize(std::nan("")), 0);
  EXPECT_EQ(c.encode(-96), (fx::Terms{{true, 6}, {true, 5}}));
  EXPECT_THROW(c.encode(7), fx::FxTypeError);  // three set bits
  EXPECT_THROW(c.encode(97), fx::FxTypeError);

  const KhotCodec u(KhotType::make(KhotKind::UKHOT, 4, 0, 1));
  EXPECT_EQ(u.quantize(6.0 / 16), 8);  // tie 4 / 8 -> 8
  EXPECT_EQ(u.quantize(-0.1), 0);      // negative -> 0
  EXPECT_THROW(u.encode(-1), fx::FxTypeError);

  // spt<8,8,2>: F = 0. 7 -> +8 -1; 11 -> +8 +4 = 12, encoded +16 -4; -7 -> -8 +1.
  const KhotCodec s(KhotType::make(KhotKind::SPT, 8, 8, 2));
  EXPECT_EQ(s.quantize(7), 7);
  EXPECT_EQ(s.encode(7), (fx::Terms{{false, 3}, {true, 0}}));
  EXPECT_EQ(s.quantize(11), 12);
  EXPECT_EQ(s.encode(12), (fx::Terms{{false, 4}, {true, 2}}));
  EXPECT_EQ(s.encode(-7), (fx::Terms{{true, 3}, {false, 0}}));
  EXPECT_EQ(s.quantize(0.75), 1);
  EXPECT_EQ(s.quantize(0.5), 0);
  EXPECT_EQ(s.encode(0), fx::Terms{});
}

TEST(FixedTerms, HoldsTermsInPlace) {
  fx::FixedTerms t;
  EXPECT_TRUE(t.empty());
  t.push_back({false, 6});
  t.push_back({true, 3});
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1], (fx::Term{true, 3}));
  EXPECT_EQ(t.to_vector(), (fx::Terms{{false, 6}, {true, 3}}));
  EXPECT_EQ(fx::terms_value(t.to_vector()), 56);
  EXPECT_FALSE(t == (fx::Terms{{false, 6}}));
  EXPECT_EQ(fx::FixedTerms(fx::Terms(64, fx::Term{})).size(), 64u);
  EXPECT_THROW(fx::FixedTerms(fx::Terms(65, fx::Term{})), std::length_error);
}

}  // namespace
