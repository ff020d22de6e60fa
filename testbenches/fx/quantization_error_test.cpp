// fx::quantization_error, worked by hand: fixed<4,2,RND,SAT> (LSB 0.25, range -2 .. 1.75) of
// {0.375, -0.125, 5.0}: 0.375 is a tie, RND rounds it up to 0.5 (error +0.125); -0.125 is a tie,
// RND rounds it up to 0.0 (error +0.125); 5.0 saturates to 1.75 (error -3.25). K-hot: khot<4,2,1>
// (magnitudes 0, 0.25, 0.5, 1 and 2 ... the powers of two of 3 magnitude bits, LSB 0.25).
#include "fx/quantization_error.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace fx = fxsim::fx;

namespace {

TEST(QuantizationError, FixedPointHandWorked) {
  const fx::FxType t = fx::FxType::make_signed(4, 2, fx::Rounding::RND, fx::Overflow::SAT);
  const fx::QuantizationError e = fx::quantization_error({0.375, -0.125, 5.0}, t);
  EXPECT_EQ(e.type, t.str());
  EXPECT_EQ(e.count, 3u);
  EXPECT_EQ(e.sum_error, 0.125L + 0.125L - 3.25L);
  EXPECT_EQ(e.sum_error2, 0.015625L + 0.015625L + 10.5625L);
  EXPECT_EQ(e.max_abs_error, 3.25L);
  EXPECT_EQ(e.overflows, 1u);
  ASSERT_TRUE(e.ties.has_value());
  EXPECT_EQ(*e.ties, 2u);
  EXPECT_EQ(e.mse(), (0.015625L + 0.015625L + 10.5625L) / 3);
  EXPECT_NEAR(static_cast<double>(e.sqnr_db()), 10.0 * std::log10(25.15625 / 10.59375), 1e-12);
}

TEST(QuantizationError, ExactAndSilentSamples) {
  const fx::FxType t = fx::FxType::make_signed(8, 4);
  EXPECT_TRUE(std::isinf(fx::quantization_error({0.5, -1.25}, t).sqnr_db()));  // no error
  EXPECT_GT(fx::quantization_error({0.5, -1.25}, t).sqnr_db(), 0);
  // 0.01 rounds to 0: the error is the whole signal, 0 dB.
  EXPECT_EQ(fx::quantization_error({0.0, 0.01}, t).sqnr_db(), 0.0L);
}

TEST(QuantizationError, KhotClampsAndCountsChangedValues) {
  const fx::KhotType t = fx::KhotType::make(fx::KhotKind::KHOT, 4, 2, 1);  // max magnitude 1.0
  // 0.5 is exact; 0.75 goes to 1.0 (a tie: the larger magnitude); 3.0 is clamped to 1.0.
  const fx::QuantizationError e = fx::quantization_error({0.5, 0.75, 3.0}, t);
  EXPECT_EQ(e.count, 3u);
  EXPECT_EQ(e.overflows, 1u);
  EXPECT_EQ(e.inexact, 1u);  // only 0.75 changed (3.0 equals its clamped value 1.0)
  EXPECT_FALSE(e.ties.has_value());
  EXPECT_EQ(e.sum_error, 0.25L - 2.0L);
  EXPECT_EQ(e.max_abs_error, 2.0L);
}

}  // namespace
