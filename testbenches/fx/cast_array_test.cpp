// The array casts (the hot path) give exactly the scalar results, element by
// element, for every rounding x overflow pair, and their CastStats equal a
// count of the scalar CastFlags. The scalar casts themselves are checked
// against SystemC in cast_vs_systemc_test.cpp; finite elements are also
// checked against sc_fix here directly.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "fx/cast.hpp"
#include "fx/fx_type.hpp"
#include "sc_oracle.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::CastFlags;
using fx::CastStats;
using fx::FxType;
using fx::Overflow;
using fx::Rounding;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

std::string stats_str(const CastStats& s) {
  return "{count=" + std::to_string(s.count) + " inexact=" + std::to_string(s.inexact) +
         " ties=" + std::to_string(s.ties) + " overflows=" + std::to_string(s.overflows) + "}";
}

bool same_stats(const CastStats& a, const CastStats& b) {
  return a.count == b.count && a.inexact == b.inexact && a.ties == b.ties &&
         a.overflows == b.overflows;
}

// A mixed array for type t: in range, ties, plain inexact values, overflows
// both ways, range edges, subnormals, huge values, +-0, and (last, so the
// SystemC cross-check can skip them) NaN and +-infinity.
std::vector<double> mixed_doubles(const FxType& t, std::mt19937_64& rng, size_t* finite_count) {
  std::vector<double> v;
  const int f = t.frac_bits();
  const double lsb = std::ldexp(1.0, -f);
  const double lo = t.min_value();
  const double hi = t.max_value();
  for (int k = -6; k <= 6; ++k) v.push_back(k * lsb * 0.5);  // ties and exact values
  for (int k = 0; k < 40; ++k) {
    // Uniform over twice the range (centred on it), off the LSB grid.
    const double u = static_cast<double>(rng() >> 11) / 9007199254740992.0;  // [0, 1)
    const double span = hi - lo;
    v.push_back(lo - span / 2 + u * span * 2);
  }
  for (int k = 0; k < 12; ++k) {
    // Odd multiples of half an LSB across and beyond the range.
    const int64_t m = static_cast<int64_t>(rng() % 4001) - 2000;
    v.push_back(std::ldexp(static_cast<double>(2 * m + 1), -f - 1) *
                (1 + static_cast<double>(rng() % 3)));
  }
  for (double e : {lo, hi}) {
    for (double d : {-1.0, -0.5, 0.0, 0.5, 1.0}) v.push_back(e + d * lsb);
  }
  for (double x : {0.0, -0.0, 5e-324, -5e-324, DBL_MIN, -DBL_MIN, 1e-300, -1e-300, 1e300, -1e300,
                   DBL_MAX, -DBL_MAX}) {
    v.push_back(x);
  }
  *finite_count = v.size();
  v.push_back(std::numeric_limits<double>::quiet_NaN());
  v.push_back(std::numeric_limits<double>::infinity());
  v.push_back(-std::numeric_limits<double>::infinity());
  return v;
}

struct ArrayFormat {
  int w;
  int i;
};
constexpr ArrayFormat kArrayFormats[] = {{8, 3},  {1, 0},   {4, -2},  {6, 9}, {16, 16},
                                         {33, 1}, {64, 20}, {64, 64}, {64, 0}};

TEST(CastArray, FromDoubleEqualsScalarForEveryModePair) {
  std::mt19937_64 rng(2024);
  int failures = 0;
  for (bool s : {true, false}) {
    for (const ArrayFormat& af : kArrayFormats) {
      for (Rounding q : fx::kAllRoundings) {
        for (Overflow o : fx::kAllOverflows) {
          if (!s && o == Overflow::WRAP_SM) continue;
          for (int n : {0, 2}) {
            const FxType t = FxType::make(s, af.w, af.i, q, o, n);
            size_t finite = 0;
            const std::vector<double> in = mixed_doubles(t, rng, &finite);
            std::vector<int64_t> out(in.size(), 0x5a5a5a5a), out_nostats(in.size(), 0x5a5a5a5a);
            std::vector<double> qout(in.size(), 1234.5);
            CastStats stats, qstats, want_stats;
            fx::cast_array_from_double(in.data(), in.size(), out.data(), t, &stats);
            fx::cast_array_from_double(in.data(), in.size(), out_nostats.data(), t);
            fx::quantize_array(in.data(), in.size(), qout.data(), t, &qstats);
            for (size_t k = 0; k < in.size(); ++k) {
              CastFlags fl;
              const int64_t want = fx::cast_from_double(in[k], t, &fl);
              want_stats.add(fl);
              const double want_q = fx::to_double(want, t);
              if (out[k] != want || out_nostats[k] != want || !same_bits(qout[k], want_q)) {
                if (++failures <= 10) {
                  ADD_FAILURE() << t.str() << " element " << fxtest::hexfloat(in[k])
                                << ": scalar raw " << want << ", array raw " << out[k]
                                << " (without stats " << out_nostats[k] << "), quantize_array "
                                << fxtest::hexfloat(qout[k]) << " vs " << fxtest::hexfloat(want_q);
                }
              }
              if (k < finite && want != fxtest::sc_cast(in[k], t)) {
                if (++failures <= 10) {
                  ADD_FAILURE() << t.str() << " element " << fxtest::hexfloat(in[k])
                                << ": SystemC raw " << fxtest::sc_cast(in[k], t) << ", fx raw "
                                << want;
                }
              }
            }
            if (!same_stats(stats, want_stats) || !same_stats(qstats, want_stats)) {
              if (++failures <= 10) {
                ADD_FAILURE() << t.str() << ": CastStats from scalar flags "
                              << stats_str(want_stats) << ", cast_array_from_double "
                              << stats_str(stats) << ", quantize_array " << stats_str(qstats);
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(CastArray, FromRawEqualsScalarForEveryModePair) {
  std::mt19937_64 rng(77);
  int failures = 0;
  for (bool s : {true, false}) {
    for (const ArrayFormat& af : kArrayFormats) {
      const FxType shape = FxType::make(s, af.w, af.i, Rounding::TRN, Overflow::WRAP, 0);
      const int f = shape.frac_bits();
      // Source fraction bits: more than the target (rounding), equal, fewer
      // (exact shifts), negative, far beyond.
      for (int src_f : {f + 3, f + 1, f, f - 2, -5, f + 40, 70}) {
        std::vector<int64_t> in;
        for (int64_t k = -20; k <= 20; ++k) in.push_back(k);
        for (int k = 0; k < 40; ++k) {
          int64_t r = static_cast<int64_t>(rng());
          r >>= rng() % 64;  // every magnitude
          in.push_back(r);
        }
        for (int64_t r :
             {INT64_MIN, INT64_MAX, INT64_MIN + 1, int64_t{1} << 62, -(int64_t{1} << 62)}) {
          in.push_back(r);
        }
        const int d = src_f - f;
        if (d >= 1 && d <= 40) {
          // Ties and edges in source units.
          for (int64_t m = -5; m <= 5; ++m)
            in.push_back(m * (int64_t{1} << d) + (int64_t{1} << (d - 1)));
          if (af.w + d <= 62) {
            for (int64_t e : {shape.raw_min(), shape.raw_max()}) {
              if (!s && af.w == 64) continue;
              const int64_t base = e * (int64_t{1} << d);
              for (int64_t delta : {int64_t{0}, int64_t{1} << (d - 1), -(int64_t{1} << (d - 1)),
                                    int64_t{1} << d, -(int64_t{1} << d)}) {
                in.push_back(base + delta);
              }
            }
          }
        }
        for (Rounding q : fx::kAllRoundings) {
          for (Overflow o : fx::kAllOverflows) {
            if (!s && o == Overflow::WRAP_SM) continue;
            for (int n : {0, 1, af.w}) {
              const FxType t = FxType::make(s, af.w, af.i, q, o, n);
              std::vector<int64_t> out(in.size(), 0x5a5a5a5a), out2(in.size(), 0x5a5a5a5a);
              CastStats stats, want_stats;
              fx::cast_array_from_raw(in.data(), in.size(), src_f, out.data(), t, &stats);
              fx::cast_array_from_raw(in.data(), in.size(), src_f, out2.data(), t);
              for (size_t k = 0; k < in.size(); ++k) {
                CastFlags fl;
                const int64_t want = fx::cast_from_raw(in[k], src_f, t, &fl);
                want_stats.add(fl);
                if (out[k] != want || out2[k] != want) {
                  if (++failures <= 10) {
                    ADD_FAILURE() << t.str() << " raw " << in[k] << " src_frac_bits " << src_f
                                  << ": scalar " << want << ", array " << out[k]
                                  << " (without stats " << out2[k] << ")";
                  }
                }
              }
              if (!same_stats(stats, want_stats)) {
                if (++failures <= 10) {
                  ADD_FAILURE() << t.str() << " src_frac_bits " << src_f
                                << ": CastStats from scalar flags " << stats_str(want_stats)
                                << ", cast_array_from_raw " << stats_str(stats);
                }
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

TEST(CastArray, ToDoubleArrayEqualsScalar) {
  std::mt19937_64 rng(5);
  for (bool s : {true, false}) {
    for (const ArrayFormat& af : kArrayFormats) {
      const FxType t = FxType::make(s, af.w, af.i, Rounding::TRN, Overflow::WRAP, 0);
      std::vector<int64_t> raw;
      for (int k = 0; k < 200; ++k) {
        raw.push_back(fxtest::raw_from_bits(rng(), t));
      }
      raw.push_back(t.raw_min());
      raw.push_back(t.raw_max());
      raw.push_back(0);
      std::vector<double> out(raw.size(), -1.0);
      fx::to_double_array(raw.data(), raw.size(), out.data(), t);
      for (size_t k = 0; k < raw.size(); ++k) {
        EXPECT_TRUE(same_bits(out[k], fx::to_double(raw[k], t)))
            << t.str() << " raw " << raw[k] << ": " << out[k] << " vs " << fx::to_double(raw[k], t);
      }
    }
  }
}

TEST(CastArray, EmptyArraysAreNoOps) {
  const FxType t = FxType::make_signed(8, 3, Rounding::RND, Overflow::SAT);
  double din = 1.0, dout = 7.0;
  int64_t rin = 1, rout = 7;
  CastStats stats;
  fx::cast_array_from_double(&din, 0, &rout, t, &stats);
  fx::cast_array_from_raw(&rin, 0, 4, &rout, t, &stats);
  fx::quantize_array(&din, 0, &dout, t, &stats);
  fx::to_double_array(&rin, 0, &dout, t);
  EXPECT_EQ(rout, 7);
  EXPECT_EQ(dout, 7.0);
  EXPECT_EQ(stats.count, 0u);
}

// Hand-counted CastStats on a short array of fixed<4,2,RND_CONV,SAT> (LSB 0.25,
// range [-2, 1.75]).
TEST(CastArray, StatsHandCounted) {
  const FxType t = FxType::make_signed(4, 2, Rounding::RND_CONV, Overflow::SAT);
  const double in[] = {
      0.5,     // exact: raw 2
      0.375,   // 1.5 LSB, tie -> even 2: inexact, tie
      0.3,     // 1.2 LSB -> 1: inexact
      1.875,   // 7.5 LSB, tie -> even 8 > 7: inexact, tie, overflow -> 7
      -2.0,    // exact min: raw -8
      -2.125,  // -8.5 LSB, tie -> even -8: inexact, tie, in range
      5.0,     // 20 LSB, overflow -> 7
  };
  int64_t out[7];
  CastStats st;
  fx::cast_array_from_double(in, 7, out, t, &st);
  const int64_t want[] = {2, 2, 1, 7, -8, -8, 7};
  for (int k = 0; k < 7; ++k) EXPECT_EQ(out[k], want[k]) << "element " << k;
  EXPECT_EQ(st.count, 7u);
  EXPECT_EQ(st.inexact, 4u);
  EXPECT_EQ(st.ties, 3u);
  EXPECT_EQ(st.overflows, 2u);
}

}  // namespace
