#include "models/engine/network_cost.hpp"

#include "models/units/unit_registry.hpp"

namespace fxsim::engine {

resources::ResourceEstimate BlockCost::total() const {
  resources::ResourceEstimate t = fifo;
  t += stream_unit;
  t += mvau;
  return t;
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
    if (b.mvau) bc.mvau = units::estimate("mvau", b.mvau_params, family, use_dsp);
    c.total += bc.total();
    c.blocks.push_back(std::move(bc));
  }
  return c;
}

}  // namespace fxsim::engine
