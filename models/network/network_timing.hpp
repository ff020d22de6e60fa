// The fast timing model of a network (docs/engine.md, "The fast network model"): the units'
// control state machines (models/streaming/*Control) stepped in lock step, edge by edge, in plain
// C++ without data and without SystemC events, wired as the stitched RTL wires the units: valid
// settles forward along the chain, ready backward, then every control takes its edge. Its cycle
// counts are those of the per-edge SystemC model because both run the same control code.
//
// And it skips: the controls hold no image counter, so once the whole state (every control, the
// FIFOs' occupancy, the input DMA's buffer, credit and start) at the start of an image equals the
// state at the start of an earlier image, the network is periodic: every stretch until the input
// DMA runs out of beats repeats that one, edge for edge. The model then adds whole periods at
// once (cycles, per-block counts, result arrivals shifted by the period) and steps on edge by
// edge only through the last images. Exact by construction: a stretch is skipped only when the
// state that decides every later handshake has been seen to repeat. An output DMA that stalls at
// random never repeats its state: such a run is stepped edge by edge throughout.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/network_plan.hpp"
#include "models/network/network_activity.hpp"

namespace fxsim::network {

struct NetworkTiming {
  std::uint64_t cycles = 0;            // edges out of reset until the last result beat is taken
  std::vector<std::uint64_t> arrival;  // the edge of each result beat (1 = the first edge)
  std::vector<BlockActivity> blocks;
  std::uint64_t dma_full_cycles = 0, dma_empty_cycles = 0;
  // Edges stepped one by one; the other cycles - stepped_cycles were skipped as repeats.
  std::uint64_t stepped_cycles = 0;
  int skipped_images = 0;  // images whose every edge was skipped
};

// Throws std::runtime_error, naming each block's beats in and out, when the results do not all
// arrive within max_cycles.
NetworkTiming simulate_network_timing(const engine::NetworkPlan& plan, int images,
                                      std::uint64_t max_cycles);

}  // namespace fxsim::network
