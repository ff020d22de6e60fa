// What a network description elaborates to (docs/network.md): the feature-map shape and format
// on every stream of the chain, and per block the units it is built from, each with its typed
// configuration (the resolved Verilog parameters come from the same numbers): the stream FIFO in
// front of it, the sliding window of a convolution, the max-pool unit, and the MVAU as the dense
// design point of one input vector (the PE array and bn_act of the layer engine, elaborate()).
// Both network backends, the resources and the reports read this plan, never the file again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/engine/engine_config.hpp"
#include "models/engine/network_config.hpp"
#include "models/units/common/conv_shape.hpp"
#include "models/units/max_pool/max_pool.hpp"
#include "models/units/mvau/mvau.hpp"
#include "models/units/sliding_window/sliding_window.hpp"
#include "models/units/stream_fifo/stream_fifo.hpp"

namespace fxsim::engine {

// A feature map as one stream carries it: H x W pixels in row-major order, C channels
// a pixel, `lanes` channels a beat (the last beat of a pixel zero in its lanes beyond C), each
// element a raw integer of `format`. A dense layer's output is a 1 x 1 map.
struct MapShape {
  int h = 1, w = 1, c = 1;
  int lanes = 1;
  fx::FxType format = fx::FxType::make_signed(8, 1);
  int beats_per_pixel() const { return (c + lanes - 1) / lanes; }
  int padded_channels() const { return beats_per_pixel() * lanes; }
  std::int64_t beats() const {  // an image
    return static_cast<std::int64_t>(h) * w * beats_per_pixel();
  }
  std::int64_t elements() const { return static_cast<std::int64_t>(h) * w * c; }
  int beat_bits() const { return lanes * format.width; }
};

struct BlockPlan {
  int index = 0;
  NetworkLayer layer;
  MapShape in, out;
  units::StreamFifoConfig fifo;                      // in front of the block
  std::optional<units::SlidingWindowConfig> window;  // conv
  std::optional<units::MaxPoolConfig> pool;          // pool
  // conv / dense: the dense point of one input vector (in_features = K*K*Cp for a convolution,
  // H*W*Cp of the incoming map for a dense layer, flattened in stream order), batch 1.
  std::optional<EngineConfig> mvau;
  // The mvau unit's resolved parameters (rtl/mvau.sv): the dense point's PE and bn_act
  // parameters (bn_act's prefixed BN_), MW = in_features, MH = out_features, PE, the kind and
  // the layer's weight memory style.
  units::ParamMap mvau_params;
  std::int64_t vectors_per_image = 0;  // MVAU input vectors an image: Hout*Wout, or 1
};

struct NetworkPlan {
  NetworkConfig config;
  std::vector<BlockPlan> blocks;
  const MapShape& input() const { return blocks.front().in; }
  const MapShape& output() const { return blocks.back().out; }
};

// Throws NetworkFileError `SOURCE:LINE: layer[i].key: ...` (the layer's [[layer]] line; no line
// for a config built in code) for the first block whose units cannot take the shape or formats
// flowing into it: the kernel larger than the padded map, a SIMD that is not the incoming
// stream's lanes, a PE that does not divide the outputs, a weight type of another engine, a
// format a unit refuses (the unit's own message), ...
NetworkPlan plan_network(const NetworkConfig& cfg, const std::string& source_name = "network");

// Block b's mvau (b.mvau_params) with its RND_STOCH lanes (docs/network.md, "Stochastic
// rounding"): layer L = b.index of the network's seed, units::mvau_lane_states(PE, seed, L),
// the states rtl/mvau.sv's lfsr_seed port loads in reset. Throws std::invalid_argument for a
// block without an mvau.
units::MvauConfig block_mvau_config(const BlockPlan& b);

// The resolved Verilog parameters of the streaming units of a plan.
units::ParamMap fifo_params(const units::StreamFifoConfig& c);
units::ParamMap window_params(const units::SlidingWindowConfig& c);
units::ParamMap pool_params(const units::MaxPoolConfig& c);

}  // namespace fxsim::engine
