// FIFO sizing on the SystemC network model (docs/network.md, "FIFO sizing"): the smallest depth
// of every block's input FIFO with which the images take no more cycles than with unbounded
// FIFOs (so the throughput is kept; the total, not the gap between two images, because with
// random output stalls a shallower FIFO can delay the first image more than the last and shorten
// that gap while the run gets longer).
//
// 1. Every FIFO "unbounded" (deep enough for all the beats that ever enter it, so it never
//    fills): the target is the run's cycles, and each FIFO's largest occupancy M is recorded.
// 2. Front to back, each FIFO's depth is the smallest in 0..M (a binary search; the others at
//    their current depths, the later ones still at M) whose run takes no more cycles.
// 3. The result is confirmed by a run, and each FIFO at one less than its depth is run too: it
//    is slower (more cycles) unless the search's monotonicity failed, which the caller sees.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/network_cost.hpp"
#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"

namespace fxsim::env {

struct FifoSizing {
  std::vector<int> unbounded_max;  // per block: the largest occupancy with unbounded FIFOs
  std::vector<int> depths;         // per block: the chosen depth
  // Per block: the cycles with that FIFO one shallower (the others at their chosen depths); 0
  // for a FIFO of depth 0.
  std::vector<std::uint64_t> one_less_cycles;
  std::uint64_t unbounded_cycles = 0;  // the target
  std::uint64_t cycles = 0;            // with the chosen depths (<= unbounded_cycles)
  int runs = 0;                        // model runs it took
  engine::NetworkCost fifo_cost;       // the chosen FIFOs' resources (per block: fifo only)
};

// `plan` with every block's FIFO depth replaced by `depths`.
engine::NetworkPlan with_fifo_depths(const engine::NetworkPlan& plan,
                                     const std::vector<int>& depths);

FifoSizing size_fifos(const engine::NetworkPlan& plan, const engine::NetworkOperands& ops,
                      resources::Family family = resources::Family::xc7);

}  // namespace fxsim::env
