// A streaming dataflow network (docs/network.md): a chain of blocks, each on its own hardware,
// streaming feature maps into the next (FINN-style): convolution (sliding window + MVAU, optional
// bn_act), dense (MVAU, optional bn_act) and max-pool, a FIFO in front of every block, an input
// DMA that reads the images over a bus of limited bandwidth and an output DMA that may
// back-pressure. This is the network description file and its checks; what a network elaborates
// to (shapes, the units of each block) is network_plan.hpp. Plain C++, no SystemC.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/type_parser.hpp"
#include "models/engine/engine_config.hpp"
#include "models/resources/memory.hpp"

namespace fxsim::engine {

enum class LayerKind { CONV, DENSE, POOL };  // "conv" | "dense" | "pool"
const std::vector<std::pair<std::string, LayerKind>>& layer_kind_names();
std::string_view to_string(LayerKind k);
// "auto" | "registers" | "lutram" | "bram": the ram_style of a block's weight memory.
const std::vector<std::pair<std::string, resources::MemoryStyle>>& memory_style_names();

// One [[layer]] table. The keys a kind does not use keep their defaults (and are refused in the
// file: a pool has no weights).
struct NetworkLayer {
  LayerKind kind = LayerKind::DENSE;
  std::string name;    // default: kind + index ("conv0", "pool1", "dense2")
  int fifo_depth = 2;  // the stream FIFO in front of the block (0: a wire)
  // conv
  int channels = 0;  // output channels
  int kernel = 3, stride = 1, padding = 0;
  // pool (stride = size)
  int pool = 2;
  // dense
  int outputs = 0;
  // conv and dense: the MVAU (a PE x SIMD array of fx_mac_pe / khot_pe / xnor_pe) and its
  // formats. The activation format is the incoming stream's (the previous block's output, or the
  // input); engine "xnor" takes it as binary activations (a 1-bit unsigned stream, 1 = +1).
  EngineKind engine = EngineKind::FX_MAC;
  int pe = 1;
  int simd = 0;  // 0: the incoming stream's lanes (the only value accepted today)
  int mac_stages = Hardware{}.mac_stages;
  fx::NumType weight = fx::FxType::make_signed(8, 1);  // fixed<2,2> for the bipolar kinds
  // engine binary / ternary / xnor: weight = "binary<S>" / "ternary<S>" (as the layer engine).
  std::optional<fx::BipolarType> bipolar;
  std::optional<fx::FxType> accumulator;  // default: exact for the layer (fx::accumulator_type)
  fx::FxType output = fx::FxType::make_signed(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  bool output_given = true;  // false: the bipolar kinds' default, output = the accumulator
  std::optional<BnConfig> bn;
  // [layer.threshold] (never with [layer.bn]; bipolar kinds): threshold lanes after the PEs.
  std::optional<ThresholdTable> threshold;
  resources::MemoryStyle weight_memory = resources::MemoryStyle::kAuto;
  int line = 0;  // of the [[layer]] table in its file (0: built in code)

  bool has_mvau() const { return kind != LayerKind::POOL; }
};

// The network's input: images of height x width x channels in `format`, streamed pixel by pixel,
// `simd` channels a beat.
struct NetworkInput {
  int height = 8, width = 8, channels = 1;
  fx::FxType format = fx::FxType::make_signed(8, 1, fx::Rounding::TRN, fx::Overflow::SAT);
  int simd = 1;
};

// The DMAs (docs/network.md, "DMA"): the input DMA starts `start_latency` cycles after reset and
// then reads the images at `bytes_per_cycle` sustained (any positive rational number of bytes a
// cycle, given as bytes / cycles), holding at most `buffer_beats` beats not yet taken; each
// stream beat is a whole number of bytes. The output DMA takes a result beat in a cycle with
// probability 1 - output_stall (a seeded pattern: the same seed, the same stalls).
struct DmaConfig {
  int bus_bits = Hardware{}.bus_bits;
  std::int64_t bytes = 8;  // sustained bandwidth = bytes / cycles bytes a cycle
  std::int64_t cycles = 1;
  int start_latency = 0;
  int buffer_beats = 16;
  double output_stall = 0.0;  // in [0, 1)
};

struct NetworkConfig {
  // Draws the weights, BN parameters, images and output stalls, and is the LFSR seed of every
  // RND_STOCH rounding (docs/network.md, "Stochastic rounding": layer L's lanes start at
  // fx::lane_state(seed, L, lane)).
  std::uint64_t seed = 1;
  std::string name = "network";
  int images = 1;
  double clock_ns = Hardware{}.clock_ns;
  NetworkInput input;
  DmaConfig dma;
  std::vector<NetworkLayer> layers;
  // [network] model: a trained model file whose weights, BN parameters and golden test images
  // the run takes instead of the seed's (docs/network.md, "From a trained model"; read in
  // testbenches/env, this layer does not know model files), resolved against the description's
  // directory; "" for none. model_data: where its golden images' IDX file is ("" the default
  // of `fxsim verify`). source / model_line: the description's name and the line of `model`,
  // for the errors of the check of the description against the model.
  std::string model;
  std::string model_data;
  std::string source;
  int model_line = 0;
};

// A bad network description: `FILE:LINE: key: what was expected` (LINE omitted when the problem
// is not tied to a line). Layer keys are named layer[i].key (i from 0).
struct NetworkFileError : std::runtime_error {
  using runtime_error::runtime_error;
};

NetworkConfig load_network_file(const std::string& path);
NetworkConfig parse_network(std::string_view toml, const std::string& source_name);

}  // namespace fxsim::engine
