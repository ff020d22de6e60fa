// fx::Lfsr and the lane seeding of stochastic rounding, against sources that share no code with
// fx/lfsr.cpp:
//  * periods by brute force on small trinomials (primitive ones give 2^w - 1; reducible ones the
//    order worked by hand from their factors), and, for the default x^31 + x^3 + 1, the GF(2)
//    companion matrix raised to 2^31 - 1 (a prime, so M^(2^31-1) = I with M != I is the full
//    period), the matrix built from the recurrence, not from the register code;
//  * the first words against a table from testbenches/fx/data/stochastic_fixtures.py (the
//    sequence as a Python list grown by s[n+31] = s[n+3] ^ s[n]); the first three are also
//    worked by hand below;
//  * SplitMix64 against its published first output for 0, lane_state against the same script;
//  * the same seed gives the same bits, any other seed, layer or lane other bits.
#include "fx/lfsr.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <set>
#include <stdexcept>
#include <string>

namespace fx = fxsim::fx;

namespace {

// Steps one bit at a time from `state` until it comes back; the number of steps.
uint64_t brute_force_period(int width, int tap, uint64_t state) {
  fx::Lfsr l(width, tap, state);
  uint64_t n = 0;
  do {
    l.next_bits(1);
    ++n;
  } while (l.state() != state && n <= (uint64_t{1} << width));
  return n;
}

TEST(Lfsr, BruteForcePeriodsOfPrimitiveTrinomials) {
  EXPECT_EQ(brute_force_period(7, 1, 1), 127u);
  EXPECT_EQ(brute_force_period(7, 3, 0x55), 127u);
  EXPECT_EQ(brute_force_period(9, 4, 1), 511u);
  EXPECT_EQ(brute_force_period(10, 3, 0x3FF), 1023u);
  EXPECT_EQ(brute_force_period(15, 1, 1), 32767u);
}

TEST(Lfsr, BruteForcePeriodsOfNonPrimitiveTrinomials) {
  // x^8 + x^4 + 1 = (x^2 + x + 1)^4 over GF(2): the order of x is 3 * 4 = 12.
  EXPECT_EQ(brute_force_period(8, 4, 1), 12u);
  // x^6 + x^3 + 1 divides x^9 - 1 (it is (x^9 - 1) / (x^3 - 1)): order 9.
  EXPECT_EQ(brute_force_period(6, 3, 1), 9u);
}

TEST(Lfsr, SmallPrimitiveOrbitVisitsEveryNonzeroState) {
  fx::Lfsr l(7, 1, 1);
  std::set<uint64_t> seen;
  for (int i = 0; i < 127; ++i) {
    seen.insert(l.state());
    l.next_bits(1);
  }
  EXPECT_EQ(seen.size(), 127u);
  EXPECT_EQ(seen.count(0), 0u);
}

// 31x31 matrices over GF(2), row i a bit mask: (M x)_i = parity(row_i & x).
using Mat = std::array<uint32_t, 31>;

Mat multiply(const Mat& a, const Mat& b) {  // a * b
  Mat c{};
  for (int i = 0; i < 31; ++i) {
    uint32_t row = 0;
    for (int k = 0; k < 31; ++k) {
      if ((a[i] >> k) & 1) row ^= b[k];
    }
    c[i] = row;
  }
  return c;
}

TEST(Lfsr, DefaultTrinomialHasFullPeriodByMatrixPower) {
  // One step of the window (s_n .. s_{n+30}) -> (s_{n+1} .. s_{n+31}), s_{n+31} = s_{n+3} + s_n.
  Mat m{};
  for (int i = 0; i < 30; ++i) m[i] = uint32_t{1} << (i + 1);
  m[30] = (uint32_t{1} << 3) | 1u;
  Mat identity{};
  for (int i = 0; i < 31; ++i) identity[i] = uint32_t{1} << i;
  EXPECT_NE(m, identity);
  // M^(2^31 - 1) by square and multiply (the exponent is 31 ones).
  Mat power = identity;
  Mat square = m;
  for (int bit = 0; bit < 31; ++bit) {
    power = multiply(power, square);
    square = multiply(square, square);
  }
  EXPECT_EQ(power, identity);
  // The register steps as M does.
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 100; ++trial) {
    const uint64_t x = 1 + rng() % 0x7FFFFFFF;
    uint64_t expected = 0;
    for (int i = 0; i < 31; ++i) {
      expected |= static_cast<uint64_t>(__builtin_parity(m[i] & static_cast<uint32_t>(x))) << i;
    }
    fx::Lfsr l(x);
    l.next_bits(1);
    EXPECT_EQ(l.state(), expected) << "from state " << x;
  }
}

TEST(Lfsr, FirstWordsMatchTheTable) {
  // From state 1 (s_0 = 1, s_1..s_30 = 0), 28-bit draws. By hand: draw 1 is s_0..s_27 = 1;
  // s_31 = s_3 ^ s_0 = 1 is bit 3 of draw 2 (s_28..s_55) = 0x8; s_59 = s_31 ^ s_28 = 1 and
  // s_62 = s_34 ^ s_31 = 1 are bits 3 and 6 of draw 3 = 0x48.
  fx::Lfsr one(1);
  const uint64_t from_one[] = {0x1, 0x8, 0x48, 0x208, 0x1248, 0x8008};
  for (uint64_t w : from_one) EXPECT_EQ(one.next_bits(28), w);
  fx::Lfsr seed(0x5EED);
  const uint64_t from_5eed[] = {0x5eed, 0x2a980, 0x17e580, 0xa8c980};
  for (uint64_t w : from_5eed) EXPECT_EQ(seed.next_bits(28), w);
  // The small generator x^7 + x + 1, 6-bit draws (its bits per step) from state 1.
  fx::Lfsr small(7, 1, 1);
  const uint64_t from_small[] = {0x1, 0x2, 0x6, 0xa, 0x1e, 0x22};
  for (uint64_t w : from_small) EXPECT_EQ(small.next_bits(6), w);
}

TEST(Lfsr, DrawsOfAnySizeAreTheSingleBitsFirstBitLowest) {
  std::mt19937_64 rng(11);
  for (int k = 0; k <= 64; ++k) {
    const uint64_t start = 1 + rng() % 0x7FFFFFFF;
    fx::Lfsr word(start);
    fx::Lfsr bit(start);
    for (int rep = 0; rep < 3; ++rep) {
      uint64_t expected = 0;
      for (int j = 0; j < k; ++j) expected |= bit.next_bits(1) << j;
      EXPECT_EQ(word.next_bits(k), expected) << k << " bits from " << start;
      EXPECT_EQ(word.state(), bit.state());
    }
  }
}

TEST(Lfsr, SplitMix64AndLaneStatesMatchTheTable) {
  EXPECT_EQ(fx::splitmix64(0), 0xe220a8397b1dcdafull);  // SplitMix64's published first output
  EXPECT_EQ(fx::splitmix64(1), 0x910a2dec89025cc1ull);
  EXPECT_EQ(fx::lane_state(0, 0, 0), 0x1aa0bu);
  EXPECT_EQ(fx::lane_state(1, 0, 0), 0x50a18cafu);
  EXPECT_EQ(fx::lane_state(0, 1, 0), 0xa91f2b4u);
  EXPECT_EQ(fx::lane_state(0, 0, 1), 0x752bcb6au);
  EXPECT_EQ(fx::lane_state(42, 3, 17), 0x14464480u);
  EXPECT_EQ(fx::lane_state(~0ull, ~0ull, ~0ull), 0x3a771706u);
  EXPECT_EQ(fx::Lfsr::for_lane(42, 3, 17).state(), 0x14464480u);
}

TEST(Lfsr, LaneStatesAreNeverZeroAndInRange) {
  std::mt19937_64 rng(3);
  for (int i = 0; i < 100000; ++i) {
    const uint64_t s = fx::lane_state(rng(), rng() % 64, rng() % 1024);
    ASSERT_GE(s, 1u);
    ASSERT_LE(s, 0x7FFFFFFFu);
  }
}

// 256 draws of 28 bits.
std::array<uint64_t, 256> draws(fx::Lfsr l) {
  std::array<uint64_t, 256> out{};
  for (auto& w : out) w = l.next_bits(28);
  return out;
}

TEST(Lfsr, SameSeedSameBitsOtherSeedLayerOrLaneOtherBits) {
  const auto base = draws(fx::Lfsr::for_lane(42, 3, 17));
  EXPECT_EQ(draws(fx::Lfsr::for_lane(42, 3, 17)), base);
  EXPECT_NE(draws(fx::Lfsr::for_lane(43, 3, 17)), base);
  EXPECT_NE(draws(fx::Lfsr::for_lane(42, 4, 17)), base);
  EXPECT_NE(draws(fx::Lfsr::for_lane(42, 3, 18)), base);
  EXPECT_NE(draws(fx::Lfsr::for_lane(42, 17, 3)), base);  // layer and lane are not symmetric
  // Lanes of one layer: no two of 1024 start in the same state.
  std::set<uint64_t> states;
  for (uint64_t lane = 0; lane < 1024; ++lane) states.insert(fx::lane_state(42, 3, lane));
  EXPECT_EQ(states.size(), 1024u);
}

TEST(Lfsr, RefusesTheZeroStateAndBadShapes) {
  auto message = [](auto make) -> std::string {
    try {
      make();
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no exception";
  };
  EXPECT_EQ(message([] { fx::Lfsr l(0); }),
            "LFSR state 0: expected 1..2147483647 (the all-zero state never moves)");
  EXPECT_EQ(message([] { fx::Lfsr l(uint64_t{1} << 31); }),
            "LFSR state 2147483648: expected 1..2147483647 (the all-zero state never moves)");
  EXPECT_EQ(message([] { fx::Lfsr l(64, 3, 1); }), "LFSR width 64: expected 2..63");
  EXPECT_EQ(message([] { fx::Lfsr l(7, 7, 1); }), "LFSR tap 7: expected 1..6");
  EXPECT_EQ(message([] { fx::Lfsr(1).next_bits(65); }), "LFSR draw of 65 bits");
}

}  // namespace
