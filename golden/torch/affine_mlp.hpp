// The Fashion-MNIST MLP in affine integer formats (PyTorch's eager-mode static quantization of a
// Linear + ReLU network on QNNPACK): the float MLP with its batch norms folded into the dense
// layers, the activation ranges observed on calibration images, the fake-quantized forward of
// QAT, and the export to golden::AffineDense layers whose integer inference
// (golden::affine_dense_forward) is the accuracy reported. docs/golden.md, "Affine variants".
//
//   fold        W' = s W (row o scaled by s[o]), b' = beta - s mean, s = gamma / sqrt(var + eps)
//               (running statistics); every layer then is y = x W'^T + b', ReLU on the hidden ones
//   input       the pixel byte: uint<8>, scale 1/256, zero point 0 (fxsim's ufixed<8,0>, exact)
//   weights     int<B> symmetric (zero point 0), per tensor or per output channel, scale from
//               max|W'| by golden/affine_observer.hpp (PyTorch's rule: full range, not narrow)
//   bias        int32 at scale sx * sw[o] (PyTorch's bias rule, golden::quantize_bias)
//   activations hidden outputs uint<B>, logits int<B>, per tensor, scale and zero point by the
//               MinMaxObserver affine rule from the range the float network's outputs take on the
//               calibration images (min / max, or percentiles); ReLU fused: clamp at the zero point
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

#include <string>
#include <vector>

#include "fx/affine.hpp"
#include "golden/affine_dense.hpp"

namespace fxsim::golden {

// One dense layer with its batch norm folded in.
struct FoldedDense {
  torch::Tensor weight;  // [out, in] float32
  torch::Tensor bias;    // [out] float32
  bool relu = false;     // hidden layers
};

enum class AffineWeights { PER_TENSOR, PER_CHANNEL };
enum class AffineCalibration { MINMAX, PERCENTILE };

// "per_tensor" / "per_channel" (the config's spelling) and the variant name's "pt" / "pc".
std::string to_string(AffineWeights w);
std::string short_name(AffineWeights w);

struct AffineSettings {
  int bits = 8;  // B of the weights (int<B>), hidden activations (uint<B>) and logits (int<B>)
  AffineWeights weights = AffineWeights::PER_CHANNEL;
  AffineCalibration calibration = AffineCalibration::MINMAX;
  double percentile = 99.99;  // PERCENTILE: the range [p_(100 - percentile), p_percentile]
};

// The observed range of a layer's output.
struct ValueRange {
  float min = 0, max = 0;
};

// uint<8>, scale 1/256, zero point 0: the pixel byte.
fx::AffineType pixel_affine_type();

// The range of every layer's float output (after its ReLU) on `x` (float32 pixel / 256): min /
// max, or the nearest-rank percentiles of all of the layer's output values.
std::vector<ValueRange> observe_outputs(const std::vector<FoldedDense>& layers,
                                        const torch::Tensor& x, const AffineSettings& s);

// The output type of every layer from its range: uint<B> for the hidden ones, int<B> for the
// logits, per tensor (golden::affine_params).
std::vector<fx::AffineType> output_types(const std::vector<FoldedDense>& layers,
                                         const std::vector<ValueRange>& ranges, int bits);

// The weight type of `weight` [out, in]: int<B>, symmetric, per tensor or per channel (axis 0).
fx::AffineType weight_type_of(const torch::Tensor& weight, const AffineSettings& s);

// The fake-quantized forward (torch::fake_quantize_per_tensor_affine / per_channel_affine on the
// weights, scales from the current weights, and on every layer's output with its fixed type;
// the bias in float, as PyTorch's QAT Linear): differentiable, straight-through gradients.
torch::Tensor fake_quant_forward(const std::vector<FoldedDense>& layers,
                                 const std::vector<fx::AffineType>& out_types,
                                 const AffineSettings& s, const torch::Tensor& x);

// The integer layers "fc1", "fc2", ...: weights and bias quantized by PyTorch's rules, each
// layer's input type the previous one's output type (the first: pixel_affine_type()).
std::vector<AffineDense> export_affine(const std::vector<FoldedDense>& layers,
                                       const std::vector<fx::AffineType>& out_types,
                                       const AffineSettings& s, RequantMethod method);

// golden::affine_dense_forward layer by layer on the pixel bytes `raw` (int64 [N, pixels]): the
// logits' integers, int64 [N, classes].
torch::Tensor affine_forward_integer(const std::vector<AffineDense>& layers,
                                     const torch::Tensor& raw);

// "  fc1: in uint<8> 0.00390625/0, weight int<8> per channel, out uint<8> 0.0421/0, relu\n" ...
std::string describe_affine(const std::vector<AffineDense>& layers);

}  // namespace fxsim::golden
