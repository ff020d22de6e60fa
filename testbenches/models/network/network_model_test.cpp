// The SystemC network model: outputs equal the network reference (units::max_pool, written apart
// from the streaming models), and cycle counts equal timelines worked by hand in the comments.
#include "models/network/network_model.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "models/engine/network_config.hpp"
#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"
#include "testbenches/env/fifo_sizing.hpp"
#include "testbenches/env/simulation_scope.hpp"

namespace fxsim::network {
namespace {

// 4 x 4 x 2 signed 8-bit images, 2 channels a beat (one beat a pixel, 2 bytes), two 2 x 2
// max-pools with wires (FIFO depth 0) in front: 4 x 4 -> 2 x 2 -> 1 x 1.
std::string two_pools(const std::string& dma) {
  return R"(seed = 3
[network]
images = 2
[input]
height = 4
width = 4
channels = 2
simd = 2
format = "fixed<8,3>"
[dma]
)" + dma +
         R"(
[[layer]]
kind = "pool"
size = 2
fifo_depth = 0
[[layer]]
kind = "pool"
size = 2
fifo_depth = 0
)";
}

NetworkRunResult run(const std::string& text, int images) {
  env::SimulationScope scope;
  const engine::NetworkPlan plan = engine::plan_network(engine::parse_network(text, "t.toml"));
  const engine::NetworkOperands ops = engine::make_network_operands(plan, images);
  NetworkRunResult r = run_network_model(plan, ops);
  EXPECT_EQ(r.output, engine::compute_network_reference(plan, ops).output());
  return r;
}

TEST(NetworkModel, TwoPoolsAtFullBandwidthByHand) {
  // 8 bytes a cycle: edge 1 fetches 4 beats, beat i leaves the DMA on edge i + 2 and enters the
  // first pool through the wire. Image 0's last beat (i = 15) on edge 17; the first pool's
  // result after it, the second pool takes it on edge 18 and the sink on edge 19. Image 1's
  // beats on edges 18..33: its result on edge 35.
  const NetworkRunResult r = run(two_pools("bandwidth = [8, 1]"), 2);
  EXPECT_EQ(r.latency(), 19u);
  EXPECT_EQ(r.interval(), 16u);
  EXPECT_EQ(r.cycles, 35u);
  ASSERT_EQ(r.blocks.size(), 2u);
  EXPECT_EQ(r.blocks[0].beats_in, 32u);
  EXPECT_EQ(r.blocks[0].beats_out, 8u);
  EXPECT_EQ(r.blocks[1].beats_out, 2u);
  // The first pool waits on edge 1 only (the DMA's first fetch), then takes a beat every edge
  // until edge 33; edges 34 and 35 it waits again.
  EXPECT_EQ(r.blocks[0].input_stall, 3u);
  EXPECT_EQ(r.blocks[0].busy, 32u);
  EXPECT_EQ(r.blocks[0].output_stall, 0u);
  EXPECT_EQ(r.dma_empty_cycles, 1u);  // edge 1 only: then 4 beats a cycle in, 1 out
  EXPECT_EQ(r.bottleneck, "pool0");
}

TEST(NetworkModel, ActivitySegmentsAndVcdByHand) {
  env::SimulationScope scope;
  const engine::NetworkPlan plan =
      engine::plan_network(engine::parse_network(two_pools("bandwidth = [8, 1]"), "t.toml"));
  const engine::NetworkOperands ops = engine::make_network_operands(plan, 2);
  NetworkModelOptions options;
  options.activity = true;
  options.vcd_path = ::testing::TempDir() + "network_activity.vcd";
  const NetworkRunResult r = run_network_model(plan, ops, options);
  // The first pool, as worked out above: waiting on edge 1, a beat on edges 2..33, waiting on
  // 34 and 35.
  std::vector<ActivitySegment> pool0;
  for (const ActivitySegment& a : r.activity) {
    if (a.block == 0) pool0.push_back(a);
  }
  ASSERT_EQ(pool0.size(), 3u);
  EXPECT_EQ(pool0[0].state, ActivityState::INPUT_STALL);
  EXPECT_EQ(pool0[0].first, 1u);
  EXPECT_EQ(pool0[0].last, 1u);
  EXPECT_EQ(pool0[1].state, ActivityState::BUSY);
  EXPECT_EQ(pool0[1].first, 2u);
  EXPECT_EQ(pool0[1].last, 33u);
  EXPECT_EQ(pool0[2].state, ActivityState::INPUT_STALL);
  EXPECT_EQ(pool0[2].last, 35u);
  std::ifstream vcd(options.vcd_path);
  const std::string text((std::istreambuf_iterator<char>(vcd)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("pool0_state"), std::string::npos);
  EXPECT_NE(text.find("pool1_fifo_count"), std::string::npos);
}

TEST(NetworkModel, SlowBusSetsTheInterval) {
  // 1 byte every 2 cycles: a 2-byte beat costs 4 cycles of credit, so beat i is fetched on edge
  // 4 (i + 1) and taken on the next edge; the last beat of image 0 (i = 15) on edge 65, its
  // result through both pools on edge 67; image 1 every 64 cycles after.
  const NetworkRunResult r = run(two_pools("bandwidth = [1, 2]"), 2);
  EXPECT_EQ(r.latency(), 67u);
  EXPECT_EQ(r.interval(), 64u);
  EXPECT_EQ(r.blocks[0].busy, 32u);                // a beat taken on each of 32 edges
  EXPECT_EQ(r.blocks[0].input_stall, 131u - 32u);  // edges 1..131 minus those
  EXPECT_EQ(r.dma_empty_cycles, 128u);             // edges 1..128: every beat waited for its credit
  EXPECT_EQ(r.bottleneck, "input DMA");
}

TEST(NetworkModel, StartLatencyShiftsEverything) {
  const NetworkRunResult a = run(two_pools("bandwidth = [8, 1]"), 2);
  const NetworkRunResult b = run(two_pools("bandwidth = [8, 1]\nstart_latency = 10"), 2);
  EXPECT_EQ(b.latency(), a.latency() + 10);
  EXPECT_EQ(b.cycles, a.cycles + 10);
}

TEST(NetworkModel, OutputBackPressureIsSeededAndOnlyDelays) {
  const NetworkRunResult free = run(two_pools("bandwidth = [8, 1]"), 2);
  const std::string stalled = two_pools("bandwidth = [8, 1]\noutput_stall = 0.7");
  const NetworkRunResult a = run(stalled, 2);
  const NetworkRunResult b = run(stalled, 2);
  EXPECT_EQ(a.cycles, b.cycles);  // the same seed, the same pattern
  EXPECT_GT(a.cycles, free.cycles);
  EXPECT_EQ(a.output, free.output);
  EXPECT_GT(a.blocks[1].output_stall, 0u);
}

}  // namespace
}  // namespace fxsim::network

namespace fxsim::env {
namespace {

// Two pools with 4-deep FIFOs and an output DMA stalling 70% of the cycles: the FIFOs absorb the
// stalls, so their depth matters.
const char* kStalledPools = R"(seed = 5
[network]
images = 4
[input]
height = 8
width = 8
channels = 2
simd = 2
format = "fixed<8,3>"
[dma]
bandwidth = [8, 1]
output_stall = 0.7
[[layer]]
kind = "pool"
size = 2
fifo_depth = 4
[[layer]]
kind = "pool"
size = 2
fifo_depth = 4
)";

std::uint64_t cycles_with(const engine::NetworkPlan& plan, const std::vector<int>& depths,
                          const engine::NetworkOperands& ops) {
  SimulationScope scope;
  return network::run_network_model(with_fifo_depths(plan, depths), ops).cycles;
}

TEST(FifoSizing, SmallestDepthsKeepTheUnboundedCyclesByExhaustiveSearch) {
  const engine::NetworkPlan plan =
      engine::plan_network(engine::parse_network(kStalledPools, "t.toml"));
  const engine::NetworkOperands ops = engine::make_network_operands(plan, 4);
  const FifoSizing s = size_fifos(plan, ops);
  ASSERT_EQ(s.depths.size(), 2u);
  EXPECT_LE(s.cycles, s.unbounded_cycles);
  EXPECT_EQ(cycles_with(plan, s.depths, ops), s.cycles);
  // Independently of the binary search: with the other FIFO at its chosen depth, every depth
  // below the chosen one is slower, tried one by one.
  for (std::size_t b = 0; b < s.depths.size(); ++b) {
    for (int d = 0; d < s.depths[b]; ++d) {
      std::vector<int> trial = s.depths;
      trial[b] = d;
      EXPECT_GT(cycles_with(plan, trial, ops), s.unbounded_cycles)
          << "block " << b << " depth " << d;
    }
    if (s.depths[b] > 0) {
      EXPECT_GT(s.one_less_cycles[b], s.unbounded_cycles);
    }
  }
  // The second pool's FIFO must hold results while the output DMA stalls: not a wire.
  EXPECT_GT(s.depths[1], 0);
}

TEST(FifoSizing, BusLimitedNetworkNeedsNoFifos) {
  // The input DMA delivers a beat every 4 cycles and both pools take one a cycle: nothing ever
  // waits in a FIFO, so wires keep the cycles.
  std::string text = kStalledPools;
  text.replace(text.find("bandwidth = [8, 1]"), 18, "bandwidth = [1, 2]");
  text.replace(text.find("output_stall = 0.7"), 18, "output_stall = 0.0");
  const engine::NetworkPlan plan = engine::plan_network(engine::parse_network(text, "t.toml"));
  const FifoSizing s = size_fifos(plan, engine::make_network_operands(plan, 3));
  EXPECT_EQ(s.depths, (std::vector<int>{0, 0}));
  EXPECT_EQ(s.unbounded_max, (std::vector<int>{1, 1}));
  // An unbounded (DEPTH >= 2) FIFO passes a beat in 2 cycles, a wire in 0 (docs/rtl_units.md,
  // stream_fifo): two wires save 4 cycles of latency.
  EXPECT_EQ(s.cycles + 4, s.unbounded_cycles);
}

}  // namespace
}  // namespace fxsim::env
