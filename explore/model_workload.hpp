// A whole golden model as a sweep workload ([workload] kind = "model", docs/sweeps.md, "Model
// workloads"): every layer of the model file on an engine of its own (a layer-per-engine
// dataflow, as FINN builds it), all with the point's hardware (unit kind, K, PE, MAC stages, BN
// scale kind, clock, family) and weight format, the formats between layers the model's own.
// The golden test images go through the layers in turn, each layer's engine outputs feeding the
// next; the metrics are the model's (logits against the float model, top-1 accuracy) and the sums
// over the layers (cycles, resources).
#pragma once

#include <vector>

#include "explore/design_points.hpp"
#include "explore/float_layer.hpp"
#include "explore/layer_workload.hpp"

namespace fxsim::explore {

// The engine configuration of every layer for one point (not validated; throws
// engine::PointFileError naming the layer where a layer's own point cannot exist). Each is the
// layer as `fxsim verify` runs it (its input, output, accumulator types, SIMD, bn_act; batch =
// images), then:
//   kind khot / spt: K-hot / SPT weights of the weight format's W and I and the point's K
//     (the exact default accumulator); fx_mac / fx_mac_lut: fixed-point weights;
//   weight: the axis' format for every layer, or each layer's own when the axis is absent
//     (a changed weight format takes the exact default accumulator, as in other workloads);
//   bn: absent: each layer's own bn_act; "none" drops every bn_act; "fixed" / "khot" keep a layer's
//   own scale when it is of that
//     kind, else take [bn] scale / khot_scale; layers without batch norm stay without;
//   pe, mac_stages, clock_ns as the point's; [bn] stages for every bn_act.
std::vector<engine::EngineConfig> model_layer_configs(const SweepSpec& spec, const PointParams& p);

// The trained model in values, one float layer per model layer (weights, BN scale and bias:
// raw * 2^-F of their own types; no BN: scale 1, bias 0): the first one's inputs are the images
// (pixel / 256), the others' are left empty (the previous layer's outputs fill them); `labels`
// on the last one.
std::vector<FloatLayer> model_float_layers(const LayerSource& source);

}  // namespace fxsim::explore
