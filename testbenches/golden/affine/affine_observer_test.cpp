// golden/affine_observer: PyTorch's MinMaxObserver / PerChannelMinMaxObserver rules. Every
// expected scale and zero point below was printed by Debian's python3-torch 1.13
// (torch.ao.quantization.observer, calculate_qparams after observing [min, max]) and is also
// worked by hand in the comments.
#include "golden/affine_observer.hpp"

#include <gtest/gtest.h>

namespace fx = fxsim::fx;
namespace golden = fxsim::golden;

namespace {

const fx::AffineInt kUint8{false, 8}, kInt8{true, 8}, kUint4{false, 4}, kInt4{true, 4};

TEST(AffineObserver, AffinePerTensor) {
  // [-1, 3]: scale 4 / 255 (float32 0.01568627543747425), zero point 0 - round(-63.75) = 64.
  fx::AffineParams p = golden::affine_params(-1.0f, 3.0f, kUint8);
  EXPECT_EQ(p.scales[0], 0.01568627543747425f);
  EXPECT_EQ(p.zero_points[0], 64);
  // int<8>: -128 + 64.
  EXPECT_EQ(golden::affine_params(-1.0f, 3.0f, kInt8).zero_points[0], -64);
  // uint<4> / int<4>: scale 4 / 15, zero point round(3.75) = 4 (+ q_min).
  p = golden::affine_params(-1.0f, 3.0f, kUint4);
  EXPECT_EQ(p.scales[0], 0.2666666805744171f);
  EXPECT_EQ(p.zero_points[0], 4);
  EXPECT_EQ(golden::affine_params(-1.0f, 3.0f, kInt4).zero_points[0], -4);
  // The range always holds 0: [0.5, 2.55] is [0, 2.55], scale 0.01, zero point 0.
  p = golden::affine_params(0.5f, 2.55f, kUint8);
  EXPECT_EQ(p.scales[0], 0.009999999776482582f);
  EXPECT_EQ(p.zero_points[0], 0);
  // A tie: [-2.5, 252.5] has scale 1 and -min / scale = 2.5, rounded half to even: 2 (not 3).
  p = golden::affine_params(-2.5f, 252.5f, kUint8);
  EXPECT_EQ(p.scales[0], 1.0f);
  EXPECT_EQ(p.zero_points[0], 2);
  // All negative: [-10, 0], zero point 255 (the top of the range).
  p = golden::affine_params(-10.0f, 0.0f, kUint8);
  EXPECT_EQ(p.scales[0], 0.03921568766236305f);
  EXPECT_EQ(p.zero_points[0], 255);
}

TEST(AffineObserver, SymmetricFullRange) {
  // max|w| / ((q_max - q_min) / 2): int<8> 127.5 -> 1, int<4> 15 / 7.5 -> 2, 2.55 / 127.5.
  EXPECT_EQ(golden::symmetric_params(127.5f, kInt8).scales[0], 1.0f);
  EXPECT_EQ(golden::symmetric_params(15.0f, kInt4).scales[0], 2.0f);
  EXPECT_EQ(golden::symmetric_params(2.55f, kInt8).scales[0], 0.019999999552965164f);
  EXPECT_EQ(golden::symmetric_params(2.55f, kInt8).zero_points[0], 0);
  // An all-zero tensor: eps = 2^-23.
  EXPECT_EQ(golden::symmetric_params(0.0f, kInt8).scales[0], 1.1920928955078125e-07f);
  // Per channel: rows {1, -2} and {0.5, 0.25}: 2 / 127.5 and 0.5 / 127.5.
  const fx::AffineParams c = golden::symmetric_channel_params({2.0f, 0.5f}, kInt8);
  ASSERT_EQ(c.channels(), 2u);
  EXPECT_EQ(c.axis, 0);
  EXPECT_EQ(c.scales[0], 0.01568627543747425f);
  EXPECT_EQ(c.scales[1], 0.003921568859368563f);
  EXPECT_EQ(c.zero_points, (std::vector<std::int32_t>{0, 0}));
  EXPECT_THROW(golden::symmetric_params(1.0f, kUint8), std::invalid_argument);
}

}  // namespace
