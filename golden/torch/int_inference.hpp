// Integer inference of a QuantNetwork on tensors of raws: the hardware's arithmetic (models/units)
// vectorized with LibTorch. Exact: products and sums in int64 (or in double while every sum is
// below 2^53), the accumulator cast per SIMD beat when it can overflow with a saturating mode,
// every requant through golden::cast_raw (bit-identical to fx::cast_from_raw).
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

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

torch::Tensor forward_integer(const QuantNetwork& model, const torch::Tensor& input_raw);

}  // namespace fxsim::golden
