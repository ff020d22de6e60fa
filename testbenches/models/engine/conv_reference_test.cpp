// compute_conv_reference: a hand-worked 4 x 4 x 2 layer with accumulator saturation, rounding ties
// and output saturation (K = 3, stride 1/2, padding 0/1); a 1 x 1 convolution against the dense
// reference pixel by pixel; coverage counts; rejected shapes. The LibTorch integer inference and
// torch::conv2d are compared with it in testbenches/golden/torch/conv_inference_test.cpp.
#include "models/engine/conv_reference.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/engine/elaboration.hpp"
#include "models/engine/stimulus.hpp"
#include "models/units/common/unit_spec.hpp"
#include "testbenches/models/engine/points.hpp"

namespace fxsim::tlm_test {
namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;

// The hand-worked layer. Input fixed<4,2> (raws -8..7, F = 2), weights fixed<3,1> (raws -4..3,
// F = 2), accumulator fixed<8,4,TRN,SAT> (raws -128..127, F = 4), output fixed<5,4,RND_CONV,SAT>
// (raws -16..15, F = 1: the requant divides by 8, ties to even). SIMD 4 > C = 2: Cp = 4, every
// beat is one pixel of the window with two zero lanes.
constexpr int kH = 4, kW = 4, kC = 2, kSimd = 4, kOc = 2;
const int kX0[kH][kW] = {{1, 2, 3, 4}, {5, 6, 7, -8}, {-1, -2, -3, -4}, {0, 1, 0, 1}};
const int kX1[kH][kW] = {{7, 7, 7, 7}, {7, 7, 7, 7}, {7, 7, -8, -8}, {-8, 0, 0, 2}};
// The same weight at every tap: oc 0 sums channel 0 (weight raw 1), oc 1 triples channel 1.
const int kTap[kOc][kC] = {{1, 0}, {0, 3}};

engine::EngineConfig hand_point() {
  engine::EngineConfig c;
  c.kind = engine::EngineKind::FX_MAC;
  c.pe = kOc;
  c.simd = kSimd;
  c.activation = FxType::make_signed(4, 2, Rounding::TRN, Overflow::SAT);
  c.weight = FxType::make_signed(3, 1);
  c.accumulator = FxType::make_signed(8, 4, Rounding::TRN, Overflow::SAT);
  c.output = FxType::make_signed(5, 4, Rounding::RND_CONV, Overflow::SAT);
  c.batch = 1;
  return c;
}

engine::LayerReference hand_conv(int stride, int padding) {
  const engine::ConvShape s{kH, kW, kC, 3, stride, padding};
  const engine::EngineConfig c = engine::conv_point(s, kOc, hand_point());
  engine::validate(c);
  std::vector<std::int64_t> input;
  for (int y = 0; y < kH; ++y) {
    for (int x = 0; x < kW; ++x) {
      input.push_back(kX0[y][x]);
      input.push_back(kX1[y][x]);
    }
  }
  std::vector<std::int64_t> weights;  // (oc, ky, kx, c), c padded to 4 with zeros
  for (int oc = 0; oc < kOc; ++oc) {
    for (int tap = 0; tap < 9; ++tap) {
      weights.insert(weights.end(), {kTap[oc][0], kTap[oc][1], 0, 0});
    }
  }
  engine::ConvOperands ops;
  ops.weight_words = weights.data();
  ops.input = input.data();
  return engine::compute_conv_reference(engine::elaborate(c), s, ops);
}

// Stride 1, padding 0: 2 x 2 pixels. Pixel (0, 0), oc 0: the channel-0 sum of rows 0..2, columns
// 0..2 = 1+2+3+5+6+7-1-2-3 = 18 -> 18/8 = 2.25 -> 2. oc 1, beat by beat in window order (one
// pixel per beat): 21, 42, 63, 84, 105, 126, 147 -> 127 (saturates), 148 -> 127, 127 - 24 = 103
// (the plain sum 144 would saturate to 127 only at the end) -> 103/8 = 12.875 -> 13.
// Pixel (0, 1), oc 1: 21 x 6 = 126, then 7 x 3 = 21 -> 127 (saturates), -24 -> 103, -24 -> 79
// -> 9.875 -> 10. Pixel (1, 0), oc 0: 5+6+7-1-2-3+0+1+0 = 13 -> 1.625 -> 2; oc 1, rows 1..3
// 7 7 7 / 7 7 -8 / -8 0 0: 21,42,63,84,105,81,57,57,57 -> 57/8 = 7.125 -> 7.
// Pixel (1, 1): oc 0: 6+7-8-2-3-4+1+0+1 = -2 -> -0.25 -> 0; oc 1: rows 1..3, columns 1..3:
// 7 7 7 / 7 -8 -8 / 0 0 2: 21,42,63,84,60,36,36,36,42 -> 5.25 -> 5.
TEST(ConvReference, HandWorkedStride1Pad0) {
  const engine::LayerReference r = hand_conv(1, 0);
  EXPECT_EQ(r.output, (std::vector<std::int64_t>{2, 13, 1, 10, 2, 7, 0, 5}));
  EXPECT_EQ(r.coverage.accumulator.overflows, 3u);  // pixel (0,0) twice, pixel (0,1) once
  EXPECT_EQ(r.coverage.mac_requant.count, 8u);
  EXPECT_EQ(r.coverage.accumulator.count, 8u * 9u);  // 9 beats (one per tap) per output
}

// Stride 2, padding 0: one pixel, the (0, 0) of stride 1.
TEST(ConvReference, HandWorkedStride2Pad0) {
  EXPECT_EQ(hand_conv(2, 0).output, (std::vector<std::int64_t>{2, 13}));
}

// Stride 1, padding 1: 4 x 4 pixels; a padding pixel contributes a zero beat. Ties: oc 1 of
// pixel (0, 0) sums 7 x 3 x 4 = 84 -> 10.5 -> 10 (even); pixel (2, 0) sums 60 -> 7.5 -> 8;
// pixel (1, 3), oc 1: 36 -> 4.5 -> 4. Output saturation: pixel (0, 1), oc 1 = 3 x 7 x 6 = 126 ->
// 15.75 -> 16 -> 15 (the largest raw of fixed<5,4>). The interior 2 x 2 equals stride 1, pad 0.
TEST(ConvReference, HandWorkedStride1Pad1) {
  const engine::LayerReference r = hand_conv(1, 1);
  EXPECT_EQ(r.output, (std::vector<std::int64_t>{
                          2, 10, 3,  15, 2,  15, 1,  10,  // row 0
                          1, 15, 2,  13, 1,  10, 0,  4,   // row 1
                          1, 8,  2,  7,  0,  5,  -1, 0,   // row 2
                          0, 2,  -1, -1, -1, -3, -1, -5   // row 3
                      }));
  EXPECT_EQ(r.coverage.mac_requant.ties, 4u);       // 84 twice, 60, 36
  EXPECT_EQ(r.coverage.mac_requant.overflows, 3u);  // 126 three times
  EXPECT_EQ(r.coverage.accumulator.overflows, 3u);  // pixel (1,1) twice, pixel (1,2) once
}

// Stride 2, padding 1: pixels (0,0), (0,2), (2,0), (2,2) of stride 1, padding 1.
TEST(ConvReference, HandWorkedStride2Pad1) {
  EXPECT_EQ(hand_conv(2, 1).output, (std::vector<std::int64_t>{2, 10, 2, 15, 1, 8, 0, 5}));
}

// A 1 x 1 convolution is the dense layer applied to every pixel, also when SIMD does not divide C
// (the dense layer's short last beat is the convolution's zero lanes): raw for raw, mac output
// and output, and the same coverage.
TEST(ConvReference, OneByOneEqualsDensePerPixel) {
  for (const char* text : {kKhotPoint, kSptPoint, kContractPoint}) {
    const engine::EngineConfig dense = point(text);
    const engine::ConvShape s{3, 2, dense.in_features, 1, 1, 0};
    const int pixels = s.height * s.width;
    const engine::Stimulus stim = engine::make_stimulus(dense, 21, pixels);  // H x W x C map
    const engine::LayerReference want = engine::compute_reference(engine::elaborate(dense), stim);

    const engine::EngineConfig conv = engine::conv_point(s, dense.out_features, dense);
    const int cp = s.padded_channels(dense.simd);
    std::vector<std::int64_t> words;  // K-hot: the term words; a zero word is the value 0
    for (int o = 0; o < dense.out_features; ++o) {
      const auto row = stim.weight_words.begin() + o * dense.in_features;
      words.insert(words.end(), row, row + dense.in_features);
      words.insert(words.end(), cp - dense.in_features, 0);
    }
    engine::ConvOperands ops;
    ops.weight_words = words.data();  // decoded by the reference: the words path
    ops.bn_scale_words = stim.bn_scale_words.data();
    ops.bn_bias = stim.bn_bias.data();
    ops.input = stim.input.data();
    const engine::LayerReference got =
        engine::compute_conv_reference(engine::elaborate(conv), s, ops);
    EXPECT_EQ(got.mac_output, want.mac_output) << text;
    EXPECT_EQ(got.output, want.output) << text;
    EXPECT_EQ(got.coverage.accumulator.count, want.coverage.accumulator.count) << text;
    EXPECT_EQ(got.coverage.accumulator.overflows, want.coverage.accumulator.overflows) << text;
    EXPECT_EQ(got.coverage.mac_requant.ties, want.coverage.mac_requant.ties) << text;
    EXPECT_EQ(got.coverage.bn_requant.overflows, want.coverage.bn_requant.overflows) << text;
  }
}

// The window order e = (ky*K + kx)*Cp + c, padding pixels and padded lanes zero.
TEST(ConvReference, GatherWindowOrder) {
  const engine::ConvShape s{2, 3, 3, 2, 1, 1};  // 2 x 3 map, C = 3, K = 2, padding 1
  std::vector<std::int64_t> map;
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 3; ++x) {
      for (int c = 0; c < 3; ++c) map.push_back(100 * y + 10 * x + c + 1);
    }
  }
  std::vector<std::int64_t> w(static_cast<std::size_t>(s.window_size(2)));  // Cp = 4
  engine::gather_window(s, 2, map.data(), 1, 2, w.data());  // input rows 0..1, columns 1..2
  EXPECT_EQ(w, (std::vector<std::int64_t>{11, 12, 13, 0, 21, 22, 23, 0,  //
                                          111, 112, 113, 0, 121, 122, 123, 0}));
  engine::gather_window(s, 2, map.data(), 0, 0, w.data());  // rows -1..0, columns -1..0
  EXPECT_EQ(w, (std::vector<std::int64_t>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 0}));
  EXPECT_EQ(s.out_height(), 3);
  EXPECT_EQ(s.out_width(), 4);
}

void expect_rejected(const engine::ConvShape& s, const std::string& message) {
  try {
    units::validate(s);
    ADD_FAILURE() << "accepted; expected " << message;
  } catch (const units::UnitParamError& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(ConvReference, RejectsBadShapes) {
  expect_rejected({4, 4, 2, 0, 1, 0}, "conv: K = 0; expected 1..7");
  expect_rejected({8, 8, 2, 8, 1, 0}, "conv: K = 8; expected 1..7");
  expect_rejected({4, 4, 2, 3, 0, 0}, "conv: stride = 0; expected 1..4");
  expect_rejected({4, 4, 2, 3, 5, 0}, "conv: stride = 5; expected 1..4");
  expect_rejected({4, 4, 2, 3, 1, 4}, "conv: padding = 4; expected 0..3");
  expect_rejected({4, 4, 0, 3, 1, 0}, "conv: C = 0; expected 1..65536");
  expect_rejected({4, 2, 1, 5, 1, 1}, "conv: K = 5; expected at most min(H, W) + 2P = 4");
  // A point whose in_features is not the window size.
  engine::EngineConfig c = hand_point();
  c.in_features = 18;
  c.out_features = kOc;
  engine::ConvOperands ops;
  EXPECT_THROW(engine::compute_conv_reference(engine::elaborate(c), {4, 4, 2, 3, 1, 0}, ops),
               units::UnitParamError);
}

}  // namespace
}  // namespace fxsim::tlm_test
