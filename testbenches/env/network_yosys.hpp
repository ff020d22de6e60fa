// The yosys resources of a network (docs/network.md, "Resources"), on request: every unit
// instance of every block (its stream FIFO, sliding window, mvau or max_pool, at the plan's
// resolved parameters) synthesized on its own by the synth library (yosys 0.23 synth_xilinx,
// cached like `fxsim synth`), summed per block and in total, in the same fields as the
// analytical estimate. Units are mapped one by one, as sweeps and the cost model do, so the sum
// is what the analytical model is compared with; a whole-network synthesis could merge logic
// across unit boundaries.
#pragma once

#include <functional>
#include <string>

#include "models/engine/network_cost.hpp"
#include "models/engine/network_plan.hpp"

namespace fxsim::env {

// `progress`: one line before each unit that yosys has to run (not cached); empty: silent.
// Throws synth::SynthError when yosys is missing or fails.
engine::NetworkCost network_yosys_cost(
    const engine::NetworkPlan& plan, resources::Family family,
    const std::function<void(const std::string&)>& progress = {});

}  // namespace fxsim::env
