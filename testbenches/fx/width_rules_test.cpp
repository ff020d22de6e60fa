// Result formats of products, sums and dot-product accumulators: exact W / I /
// signedness worked out by hand, and a property check that the exact
// product / sum of extreme operand values fits the result type.
#include "fx/width_rules.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <random>
#include <string>

#include "fx/fx_type.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;

FxType S(int w, int i) { return FxType::make_signed(w, i); }
FxType U(int w, int i) { return FxType::make_unsigned(w, i); }

void expect_shape(const FxType& t, bool is_signed, int w, int i, const std::string& what) {
  EXPECT_EQ(t.is_signed, is_signed) << what << " -> " << t.str();
  EXPECT_EQ(t.width, w) << what << " -> " << t.str();
  EXPECT_EQ(t.int_bits, i) << what << " -> " << t.str();
}

TEST(WidthRules, CeilLog2) {
  EXPECT_EQ(fx::ceil_log2(1), 0);
  EXPECT_EQ(fx::ceil_log2(2), 1);
  EXPECT_EQ(fx::ceil_log2(3), 2);
  EXPECT_EQ(fx::ceil_log2(4), 2);
  EXPECT_EQ(fx::ceil_log2(5), 3);
  EXPECT_EQ(fx::ceil_log2(8), 3);
  EXPECT_EQ(fx::ceil_log2(9), 4);
  EXPECT_EQ(fx::ceil_log2(784), 10);  // 512 < 784 <= 1024
  EXPECT_EQ(fx::ceil_log2(1024), 10);
  EXPECT_EQ(fx::ceil_log2(1025), 11);
  EXPECT_EQ(fx::ceil_log2(1ULL << 63), 63);
  EXPECT_EQ(fx::ceil_log2((1ULL << 63) + 1), 64);
  EXPECT_EQ(fx::ceil_log2(ULLONG_MAX), 64);
  // Brute force against the definition: the smallest c with 2^c >= n.
  for (unsigned long long n = 1; n <= 5000; ++n) {
    int c = 0;
    while ((1ULL << c) < n) ++c;
    ASSERT_EQ(fx::ceil_log2(n), c) << n;
  }
}

TEST(WidthRules, ProductTypeByHand) {
  // W = W1 + W2, I = I1 + I2, signed if either is.
  expect_shape(fx::product_type(S(8, 3), S(8, 3)), true, 16, 6, "fixed<8,3> * fixed<8,3>");
  expect_shape(fx::product_type(S(8, 3), U(8, 3)), true, 16, 6, "fixed<8,3> * ufixed<8,3>");
  expect_shape(fx::product_type(U(8, 3), S(8, 3)), true, 16, 6, "ufixed<8,3> * fixed<8,3>");
  expect_shape(fx::product_type(U(8, 3), U(4, -2)), false, 12, 1, "ufixed<8,3> * ufixed<4,-2>");
  expect_shape(fx::product_type(S(1, 0), S(1, 0)), true, 2, 0, "fixed<1,0> * fixed<1,0>");
  expect_shape(fx::product_type(S(4, 10), U(3, -5)), true, 7, 5, "fixed<4,10> * ufixed<3,-5>");
  expect_shape(fx::product_type(S(32, 32), S(32, 32)), true, 64, 64, "fixed<32,32>^2");
  expect_shape(fx::product_type(U(32, 0), U(32, 0)), false, 64, 0, "ufixed<32,0>^2");
  expect_shape(fx::product_type(S(16, -3), S(48, 50)), true, 64, 47, "fixed<16,-3>*fixed<48,50>");
}

TEST(WidthRules, SumTypeByHand) {
  // F = max(F1, F2); I = max(I1', I2') + 1, I' = I + 1 for an unsigned
  // operand next to a signed one; W = I + F; signed if either is.
  // F = 5, I = 3 + 1 = 4, W = 9.
  expect_shape(fx::sum_type(S(8, 3), S(8, 3)), true, 9, 4, "fixed<8,3> + fixed<8,3>");
  // F = max(5, 5) = 5, I = max(3, 1) + 1 = 4, W = 9.
  expect_shape(fx::sum_type(S(8, 3), S(6, 1)), true, 9, 4, "fixed<8,3> + fixed<6,1>");
  // Mixed: I' = max(3, 3 + 1) + 1 = 5, F = 5, W = 10, signed.
  expect_shape(fx::sum_type(S(8, 3), U(8, 3)), true, 10, 5, "fixed<8,3> + ufixed<8,3>");
  expect_shape(fx::sum_type(U(8, 3), S(8, 3)), true, 10, 5, "ufixed<8,3> + fixed<8,3>");
  // Unsigned only: F = max(5, -2) = 5, I = max(3, 6) + 1 = 7, W = 12.
  expect_shape(fx::sum_type(U(8, 3), U(4, 6)), false, 12, 7, "ufixed<8,3> + ufixed<4,6>");
  // F = max(6, -2) = 6, I = max(-2, 5 + 1) + 1 = 7, W = 13, signed.
  expect_shape(fx::sum_type(S(4, -2), U(3, 5)), true, 13, 7, "fixed<4,-2> + ufixed<3,5>");
  // F = 1, I = max(0 + 1, 0) + 1 = 2, W = 3.
  expect_shape(fx::sum_type(U(1, 0), S(1, 0)), true, 3, 2, "ufixed<1,0> + fixed<1,0>");
  // F = 16, I = 17, W = 33.
  expect_shape(fx::sum_type(S(32, 16), S(32, 16)), true, 33, 17, "fixed<32,16> * 2");
  // Mixed with the signed operand holding the larger I: I = max(10, 2 + 1) + 1 = 11,
  // F = max(-2, 6) = 6, W = 17.
  expect_shape(fx::sum_type(S(8, 10), U(8, 2)), true, 17, 11, "fixed<8,10> + ufixed<8,2>");
}

TEST(WidthRules, AccumulatorTypeByHand) {
  // Product format + ceil(log2(length)) integer bits (and as many in W).
  const FxType p = fx::product_type(S(8, 3), S(8, 3));  // fixed<16,6>
  const struct {
    long long length;
    int extra;
  } cases[] = {{1, 0}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {784, 10}};
  for (const auto& c : cases) {
    const FxType acc = fx::accumulator_type(S(8, 3), S(8, 3), c.length);
    expect_shape(acc, true, p.width + c.extra, p.int_bits + c.extra,
                 "fixed<8,3> * fixed<8,3> x " + std::to_string(c.length));
    EXPECT_EQ(acc.overflow, Overflow::WRAP) << "default accumulator overflow mode";
  }
  // ufixed<4,0> * ufixed<4,0> x 5: W = 8 + 3 = 11, I = 0 + 3 = 3, unsigned.
  expect_shape(fx::accumulator_type(U(4, 0), U(4, 0), 5), false, 11, 3, "ufixed<4,0>^2 x 5");
  // fixed<8,1> * ufixed<8,8> x 3, SAT: W = 16 + 2 = 18, I = 9 + 2 = 11, signed.
  const FxType acc = fx::accumulator_type(S(8, 1), U(8, 8), 3, Overflow::SAT);
  expect_shape(acc, true, 18, 11, "fixed<8,1> * ufixed<8,8> x 3");
  EXPECT_EQ(acc.overflow, Overflow::SAT);
  // fixed<8,3>^2 x 784: W = 26, I = 16 (an MNIST 28x28 dense layer).
  expect_shape(fx::accumulator_type(S(8, 3), S(8, 3), 784), true, 26, 16, "x 784");
  // Exactly 64 bits is fine; 65 is not.
  expect_shape(fx::accumulator_type(S(32, 1), S(32, 1), 1), true, 64, 2, "fixed<32,1>^2 x 1");
  expect_shape(fx::accumulator_type(S(31, 1), S(31, 1), 4), true, 64, 4, "fixed<31,1>^2 x 4");
  EXPECT_THROW(fx::accumulator_type(S(32, 1), S(32, 1), 2), fx::FxTypeError);
  EXPECT_THROW(fx::accumulator_type(S(31, 1), S(31, 1), 5), fx::FxTypeError);
  EXPECT_THROW(fx::accumulator_type(S(8, 3), S(8, 3), 1LL << 50), fx::FxTypeError);
}

// ---------------------------------------------------------------------------
// Property: the exact product / sum / dot product of extreme values fits.

using i128 = __int128;

i128 raw_lo(const FxType& t) { return t.raw_min(); }
i128 raw_hi(const FxType& t) {
  return (!t.is_signed && t.width == 64) ? static_cast<i128>(UINT64_MAX)
                                         : static_cast<i128>(t.raw_max());
}

std::string i128_str(i128 v) {
  if (v == 0) return "0";
  const bool neg = v < 0;
  unsigned __int128 u =
      neg ? -static_cast<unsigned __int128>(v) : static_cast<unsigned __int128>(v);
  std::string s;
  while (u) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return neg ? "-" + s : s;
}

FxType random_type(std::mt19937_64& rng, int max_w) {
  const int w = 1 + static_cast<int>(rng() % max_w);
  const int i = static_cast<int>(rng() % 41) - 20;
  return (rng() & 1) ? S(w, i) : U(w, i);
}

TEST(WidthRules, ExtremeProductsAndSumsFit) {
  std::mt19937_64 rng(31337);
  int failures = 0;
  for (int k = 0; k < 20000; ++k) {
    const FxType a = random_type(rng, 40);
    const FxType b = random_type(rng, 64 - a.width > 0 ? 64 - a.width : 1);
    if (a.width + b.width > 64) continue;
    const i128 av[] = {raw_lo(a), raw_hi(a), 0, 1, raw_lo(a) + (a.is_signed ? 1 : 0)};
    const i128 bv[] = {raw_lo(b), raw_hi(b), 0, 1, raw_lo(b) + (b.is_signed ? 1 : 0)};

    // Product: its F is F1 + F2, so the exact product of raws is its raw.
    const FxType p = fx::product_type(a, b);
    if (p.frac_bits() != a.frac_bits() + b.frac_bits()) {
      ++failures;
      ADD_FAILURE() << a.str() << " * " << b.str() << " -> " << p.str() << ": F is not F1 + F2";
      continue;
    }
    for (i128 x : av) {
      for (i128 y : bv) {
        const i128 r = x * y;
        if (r < raw_lo(p) || r > raw_hi(p)) {
          if (++failures <= 10) {
            ADD_FAILURE() << a.str() << " * " << b.str() << " -> " << p.str() << ": raw "
                          << i128_str(x) << " * " << i128_str(y) << " = " << i128_str(r)
                          << " overflows";
          }
        }
      }
    }

    // Sum: align both raws to F = max(F1, F2).
    const int f = std::max(a.frac_bits(), b.frac_bits());
    if (a.frac_bits() - b.frac_bits() > 40 || b.frac_bits() - a.frac_bits() > 40) continue;
    if (std::max(a.int_bits, b.int_bits) + 2 + f > 64) continue;  // would exceed 64 bits
    const FxType s = fx::sum_type(a, b);
    if (s.frac_bits() != f) {
      ++failures;
      ADD_FAILURE() << a.str() << " + " << b.str() << " -> " << s.str() << ": F is not max(F1, F2)";
      continue;
    }
    for (i128 x : av) {
      for (i128 y : bv) {
        const i128 r = x * (i128{1} << (f - a.frac_bits())) + y * (i128{1} << (f - b.frac_bits()));
        if (r < raw_lo(s) || r > raw_hi(s)) {
          if (++failures <= 10) {
            ADD_FAILURE() << a.str() << " + " << b.str() << " -> " << s.str() << ": raw sum "
                          << i128_str(r) << " overflows";
          }
        }
      }
    }

    // Accumulator of `length` extreme products (all the same sign: worst case).
    for (long long length : {2LL, 3LL, 5LL, 784LL}) {
      int c = 0;
      while ((1LL << c) < length) ++c;
      if (a.width + b.width + c > 64) continue;
      const FxType acc = fx::accumulator_type(a, b, length);
      for (i128 x : av) {
        for (i128 y : bv) {
          const i128 r = x * y * length;
          if (r < raw_lo(acc) || r > raw_hi(acc)) {
            if (++failures <= 10) {
              ADD_FAILURE() << a.str() << " * " << b.str() << " x " << length << " -> " << acc.str()
                            << ": raw " << i128_str(r) << " overflows";
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

}  // namespace
