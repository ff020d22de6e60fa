// golden::ConvLayer as data: the window order of torch's [OC, C, K, K] weights worked out by
// hand, the dense layer one output pixel is, and the layers validate() rejects.
#include "golden/conv_layer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using fxsim::fx::FxType;
using fxsim::fx::KhotKind;
using fxsim::fx::KhotType;
using namespace fxsim::golden;

// OC = 1, C = 3, K = 2, SIMD 2 (Cp = 4). torch's layout: w[c][ky][kx] = 100 c + 10 ky + kx + 1.
TEST(ConvLayer, WindowOrderWeightsByHand) {
  std::vector<std::int64_t> oihw;
  for (int c = 0; c < 3; ++c) {
    for (int ky = 0; ky < 2; ++ky) {
      for (int kx = 0; kx < 2; ++kx) oihw.push_back(100 * c + 10 * ky + kx + 1);
    }
  }
  // (ky, kx) = (0,0), (0,1), (1,0), (1,1); per tap the channels 0, 1, 2 and a zero lane.
  EXPECT_EQ(window_order_weights(oihw, 1, 3, 2, 2),
            (std::vector<std::int64_t>{1, 101, 201, 0, 2, 102, 202, 0,  //
                                       11, 111, 211, 0, 12, 112, 212, 0}));
  EXPECT_THROW(window_order_weights(oihw, 2, 3, 2, 2), ModelError);
}

ConvLayer small_layer() {
  ConvLayer l;
  l.name = "conv1";
  l.shape.height = 5;
  l.shape.width = 4;
  l.shape.channels = 3;
  l.out_channels = 2;
  l.shape.kernel = 3;
  l.shape.stride = 2;
  l.shape.padding = 1;
  l.simd = 2;
  l.input_type = FxType::make_unsigned(8, 0);
  l.weight_type = FxType::make_signed(4, 1);
  l.acc_type = FxType::make_signed(20, 9);  // F = 8 + 3
  l.out_type = FxType::make_signed(8, 4);
  l.weight_raw.assign(2 * 3 * 3 * 4, 0);
  return l;
}

TEST(ConvLayer, GeometryAndWindowLayer) {
  const ConvLayer l = small_layer();
  validate(l);
  EXPECT_EQ(l.padded_channels(), 4);
  EXPECT_EQ(l.window_size(), 36);
  EXPECT_EQ(l.shape.out_height(), 3);  // (5 + 2 - 3) / 2 + 1
  EXPECT_EQ(l.shape.out_width(), 2);   // (4 + 2 - 3) / 2 + 1
  const DenseLayer d = window_layer(l);
  EXPECT_EQ(d.in_features, 36);
  EXPECT_EQ(d.out_features, 2);
  EXPECT_EQ(d.simd, 2);
  // A K-hot weight type runs as its fixed<W,I> container.
  ConvLayer k = l;
  k.weight_type = KhotType::make(KhotKind::KHOT, 4, 1, 1);
  k.weight_raw[0] = 4;  // one set bit: a value of khot<4,1,1>
  validate(k);
  EXPECT_EQ(window_layer(k).weight_type, FxType::make_signed(4, 1));
}

void expect_rejected(const ConvLayer& l, const std::string& message) {
  try {
    validate(l);
    ADD_FAILURE() << "accepted; expected " << message;
  } catch (const ModelError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(ConvLayer, Rejects) {
  ConvLayer l = small_layer();
  l.weight_raw[3] = 1;  // lane c = 3 of tap (0, 0): a padded lane
  expect_rejected(l, "conv1.weights: element 3 is a padded lane (c >= 3) and must be 0");
  l = small_layer();
  l.weight_raw.pop_back();
  expect_rejected(l, "conv1.weights: expected out_channels x K x K x Cp = 72 elements, found 71");
  l = small_layer();
  l.shape.kernel = 7;  // min(H, W) + 2P = 6
  l.weight_raw.assign(2 * 7 * 7 * 4, 0);
  expect_rejected(l, "conv1.shape: conv: K = 7; expected at most min(H, W) + 2P = 6");
  l = small_layer();
  l.weight_type = KhotType::make(KhotKind::KHOT, 4, 1, 1);
  l.weight_raw[1] = 3;  // two set bits
  expect_rejected(l, "conv1.weights: element 1 = 3 is not a value of khot<4,1,1>");
  l = small_layer();
  l.shape.stride = 0;
  expect_rejected(l, "conv1.shape: conv: stride = 0; expected 1..4");
  l = small_layer();
  l.out_channels = 0;
  expect_rejected(l, "conv1.out_channels: expected >= 1");
  l = small_layer();
  l.acc_type = FxType::make_signed(20, 10);  // F = 10, not 8 + 3
  EXPECT_THROW(validate(l), ModelError);
}

}  // namespace
