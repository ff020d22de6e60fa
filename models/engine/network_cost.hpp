// The analytical resources of a network (docs/network.md, "Resources"): per block, the sum of
// its units' cost formulas (units::estimate) — the stream FIFO in front of it, the sliding
// window or the max-pool unit, the MVAU's PE array and bn_act (engine_cost of its dense point)
// and its weight memory (the weight_mem unit: PE memories of NF x SF words, the layer's memory
// style) — and the total.
#pragma once

#include <string>
#include <vector>

#include "models/engine/network_plan.hpp"
#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"

namespace fxsim::engine {

struct BlockCost {
  std::string name;
  resources::ResourceEstimate fifo, stream_unit, mvau, weights;  // stream_unit: window or pool
  resources::ResourceEstimate total() const;
};

struct NetworkCost {
  std::vector<BlockCost> blocks;
  resources::ResourceEstimate total;
};

NetworkCost network_cost(const NetworkPlan& plan, resources::Family family, bool use_dsp);

// The weight_mem parameters of an MVAU block: PE, SIMD, WORD_W (a weight, or K term words),
// DEPTH = NF x SF (at least 2), STYLE.
units::ParamMap weight_memory_params(const BlockPlan& b);

}  // namespace fxsim::engine
