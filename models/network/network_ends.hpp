// What every backend of a network shares, so that they all see the same stream ends
// (docs/network.md, "DMA"): the input DMA's configuration, the output DMA (its stall pattern
// seeded from the network's seed), the bytes of a beat in memory, and a generous cycle bound
// (every beat of every stream a few times over, plus the DMA's own time) past which a run that
// has not delivered every result is a deadlock, not a slow network.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/network_plan.hpp"
#include "models/streaming/dma_model.hpp"
#include "models/streaming/feature_map_stream.hpp"

namespace fxsim::network {

streaming::InputDmaConfig input_dma_config(const engine::NetworkPlan& plan);
streaming::OutputSinkControl output_dma_control(const engine::NetworkPlan& plan);
streaming::OutputSinkModel output_dma(const engine::NetworkPlan& plan);
std::uint64_t default_max_cycles(const engine::NetworkPlan& plan, int images);

// A beat in memory: its lanes' bits rounded up to bytes, lane l at bits [l*W +: W] in
// little-endian byte order (the stream's own bit order).
int beat_bytes(const engine::MapShape& m);
void pack_beat(const streaming::Lanes& lanes, int width, unsigned char* out);
streaming::Lanes unpack_beat(const unsigned char* in, int lanes, int width, bool is_signed);
// A whole stream at once, without a vector per beat: `map` (images x H x W x C raws, channels
// fastest) as its beats in memory, and back.
std::vector<unsigned char> pack_map(const std::vector<std::int64_t>& map,
                                    const engine::MapShape& m);
std::vector<std::int64_t> unpack_map(const unsigned char* bytes, std::size_t beats,
                                     const engine::MapShape& m);

}  // namespace fxsim::network
