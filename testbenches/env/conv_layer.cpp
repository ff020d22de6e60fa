#include "testbenches/env/conv_layer.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>

#include "models/engine/elaboration.hpp"
#include "models/engine/memory_map.hpp"
#include "models/streaming/feature_map_stream.hpp"
#include "models/streaming/sliding_window_model.hpp"
#include "models/units/sliding_window/sliding_window.hpp"
#include "models/units/unit_registry.hpp"

namespace fxsim::env {
namespace {

// Draw streams of the input maps, apart from the point's own (seed ^ this).
constexpr std::uint64_t kMapStream = 0x6d61707300000000ull;  // "maps"

// The sliding-window unit for this layer: the point's activation format and SIMD, the shape's
// geometry (resolve_params rejects what the unit cannot do, naming the parameter).
units::SlidingWindowConfig window_unit(const units::ConvShape& s, const engine::EngineConfig& p) {
  const units::UnitSpec& spec = units::find_unit("sliding_window");
  return units::SlidingWindowConfig::from(
      units::resolve_params(spec, {{"IN_W", p.activation.width},
                                   {"IN_SIGNED", p.activation.is_signed ? 1 : 0},
                                   {"SIMD", p.simd},
                                   {"C", s.channels},
                                   {"H", s.height},
                                   {"W", s.width},
                                   {"K", s.kernel},
                                   {"STRIDE", s.stride},
                                   {"PAD", s.padding}}));
}

// The windows as the sliding-window unit streams them: the maps, image after image, through its
// cycle-accurate model (the RTL's cycles under any stalls, testbenches/rtl/sliding_window_test),
// input always offered and output always taken; every output beat appended, lane 0 first.
std::vector<std::int64_t> stream_windows(const units::SlidingWindowConfig& cfg,
                                         const std::vector<std::int64_t>& maps, int images) {
  const std::vector<units::Beat> in = streaming::map_to_beats(maps, cfg.c, cfg.simd);
  const std::int64_t out_beats = cfg.output_beats() * images;
  const units::Beat idle(static_cast<std::size_t>(cfg.simd), 0);
  streaming::SlidingWindowCore unit(cfg);
  unit.reset();
  std::vector<std::int64_t> windows;
  windows.reserve(static_cast<std::size_t>(out_beats * cfg.simd));
  std::size_t next = 0;
  const std::int64_t max_cycles = 4 * (out_beats + static_cast<std::int64_t>(in.size())) + 16;
  for (std::int64_t cycle = 0; windows.size() < static_cast<std::size_t>(out_beats * cfg.simd);
       ++cycle) {
    if (cycle > max_cycles) {
      throw std::logic_error("sliding_window model: no progress after " +
                             std::to_string(max_cycles) + " cycles");
    }
    const bool offer = next < in.size();
    const bool accepted = offer && unit.in_ready();
    if (unit.out_valid()) {
      windows.insert(windows.end(), unit.out_data().begin(), unit.out_data().end());
    }
    unit.edge(offer, offer ? in[next] : idle, true);
    if (accepted) ++next;
  }
  return windows;
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
  const int cp = shape.padded_channels(point.simd);
  const int pixels = shape.out_height() * shape.out_width();
  ConvStimulus o;
  o.images = images;
  o.stimulus = engine::make_stimulus(point, seed, images * pixels);

  // Padded lanes hold zero weights: the weight memory stores Cp channels per (ky, kx).
  engine::zero_padded_weights(point, cp, shape.channels, &o.stimulus);

  // The maps: the activations of a dense point with one input vector of H * W * C per image.
  engine::EngineConfig map_point = point;
  map_point.in_features = shape.height * shape.width * shape.channels;
  map_point.out_features = 1;
  map_point.bn.reset();
  o.maps = engine::make_stimulus(map_point, seed ^ kMapStream, images).input;

  // The windows: the sliding-window unit's stream, one output pixel's K * K * Cp after another.
  o.stimulus.input = stream_windows(window_unit(shape, point), o.maps, images);
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
