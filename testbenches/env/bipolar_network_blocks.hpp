// A binary / ternary model file (model file version 4, golden::BipolarNetwork) as a streaming
// network (docs/network.md, "From a trained model"): each bipolar_dense layer a dense block of
// engine binary (binary weights x a fixed-point input), ternary (ternary weights x a fixed-point
// input) or xnor (binary weights x the previous block's activation bits), its MAC output the
// golden accumulator, followed by [layer.bn] (bn_act: a fixed-point output, the logits) or
// [layer.threshold] with thresholds = 1 (a BNN's hidden layer: one bit a channel). As for the
// layer engine (bipolar_layer_point.hpp) the weights run as v in {-1, 0, +1} at scale 1: the model
// file folds the weight scale into the batch norm or the thresholds after the exact accumulator.
// network_from_model.cpp dispatches here for a version-4 file.
#pragma once

#include <vector>

#include "golden/bipolar_network.hpp"
#include "models/engine/network_config.hpp"
#include "models/engine/network_plan.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/env/network_from_model.hpp"

namespace fxsim::env {

// The input (1 x 1 x the first layer's inputs in its input format, --simd or the first layer's
// SIMD) and one dense block per layer of `net` at the PEs of `f` (one for every layer, one per
// layer, or the model's lanes: each layer's PE the next layer's SIMD, the largest divisor of its
// outputs up to it; 1 for the last), added to `cfg`. Throws ModelFoldingError (a PE count or a
// PE that does not fit, --simd out of range).
void add_bipolar_blocks(const golden::BipolarNetwork& net, const ModelFolding& f,
                        engine::NetworkConfig* cfg);

// Throws engine::NetworkFileError `SOURCE:LINE: layer[i].key: GOT; expected WANT, ...` for the
// first key of the plan that differs from the model: the block count, kind, outputs and inputs;
// the input format; the engine (binary / ternary / xnor), the weight (binary / ternary at scale
// 1), accumulator and MAC output (the layer's accumulator), [layer.bn] against the layer's bn_act
// or [layer.threshold] thresholds = 1 against its thresholds.
void check_against_bipolar(const engine::NetworkPlan& plan, const golden::BipolarNetwork& net);

// Each block's stationary operands: the weights v (out x the stream's padded inputs, +1 on a
// padded lane, whose input raw is 0) and their xnor_pe codes, bn_act's scale and bias or the
// threshold unit's directions and thresholds (as the layer engine's, bipolar_layer_stimulus).
std::vector<engine::Stimulus> bipolar_block_operands(const engine::NetworkPlan& plan,
                                                     const golden::BipolarNetwork& net);

}  // namespace fxsim::env
