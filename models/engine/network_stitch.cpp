#include "models/engine/network_stitch.hpp"

#include <string>

namespace fxsim::engine {

StitchPlan network_stitch_plan(const NetworkPlan& plan, bool taps) {
  std::vector<StitchStage> stages;
  for (const BlockPlan& b : plan.blocks) {
    const std::string prefix = "b" + std::to_string(b.index) + "_";
    stages.push_back({prefix + "fifo", "stream_fifo", fifo_params(b.fifo)});
    if (b.window) stages.push_back({prefix + "window", "sliding_window", window_params(*b.window)});
    if (b.pool) stages.push_back({prefix + "pool", "max_pool", pool_params(*b.pool)});
    if (b.mvau) stages.push_back({prefix + "mvau", "mvau", b.mvau_params});
  }
  StitchPlan p = make_stitch_plan(std::move(stages));
  p.taps = taps;
  return p;
}

std::string block_output_instance(const BlockPlan& b) {
  return "b" + std::to_string(b.index) + (b.pool ? "_pool" : "_mvau");
}

}  // namespace fxsim::engine
