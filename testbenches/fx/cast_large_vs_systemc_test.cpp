// fx::cast_from_raw / fx::convert / fx::cast_from_double against SystemC
// sc_fix / sc_ufix on large formats (W up to 64, I from negative to beyond W),
// for every overflow x signedness combination with every rounding and
// several saturation-bit counts: on doubles biased to ties, range edges,
// overflows, subnormals and huge values, and on random raw integers with
// arbitrary fraction bits. The CastFlags are checked as in
// cast_vs_systemc_test.cpp (small formats, edges, the oracle's own checks).
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "cast_test_util.hpp"
#include "fx/cast.hpp"
#include "fx/fx_type.hpp"
#include "sc_oracle.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;
using fxtest::flags_str;
using fxtest::kModeParams;
using fxtest::Mismatches;
using fxtest::mode_param_name;
using fxtest::same_flags;
using fxtest::sat_bits_for;

// Large formats, random and edge values.

struct LargeFormat {
  bool is_signed;
  int w;
  int i;
};

std::vector<LargeFormat> large_formats(bool is_signed) {
  std::vector<LargeFormat> out;
  for (int w : {64, 63, 54, 53, 33, 32, 17, 9, 5, 2, 1}) {
    std::vector<int> is = {-19, -1, 0, 1, w / 2, w - 1, w, w + 1, w + 13};
    std::sort(is.begin(), is.end());
    is.erase(std::unique(is.begin(), is.end()), is.end());
    for (int i : is) out.push_back({is_signed, w, i});
  }
  return out;
}

// Doubles for a format (F fraction bits, range [lo, hi] in LSBs): range edges
// and their neighbours at +-1 and +-1/2 LSB, ties (odd multiples of half an
// LSB) inside and beyond the range, random values of every magnitude around
// the range and the LSB, subnormals and huge values. Edges that a double
// cannot hold exactly are rounded to the nearest double (still a valid input).
std::vector<double> large_inputs(const FxType& t, std::mt19937_64& rng) {
  std::vector<double> v;
  const int f = t.frac_bits();
  const long double lsb = std::ldexp(1.0L, -f);
  const long double lo = std::ldexp(static_cast<long double>(t.raw_min()), -f);
  const long double hi =
      std::ldexp(t.is_signed || t.width < 64 ? static_cast<long double>(t.raw_max())
                                             : static_cast<long double>(UINT64_MAX),
                 -f);
  for (long double e : {lo, hi}) {
    for (long double d : {-1.0L, -0.75L, -0.5L, -0.25L, 0.0L, 0.25L, 0.5L, 0.75L, 1.0L}) {
      v.push_back(static_cast<double>(e + d * lsb));
    }
  }
  for (long double d : {0.25L, 0.5L, 0.75L, 1.0L, 1.5L, 2.5L}) {
    v.push_back(static_cast<double>(d * lsb));
    v.push_back(static_cast<double>(-d * lsb));
  }
  v.push_back(static_cast<double>(-hi));
  v.push_back(static_cast<double>(-hi - lsb / 2));
  v.push_back(static_cast<double>(2 * hi));
  v.push_back(static_cast<double>(-2 * hi));
  v.push_back(0.0);
  v.push_back(-0.0);
  v.push_back(5e-324);
  v.push_back(-5e-324);
  v.push_back(DBL_MIN);
  v.push_back(-DBL_MIN / 3);
  v.push_back(1e300);
  v.push_back(-1e300);
  v.push_back(DBL_MAX);
  v.push_back(-DBL_MAX);
  // Ties: (2k+1) * 2^(-F-1) with k of every bit length up to W+2 (<= 52 bits).
  for (int rep = 0; rep < 24; ++rep) {
    const int bits = 1 + static_cast<int>(rng() % std::min(52, t.width + 2));
    const uint64_t k = rng() >> (64 - bits);
    const double m = static_cast<double>(2 * k + 1);
    v.push_back(std::ldexp((rng() & 1) ? -m : m, -f - 1));
  }
  // Random 53-bit mantissas at exponents from below the LSB to beyond the range.
  for (int rep = 0; rep < 40; ++rep) {
    const double m = static_cast<double>(rng() >> 11);  // 53 bits
    const int span = t.width + 12;
    const int top = t.int_bits + 4 - static_cast<int>(rng() % span);  // exponent of the MSB
    v.push_back(std::ldexp((rng() & 1) ? -m : m, top - 53));
  }
  return v;
}

class LargeRandom : public ::testing::TestWithParam<std::tuple<Overflow, bool>> {};

TEST_P(LargeRandom, CastFromDoubleMatchesSystemC) {
  const Overflow o = std::get<0>(GetParam());
  const bool is_signed = std::get<1>(GetParam());
  Mismatches mm, flag_mm, oracle_mm;
  std::mt19937_64 rng(777 + static_cast<int>(o) * 2 + is_signed);
  for (const LargeFormat& lf : large_formats(is_signed)) {
    const FxType shape = FxType::make(is_signed, lf.w, lf.i, Rounding::TRN, Overflow::SAT, 0);
    const std::vector<double> xs = large_inputs(shape, rng);
    for (Rounding q : fx::kAllRoundings) {
      // Expected flags (independent of O and N).
      const FxType range_t = FxType::make(is_signed, lf.w, lf.i, q, Overflow::SAT, 0);
      std::vector<fx::CastFlags> want(xs.size());
      std::vector<fxtest::Rounded> pos(xs.size(), fxtest::Rounded::kInside);
      for (size_t k = 0; k < xs.size(); ++k) {
        const double x = xs[k];
        if (x == 0) {
          pos[k] = fxtest::sc_rounded_position(sc_dt::sc_fxval(0.0), 1, range_t);
          continue;
        }
        int e = 0;
        const double mant = std::frexp(std::fabs(x), &e);  // |x| = mant * 2^e, mant in [0.5, 1)
        const uint64_t m = static_cast<uint64_t>(std::ldexp(mant, 53));
        const int lsb_exp = e - 53;                       // |x| = m * 2^lsb_exp
        const int drop = -(lsb_exp + shape.frac_bits());  // bits below the target LSB
        if (drop > 0) {
          const uint64_t dropped = drop >= 64 ? m : (m & ((uint64_t{1} << drop) - 1));
          want[k].inexact = dropped != 0;
          want[k].tie = drop <= 64 && dropped == (uint64_t{1} << (drop - 1));
        }
        pos[k] = fxtest::sc_rounded_position(sc_dt::sc_fxval(x), e, range_t);
      }
      for (int n : sat_bits_for(lf.w)) {
        const FxType t = FxType::make(is_signed, lf.w, lf.i, q, o, n);
        for (size_t k = 0; k < xs.size(); ++k) {
          const double x = xs[k];
          const fxtest::ScResult sc_res = fxtest::sc_cast_full(x, t);
          const int64_t exp_raw = sc_res.raw;
          want[k].overflow = sc_res.overflow;
          if (sc_res.overflow != fxtest::predicted_overflow(pos[k], t)) {
            oracle_mm.add("SystemC overflow_flag " + std::to_string(sc_res.overflow) +
                          " disagrees with the range rule for " + t.str() + " <- " +
                          fxtest::hexfloat(x));
          }
          fx::CastFlags fl;
          const int64_t got = fx::cast_from_double(x, t, &fl);
          ++mm.checked;
          ++flag_mm.checked;
          if (got != exp_raw) {
            mm.add("cast_from_double(" + fxtest::hexfloat(x) + ", " + t.str() + "): SystemC raw " +
                   std::to_string(exp_raw) + ", fx raw " + std::to_string(got));
          }
          if (!same_flags(fl, want[k])) {
            flag_mm.add("cast_from_double(" + fxtest::hexfloat(x) + ", " + t.str() +
                        ") flags: expected " + flags_str(want[k]) + ", got " + flags_str(fl));
          }
        }
      }
    }
  }
  EXPECT_EQ(mm.count, 0u) << mm.report();
  EXPECT_EQ(flag_mm.count, 0u) << flag_mm.report();
  EXPECT_EQ(oracle_mm.count, 0u) << oracle_mm.report();
}

// Random raw integers (biased to ties and to the range edges) with arbitrary
// fraction bits, and conversions between random large formats.
TEST_P(LargeRandom, CastFromRawAndConvertMatchSystemC) {
  const Overflow o = std::get<0>(GetParam());
  const bool is_signed = std::get<1>(GetParam());
  Mismatches mm, conv_mm;
  std::mt19937_64 rng(4242 + static_cast<int>(o) * 2 + is_signed);
  for (const LargeFormat& lf : large_formats(is_signed)) {
    for (Rounding q : fx::kAllRoundings) {
      for (int n : sat_bits_for(lf.w)) {
        const FxType t = FxType::make(is_signed, lf.w, lf.i, q, o, n);
        const int f = t.frac_bits();
        // cast_from_raw
        for (int rep = 0; rep < 14; ++rep) {
          int src_f = f + static_cast<int>(rng() % 24) - 4;  // mostly more fraction bits
          if (rep % 7 == 6) src_f = static_cast<int>(rng() % 140) - 40;
          int64_t raw = static_cast<int64_t>(rng());
          const int bits = 1 + static_cast<int>(rng() % 64);
          if (bits < 64) raw >>= (64 - bits);  // every magnitude
          const int d = src_f - f;             // dropped bits
          if (rep % 3 == 0 && d >= 1 && d <= 62) {
            // A tie: dropped bits 100...0.
            raw = static_cast<int64_t>((static_cast<uint64_t>(raw) & ~((uint64_t{1} << d) - 1)) |
                                       (uint64_t{1} << (d - 1)));
          } else if (rep % 3 == 1 && d >= 0 && d <= 60 && t.width <= 62 - d) {
            // The range edges in the source's units, +-1 and +-half an LSB.
            const int64_t edge = (rep % 2 ? t.raw_max() : t.raw_min()) * (int64_t{1} << d);
            const int64_t delta[] = {0,
                                     1,
                                     -1,
                                     int64_t{1} << d,
                                     -(int64_t{1} << d),
                                     d ? int64_t{1} << (d - 1) : 0,
                                     d ? -(int64_t{1} << (d - 1)) : 0};
            raw = edge + delta[rng() % 7];
          } else if (rep == 13) {
            const int64_t specials[] = {INT64_MIN, INT64_MAX, 0, -1, 1, INT64_MIN + 1};
            raw = specials[rng() % 6];
          }
          const int64_t want = fxtest::sc_cast(fxtest::fxval_from_raw(raw, src_f), t);
          const int64_t got = fx::cast_from_raw(raw, src_f, t);
          ++mm.checked;
          if (got != want) {
            mm.add("cast_from_raw(" + std::to_string(raw) + ", src_frac_bits " +
                   std::to_string(src_f) + ", " + t.str() + "): SystemC raw " +
                   std::to_string(want) + ", fx raw " + std::to_string(got));
          }
        }
        // convert from random formats of either signedness.
        for (int rep = 0; rep < 6; ++rep) {
          const bool fs = (rng() & 1) != 0;
          const int fw = rep == 0 ? 64 : 1 + static_cast<int>(rng() % 64);
          const int fi = lf.i + static_cast<int>(rng() % 31) - 10;
          const FxType from = FxType::make(fs, fw, fi, Rounding::TRN, Overflow::WRAP, 0);
          const int64_t raw = fxtest::raw_from_bits(rng(), from);
          const int64_t want = fxtest::sc_cast(fxtest::fxval_of(raw, from), t);
          const int64_t got = fx::convert(raw, from, t);
          ++conv_mm.checked;
          if (got != want) {
            conv_mm.add("convert(" + std::to_string(raw) + ", " + from.str() + " -> " + t.str() +
                        "): SystemC raw " + std::to_string(want) + ", fx raw " +
                        std::to_string(got));
          }
        }
      }
    }
  }
  EXPECT_EQ(mm.count, 0u) << mm.report();
  EXPECT_EQ(conv_mm.count, 0u) << conv_mm.report();
}

INSTANTIATE_TEST_SUITE_P(AllModes, LargeRandom, ::testing::ValuesIn(kModeParams), mode_param_name);

}  // namespace
