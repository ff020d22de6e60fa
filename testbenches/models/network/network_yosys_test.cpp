// The analytical resources of a network against yosys (label yosys): every unit of every block
// synthesized on its own (yosys 0.23 synth_xilinx, cached in this build tree), summed per block:
// DSP, block RAM and LUT RAM exact, FF within 5%, LUT within 25% (the cost model's goal,
// docs/resources.md).
#include "testbenches/env/network_yosys.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "models/engine/network_config.hpp"
#include "models/engine/network_cost.hpp"
#include "models/engine/network_plan.hpp"

namespace fxsim::env {
namespace {

// conv3x3-4 (multipliers, PE 2), pool 2, dense-10 (K-hot weights, PE 5) on 8 x 8 x 1.
const char* kNet = R"(seed = 3
[input]
height = 8
width = 8
channels = 1
format = "fixed<8,1,TRN,SAT>"
[[layer]]
kind = "conv"
channels = 4
kernel = 3
padding = 1
pe = 2
weight = "fixed<4,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "pool"
size = 2
[[layer]]
kind = "dense"
outputs = 10
pe = 5
engine = "khot"
weight = "khot<6,1,2>"
output = "fixed<10,4,RND_CONV,SAT>"
)";

TEST(NetworkYosys, AnalyticalResourcesPerBlockAgainstYosys) {
  const engine::NetworkPlan plan = engine::plan_network(engine::parse_network(kNet, "net"));
  const engine::NetworkCost model = engine::network_cost(plan, resources::Family::xc7, true);
  const engine::NetworkCost yosys = network_yosys_cost(plan, resources::Family::xc7);
  ASSERT_EQ(yosys.blocks.size(), 3u);
  for (std::size_t b = 0; b < 3; ++b) {
    const resources::ResourceEstimate y = yosys.blocks[b].total(), m = model.blocks[b].total();
    SCOPED_TRACE(plan.blocks[b].layer.name);
    EXPECT_EQ(m.dsp, y.dsp);
    EXPECT_EQ(m.bram18, y.bram18);
    EXPECT_EQ(m.bram36, y.bram36);
    EXPECT_EQ(m.lutram, y.lutram);
    EXPECT_LE(std::abs(m.ff - y.ff), 0.05 * y.ff) << "FF model " << m.ff << " yosys " << y.ff;
    EXPECT_LE(std::abs(m.lut - y.lut), 0.25 * y.lut) << "LUT model " << m.lut << " yosys " << y.lut;
  }
  // The conv block is 2 DSPs (one multiplier a PE): the network's total carries them.
  EXPECT_EQ(yosys.total.dsp, 2);
}

}  // namespace
}  // namespace fxsim::env
