// Integer inference of a QuantNetwork on tensors of raws: the hardware's arithmetic (models/units)
// vectorized with LibTorch. Exact: products and sums in int64 (or in double while every sum is
// below 2^53), the accumulator cast per SIMD beat when it can overflow with a saturating mode,
// every requant through golden::cast_raw (bit-identical to fx::cast_from_raw).
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

#include "golden/conv_layer.hpp"
#include "golden/quant_network.hpp"

namespace fxsim::golden {

// input_raw: int64 [batch, in_features] raws of layer.input_type -> [batch, out_features] raws of
// layer.output_type().
torch::Tensor dense_integer(const DenseLayer& layer, const torch::Tensor& input_raw);

// The MAC part only (accumulate + requant to out_type), before any bn_act.
torch::Tensor mac_integer(const DenseLayer& layer, const torch::Tensor& input_raw);

// bn_act of a [batch, channels] tensor of raws of layer.out_type.
torch::Tensor bn_act_integer(const DenseLayer& layer, const torch::Tensor& x_raw);

// activation on raws of `out`, as units::activate.
torch::Tensor activate_integer(const torch::Tensor& r, units::Activation act, std::int64_t clip_raw,
                               const fx::FxType& out);

// The whole network: input_raw int64 [batch, elements of the input] (a CNN's input map in stream
// order y, x, c; or already [batch, H, W, C]) -> [batch, logits] raws of the last output type.
// A CNN's feature layers run as conv_integer / max_pool_integer on [batch, H, W, C], the last map
// is flattened in the yxc order, then the dense layers.
torch::Tensor forward_integer(const QuantNetwork& model, const torch::Tensor& input_raw);

// The windows of a convolution, as the sliding-window unit streams them: input_raw int64
// [batch, H, W, C] -> [batch * Hout * Wout, K * K * Cp], row (b, oy, ox), column
// e = (ky*K + kx)*Cp + c; zero raws for padding pixels and padded lanes c >= C.
torch::Tensor conv_windows(const ConvLayer& layer, const torch::Tensor& input_raw);

// The convolution layer (MAC + requant + optional bn_act): input_raw int64 [batch, H, W, C] raws
// of layer.input_type -> [batch, Hout, Wout, out_channels] raws of layer.output_type(). Each
// pixel's window goes through dense_integer(window_layer(layer)): the same accumulator beats,
// requant and bn_act as the dense layer.
torch::Tensor conv_integer(const ConvLayer& layer, const torch::Tensor& input_raw);

// Max-pool of raws (any fixed format: the order of raws is the order of values), pool x pool
// windows with the given stride, no padding; a map size the windows do not cover is cut off
// (floor, as torch::max_pool2d): [batch, H, W, C] -> [batch, (H - pool) / stride + 1,
// (W - pool) / stride + 1, C].
torch::Tensor max_pool_integer(const torch::Tensor& input_raw, int pool, int stride);

}  // namespace fxsim::golden
