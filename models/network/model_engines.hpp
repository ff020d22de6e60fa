// The two engines behind run_network_model (network_model.hpp), internal to models/network: each
// fills the result's output map, per-block activity, DMA counts (and the records only the
// per-edge engine keeps) and gives the edge every result beat was taken on; run_network_model
// derives the rest (cycles, per-image completion, bottleneck) from those, the same way for both.
#pragma once

#include <cstdint>
#include <vector>

#include "models/network/network_model.hpp"

namespace fxsim::network {

struct EngineRun {
  NetworkRunResult result;
  std::vector<std::uint64_t> arrival;
};

EngineRun run_edge_engine(const engine::NetworkPlan& plan, const engine::NetworkOperands& ops,
                          const NetworkModelOptions& options, std::uint64_t max_cycles);
EngineRun run_fast_engine(const engine::NetworkPlan& plan, const engine::NetworkOperands& ops,
                          std::uint64_t max_cycles);

}  // namespace fxsim::network
