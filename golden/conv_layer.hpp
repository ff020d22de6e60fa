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
#include "golden/quant_network.hpp"

namespace fxsim::golden {

struct ConvLayer {
  std::string name;
  int height = 1;  // input map H x W x C, channels fastest
  int width = 1;
  int channels = 1;
  int out_channels = 1;
  int kernel = 1;   // K (square)
  int stride = 1;   // S
  int padding = 0;  // P, zero raws around the map
  int simd = 8;     // channels per beat: the order the accumulator wraps/saturates in
  fx::FxType input_type;
  fx::NumType weight_type;  // FxType (multiplier PE) or KhotType (shift-add PE; raw = value)
  fx::FxType acc_type;      // fraction bits = input F + weight F, TRN
  fx::FxType out_type;      // requant of the accumulator
  // out_channels x K x K x Cp raws in window order (oc, ky, kx, c), zero for c >= C.
  std::vector<std::int64_t> weight_raw;
  std::optional<BnActLayer> bn;  // one bn_act per output channel

  int out_height() const { return (height + 2 * padding - kernel) / stride + 1; }
  int out_width() const { return (width + 2 * padding - kernel) / stride + 1; }
  int padded_channels() const { return (channels + simd - 1) / simd * simd; }  // Cp
  int window_size() const { return kernel * kernel * padded_channels(); }      // K * K * Cp
  const fx::FxType& output_type() const { return bn ? bn->out_type : out_type; }
};

// The fixed-point type whose raws hold every value of a weight type (a K-hot type's W and I).
fx::FxType weight_container(const fx::NumType& t);

// The dense layer one output pixel is: in_features = K * K * Cp, out_features = out_channels,
// the same types (a K-hot weight type as its container), weights and bn.
DenseLayer window_layer(const ConvLayer& layer);

// Checks the geometry (K <= H + 2P and W + 2P, positive sizes), that the padded lanes' weights are
// zero, K-hot weights are values of their type, and everything validate(DenseLayer) checks of
// window_layer. Throws ModelError naming the field.
void validate(const ConvLayer& layer);

// [OC, C, K, K] raws (row-major, torch's conv2d weight layout) in the window order
// (oc, ky, kx, c) with c padded to Cp = ceil(C / simd) * simd by zeros.
std::vector<std::int64_t> window_order_weights(const std::vector<std::int64_t>& oihw,
                                               int out_channels, int channels, int kernel,
                                               int simd);

}  // namespace fxsim::golden
