#include "testbenches/env/bipolar_layer_point.hpp"

#include <string>
#include <utility>

#include "testbenches/env/model_layer_point.hpp"

namespace fxsim::env {

engine::EngineConfig bipolar_layer_point(const golden::BipolarDense& layer,
                                         const engine::Hardware& hw, int batch) {
  engine::EngineConfig cfg;
  cfg.kind = layer.binary_input               ? engine::EngineKind::XNOR
             : layer.weight_type.is_ternary() ? engine::EngineKind::TERNARY
                                              : engine::EngineKind::BINARY;
  cfg.pe = hw.pe;
  cfg.simd = layer.simd;
  cfg.mac_stages = hw.mac_stages;
  cfg.clock_ns = hw.clock_ns;
  cfg.bus_bits = hw.bus_bits;
  cfg.in_features = layer.in_features;
  cfg.out_features = layer.out_features;
  cfg.batch = batch;
  if (layer.binary_input) {
    cfg.activation = fx::FxType::make_unsigned(1, 1);
    cfg.binary_activation = true;
  } else {
    cfg.activation = layer.input_type;
  }
  cfg.weight = fx::FxType::make_signed(2, 2);  // the values v in {-1, 0, +1}
  // Scale 1: the model file's scale is already folded into the BN / thresholds after the MAC.
  cfg.bipolar =
      layer.weight_type.is_ternary() ? fx::BipolarType::ternary() : fx::BipolarType::binary();
  cfg.accumulator = layer.acc_type;
  cfg.output = layer.acc_type;  // the MAC output is the accumulator
  if (layer.bn) cfg.bn = engine_bn(*layer.bn, hw.bn_stages);
  if (layer.binary_output()) {
    engine::ThresholdTable t;
    t.thresholds = 1;  // the sign bit: the next xnor layer's activation
    t.stages = hw.bn_stages;
    cfg.threshold = t;
  }
  engine::validate(cfg, layer.name.empty() ? std::string("layer") : layer.name);
  return cfg;
}

engine::Stimulus bipolar_layer_stimulus(const golden::BipolarDense& layer,
                                        const engine::EngineConfig& cfg,
                                        std::vector<std::int64_t> input) {
  engine::Stimulus s;
  s.batch = cfg.batch;
  s.weights.assign(layer.weight_v.begin(), layer.weight_v.end());
  s.weight_words.reserve(layer.weight_v.size());
  for (std::int8_t v : layer.weight_v) {
    s.weight_words.push_back(static_cast<std::int64_t>(fx::bipolar_code(cfg.bipolar->kind, v)));
  }
  if (layer.bn) {
    // bn_act's buffers as for a fixed-point layer (a K-hot scale is packed into term words).
    const engine::Stimulus bn = layer_stimulus(golden::bn_stage_layer(layer), cfg, {});
    s.bn_scale = bn.bn_scale;
    s.bn_scale_words = bn.bn_scale_words;
    s.bn_bias = bn.bn_bias;
  }
  for (const units::ThresholdChannel& c : layer.thresholds) {
    s.bn_scale.push_back(c.descending ? 1 : 0);
    s.bn_bias.insert(s.bn_bias.end(), c.thresholds.begin(), c.thresholds.end());
  }
  if (!layer.thresholds.empty()) s.bn_scale_words = s.bn_scale;
  s.input = std::move(input);
  return s;
}

}  // namespace fxsim::env
