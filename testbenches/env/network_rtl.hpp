// A network on the RTL backend (docs/network.md, "The RTL backend"): its stitched chain
// (engine::network_stitch_plan) generated, Verilated on demand and cached, and clocked edge by
// edge with the same DMA models as the SystemC model (models/streaming/dma_model.hpp): the input
// DMA offers a beat when its buffer holds one, the output DMA is ready on its seeded pattern. The
// result has the outputs, the cycles and each image's completion edge (the per-block activity is
// the SystemC model's: the stitched top shows only its two ends).
#pragma once

#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"
#include "models/network/network_model.hpp"

namespace fxsim::env {

// Throws std::runtime_error when the results do not all arrive within max_cycles (0: the same
// bound as the model's), verilated::RtlVariantError / RtlBuildError when the top cannot be built.
network::NetworkRunResult run_network_rtl(const engine::NetworkPlan& plan,
                                          const engine::NetworkOperands& ops,
                                          std::uint64_t max_cycles = 0);

}  // namespace fxsim::env
