// A network on the RTL backend (docs/network.md, "The RTL backend"): its stitched chain
// (engine::network_stitch_plan) generated, Verilated on demand and cached, and clocked edge by
// edge with the same DMA models as the SystemC model (models/streaming/dma_model.hpp): the input
// DMA offers a beat when its buffer holds one, the output DMA is ready on its seeded pattern. The
// result has the outputs, the cycles and each image's completion edge (the per-block activity is
// the SystemC model's: the stitched top shows only its two ends).
#pragma once

#include <functional>

#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"
#include "models/engine/stitch_plan.hpp"
#include "models/network/network_model.hpp"

namespace fxsim::env {

struct NetworkRtlOptions {
  std::uint64_t max_cycles = 0;  // 0: the same bound as the model's
  // Mismatch localisation: the tapped top (StitchPlan::taps), every block's output stream and
  // every BN block's MAC stream (mac_valid / mac_ready / mac_data) recorded into
  // NetworkRunResult::block_maps / mac_maps.
  bool taps = false;
  // Fault injection (tests of the localisation): edits the stitched chain (a stage's parameters)
  // after it is planned and before its top is generated; the loads and the run use the plan's.
  std::function<void(engine::StitchPlan&)> edit_stitch;
};

// Throws std::runtime_error when the results do not all arrive within max_cycles,
// verilated::RtlVariantError / RtlBuildError when the top cannot be built.
network::NetworkRunResult run_network_rtl(const engine::NetworkPlan& plan,
                                          const engine::NetworkOperands& ops,
                                          const NetworkRtlOptions& options);
network::NetworkRunResult run_network_rtl(const engine::NetworkPlan& plan,
                                          const engine::NetworkOperands& ops,
                                          std::uint64_t max_cycles = 0);

}  // namespace fxsim::env
