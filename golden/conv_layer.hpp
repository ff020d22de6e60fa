// A quantized convolution layer as the hardware runs it (plain C++, no torch): the sliding-window
// unit streams, for every output pixel, its K x K x Cp window in the order e = (ky*K + kx)*Cp + c
// (docs/rtl_units.md), and a dense PE x SIMD MAC array (+ bn_act) computes the output channels of
// that pixel. So one output pixel is one DenseLayer over the window (window_layer), and the layer's
// weights are stored in that order, per output channel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"
#include "golden/dense_layer.hpp"
#include "models/units/common/conv_shape.hpp"

namespace fxsim::golden {

struct ConvLayer {
  std::string name;
  units::ConvShape shape;  // H x W x C input map (channels fastest), K, stride, padding
  int out_channels = 1;
  int simd = 8;  // channels per beat: the order the accumulator wraps/saturates in
  fx::FxType input_type;
  fx::NumType weight_type;  // FxType (multiplier PE) or KhotType (shift-add PE; raw = value)
  fx::FxType acc_type;      // fraction bits = input F + weight F, TRN
  fx::FxType out_type;      // requant of the accumulator
  // out_channels x K x K x Cp raws in window order (oc, ky, kx, c), zero for c >= C.
  std::vector<std::int64_t> weight_raw;
  std::optional<BnActLayer> bn;  // one bn_act per output channel

  int padded_channels() const { return shape.padded_channels(simd); }  // Cp
  int window_size() const { return shape.window_size(simd); }          // K * K * Cp
  const fx::FxType& output_type() const { return bn ? bn->out_type : out_type; }
};

// The fixed-point type whose raws hold every value of a weight type (a K-hot type's W and I).
fx::FxType weight_container(const fx::NumType& t);

// The dense layer one output pixel is: in_features = K * K * Cp, out_features = out_channels,
// the same types (a K-hot weight type as its container), weights and bn.
DenseLayer window_layer(const ConvLayer& layer);

// Checks the geometry (units::validate(ConvShape), reported as "NAME.shape: conv: ..."), that the
// padded lanes' weights are zero, K-hot weights are values of their type, and everything
// validate(DenseLayer) checks of window_layer. Throws ModelError naming the field.
void validate(const ConvLayer& layer);

// [OC, C, K, K] raws (row-major, torch's conv2d weight layout) in the window order
// (oc, ky, kx, c) with c padded to Cp = ceil(C / simd) * simd by zeros.
std::vector<std::int64_t> window_order_weights(const std::vector<std::int64_t>& oihw,
                                               int out_channels, int channels, int kernel,
                                               int simd);

}  // namespace fxsim::golden
