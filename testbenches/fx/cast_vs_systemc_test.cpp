// fx::cast_from_raw / fx::convert / fx::cast_from_double against SystemC
// sc_fix / sc_ufix, for every rounding x overflow x saturation-bits x
// signedness combination.
//
//  * Small formats, exhaustively: every raw value of a wider source format
//    (3 more fraction bits, 2-3 more integer bits than the target, so ties,
//    plain inexact values and multiple wrap-arounds all occur) is cast to the
//    target with fx and assigned to an sc_fix/sc_ufix of the target's
//    parameters from an sc_fix/sc_ufix of the source format.
//  * Large formats (W up to 64): cast_large_vs_systemc_test.cpp.
//  * Deterministic edges around the top of the word: k * 2^u LSB for u near W
//    and up to 2^70 LSB, and ties whose rounding carry runs into bit u.
//  * The CastFlags of every cast: inexact and tie from the dropped bits;
//    overflow is SystemC's overflow_flag(), itself checked against the range
//    rule (the value rounded by an sc_fix wide enough never to overflow lies
//    outside [min, max], or is exactly min under signed SAT_SYM, which moves it
//    to -max).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
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

INSTANTIATE_TEST_SUITE_P(AllModes, SmallExhaustive, ::testing::ValuesIn(kModeParams),
                         mode_param_name);

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
