// Quantized layers for quantization-aware training: each tensor that the hardware stores has its
// own format (weights, the MAC output, BN scale and bias, the bn_act output), fixed or with a
// learnable binary point. Forward in two precisions: FLOAT (the float baseline, no quantizer) and
// QUANT (fake quantization through the golden quantizers, straight-through gradients).
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <optional>
#include <string>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"
#include "golden/conv_layer.hpp"
#include "golden/torch/stochastic_quant.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_requant/fx_requant.hpp"

namespace fxsim::golden {

enum class Precision { FLOAT, QUANT };

// A fixed-point format whose fraction bits F may be a trainable float parameter (rounded in the
// forward pass; W, signedness and the modes stay fixed).
class QFormat {
 public:
  QFormat() = default;
  QFormat(const fx::FxType& t, bool learn);

  fx::FxType type() const;  // the current format (F = round(frac) when learned)
  torch::Tensor apply(const torch::Tensor& x) const;
  // The same in a role: stochastic rounding / quantized gradients inside a training scope
  // (golden/torch/stochastic_quant.hpp); apply(x) is the PARAMETER role.
  torch::Tensor apply(const torch::Tensor& x, QuantRole role) const;
  bool learned() const { return frac_.defined(); }
  const torch::Tensor& frac() const { return frac_; }
  void clamp_frac();  // keeps a learned F within [-16, 48] (formats stay small and valid)
  QFormat clone() const;

 private:
  fx::FxType type_;
  torch::Tensor frac_;  // float64 scalar, requires_grad (learned formats only)
};

// The weights as the QUANT forward sees them: K-hot / SPT values of `khot` when it is set
// (fake_khot), else fake-quantized to `fmt`; and their raws for the export (a K-hot raw is its
// value in LSBs).
torch::Tensor quant_weight(const torch::Tensor& w, const QFormat& fmt,
                           const std::optional<fx::KhotType>& khot);
torch::Tensor weight_raws(const torch::Tensor& w, const QFormat& fmt,
                          const std::optional<fx::KhotType>& khot);

// y = x W^T: the MAC array (no bias: biases live in bn_act). QUANT: W fake-quantized to
// weight_fmt (or K-hot / SPT, khot_weight), the product sum quantized to out_fmt (the
// accumulator's requant).
struct QuantLinear {
  QuantLinear(int in, int out, at::Generator& gen);
  QuantLinear clone() const;
  torch::Tensor forward(const torch::Tensor& x, Precision p) const;

  int in_features;
  int out_features;
  torch::Tensor weight;  // [out, in] float32
  QFormat weight_fmt;
  std::optional<fx::KhotType> khot_weight;  // set: K-hot / SPT weights (of weight_fmt's W, I)
  QFormat out_fmt;
};

// A small convolution with the same quantization points (weights, requantized output).
struct QuantConv2d {
  QuantConv2d(int in_channels, int out_channels, int kernel, int padding, at::Generator& gen);
  QuantConv2d clone() const;
  torch::Tensor forward(const torch::Tensor& x, Precision p) const;
  // The integer layer of the current weights and formats over an H x W map of input_type, as the
  // hardware runs it: weights quantized to weight_fmt and reordered to the window order
  // (oc, ky, kx, c) with c padded to Cp = ceil(C / simd) * simd, the accumulator exact
  // (fx::accumulator_type of K * K * C products, SAT), the output requant to out_fmt, no bn_act.
  ConvLayer export_layer(const std::string& name, int height, int width,
                         const fx::FxType& input_type, int simd) const;

  int padding;
  int stride = 1;
  torch::Tensor weight;  // [out, in, k, k]
  QFormat weight_fmt;
  std::optional<fx::KhotType> khot_weight;  // set: K-hot / SPT weights (exported as that type)
  QFormat out_fmt;
};

// Batch norm folded into the hardware's bn_act: t = x * scale + bias, scale = gamma /
// sqrt(var + eps), bias = beta - mean * scale (batch statistics while training, running ones
// otherwise); then y = act(requant(t)). QUANT: scale fake-quantized to scale_fmt (or the K-hot
// type), bias to bias_fmt, t to out_fmt. Input [N, C] or a conv's [N, C, H, W] (the statistics
// of a channel over N, H and W, as torch's BatchNorm2d).
struct QuantBatchNorm {
  explicit QuantBatchNorm(int channels);
  QuantBatchNorm clone() const;
  torch::Tensor forward(const torch::Tensor& x, Precision p, bool training);
  // The folded affine parameters from the running statistics.
  torch::Tensor folded_scale() const;
  torch::Tensor folded_bias() const;

  torch::Tensor gamma, beta;                // trainable
  torch::Tensor running_mean, running_var;  // buffers
  double momentum = 0.1;
  double eps = 1e-5;
  std::optional<fx::KhotType> khot_scale;  // set: the scale is K-hot (shift-add)
  QFormat scale_fmt;
  QFormat bias_fmt;
  QFormat out_fmt;
  units::Activation act = units::Activation::RELU;
  double clip = 6.0;  // RELU_CLIP bound (value units)
};

torch::Tensor activation_float(const torch::Tensor& x, units::Activation act, double clip);
// On values of `out` (already quantized): the hardware activation, exact on the grid; SIGN
// has the hardtanh straight-through gradient.
torch::Tensor activation_quant(const torch::Tensor& r, units::Activation act, double clip,
                               const fx::FxType& out);

}  // namespace fxsim::golden
