// The float layer a sweep measures accuracy against: weights, inputs and BN parameters drawn
// once from the sweep seed (random workloads) or taken from a trained model layer and its real
// input activations (layer workloads, explore/layer_workload.hpp); the same for every point,
// quantized into each point's formats to run on the engine, and computed in double precision as
// the reference.
#pragma once

#include <cstdint>
#include <vector>

#include "explore/sweep_spec.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::explore {

struct FloatLayer {
  int in_features = 0, out_features = 0, batch = 0;
  std::vector<double> weights;   // out x in, row-major
  std::vector<double> input;     // batch x in
  std::vector<double> bn_scale;  // out
  std::vector<double> bn_bias;   // out
  // Layer workloads: the golden label of each input image, for the model's top-1 accuracy with
  // the layer replaced by a design point. Empty for random workloads.
  std::vector<std::int64_t> labels;  // batch
};

// Random workloads: deterministic, std::mt19937_64 per array (seed XOR a constant per array) and
// our own mapping from its words (uniform: lo + (hi - lo) * u, u in [0,1) with 53 bits; normal:
// Irwin-Hall of 12 uniforms, mean at the range's centre, sigma = (hi - lo) / 4, not clamped). Layer
// workloads (workload.source set by parse_sweep): layer_float_layer of the source; `bn` and `seed`
// unused.
FloatLayer make_float_layer(const Workload& workload, const BnSpec& bn, std::uint64_t seed);

// The float layer in the point's formats, as engine buffers: fixed-point values through
// fx::cast_from_double with each format's own rounding and overflow modes; K-hot / SPT through
// fx::khot_quantize (nearest representable; computed by fx::KhotCodec) and packed into term words.
engine::Stimulus quantize_layer(const FloatLayer& layer, const engine::EngineConfig& cfg);

// The float layer of a design point's own operands (engine::make_stimulus, or any stimulus of
// the point): its raw weights, BN scales and biases and inputs as the exact values they encode
// (fx::to_double, fx::khot_to_double). float_reference of it is the same layer computed in double
// precision, without the accumulator's, requantizers' and bn_act's roundings and saturations:
// what `fxsim run` measures a point's outputs against (compare_outputs).
FloatLayer stimulus_float_layer(const engine::Stimulus& s, const engine::EngineConfig& cfg);

// y = W x in double, then with bn: act(scale * y + bias) with the float scale and bias
// (activations in value units: relu, relu_clip at bn clip, hardtanh at +-1, sign +-1 (0/1 for an
// unsigned output)). batch x out.
std::vector<double> float_reference(const FloatLayer& layer, const engine::EngineConfig& cfg);
// The same in two steps: y = W x (batch x out) depends on the float layer only, so a sweep worker
// computes it once for all its points.
std::vector<double> float_products(const FloatLayer& layer);
std::vector<double> float_reference(const FloatLayer& layer, const std::vector<double>& products,
                                    const engine::EngineConfig& cfg);

struct Accuracy {
  double mse = 0;
  double sqnr_db = 0;  // +inf when exact
  double max_abs_error = 0;
};
// The engine's raw outputs (format `t`) dequantized and compared with the float reference.
Accuracy compare_outputs(const std::vector<double>& reference, const std::vector<std::int64_t>& raw,
                         const fx::FxType& t);
// The same for outputs already in values (e.g. an int point's, dequantized by its affine output).
Accuracy compare_values(const std::vector<double>& reference, const std::vector<double>& values);

// Top-1 accuracy of batch x classes raw outputs against `labels`: the first maximum of a row is
// its class (golden::argmax_rows, as `fxsim verify` and the golden model count it).
double top1_accuracy(const std::vector<std::int64_t>& raw, int classes,
                     const std::vector<std::int64_t>& labels);

}  // namespace fxsim::explore
