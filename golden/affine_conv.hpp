// One 2-D convolution in affine integer formats, as data, and its integer inference (plain C++):
//   acc[n][o][oy][ox] = sum_{c,ky,kx} (x[n][c][iy][ix] - zx)(w[o][c][ky][kx] - zw[o]) + bias_q[o]
//   y = requantize(acc, M[o] = sx * sw[o] / sy) + zy, clamped (and at zy with the fused ReLU)
// with iy = oy*S - P + ky, ix = ox*S - P + kx and the padding filled with the input zero point
// zx (the integer of real 0, as PyTorch pads quantized tensors), so a padded tap adds nothing.
// Dilation 1, groups 1, square kernel, the same stride and padding along both axes.
//
// One output pixel is one affine dense layer over its window (the view the layer engine's
// sliding-window unit + MAC array takes): the windows are gathered in the window order of
// units::ConvShape (e = (ky*K + kx)*C + c) and golden/affine_dense does the rest (its
// accumulator, both requantization methods, the ReLU). With the float method this is PyTorch's
// torch.ops.quantized.conv2d on the QNNPACK engine raw for raw
// (testbenches/golden/affine/affine_conv_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fx/affine.hpp"
#include "golden/affine_dense.hpp"
#include "models/units/common/conv_shape.hpp"

namespace fxsim::golden {

struct AffineConv {
  std::string name;
  units::ConvShape shape;  // one input image: H, W, C; K, stride, padding (units::validate)
  int out_channels = 1;
  fx::AffineType input_type;   // per tensor
  fx::AffineType weight_type;  // per tensor, or per channel along axis 0 (the output channel)
  fx::AffineType output_type;  // per tensor
  int acc_width = 32;          // 2..32, wraps
  // out_channels x C x K x K, row-major: PyTorch's conv2d weight layout (OIHW).
  std::vector<std::int64_t> weight_q;
  std::vector<std::int32_t> bias_q;  // out_channels (scale sx * sw[o], zero point 0) or empty
  RequantMethod method = RequantMethod::FLOAT;
  int multiplier_bits = 31;  // B of the integer method
  fx::IntegerRounding integer_rounding = fx::IntegerRounding::DOUBLE;
  bool relu = false;  // PyTorch's ConvReLU2d: the output clamped below at its zero point

  // Outputs of one image per output channel, OH x OW.
  std::size_t out_pixels() const {
    return static_cast<std::size_t>(shape.out_height()) *
           static_cast<std::size_t>(shape.out_width());
  }
};

// The dense layer one output pixel is: in_features = K * K * C (the window order), out_features
// = out_channels, the same types, bias, method and ReLU, the weights reordered from OIHW.
AffineDense window_dense(const AffineConv& layer);

// The geometry (units::validate(ConvShape)), the weight count, then everything validate(
// AffineDense) checks of window_dense. Throws std::invalid_argument naming the layer and field
// ("conv1.shape: conv: K = 9; expected 1..7", "conv1.weight_q: 10 values: expected 54 = O x C x
// K x K").
void validate(const AffineConv& layer);

// The windows of a batch of images (batch x C x H x W, NCHW, integers of the input format):
// (batch x OH x OW) rows of K * K * C integers in the window order, the padding taps zx. The
// layer is validated first (validate).
std::vector<std::int64_t> affine_conv_windows(const AffineConv& layer,
                                              const std::vector<std::int64_t>& x_q,
                                              std::size_t batch);

// The accumulators, batch x out_channels x OH x OW (NCHW, as PyTorch's output).
std::vector<std::int32_t> affine_conv_accumulators(const AffineConv& layer,
                                                   const std::vector<std::int64_t>& x_q,
                                                   std::size_t batch);
// The outputs, batch x out_channels x OH x OW (NCHW), integers of the output format.
std::vector<std::int64_t> affine_conv_forward(const AffineConv& layer,
                                              const std::vector<std::int64_t>& x_q,
                                              std::size_t batch);

}  // namespace fxsim::golden
