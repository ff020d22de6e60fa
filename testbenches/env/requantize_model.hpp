// A trained model in the formats of a network description that departs from them: a network
// sweep's point whose weight, kind, K or bn axes change a block (docs/sweeps.md, "Network
// workloads"). Weights and BN scales are requantized from the values of the model's raws, the
// way model workloads quantize a trained layer (explore/float_layer.hpp), and the golden logits
// are recomputed on the requantized model by golden::reference_forward, so that a run on it is
// still checked raw for raw against an inference the network engine does not share.
#pragma once

#include <optional>

#include "golden/model_file.hpp"
#include "models/engine/network_plan.hpp"

namespace fxsim::env {

// The model in the plan's formats, or nullopt when every block already has the model's formats
// (weight, accumulator, MAC output and input types; bn_act present or not, its scale, bias and
// output types). Each conv / dense layer that differs takes its block's types: weights whose type
// changed are requantized from their values (raw x 2^-F) into the block's weight type (fixed
// point: fx::cast_from_double with the type's rounding and overflow modes; K-hot / SPT:
// fx::khot_quantize, the nearest value); a bn_act the block's scale, bias and output types (scales
// and biases requantized the same way) or none. A dense layer's K-hot / SPT weights are held as
// raws of their fixed-point container (golden::weight_container), as fxsim train exports them;
// a max-pool layer takes the type of its input. Layer names, shapes, SIMDs, activations and clip
// bounds are the model's; the golden results are left out (requantized_golden). Throws
// golden::ModelError when the result is not a valid model (golden::validate).
std::optional<golden::QuantNetwork> requantize_model(const golden::QuantNetwork& model,
                                                     const engine::NetworkPlan& plan);

// Golden results of a requantized model: golden::reference_forward on the first `images` golden
// test images of `trained` (read through golden_pixels from the plan's model_data), their labels,
// and the top-1 accuracy of those logits. Throws engine::NetworkFileError as golden_pixels.
golden::GoldenResults requantized_golden(const golden::QuantNetwork& model,
                                         const engine::NetworkPlan& plan,
                                         const golden::GoldenResults& trained, int images);

}  // namespace fxsim::env
