#include "testbenches/env/conv_layer.hpp"

#include <cstddef>

#include "models/engine/elaboration.hpp"
#include "models/engine/memory_map.hpp"

namespace fxsim::env {
namespace {

// Draw streams of the input maps, apart from the point's own (seed ^ this).
constexpr std::uint64_t kMapStream = 0x6d61707300000000ull;  // "maps"

// The word that stores a zero weight: raw 0 for fixed point, no enabled term for K-hot / SPT.
std::int64_t zero_weight_word(const engine::EngineConfig& point) {
  if (point.kind == engine::EngineKind::FX_MAC) return 0;
  const fx::KhotType& t = point.khot_weight();
  return engine::pack_terms(nullptr, 0, t.k, engine::khot_shift_bits(t));
}

}  // namespace

engine::ConvOperands ConvStimulus::view() const {
  engine::ConvOperands ops;
  ops.weight_words = stimulus.weight_words.data();
  ops.weight_values = stimulus.weights.data();
  ops.bn_scale_words = stimulus.bn_scale_words.empty() ? nullptr : stimulus.bn_scale_words.data();
  ops.bn_bias = stimulus.bn_bias.empty() ? nullptr : stimulus.bn_bias.data();
  ops.input = maps.data();
  ops.batch = images;
  return ops;
}

ConvStimulus make_conv_operands(const engine::ConvShape& shape, const engine::EngineConfig& point,
                                std::uint64_t seed, int images) {
  units::validate(shape);
  const int simd = point.simd, cp = shape.padded_channels(simd), n_in = shape.window_size(simd);
  const int pixels = shape.out_height() * shape.out_width();
  ConvStimulus o;
  o.images = images;
  o.stimulus = engine::make_stimulus(point, seed, images * pixels);

  // Padded lanes hold zero weights: the weight memory stores Cp channels per (ky, kx).
  const std::int64_t zero_word = zero_weight_word(point);
  for (int oc = 0; oc < point.out_features; ++oc) {
    for (int e = 0; e < n_in; ++e) {
      if (e % cp < shape.channels) continue;
      const std::size_t i = static_cast<std::size_t>(oc) * n_in + e;
      o.stimulus.weights[i] = 0;
      o.stimulus.weight_words[i] = zero_word;
    }
  }

  // The maps: the activations of a dense point with one input vector of H * W * C per image.
  engine::EngineConfig map_point = point;
  map_point.in_features = shape.height * shape.width * shape.channels;
  map_point.out_features = 1;
  map_point.bn.reset();
  o.maps = engine::make_stimulus(map_point, seed ^ kMapStream, images).input;

  // The windows, image by image, pixel by pixel: the dense engine's input vectors.
  const std::size_t map_size = static_cast<std::size_t>(map_point.in_features);
  std::int64_t* window = o.stimulus.input.data();
  for (int b = 0; b < images; ++b) {
    for (int oy = 0; oy < shape.out_height(); ++oy) {
      for (int ox = 0; ox < shape.out_width(); ++ox, window += n_in) {
        engine::gather_window(shape, simd, o.maps.data() + b * map_size, oy, ox, window);
      }
    }
  }
  return o;
}

RunSummary run_conv_layer(engine::EngineConfig point, const ConvStimulus& operands,
                          Backends backends, const RunOptions& options) {
  point.batch = operands.stimulus.batch;
  RunOptions o = options;
  o.stimulus = &operands.stimulus;
  return run_point(point, backends, o);
}

}  // namespace fxsim::env
