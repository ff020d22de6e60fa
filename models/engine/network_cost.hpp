// The analytical resources of a network (docs/network.md, "Resources"): per block, the sum of
// its units' cost formulas (units::estimate) — the stream FIFO in front of it, the sliding
// window or the max-pool unit, and the mvau unit (its PE array, bn_act, weight memory, input
// buffer and control) — and the total.
#pragma once

#include <string>
#include <vector>

#include "models/engine/network_plan.hpp"
#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"

namespace fxsim::engine {

struct BlockCost {
  std::string name;
  resources::ResourceEstimate fifo, stream_unit, mvau;  // stream_unit: window or pool
  resources::ResourceEstimate total() const;
};

struct NetworkCost {
  std::vector<BlockCost> blocks;
  resources::ResourceEstimate total;
};

NetworkCost network_cost(const NetworkPlan& plan, resources::Family family, bool use_dsp);

}  // namespace fxsim::engine
