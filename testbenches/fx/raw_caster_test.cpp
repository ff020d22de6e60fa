// fx::RawCaster (a cast from raws set up once per source fraction and target) against
// fx::cast_from_raw, the general path that cast_vs_systemc_test.cpp checks against sc_fix: for
// every rounding x overflow mode, both semantics, signed and unsigned, widths 1..64, saturation
// bits around 0, 1, 2, W, and fraction shifts from far left to far right (both sides of the
// caster's 64-bit path), on raws at the range edges (+-1 around them), ties and their
// neighbours, int64's extremes and random values. Raw and flags must be equal, element by
// element, and cast_array's CastStats must be the count of the scalar flags.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "fx/cast.hpp"
#include "fx/fx_type.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::CastFlags;
using fx::CastStats;
using fx::FxType;
using fx::Overflow;
using fx::Rounding;

// Raws worth casting with `shift` fraction bits more than t has: t's range edges and their
// neighbours scaled to the source, ties (odd multiples of half an LSB) and the values just
// around them, zero, int64's extremes and random raws of every magnitude.
std::vector<std::int64_t> probe_raws(const FxType& t, int shift, std::mt19937_64& rng) {
  std::vector<std::int64_t> v = {0,
                                 1,
                                 -1,
                                 2,
                                 -2,
                                 std::numeric_limits<std::int64_t>::min(),
                                 std::numeric_limits<std::int64_t>::max(),
                                 std::numeric_limits<std::int64_t>::min() + 1,
                                 std::numeric_limits<std::int64_t>::max() - 1};
  // A raw that would leave int128 when scaled becomes +-2^120: far outside int64 either way, so
  // push() drops it, as it drops every scaled value int64 cannot hold.
  auto scaled = [&](__int128 raw) -> __int128 {
    if (shift < 0) return -shift >= 127 ? 0 : (raw >> -shift);
    const int s = std::min(shift, 100);
    const __int128 limit = __int128{1} << (120 - s);
    if (raw >= limit || raw <= -limit) return raw > 0 ? __int128{1} << 120 : -(__int128{1} << 120);
    return raw * (__int128{1} << s);
  };
  auto push = [&](__int128 x) {
    if (x >= std::numeric_limits<std::int64_t>::min() &&
        x <= std::numeric_limits<std::int64_t>::max()) {
      v.push_back(static_cast<std::int64_t>(x));
    }
  };
  const __int128 lo = t.is_signed ? -(__int128{1} << (t.width - 1)) : 0;
  const __int128 hi =
      t.is_signed ? (__int128{1} << (t.width - 1)) - 1 : (__int128{1} << t.width) - 1;
  for (const __int128 edge : {lo, hi, -hi, lo - 1, hi + 1, lo + 1, hi - 1}) {
    const __int128 s = scaled(edge);
    for (int d = -3; d <= 3; ++d) push(s + d);
    if (shift > 0 && shift < 100) {
      const __int128 half = __int128{1} << (shift - 1);
      for (int d = -1; d <= 1; ++d) {
        push(s + half + d);
        push(s - half + d);
      }
    }
  }
  if (shift > 0 && shift < 100) {
    const __int128 half = __int128{1} << (shift - 1);
    for (int k = -7; k <= 7; k += 2) {
      for (int d = -1; d <= 1; ++d) push(half * k + d);
    }
  }
  for (int k = 0; k < 24; ++k) {
    const std::uint64_t r = rng();
    const int bits = static_cast<int>(rng() % 64);
    v.push_back(static_cast<std::int64_t>(r) >> bits);
  }
  return v;
}

std::string where(const FxType& t, int src_frac, std::int64_t raw) {
  return t.str() + " from " + std::to_string(src_frac) + " fraction bits, raw " +
         std::to_string(raw);
}

TEST(RawCaster, EqualsCastFromRawInEveryModeWidthAndShift) {
  std::mt19937_64 rng(0x5261774361ull);
  const int widths[] = {1, 2, 3, 5, 8, 12, 16, 31, 32, 33, 47, 63, 64};
  const int shifts[] = {-130, -70, -64, -63, -20, -1, 0,  1,  2,  3,
                        7,    20,  40,  61,  62,  63, 64, 70, 130};
  std::uint64_t checked = 0;
  for (const fx::Spelling spelling : {fx::Spelling::FIXED, fx::Spelling::AP_FIXED}) {
    for (const bool is_signed : {true, false}) {
      for (const Rounding q : fx::kAllRoundings) {
        for (const Overflow o : fx::kAllOverflows) {
          if (o == Overflow::WRAP_SM && !is_signed) continue;  // not a format
          for (const int w : widths) {
            const bool n_matters = o == Overflow::WRAP || o == Overflow::WRAP_SM;
            std::vector<int> ns = {0};
            if (n_matters) ns = {0, 1, 2, w - 1, w, w + 1};
            for (const int n : ns) {
              if (n < 0) continue;
              for (const int i : {0, w / 2, -3, w + 5}) {
                const FxType t = FxType::make(is_signed, w, i, q, o, n).spelled(spelling);
                for (const int shift : shifts) {
                  const int src_frac = t.frac_bits() + shift;
                  const fx::RawCaster caster(src_frac, t);
                  const std::vector<std::int64_t> raws = probe_raws(t, shift, rng);
                  CastStats expected_stats;
                  std::vector<std::int64_t> expected(raws.size());
                  for (std::size_t k = 0; k < raws.size(); ++k) {
                    CastFlags want, got;
                    expected[k] = fx::cast_from_raw(raws[k], src_frac, t, &want);
                    expected_stats.add(want);
                    const std::int64_t r = caster.cast(raws[k], &got);
                    ASSERT_EQ(r, expected[k]) << where(t, src_frac, raws[k]);
                    ASSERT_EQ(got.inexact, want.inexact) << where(t, src_frac, raws[k]);
                    ASSERT_EQ(got.tie, want.tie) << where(t, src_frac, raws[k]);
                    ASSERT_EQ(got.overflow, want.overflow) << where(t, src_frac, raws[k]);
                    ASSERT_EQ(caster.cast(raws[k]), expected[k]);  // no flags asked
                  }
                  std::vector<std::int64_t> out(raws.size()), plain(raws.size());
                  CastStats stats;
                  caster.cast_array(raws.data(), raws.size(), out.data(), &stats);
                  caster.cast_array(raws.data(), raws.size(), plain.data());
                  ASSERT_EQ(out, expected) << t.str() << " shift " << shift;
                  ASSERT_EQ(plain, expected) << t.str() << " shift " << shift;
                  ASSERT_EQ(stats.count, expected_stats.count);
                  ASSERT_EQ(stats.inexact, expected_stats.inexact) << t.str() << " " << shift;
                  ASSERT_EQ(stats.ties, expected_stats.ties) << t.str() << " " << shift;
                  ASSERT_EQ(stats.overflows, expected_stats.overflows) << t.str() << " " << shift;
                  checked += raws.size();
                }
              }
            }
          }
        }
      }
    }
  }
  // Every mode, semantics and width above was reached (a loop that skipped them would pass).
  EXPECT_GT(checked, 3000000u);
}

// The caster keeps counting into the stats it is given (a stage adds pixel after pixel), and a
// tie / inexact / overflow is counted once per element: a hand-worked case, fixed<4,2,RND,SAT>
// from 3 fraction bits (shift 1): raw 3 = 0.375 -> tie, rounds up to raw 2 (0.5); raw 40 = 5.0
// overflows to raw 7 (1.75); raw -2 = -0.25 is exact (raw -1).
TEST(RawCaster, AccumulatesStatsAcrossCalls) {
  const FxType t = FxType::make_signed(4, 2, Rounding::RND, Overflow::SAT);
  const fx::RawCaster caster(3, t);
  const std::int64_t in[] = {3, 40, -2};
  std::int64_t out[3];
  CastStats stats;
  caster.cast_array(in, 3, out, &stats);
  EXPECT_EQ(out[0], 2);
  EXPECT_EQ(out[1], 7);
  EXPECT_EQ(out[2], -1);
  caster.cast_array(in, 1, out, &stats);
  EXPECT_EQ(stats.count, 4u);
  EXPECT_EQ(stats.ties, 2u);
  EXPECT_EQ(stats.inexact, 2u);
  EXPECT_EQ(stats.overflows, 1u);
}

}  // namespace
