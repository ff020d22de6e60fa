#include "models/engine/network_cost.hpp"

#include <algorithm>

#include "models/engine/elaboration.hpp"
#include "models/engine/memory_map.hpp"
#include "models/units/unit_registry.hpp"

namespace fxsim::engine {

resources::ResourceEstimate BlockCost::total() const {
  resources::ResourceEstimate t = fifo;
  t += stream_unit;
  t += mvau;
  t += weights;
  return t;
}

units::ParamMap weight_memory_params(const BlockPlan& b) {
  const EngineConfig& p = *b.mvau;
  return {{"PE", p.pe},
          {"SIMD", p.simd},
          {"WORD_W", weight_layout(p).bits},
          {"DEPTH", std::max(2, p.neuron_fold() * p.synapse_fold())},
          {"STYLE", static_cast<int>(b.layer.weight_memory)}};
}

NetworkCost network_cost(const NetworkPlan& plan, resources::Family family, bool use_dsp) {
  NetworkCost c;
  for (const BlockPlan& b : plan.blocks) {
    BlockCost bc;
    bc.name = b.layer.name;
    bc.fifo = units::estimate("stream_fifo", fifo_params(b.fifo), family, use_dsp);
    if (b.window) {
      bc.stream_unit = units::estimate("sliding_window", window_params(*b.window), family, use_dsp);
    }
    if (b.pool) bc.stream_unit = units::estimate("max_pool", pool_params(*b.pool), family, use_dsp);
    if (b.mvau) {
      bc.mvau = engine_cost(elaborate(*b.mvau), family, use_dsp);
      const units::UnitSpec& wm = units::find_unit("weight_mem");
      bc.weights =
          units::estimate(wm, units::resolve_params(wm, weight_memory_params(b)), family, use_dsp);
    }
    c.total += bc.total();
    c.blocks.push_back(std::move(bc));
  }
  return c;
}

}  // namespace fxsim::engine
