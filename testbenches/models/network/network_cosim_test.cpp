// The SystemC network model against the stitched, Verilated RTL of the same network (label rtl):
// every output equal to the network reference on both, and the cycles, latency and every image's
// completion edge identical, over networks that vary the DMA bandwidth, its start latency and
// buffer, the output back-pressure, the FIFO depths (wires, register slices, memories), the pool
// sizes and leftover rows and columns, and channels that SIMD does not divide.
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "models/engine/network_config.hpp"
#include "models/engine/network_plan.hpp"
#include "testbenches/env/run_network.hpp"

namespace fxsim::env {
namespace {

struct Case {
  const char* name;
  std::string toml;
  int images;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string pools(int h, int w, int c, int simd, const std::string& dma,
                  const std::vector<std::pair<int, int>>& layers) {  // (size, fifo_depth)
  std::string t = "seed = 11\n[input]\nheight = " + std::to_string(h) +
                  "\nwidth = " + std::to_string(w) + "\nchannels = " + std::to_string(c) +
                  "\nsimd = " + std::to_string(simd) + "\nformat = \"fixed<6,2>\"\n[dma]\n" + dma +
                  "\n";
  for (const auto& [size, depth] : layers) {
    t += "[[layer]]\nkind = \"pool\"\nsize = " + std::to_string(size) +
         "\nfifo_depth = " + std::to_string(depth) + "\n";
  }
  return t;
}

std::vector<Case> cases() {
  return {
      {"wires_full_bandwidth", pools(8, 8, 2, 2, "bandwidth = [8, 1]", {{2, 0}, {2, 0}}), 2},
      {"slow_bus", pools(8, 8, 2, 2, "bandwidth = [1, 2]", {{2, 2}, {2, 2}}), 2},
      {"output_stalls",
       pools(8, 8, 2, 2, "bandwidth = [8, 1]\noutput_stall = 0.7", {{2, 4}, {2, 4}}), 4},
      {"register_slices_zero_lanes",
       pools(16, 16, 3, 2, "bandwidth = [3, 2]\nstart_latency = 7\nbuffer_beats = 2",
             {{2, 1}, {2, 1}, {2, 1}}),
       2},
      {"pool3_leftovers_stalls",
       pools(9, 10, 4, 4, "bandwidth = [5, 3]\noutput_stall = 0.3", {{3, 17}}), 3},
      {"pool4_deep_fifo_heavy_stalls",
       pools(8, 12, 5, 3, "bandwidth = [16, 1]\noutput_stall = 0.9", {{4, 17}, {2, 1}}), 2},
  };
}

class NetworkCosim : public ::testing::TestWithParam<Case> {};

TEST_P(NetworkCosim, ModelAndStitchedRtlAgreeCycleForCycle) {
  const Case& c = GetParam();
  const engine::NetworkPlan plan =
      engine::plan_network(engine::parse_network(c.toml, c.name), c.name);
  NetworkRunOptions o;
  o.backends = NetworkBackends::BOTH;
  o.images = c.images;
  const NetworkSummary s = run_network(plan, o);
  ASSERT_EQ(s.runs.size(), 2u);
  const network::NetworkRunResult& model = s.runs[0].result;
  const network::NetworkRunResult& rtl = s.runs[1].result;
  EXPECT_EQ(s.runs[0].mismatches, 0u);
  EXPECT_EQ(s.runs[1].mismatches, 0u);
  EXPECT_EQ(model.output, rtl.output);
  EXPECT_EQ(model.cycles, rtl.cycles);
  EXPECT_EQ(model.image_done, rtl.image_done);
  EXPECT_EQ(model.dma_full_cycles, rtl.dma_full_cycles);
  EXPECT_EQ(model.dma_empty_cycles, rtl.dma_empty_cycles);
  EXPECT_EQ(model.image_done.size(), static_cast<std::size_t>(c.images));
  EXPECT_TRUE(s.passed());
}

INSTANTIATE_TEST_SUITE_P(Networks, NetworkCosim, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

}  // namespace
}  // namespace fxsim::env
