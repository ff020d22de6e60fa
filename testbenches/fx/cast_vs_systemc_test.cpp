// fx::cast_from_raw / fx::convert / fx::cast_from_double against SystemC
// sc_fix / sc_ufix, for every rounding x overflow x saturation-bits x
// signedness combination.
//
//  * Small formats, exhaustively: every raw value of a wider source format
//    (3 more fraction bits, 2-3 more integer bits than the target, so ties,
//    plain inexact values and multiple wrap-arounds all occur) is cast to the
//    target with fx and assigned to an sc_fix/sc_ufix of the target's
//    parameters from an sc_fix/sc_ufix of the source format.
//  * Large formats (W up to 64, I from negative to beyond W), on doubles
//    biased to ties, range edges, overflows, subnormals and huge values, and
//    on random raw integers with arbitrary fraction bits.
//  * Deterministic edges around the top of the word: k * 2^u LSB for u near W
//    and up to 2^70 LSB, and ties whose rounding carry runs into bit u.
//  * The CastFlags of every cast: inexact and tie from the dropped bits;
//    overflow is SystemC's overflow_flag(), itself checked against the range
//    rule (the value rounded by an sc_fix wide enough never to overflow lies
//    outside [min, max], or is exactly min under signed SAT_SYM, which moves it
//    to -max).
#include <gtest/gtest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "fx/cast.hpp"
#include "fx/fx_type.hpp"
#include "sc_oracle.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;
using fxtest::Mismatches;

// N values to try for a width: 0..3 and two at or beyond W.
std::vector<int> sat_bits_for(int w) {
  std::vector<int> ns = {0, 1, 2, 3, w, w + 2};
  std::sort(ns.begin(), ns.end());
  ns.erase(std::unique(ns.begin(), ns.end()), ns.end());
  return ns;
}

std::string flags_str(const fx::CastFlags& f) {
  return std::string("{inexact=") + (f.inexact ? "1" : "0") + " tie=" + (f.tie ? "1" : "0") +
         " overflow=" + (f.overflow ? "1" : "0") + "}";
}

bool same_flags(const fx::CastFlags& a, const fx::CastFlags& b) {
  return a.inexact == b.inexact && a.tie == b.tie && a.overflow == b.overflow;
}

// ---------------------------------------------------------------------------
// The oracle itself: a few facts checked before trusting it.

TEST(ScOracle, ReadsRawValuesBackExactly) {
  // Hand-worked: -1.25 in fixed<3,2> (LSB 0.5) under RND (ties to +inf) is
  // -2.5 LSB -> -2 LSB = -1.0.
  sc_dt::sc_fix a(-1.25, 3, 2, sc_dt::SC_RND, sc_dt::SC_WRAP);
  EXPECT_EQ(fxtest::sc_raw(a, 3, true), -2);
  // W = 64 extremes and the unsigned 64-bit pattern.
  const FxType s64 = FxType::make_signed(64, 10);
  const FxType u64 = FxType::make_unsigned(64, 0);
  EXPECT_EQ(fxtest::sc_cast(fxtest::fxval_of(INT64_MIN, s64), s64), INT64_MIN);
  EXPECT_EQ(fxtest::sc_cast(fxtest::fxval_of(INT64_MAX, s64), s64), INT64_MAX);
  EXPECT_EQ(fxtest::sc_cast(fxtest::fxval_of(-1, u64), u64), -1);                // 2^64 - 1 LSB
  EXPECT_EQ(fxtest::sc_cast(fxtest::fxval_of(INT64_MIN, u64), u64), INT64_MIN);  // 2^63 LSB

  // Random formats up to 53 bits: raw -> sc value -> raw is the identity, and
  // the sc value is raw * 2^-F.
  std::mt19937_64 rng(12345);
  int failures = 0;
  for (int k = 0; k < 2000; ++k) {
    const int w = 1 + static_cast<int>(rng() % 53);
    const int i = static_cast<int>(rng() % 81) - 30;
    const bool s = (rng() & 1) != 0;
    const FxType t = FxType::make(s, w, i, Rounding::TRN, Overflow::WRAP, 0);
    const int64_t raw = fxtest::raw_from_bits(rng(), t);
    const sc_dt::sc_fxval v = fxtest::fxval_of(raw, t);
    const int64_t back = fxtest::sc_cast(v, t);
    const double d = std::ldexp(static_cast<double>(raw), -t.frac_bits());
    if (back != raw || v.to_double() != d) ++failures;
  }
  EXPECT_EQ(failures, 0);
}

TEST(ScOracle, UnsignedWrapSmIsUndefinedInSystemC) {
  // The reason fx refuses ufixed<...,WRAP_SM>: SystemC reports an error.
  EXPECT_THROW(sc_dt::sc_ufix(3.0, 4, 4, sc_dt::SC_TRN, sc_dt::SC_WRAP_SM, 0), sc_core::sc_report);
  for (Rounding q : fx::kAllRoundings) {
    for (int n : {0, 1, 3, 8}) {
      EXPECT_THROW(FxType::make_unsigned(4, 4, q, Overflow::WRAP_SM, n), fx::FxTypeError);
      FxType t;
      t.is_signed = false;
      t.width = 4;
      t.int_bits = 4;
      t.rounding = q;
      t.overflow = Overflow::WRAP_SM;
      t.sat_bits = n;
      EXPECT_THROW(t.validate(), fx::FxTypeError);
      EXPECT_NO_THROW(FxType::make_signed(4, 4, q, Overflow::WRAP_SM, n));
    }
  }
}

// ---------------------------------------------------------------------------
// Small formats, exhaustive.

struct SmallTarget {
  int w;
  int i;
};
// I < 0, I = 0, 0 < I < W, I = W, I > W, W = 1.
constexpr SmallTarget kSmallTargets[] = {{1, 0},  {1, 1}, {1, -2}, {1, 3}, {2, 0}, {2, 2},
                                         {2, -1}, {3, 2}, {3, -2}, {3, 5}, {4, 1}, {4, 4},
                                         {4, -1}, {4, 6}, {5, 0},  {5, 3}, {6, 2}, {7, 4}};
constexpr int kExtraFrac = 3;

class SmallExhaustive : public ::testing::TestWithParam<std::tuple<Overflow, bool>> {};

TEST_P(SmallExhaustive, CastFromRawAndConvertMatchSystemC) {
  const Overflow o = std::get<0>(GetParam());
  const bool target_signed = std::get<1>(GetParam());
  Mismatches raw_mm, convert_mm, flag_mm, oracle_mm;

  for (const SmallTarget& tg : kSmallTargets) {
    const int extra_int = tg.w <= 5 ? 3 : 2;
    const int src_w = tg.w + extra_int + kExtraFrac;  // <= 12
    const int src_i = tg.i + extra_int;
    const int src_f = src_w - src_i;
    const int drop = src_f - (tg.w - tg.i);  // = kExtraFrac >= 1
    for (bool src_signed : {true, false}) {
      const FxType src_t = FxType::make(src_signed, src_w, src_i, Rounding::TRN, Overflow::WRAP, 0);
      // Every raw value of the source format, as an sc_fix / sc_ufix of it.
      const size_t count = size_t{1} << src_w;
      std::vector<int64_t> raws;
      std::vector<sc_dt::sc_fix> src_fix;
      std::vector<sc_dt::sc_ufix> src_ufix;
      std::vector<const sc_dt::sc_fxnum*> src;
      raws.reserve(count);
      src_fix.reserve(count);
      src_ufix.reserve(count);
      for (int64_t r = src_t.raw_min(); r <= src_t.raw_max(); ++r) {
        raws.push_back(r);
        const sc_dt::sc_fxval v = fxtest::fxval_of(r, src_t);
        if (src_signed) {
          src_fix.emplace_back(v, src_w, src_i, sc_dt::SC_TRN, sc_dt::SC_WRAP, 0);
          src.push_back(&src_fix.back());
        } else {
          src_ufix.emplace_back(v, src_w, src_i, sc_dt::SC_TRN, sc_dt::SC_WRAP, 0);
          src.push_back(&src_ufix.back());
        }
        ASSERT_EQ(fxtest::sc_raw(*src.back(), src_w, src_signed), r);
      }

      for (Rounding q : fx::kAllRoundings) {
        // Expected flags: inexact / tie from the dropped bits (independent of O
        // and N); overflow is SystemC's overflow_flag() of each cast below,
        // checked against where the rounded value lands (pos).
        const FxType range_t = FxType::make(target_signed, tg.w, tg.i, q, Overflow::SAT, 0);
        std::vector<fx::CastFlags> want_flags(raws.size());
        std::vector<fxtest::Rounded> pos(raws.size());
        for (size_t k = 0; k < raws.size(); ++k) {
          const uint64_t dropped = static_cast<uint64_t>(raws[k]) & ((uint64_t{1} << drop) - 1);
          want_flags[k].inexact = dropped != 0;
          want_flags[k].tie = dropped == (uint64_t{1} << (drop - 1));
          pos[k] = fxtest::sc_rounded_position(fxtest::fxval_of(raws[k], src_t), src_i, range_t);
        }
        for (int n : sat_bits_for(tg.w)) {
          const FxType t = FxType::make(target_signed, tg.w, tg.i, q, o, n);
          fxtest::ScTarget sc(t);
          for (size_t k = 0; k < raws.size(); ++k) {
            const int64_t r = raws[k];
            const fxtest::ScResult sc_res = sc.cast(*src[k]);
            const int64_t want = sc_res.raw;
            want_flags[k].overflow = sc_res.overflow;
            if (sc_res.overflow != fxtest::predicted_overflow(pos[k], t)) {
              oracle_mm.add("SystemC overflow_flag " + std::to_string(sc_res.overflow) +
                            " disagrees with the range rule for " + t.str() + " <- " + src_t.str() +
                            " raw " + std::to_string(r));
            }
            fx::CastFlags f1, f2;
            const int64_t got1 = fx::cast_from_raw(r, src_f, t, &f1);
            const int64_t got2 = fx::convert(r, src_t, t, &f2);
            raw_mm.checked++;
            convert_mm.checked++;
            flag_mm.checked += 2;
            const auto describe = [&](const char* fn, int64_t got) {
              return std::string(fn) + " to " + t.str() + " from " + src_t.str() + " raw " +
                     std::to_string(r) + " (value " + fxtest::fxval_of(r, src_t).to_string() +
                     "): SystemC raw " + std::to_string(want) + ", fx raw " + std::to_string(got);
            };
            if (got1 != want) raw_mm.add(describe("cast_from_raw", got1));
            if (got2 != want) convert_mm.add(describe("convert", got2));
            if (!same_flags(f1, want_flags[k])) {
              flag_mm.add(describe("cast_from_raw flags", got1) + ": expected flags " +
                          flags_str(want_flags[k]) + ", got " + flags_str(f1));
            }
            if (!same_flags(f2, want_flags[k])) {
              flag_mm.add(describe("convert flags", got2) + ": expected flags " +
                          flags_str(want_flags[k]) + ", got " + flags_str(f2));
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(raw_mm.count, 0u) << raw_mm.report();
  EXPECT_EQ(convert_mm.count, 0u) << convert_mm.report();
  EXPECT_EQ(flag_mm.count, 0u) << flag_mm.report();
  EXPECT_EQ(oracle_mm.count, 0u) << oracle_mm.report();
  RecordProperty("checks", std::to_string(raw_mm.checked));
}

std::string mode_param_name(const ::testing::TestParamInfo<std::tuple<Overflow, bool>>& info) {
  return std::string(fx::to_string(std::get<0>(info.param))) +
         (std::get<1>(info.param) ? "_signed" : "_unsigned");
}

// Every overflow mode x target signedness, except unsigned WRAP_SM (invalid,
// see ScOracle.UnsignedWrapSmIsUndefinedInSystemC).
const std::tuple<Overflow, bool> kModeParams[] = {
    {Overflow::SAT, true},       {Overflow::SAT, false},    {Overflow::SAT_ZERO, true},
    {Overflow::SAT_ZERO, false}, {Overflow::SAT_SYM, true}, {Overflow::SAT_SYM, false},
    {Overflow::WRAP, true},      {Overflow::WRAP, false},   {Overflow::WRAP_SM, true}};

INSTANTIATE_TEST_SUITE_P(AllModes, SmallExhaustive, ::testing::ValuesIn(kModeParams),
                         mode_param_name);

// ---------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------
// Deterministic edges around the top of the word: k * 2^u LSB for u near W
// (and up to 2^70 LSB), and 2^u - 1/2 LSB (a tie whose rounding carry runs
// into bit u), in every mode, through cast_from_raw and cast_from_double.

TEST(CastEdges, PowerOfTwoMultiplesAroundTheWordMatchSystemC) {
  Mismatches mm;
  const int64_t ks[] = {1,
                        -1,
                        2,
                        -2,
                        3,
                        -3,
                        5,
                        -5,
                        7,
                        -7,
                        (int64_t{1} << 20) + 1,
                        -((int64_t{1} << 20) + 1),
                        INT64_MAX,
                        INT64_MIN};
  for (bool s : {true, false}) {
    for (int w : {1, 2, 3, 7, 8, 31, 32, 33, 53, 62, 63, 64}) {
      for (int i : {w, 3, -2}) {
        for (Rounding q : fx::kAllRoundings) {
          for (Overflow o : fx::kAllOverflows) {
            if (!s && o == Overflow::WRAP_SM) continue;
            for (int n : {0, 1, 2, w}) {
              const FxType t = FxType::make(s, w, i, q, o, n);
              const int f = t.frac_bits();
              std::vector<int> us;
              for (int u = w - 3; u <= w + 3; ++u) us.push_back(u);
              for (int u : {w + 10, 62, 63, 64, 65, 70}) us.push_back(u);
              for (int u : us) {
                if (u < 0) continue;
                for (int64_t k : ks) {
                  // value = k * 2^u LSB = k * 2^(u - F): src_frac_bits = F - u.
                  const int64_t want = fxtest::sc_cast(fxtest::fxval_from_raw(k, f - u), t);
                  const int64_t got = fx::cast_from_raw(k, f - u, t);
                  ++mm.checked;
                  if (got != want) {
                    mm.add("cast_from_raw(" + std::to_string(k) + ", " + std::to_string(f - u) +
                           ", " + t.str() + "): SystemC raw " + std::to_string(want) + ", fx raw " +
                           std::to_string(got));
                  }
                  if (k > -(int64_t{1} << 53) && k < (int64_t{1} << 53)) {
                    const double x = std::ldexp(static_cast<double>(k), u - f);
                    const int64_t want_d = fxtest::sc_cast(x, t);
                    const int64_t got_d = fx::cast_from_double(x, t);
                    ++mm.checked;
                    if (got_d != want_d) {
                      mm.add("cast_from_double(" + fxtest::hexfloat(x) + ", " + t.str() +
                             "): SystemC raw " + std::to_string(want_d) + ", fx raw " +
                             std::to_string(got_d));
                    }
                  }
                }
                if (u <= 61) {
                  // +-(2^u - 1/2) LSB and +-(2^u + 1/2) LSB: raw 2^(u+1) -+ 1 at F + 1.
                  for (int64_t r : {(int64_t{1} << (u + 1)) - 1, (int64_t{1} << (u + 1)) + 1}) {
                    for (int64_t sr : {r, -r}) {
                      const int64_t want = fxtest::sc_cast(fxtest::fxval_from_raw(sr, f + 1), t);
                      const int64_t got = fx::cast_from_raw(sr, f + 1, t);
                      ++mm.checked;
                      if (got != want) {
                        mm.add("cast_from_raw(" + std::to_string(sr) + ", " +
                               std::to_string(f + 1) + ", " + t.str() + "): SystemC raw " +
                               std::to_string(want) + ", fx raw " + std::to_string(got));
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(mm.count, 0u) << mm.report();
}

// ---------------------------------------------------------------------------
// Non-finite inputs (not representable in SystemC; the contract of cast.hpp).

TEST(CastFromDouble, NanGivesZeroInEveryMode) {
  for (bool s : {true, false}) {
    for (Rounding q : fx::kAllRoundings) {
      for (Overflow o : fx::kAllOverflows) {
        if (!s && o == Overflow::WRAP_SM) continue;
        for (int n : {0, 2}) {
          const FxType t = FxType::make(s, 8, 3, q, o, n);
          EXPECT_EQ(fx::cast_from_double(std::nan(""), t), 0) << t.str();
          EXPECT_EQ(fx::cast_from_double(-std::nan(""), t), 0) << t.str();
        }
      }
    }
  }
}

TEST(CastFromDouble, InfinityIsBeyondEveryRange) {
  const double inf = std::numeric_limits<double>::infinity();
  for (bool s : {true, false}) {
    for (Rounding q : fx::kAllRoundings) {
      for (auto [w, i] : {std::pair{8, 3}, std::pair{64, 64}, std::pair{1, 0}, std::pair{16, -4}}) {
        const FxType sat = FxType::make(s, w, i, q, Overflow::SAT, 0);
        EXPECT_EQ(fx::cast_from_double(inf, sat), sat.raw_max()) << sat.str();
        EXPECT_EQ(fx::cast_from_double(-inf, sat), sat.raw_min()) << sat.str();
        const FxType zero = FxType::make(s, w, i, q, Overflow::SAT_ZERO, 0);
        EXPECT_EQ(fx::cast_from_double(inf, zero), 0) << zero.str();
        EXPECT_EQ(fx::cast_from_double(-inf, zero), 0) << zero.str();
        const FxType sym = FxType::make(s, w, i, q, Overflow::SAT_SYM, 0);
        EXPECT_EQ(fx::cast_from_double(inf, sym), sym.raw_max()) << sym.str();
        EXPECT_EQ(fx::cast_from_double(-inf, sym), s ? -sym.raw_max() : 0) << sym.str();
        const FxType wrap = FxType::make(s, w, i, q, Overflow::WRAP, 0);
        EXPECT_EQ(fx::cast_from_double(inf, wrap), 0) << wrap.str();
        EXPECT_EQ(fx::cast_from_double(-inf, wrap), 0) << wrap.str();
      }
    }
  }
}

// to_double is exact whenever the value fits a double.
TEST(ToDouble, IsExactRawTimesLsb) {
  std::mt19937_64 rng(99);
  int failures = 0;
  for (int k = 0; k < 20000; ++k) {
    const int w = 1 + static_cast<int>(rng() % 64);
    const int i = static_cast<int>(rng() % 200) - 100;
    const bool s = (rng() & 1) != 0;
    const FxType t = FxType::make(s, w, i, Rounding::TRN, Overflow::WRAP, 0);
    const int64_t raw = fxtest::raw_from_bits(rng(), t);
    // Only values whose magnitude fits in 53 bits are exactly representable.
    const long double exact =
        s ? static_cast<long double>(raw) : static_cast<long double>(static_cast<uint64_t>(raw));
    if (std::fabs(exact) >= 9007199254740992.0L) continue;
    const double want = std::ldexp(static_cast<double>(exact), -t.frac_bits());
    if (fx::to_double(raw, t) != want) ++failures;
  }
  EXPECT_EQ(failures, 0);
  // 64-bit patterns, rounded to the nearest double.
  EXPECT_EQ(fx::to_double(-1, FxType::make_unsigned(64, 64)), 18446744073709551616.0);
  EXPECT_EQ(fx::to_double(INT64_MIN, FxType::make_signed(64, 0)), -0.5);
  EXPECT_EQ(fx::to_double(INT64_MIN, FxType::make_unsigned(64, 0)), 0.5);
}

}  // namespace
