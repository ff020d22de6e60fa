#include "testbenches/env/affine_layer_point.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "fx/affine.hpp"
#include "models/engine/memory_map.hpp"

namespace fxsim::env {
namespace {

fx::FxType integer_format(const fx::AffineInt& t) {
  return t.is_signed ? fx::FxType::make_signed(t.width, t.width)
                     : fx::FxType::make_unsigned(t.width, t.width);
}

[[noreturn]] void refuse(const golden::AffineDense& layer, const std::string& what) {
  throw engine::PointFileError(layer.name + ": " + what);
}

}  // namespace

engine::EngineConfig affine_layer_point(const golden::AffineDense& layer,
                                        const engine::Hardware& hw, int simd, int batch) {
  if (layer.method != golden::RequantMethod::INTEGER) {
    refuse(layer,
           "requant = \"float\": no hardware builds PyTorch's float requantization; export the "
           "model with the integer method (fxsim train writes affine model files that way)");
  }
  for (std::size_t c = 0; c < layer.weight_type.params.channels(); ++c) {
    if (layer.weight_type.params.zero_points[c] != 0) {
      refuse(layer, "weight zero point " + std::to_string(layer.weight_type.params.zero_points[c]) +
                        " (channel " + std::to_string(c) +
                        "): the engine's folded-correction form needs symmetric weights "
                        "(zero point 0)");
    }
  }
  engine::EngineConfig cfg;
  cfg.kind = engine::EngineKind::FX_MAC;
  cfg.pe = hw.pe;
  cfg.simd = std::min(simd, layer.in_features);
  cfg.mac_stages = hw.mac_stages;
  cfg.clock_ns = hw.clock_ns;
  cfg.bus_bits = hw.bus_bits;
  cfg.in_features = layer.in_features;
  cfg.out_features = layer.out_features;
  cfg.batch = batch;
  cfg.activation = integer_format(layer.input_type.format);
  cfg.weight = integer_format(layer.weight_type.format);
  cfg.accumulator = fx::FxType::make_signed(layer.acc_width, layer.acc_width);
  cfg.output = cfg.accumulator;
  engine::RequantConfig r;
  r.output = layer.output_type.format;
  r.zero_point = layer.output_type.params.zero_point(0);
  r.rounding = layer.integer_rounding;
  r.m0_bits = layer.multiplier_bits;
  r.bias_width = layer.acc_width;
  r.relu = layer.relu;
  r.stages = hw.bn_stages;
  for (const golden::ChannelRequant& c : golden::channel_requants(layer)) {
    r.lshift_max = std::max(r.lshift_max, -c.integer.shift);
  }
  cfg.requant = r;
  engine::validate(cfg, layer.name.empty() ? std::string("layer") : layer.name);
  return cfg;
}

engine::Stimulus affine_layer_stimulus(const golden::AffineDense& layer,
                                       const engine::EngineConfig& cfg,
                                       std::vector<std::int64_t> input) {
  engine::Stimulus s;
  s.batch = cfg.batch;
  s.weights = layer.weight_q;
  s.weight_words = layer.weight_q;
  const std::int64_t zx = layer.input_type.params.zero_point(0);
  const std::vector<golden::ChannelRequant> requants = golden::channel_requants(layer);
  for (int o = 0; o < layer.out_features; ++o) {
    std::int64_t row_sum = 0;
    for (int k = 0; k < layer.in_features; ++k) {
      row_sum += layer.weight_q[static_cast<std::size_t>(o) * layer.in_features + k];
    }
    const std::int64_t bias = layer.bias_q.empty() ? 0 : layer.bias_q[static_cast<std::size_t>(o)];
    s.bn_bias.push_back(
        fx::wrap_signed(static_cast<std::uint64_t>(bias - zx * row_sum), layer.acc_width));
    s.bn_scale_words.push_back(engine::requant_multiplier_word(requants[o].integer));
  }
  s.bn_scale = s.bn_scale_words;
  s.input = std::move(input);
  return s;
}

}  // namespace fxsim::env
