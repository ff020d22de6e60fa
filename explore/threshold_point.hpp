// Threshold points (activation_unit = "threshold", docs/sweeps.md "XNOR and threshold points"):
// a binary / ternary / xnor point whose array is followed by the engine's [threshold] unit of T
// levels instead of bn_act. The float reference is the float layer's batch-norm-free output
// y = W x quantized to T + 1 levels in float:
//   levels  l_k = y_min + (k + 1) (y_max - y_min) / (T + 1), k = 0..T-1: T equally spaced
//           thresholds over the range of y (the whole batch x out tensor);
//   output  q(y) = #{k : y >= l_k}, an integer 0..T.
// The engine computes the same q of its own y (the accumulator's value times alpha beta):
// units::thresholds_from_batch_norm(1, 0, lsb, levels, ACC_W) folds the levels into integer
// thresholds of the accumulator, lsb = 2^-F_acc alpha beta (the value of its LSB), one
// direction-0 channel repeated for every output. Accuracy compares the levels q, engine against
// float.
#pragma once

#include <cstdint>
#include <vector>

#include "explore/bipolar_point.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::explore {

// The T levels over the range of `products` (y = W x, batch x out).
std::vector<double> threshold_levels(const std::vector<double>& products, int thresholds);

// q(y) of every product, as doubles 0..T.
std::vector<double> threshold_reference(const std::vector<double>& products,
                                        const std::vector<double>& levels);

// [threshold]'s BN_PARAMS elements in `s`: out_features directions 0 (bn_scale, bn_scale_words)
// and out_features x T integer thresholds (bn_bias) of the point's accumulator.
void set_threshold_params(const BipolarLayer& l, const engine::EngineConfig& cfg,
                          const std::vector<double>& levels, engine::Stimulus* s);

}  // namespace fxsim::explore
