// Integer inference of a dense network whose requants may round with RND_STOCH, on tensors:
// the accumulators and deterministic stages by golden/torch/int_inference, every RND_STOCH
// requant by golden::lane_requant (one fx::Lfsr per PE lane, docs/golden.md "Stochastic
// rounding"). Bit for bit golden::stochastic_dense layer after layer, at tensor speed.
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "golden/quant_network.hpp"

namespace fxsim::golden {

// input_raw int64 [batch, in_features] -> [batch, logits]. Layer l (its index, 0 = first) has
// pe[l] lanes seeded from `seed`. Dense models only (require_dense).
torch::Tensor forward_integer_lanes(const QuantNetwork& model, const torch::Tensor& input_raw,
                                    const std::vector<int>& pe, std::uint64_t seed);

// One dense layer the same way ([batch, in] -> [batch, out]).
torch::Tensor dense_integer_lanes(const DenseLayer& layer, const torch::Tensor& input_raw, int pe,
                                  std::uint64_t seed, std::uint64_t layer_index);

}  // namespace fxsim::golden
