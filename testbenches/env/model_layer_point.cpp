#include "testbenches/env/model_layer_point.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "models/engine/elaboration.hpp"
#include "models/engine/memory_map.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::env {

engine::BnConfig engine_bn(const golden::BnActLayer& b, int stages) {
  engine::BnConfig bn;
  bn.scale = b.scale_type;
  bn.bias = b.bias_type;
  bn.output = b.out_type;
  bn.activation = b.act;
  // The engine takes the clip bound as a value; a raw times 2^-F is exact in a double.
  bn.clip = std::ldexp(static_cast<double>(b.clip_raw), -b.out_type.frac_bits());
  bn.stages = stages;
  return bn;
}

engine::EngineConfig layer_point(const golden::DenseLayer& layer, const engine::Hardware& hw,
                                 int batch) {
  engine::EngineConfig cfg;
  cfg.kind = engine::EngineKind::FX_MAC;
  cfg.pe = hw.pe;
  cfg.simd = layer.simd;
  cfg.mac_stages = hw.mac_stages;
  cfg.clock_ns = hw.clock_ns;
  cfg.bus_bits = hw.bus_bits;
  cfg.in_features = layer.in_features;
  cfg.out_features = layer.out_features;
  cfg.batch = batch;
  cfg.activation = layer.input_type;
  cfg.weight = layer.weight_type;
  cfg.accumulator = layer.acc_type;
  cfg.output = layer.out_type;
  if (layer.bn) cfg.bn = engine_bn(*layer.bn, hw.bn_stages);
  engine::validate(cfg, layer.name.empty() ? std::string("layer") : layer.name);
  return cfg;
}

engine::Stimulus layer_stimulus(const golden::DenseLayer& layer, const engine::EngineConfig& cfg,
                                std::vector<std::int64_t> input) {
  engine::Stimulus s;
  s.batch = cfg.batch;
  s.weights = layer.weight_raw;
  s.weight_words = layer.weight_raw;  // fixed-point weights: the buffer holds the raws
  if (layer.bn) {
    s.bn_scale = layer.bn->scale_raw;
    s.bn_bias = layer.bn->bias_raw;
    if (const auto* k = std::get_if<fx::KhotType>(&layer.bn->scale_type)) {
      const int sh_w = engine::khot_shift_bits(*k);
      s.bn_scale_words.reserve(s.bn_scale.size());
      for (std::int64_t raw : s.bn_scale) {
        s.bn_scale_words.push_back(engine::pack_terms(fx::khot_encode(raw, *k), k->k, sh_w));
      }
    } else {
      s.bn_scale_words = s.bn_scale;
    }
  }
  s.input = std::move(input);
  return s;
}

}  // namespace fxsim::env
