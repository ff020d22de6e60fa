// The stitched chain of a network (docs/network.md, "The RTL backend"): per block, the stream
// FIFO in front of it and its units in stream order (sliding window and MVAU for a convolution,
// the MVAU for a dense layer, max_pool for a pool), each at the resolved parameters of the
// network's plan: the same units, with the same numbers, as the SystemC model instantiates.
#pragma once

#include <string>

#include "models/engine/network_plan.hpp"
#include "models/engine/stitch_plan.hpp"

namespace fxsim::engine {

// Instances b<i>_fifo, b<i>_window, b<i>_mvau, b<i>_pool (i the block's index). taps: every
// inner stream brought out (StitchPlan::taps), for mismatch localisation.
StitchPlan network_stitch_plan(const NetworkPlan& plan, bool taps = false);

// The instance whose output stream is block b's output (b<i>_mvau or b<i>_pool).
std::string block_output_instance(const BlockPlan& b);

}  // namespace fxsim::engine
