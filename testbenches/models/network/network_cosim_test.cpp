// The SystemC network model against the stitched, Verilated RTL of the same network (label rtl):
// every output equal to the network reference on both, and the cycles, latency and every image's
// completion edge identical, over networks that vary the DMA bandwidth, its start latency and
// buffer, the output back-pressure, the FIFO depths (wires, register slices, memories), the pool
// sizes and leftover rows and columns, and channels that SIMD does not divide.
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <random>
#include <string>

#include "fx/lfsr.hpp"
#include "fx/stochastic.hpp"
#include "models/engine/network_config.hpp"
#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"
#include "testbenches/env/fifo_sizing.hpp"
#include "testbenches/env/run_network.hpp"
#include "testbenches/env/simulation_scope.hpp"

namespace fxsim::env {
namespace {

struct Case {
  const char* name;
  std::string toml;
  int images;
  // The block that limits the throughput, worked out from the folding (SF x NF cycles a
  // vector) and the DMA rate; empty: not checked.
  std::string bottleneck = "";
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

// A network of the given input and [[layer]] tables (TOML text), seed 11.
std::string net(int h, int w, int c, int simd, const std::string& format, const std::string& dma,
                const std::string& layers) {
  return "seed = 11\n[input]\nheight = " + std::to_string(h) + "\nwidth = " + std::to_string(w) +
         "\nchannels = " + std::to_string(c) + "\nsimd = " + std::to_string(simd) +
         "\nformat = \"" + format + "\"\n[dma]\n" + dma + "\n" + layers;
}

const char* kConv3 = R"([[layer]]
kind = "conv"
channels = 4
kernel = 3
padding = 1
pe = 2
weight = "fixed<4,1>"
output = "fixed<8,3,RND_CONV,SAT>"
)";
const char* kPool2 = "[[layer]]\nkind = \"pool\"\nsize = 2\n";
const char* kDenseKhot = R"([[layer]]
kind = "dense"
outputs = 10
pe = 5
engine = "khot"
weight = "khot<6,1,2>"
output = "fixed<10,4,RND_CONV,SAT>"
)";

std::vector<Case> mvau_cases() {
  const std::string a8 = "fixed<8,1,TRN,SAT>";
  return {
      {"dense_only", net(2, 2, 4, 2, a8, "bandwidth = [8, 1]", R"([[layer]]
kind = "dense"
outputs = 6
pe = 3
weight = "fixed<5,1>"
output = "fixed<9,4,RND,SAT>"
)"),
       3, "dense0"},
      // conv0: 64 windows x 9 beats x NF 2 = 1152 cycles an image; dense2: SF 32 x NF 2 = 64.
      {"conv_pool_dense", net(8, 8, 1, 1, a8, "", std::string(kConv3) + kPool2 + kDenseKhot), 2,
       "conv0"},
      {"bn_everywhere_register_slices", net(6, 6, 2, 2, a8, "bandwidth = [2, 1]", R"([[layer]]
kind = "conv"
channels = 4
kernel = 3
padding = 1
pe = 2
fifo_depth = 1
engine = "khot"
weight = "khot<5,1,2>"
output = "fixed<10,4,RND_CONV,SAT>"
[layer.bn]
scale = "khot<6,2,2>"
bias = "fixed<8,3>"
output = "fixed<8,3,RND,SAT>"
activation = "relu"
[[layer]]
kind = "pool"
size = 2
fifo_depth = 1
[[layer]]
kind = "conv"
channels = 4
kernel = 1
pe = 4
fifo_depth = 1
weight = "fixed<4,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "dense"
outputs = 4
pe = 2
fifo_depth = 1
weight = "fixed<6,1>"
output = "fixed<12,6,RND_CONV,SAT>"
[layer.bn]
scale = "fixed<6,2>"
bias = "fixed<10,5>"
output = "fixed<8,4,RND_INF,SAT_SYM>"
activation = "hardtanh"
)"),
       2},
      {"stride2_zero_lanes", net(7, 7, 3, 2, a8, "bandwidth = [3, 2]", R"([[layer]]
kind = "conv"
channels = 6
kernel = 3
stride = 2
pe = 3
weight = "fixed<4,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "dense"
outputs = 3
pe = 1
weight = "fixed<4,1>"
output = "fixed<10,5,RND_CONV,SAT>"
)"),
       2},
      {"mlp_middle_bottleneck", net(1, 4, 4, 4, a8, "", R"([[layer]]
kind = "dense"
outputs = 8
pe = 4
weight = "fixed<5,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "dense"
outputs = 8
pe = 1
weight = "fixed<5,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "dense"
outputs = 2
pe = 2
weight = "fixed<5,1>"
output = "fixed<10,4,RND_CONV,SAT>"
)"),
       4, "dense1"},  // SF x NF: dense0 4 x 2, dense1 2 x 8, dense2 8 x 1
      {"slow_bus_dma_bottleneck",
       net(8, 8, 1, 1, a8, "bandwidth = [1, 32]\nstart_latency = 5", std::string(kConv3) + kPool2),
       2, "input DMA"},  // 64 one-byte beats x 32 cycles = 2048 > conv0's 1152
      {"heavy_back_pressure_shallow_fifos", net(6, 6, 1, 1, a8, "output_stall = 0.8", R"([[layer]]
kind = "conv"
channels = 2
kernel = 3
pe = 2
fifo_depth = 1
weight = "fixed<4,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "pool"
size = 2
fifo_depth = 1
)"),
       3},
      {"six_layers", net(12, 12, 1, 1, a8, "bandwidth = [4, 1]", R"([[layer]]
kind = "conv"
channels = 2
kernel = 3
padding = 1
pe = 2
weight = "fixed<4,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "pool"
size = 2
[[layer]]
kind = "conv"
channels = 4
kernel = 3
padding = 1
pe = 2
engine = "spt"
weight = "spt<6,1,2>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "pool"
size = 3
[[layer]]
kind = "dense"
outputs = 4
pe = 2
weight = "fixed<4,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "dense"
outputs = 2
pe = 1
weight = "fixed<4,1>"
output = "fixed<10,4,RND_CONV,SAT>"
)"),
       2},
      {"kernel5_deep_fifo_small_dma_buffer",
       net(9, 9, 2, 2, a8, "start_latency = 13\nbuffer_beats = 2", R"([[layer]]
kind = "conv"
channels = 2
kernel = 5
padding = 2
pe = 1
fifo_depth = 17
engine = "khot"
weight = "khot<6,2,1>"
output = "fixed<9,4,RND_CONV,SAT>"
)"),
       2},
  };
}

// A BNN (FINN-style): a binary-weight dense layer on fixed-point inputs with a sign threshold
// (T = 1: one bit a channel), an xnor dense layer with a threshold, an xnor dense layer with bn.
const char* kBnn = R"([[layer]]
kind = "dense"
outputs = 16
pe = 4
engine = "binary"
weight = "binary"
[layer.threshold]
thresholds = 1
[[layer]]
kind = "dense"
outputs = 8
pe = 2
engine = "xnor"
weight = "binary"
[layer.threshold]
thresholds = 1
stages = 1
[[layer]]
kind = "dense"
outputs = 4
pe = 2
engine = "xnor"
weight = "binary<0.5>"
[layer.bn]
scale = "fixed<6,2>"
bias = "fixed<8,3>"
output = "fixed<8,3,RND,SAT>"
)";

// A ternary convolution with a 2-bit threshold activation (T = 3), pooled, into a fixed-point
// dense layer.
const char* kTernaryConv = R"([[layer]]
kind = "conv"
channels = 4
kernel = 3
padding = 1
pe = 2
engine = "ternary"
weight = "ternary"
[layer.threshold]
thresholds = 3
[[layer]]
kind = "pool"
size = 2
[[layer]]
kind = "dense"
outputs = 3
pe = 3
weight = "fixed<4,1>"
output = "fixed<10,4,RND_CONV,SAT>"
)";

std::string reseeded(std::string toml, int seed) {
  return "seed = " + std::to_string(seed) + toml.substr(toml.find('\n'));
}

// Binary / ternary MVAUs and threshold lanes (BN = 2), under several stall seeds.
std::vector<Case> bipolar_cases() {
  const std::string a6 = "fixed<6,2,TRN,SAT>";
  return {
      {"bnn_three_dense", net(4, 4, 2, 2, a6, "", kBnn), 3},
      {"bnn_stalls_seed5", reseeded(net(4, 4, 2, 2, a6, "output_stall = 0.5", kBnn), 5), 3},
      {"bnn_slow_bus_seed9",
       reseeded(net(4, 4, 2, 2, a6, "bandwidth = [1, 3]\noutput_stall = 0.3", kBnn), 9), 2},
      {"ternary_conv_threshold", net(6, 6, 2, 2, "fixed<8,1,TRN,SAT>", "", kTernaryConv), 2},
      {"ternary_conv_stalls_seed3",
       reseeded(net(6, 6, 2, 2, "fixed<8,1,TRN,SAT>", "output_stall = 0.6", kTernaryConv), 3), 2},
  };
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
  if (!c.bottleneck.empty()) {
    EXPECT_EQ(model.bottleneck, c.bottleneck);
  }
  EXPECT_TRUE(s.passed());
}

// The fast engine (the default: reference values, the units' controls without data, repeats
// skipped) against the per-edge engine (every unit's full model as a SystemC process per edge),
// on more images than the RTL run so that the fast engine has stretches to skip: every field of
// the result equal. With a stalling output DMA nothing repeats, and the fast engine steps every
// edge.
enum class Skips { SOME, NONE, ANY };

void expect_engines_agree(const engine::NetworkPlan& plan, int images, Skips skips) {
  const engine::NetworkOperands ops = engine::make_network_operands(plan, images);
  network::NetworkModelOptions edges_options;
  edges_options.engine = network::ModelEngine::EDGES;
  network::NetworkRunResult edges, fast;
  {
    SimulationScope scope;
    edges = network::run_network_model(plan, ops, edges_options);
  }
  {
    SimulationScope scope;
    fast = network::run_network_model(plan, ops);
  }
  EXPECT_EQ(edges.engine, "edges");
  EXPECT_EQ(fast.engine, "fast");
  EXPECT_EQ(fast.output, edges.output);
  EXPECT_EQ(fast.cycles, edges.cycles);
  EXPECT_EQ(fast.image_done, edges.image_done);
  ASSERT_EQ(fast.blocks.size(), edges.blocks.size());
  for (std::size_t b = 0; b < fast.blocks.size(); ++b) {
    const network::BlockActivity& f = fast.blocks[b];
    const network::BlockActivity& e = edges.blocks[b];
    EXPECT_EQ(f.name, e.name);
    EXPECT_EQ(f.busy, e.busy) << e.name;
    EXPECT_EQ(f.input_stall, e.input_stall) << e.name;
    EXPECT_EQ(f.output_stall, e.output_stall) << e.name;
    EXPECT_EQ(f.beats_in, e.beats_in) << e.name;
    EXPECT_EQ(f.beats_out, e.beats_out) << e.name;
    EXPECT_EQ(f.fifo_max, e.fifo_max) << e.name;
  }
  EXPECT_EQ(fast.dma_full_cycles, edges.dma_full_cycles);
  EXPECT_EQ(fast.dma_empty_cycles, edges.dma_empty_cycles);
  EXPECT_EQ(fast.sink_stall_cycles, edges.sink_stall_cycles);
  EXPECT_EQ(fast.bottleneck, edges.bottleneck);
  EXPECT_EQ(edges.stepped_cycles, edges.cycles);
  if (skips == Skips::SOME) {
    EXPECT_GT(fast.skipped_images, 0);
    EXPECT_LT(fast.stepped_cycles, fast.cycles);
  } else if (skips == Skips::NONE) {
    EXPECT_EQ(fast.skipped_images, 0);
    EXPECT_EQ(fast.stepped_cycles, fast.cycles);
  }
}

TEST_P(NetworkCosim, FastEngineEqualsPerEdgeEngine) {
  const Case& c = GetParam();
  const engine::NetworkPlan plan =
      engine::plan_network(engine::parse_network(c.toml, c.name), c.name);
  expect_engines_agree(plan, c.images + 7,
                       plan.config.dma.output_stall == 0.0 ? Skips::SOME : Skips::NONE);
}

TEST(NetworkCosim, FastEngineEqualsPerEdgeEngineOnTheCnnExample) {
  const engine::NetworkPlan plan = engine::plan_network(
      engine::load_network_file(FXSIM_SOURCE_DIR "/docs/examples/network_cnn.toml"));
  expect_engines_agree(plan, 5, Skips::SOME);
}

// The input DMA's buffer holds two images of 8 beats and the bus is faster than the network: by
// the time the last image starts, the DMA has fetched all of it, and there is no period left to
// skip (a found repeat must then skip nothing).
TEST(NetworkCosim, FastEngineWhenTheDmaHoldsTheLastImageAlready) {
  const std::string text = net(1, 1, 8, 1, "fixed<8,1,TRN,SAT>",
                               "bandwidth = [1, 1]\nbuffer_beats = 16\nstart_latency = 3",
                               R"([[layer]]
kind = "dense"
outputs = 8
pe = 1
fifo_depth = 0
weight = "fixed<5,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "dense"
outputs = 4
pe = 1
fifo_depth = 64
weight = "fixed<5,1>"
output = "fixed<8,3,RND_CONV,SAT>"
)");
  const engine::NetworkPlan plan = engine::plan_network(engine::parse_network(text, "held"));
  for (int images = 1; images <= 12; ++images) {
    SCOPED_TRACE(images);
    expect_engines_agree(plan, images, Skips::ANY);
  }
}

// Random small networks (seeded): conv / pool / dense mixes, foldings, FIFO depths from wires to
// deeper than an image, DMA rates above and below a beat a cycle, start latencies, buffers that
// hold more than an image (the DMA may have fetched the whole last image when it starts), 1 to
// 12 images, output stalls sometimes. The per-edge engine is the independent side.
TEST(NetworkCosim, FastEngineEqualsPerEdgeEngineOnRandomNetworks) {
  std::mt19937 rng(20261204);
  auto pick = [&](std::initializer_list<int> v) { return *(v.begin() + rng() % v.size()); };
  int planned = 0;
  for (int t = 0; t < 200; ++t) {
    const int h = pick({1, 2, 4, 6}), w = pick({1, 2, 4, 5}), c = pick({1, 2, 3, 4, 8});
    const int simd = pick({1, 2});
    std::string layers;
    const bool conv = pick({0, 1}) == 1;
    int lanes = simd;
    if (conv) {
      const int pe = pick({1, 2, 4});
      layers += "[[layer]]\nkind = \"conv\"\nchannels = 4\nkernel = 3\npadding = 1\npe = " +
                std::to_string(pe) + "\nfifo_depth = " + std::to_string(pick({0, 1, 2, 9})) +
                "\nweight = \"fixed<4,1>\"\noutput = \"fixed<8,3,RND_CONV,SAT>\"\n";
      lanes = pe;
    }
    if (pick({0, 1}) == 1) {
      layers += "[[layer]]\nkind = \"pool\"\nsize = 2\nfifo_depth = " +
                std::to_string(pick({0, 1, 2, 40})) + "\n";
    }
    layers += "[[layer]]\nkind = \"dense\"\noutputs = 4\npe = " + std::to_string(pick({1, 2, 4})) +
              "\nfifo_depth = " + std::to_string(pick({0, 1, 2, 64})) +
              "\nweight = \"fixed<5,1>\"\noutput = \"fixed<10,4,RND_CONV,SAT>\"\n";
    const std::string dma = "bandwidth = [" + std::to_string(pick({1, 2, 8})) + ", " +
                            std::to_string(pick({1, 2, 3})) +
                            "]\nbuffer_beats = " + std::to_string(pick({1, 2, 16, 64})) +
                            "\nstart_latency = " + std::to_string(pick({0, 3})) +
                            (pick({0, 0, 0, 1}) == 1 ? "\noutput_stall = 0.4" : "");
    const std::string text = net(h, w, c, simd, "fixed<6,2>", dma, layers);
    engine::NetworkPlan plan;
    try {
      plan = engine::plan_network(engine::parse_network(text, "random"), "random");
    } catch (const engine::NetworkFileError&) {
      continue;  // a combination the units refuse (e.g. a pool larger than the map)
    }
    ++planned;
    SCOPED_TRACE(text);
    expect_engines_agree(plan, pick({1, 2, 5, 12}), Skips::ANY);
    if (::testing::Test::HasFailure()) break;
  }
  EXPECT_GE(planned, 100);
}

INSTANTIATE_TEST_SUITE_P(Networks, NetworkCosim, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });
const char* kBalancedLayers = R"([[layer]]
kind = "dense"
outputs = 4
pe = 4
fifo_depth = 0
weight = "fixed<5,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "dense"
outputs = 8
pe = 2
fifo_depth = 0
weight = "fixed<5,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "dense"
outputs = 2
pe = 2
fifo_depth = 0
weight = "fixed<5,1>"
output = "fixed<10,4,RND_CONV,SAT>"
)";

// A balanced three-block pipeline, worked by hand. Images of 8 elements (1 x 4 pixels of 2
// channels, 2 a beat: 4 beats), wires between the blocks, STAGES 2, a DMA of 4 beats a cycle:
//   dense0: MW 8, SIMD 2, MH 4, PE 4 -> SF 4, NF 1: 4 cycles a vector, one result beat;
//   dense1: MW 4, SIMD 4, MH 8, PE 2 -> SF 1, NF 4: 4 cycles a vector (1 beat in, 3 replays),
//           4 result beats;
//   dense2: MW 8, SIMD 2, MH 2, PE 2 -> SF 4, NF 1: 4 cycles a vector, one result beat.
// Edges from 1. Every mvau reads its first weight word on edge 1. dense0 takes image v's beats on
// edges 2 + 4v .. 5 + 4v (the DMA fetched them on edge 1 and offers one an edge) and its result
// leaves STAGES = 2 edges after the last: 7 + 4v. dense1 takes it at once and computes fold f on
// edge 7 + 4v + f, results on 9 + 4v + f (f = 0..3), ready again on 11 + 4v when the next vector
// comes. dense2 takes those 4 beats on 9 + 4v .. 12 + 4v, its result on 14 + 4v, which the
// output DMA takes. So image v completes on edge 14 + 4v: latency 14, interval 4, and n images
// take 14 + 4 (n - 1) cycles, on the model and on the RTL.
TEST(NetworkCosim, BalancedThreeBlockPipelineByHand) {
  const std::string text =
      net(1, 4, 2, 2, "fixed<8,1,TRN,SAT>", "bandwidth = [8, 1]", kBalancedLayers);
  const engine::NetworkPlan plan = engine::plan_network(engine::parse_network(text, "balanced"));
  NetworkRunOptions o;
  o.backends = NetworkBackends::BOTH;
  o.images = 5;
  const NetworkSummary s = run_network(plan, o);
  ASSERT_EQ(s.runs.size(), 2u);
  for (const NetworkBackendRun& r : s.runs) {
    EXPECT_EQ(r.mismatches, 0u) << r.backend;
    EXPECT_EQ(r.result.image_done, (std::vector<std::uint64_t>{14, 18, 22, 26, 30})) << r.backend;
    EXPECT_EQ(r.result.latency(), 14u) << r.backend;
    EXPECT_EQ(r.result.interval(), 4u) << r.backend;
    EXPECT_EQ(r.result.cycles, 14u + 4u * (5u - 1u)) << r.backend;
  }
}

// The same pipeline over 1000 images on the fast engine: every image on its edge of the formula,
// although the engine stepped only through the first and the last few.
TEST(NetworkCosim, BalancedPipelineFormulaHoldsAcrossSkippedImages) {
  const engine::NetworkPlan plan = engine::plan_network(engine::parse_network(
      net(1, 4, 2, 2, "fixed<8,1,TRN,SAT>", "bandwidth = [8, 1]", kBalancedLayers), "balanced"));
  constexpr int kImages = 1000;
  const engine::NetworkOperands ops = engine::make_network_operands(plan, kImages);
  SimulationScope scope;
  const network::NetworkRunResult r = network::run_network_model(plan, ops);
  EXPECT_EQ(r.engine, "fast");
  ASSERT_EQ(r.image_done.size(), static_cast<std::size_t>(kImages));
  for (int v = 0; v < kImages; ++v) {
    ASSERT_EQ(r.image_done[static_cast<std::size_t>(v)], 14u + 4u * static_cast<std::uint64_t>(v))
        << "image " << v;
  }
  EXPECT_EQ(r.cycles, 14u + 4u * (kImages - 1u));
  EXPECT_GE(r.skipped_images, kImages - 10);
  EXPECT_LT(r.stepped_cycles, 100u);
  EXPECT_EQ(r.output, engine::compute_network_reference(plan, ops).output());
}

INSTANTIATE_TEST_SUITE_P(MvauNetworks, NetworkCosim, ::testing::ValuesIn(mvau_cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });
// The BNN's first two blocks by brute force from the operands (the values +1 / -1 of the weights,
// the directions and thresholds of the stimulus): acc = sum of w x a (an xnor block's bit b
// standing for 2b - 1), y = #{k : acc >= t_k} (or <= when descending); equal to the network
// reference, whose threshold bits take both values (else the xnor blocks would test nothing).
TEST(BipolarNetworkReference, BnnThresholdBlocksEqualBruteForce) {
  const engine::NetworkPlan plan = engine::plan_network(
      engine::parse_network(net(4, 4, 2, 2, "fixed<6,2,TRN,SAT>", "", kBnn), "bnn"), "bnn");
  const int images = 3;
  const engine::NetworkOperands ops = engine::make_network_operands(plan, images);
  const engine::NetworkReference ref = engine::compute_network_reference(plan, ops);
  const std::vector<std::int64_t>* in = &ops.images;
  for (int b = 0; b < 2; ++b) {
    const engine::Stimulus& s = ops.blocks[static_cast<std::size_t>(b)];
    const int n_in = b == 0 ? 32 : 16, n_out = b == 0 ? 16 : 8;
    std::vector<std::int64_t> y;
    for (int im = 0; im < images; ++im) {
      for (int o = 0; o < n_out; ++o) {
        std::int64_t acc = 0;
        for (int e = 0; e < n_in; ++e) {
          const std::int64_t a = (*in)[static_cast<std::size_t>(im * n_in + e)];
          acc += s.weights[static_cast<std::size_t>(o * n_in + e)] * (b == 0 ? a : 2 * a - 1);
        }
        const std::int64_t t = s.bn_bias[static_cast<std::size_t>(o)];  // T = 1
        y.push_back(s.bn_scale[static_cast<std::size_t>(o)] != 0 ? acc <= t : acc >= t);
      }
    }
    EXPECT_EQ(ref.maps[static_cast<std::size_t>(b)], y) << "block " << b;
    EXPECT_GT(std::count(y.begin(), y.end(), 0), 0) << "block " << b;
    EXPECT_GT(std::count(y.begin(), y.end(), 1), 0) << "block " << b;
    in = &ref.maps[static_cast<std::size_t>(b)];
  }
}

INSTANTIATE_TEST_SUITE_P(BipolarNetworks, NetworkCosim, ::testing::ValuesIn(bipolar_cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name; });

}  // namespace
}  // namespace fxsim::env

namespace fxsim::env {
namespace {

// FIFO sizing on three networks: the depths found on the model give, on the stitched RTL, the
// cycles of unbounded FIFOs (or fewer: a wire has no latency), and each FIFO one shallower is
// slower on the model.
TEST(NetworkFifoSizing, ChosenDepthsHoldOnTheRtl) {
  const std::string a8 = "fixed<8,1,TRN,SAT>";
  const std::vector<std::pair<std::string, std::string>> nets = {
      {"pools_back_pressure",
       pools(8, 8, 2, 2, "bandwidth = [8, 1]\noutput_stall = 0.7", {{2, 4}, {2, 4}})},
      {"conv_pool_back_pressure",
       net(6, 6, 1, 1, a8, "output_stall = 0.6", std::string(kConv3) + kPool2)},
      {"mlp_bursty_bus",
       net(1, 4, 4, 4, a8, "bandwidth = [64, 16]\noutput_stall = 0.5", R"([[layer]]
kind = "dense"
outputs = 8
pe = 4
fifo_depth = 8
weight = "fixed<5,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "dense"
outputs = 8
pe = 2
fifo_depth = 8
weight = "fixed<5,1>"
output = "fixed<8,3,RND_CONV,SAT>"
)")}};
  for (const auto& [name, text] : nets) {
    SCOPED_TRACE(name);
    const engine::NetworkPlan plan = engine::plan_network(engine::parse_network(text, name));
    const engine::NetworkOperands ops = engine::make_network_operands(plan, 4);
    const FifoSizing s = size_fifos(plan, ops);
    EXPECT_LE(s.cycles, s.unbounded_cycles);
    for (std::size_t b = 0; b < s.depths.size(); ++b) {
      if (s.depths[b] > 0) {
        EXPECT_GT(s.one_less_cycles[b], s.unbounded_cycles) << "block " << b;
      }
    }
    EXPECT_EQ(run_network_rtl(with_fifo_depths(plan, s.depths), ops).cycles, s.cycles);
  }
}

}  // namespace
}  // namespace fxsim::env

namespace fxsim::env {
namespace {

// ---- RND_STOCH in a network (docs/network.md, "Stochastic rounding") ---------------------------
// The network's seed seeds the lanes: the mvau of layer L rounds output o of every vector on lane
// o % PE, MAC lane p from fx::lane_state(seed, L, p), bn_act lane p from (seed, L, PE + p).

std::string stoch_dense(std::uint64_t seed) {
  return "seed = " + std::to_string(seed) + R"(
[input]
height = 1
width = 3
channels = 4
simd = 4
format = "fixed<8,1,TRN,SAT>"
[dma]
bandwidth = [3, 1]
output_stall = 0.3
[[layer]]
kind = "dense"
outputs = 6
pe = 2
weight = "fixed<5,1>"
output = "fixed<8,3,RND_STOCH,SAT>"
[[layer]]
kind = "dense"
outputs = 4
pe = 2
weight = "fixed<5,1>"
output = "fixed<10,4,RND_STOCH,SAT>"
[layer.bn]
scale = "fixed<6,2>"
bias = "fixed<10,5>"
output = "fixed<8,4,RND_STOCH,SAT>"
activation = "relu"
)";
}

std::string stoch_conv(std::uint64_t seed) {
  return "seed = " + std::to_string(seed) + R"(
[input]
height = 6
width = 6
channels = 2
simd = 2
format = "fixed<8,1,TRN,SAT>"
[dma]
output_stall = 0.5
[[layer]]
kind = "conv"
channels = 4
kernel = 3
padding = 1
pe = 2
fifo_depth = 1
weight = "fixed<4,1>"
output = "fixed<8,3,RND_STOCH,SAT>"
[layer.bn]
scale = "fixed<6,2>"
bias = "fixed<8,3>"
output = "fixed<8,3,RND_STOCH,SAT>"
activation = "relu"
[[layer]]
kind = "pool"
size = 2
[[layer]]
kind = "dense"
outputs = 4
pe = 4
weight = "fixed<4,1>"
output = "fixed<10,4,RND_STOCH,SAT>"
)";
}

constexpr std::uint64_t kStochNetSeeds[] = {11, 12, 977};

// The dense network's maps by brute force: exact dot products (the default accumulator is exact),
// one fx::Lfsr per lane, the bn sum by units::bn_sum, relu by hand.
std::vector<std::vector<std::int64_t>> brute_dense_net(const engine::NetworkPlan& plan,
                                                       const engine::NetworkOperands& ops) {
  std::vector<std::vector<std::int64_t>> maps;
  std::vector<std::int64_t> in = ops.images;
  for (const engine::BlockPlan& b : plan.blocks) {
    const engine::EngineConfig& c = *b.mvau;
    const engine::Stimulus& s = ops.blocks[static_cast<std::size_t>(b.index)];
    const auto L = static_cast<std::uint64_t>(b.index);
    std::vector<fx::Lfsr> mac, bn;
    for (int p = 0; p < c.pe; ++p) {
      mac.push_back(fx::Lfsr::for_lane(plan.config.seed, L, static_cast<std::uint64_t>(p)));
      bn.push_back(fx::Lfsr::for_lane(plan.config.seed, L, static_cast<std::uint64_t>(c.pe + p)));
    }
    const units::BnActConfig bn_cfg = units::MvauConfig::from(b.mvau_params).bn_cfg;
    const int pf = c.activation.frac_bits() + c.fx_weight().frac_bits();
    std::vector<std::int64_t> out;
    for (int img = 0; img < ops.image_count; ++img) {
      for (int o = 0; o < c.out_features; ++o) {
        std::int64_t dot = 0;
        for (int k = 0; k < c.in_features; ++k) {
          dot += in[static_cast<std::size_t>(img) * c.in_features + k] *
                 s.weights[static_cast<std::size_t>(o) * c.in_features + k];
        }
        const auto lane = static_cast<std::size_t>(o % c.pe);
        std::int64_t y = fx::StochasticCaster(c.output, mac[lane]).cast_from_raw(dot, pf);
        if (c.bn) {
          const std::int64_t t = units::bn_sum(bn_cfg, y * s.bn_scale[static_cast<std::size_t>(o)],
                                               s.bn_bias[static_cast<std::size_t>(o)]);
          y = std::max<std::int64_t>(
              0, fx::StochasticCaster(c.bn->output, bn[lane]).cast_from_raw(t, bn_cfg.sum_frac()));
        }
        out.push_back(y);
      }
    }
    maps.push_back(out);
    in = out;
  }
  return maps;
}

TEST(NetworkStochastic, ReferenceEqualsBruteForceOnThreeSeeds) {
  for (const std::uint64_t seed : kStochNetSeeds) {
    SCOPED_TRACE(seed);
    const engine::NetworkPlan plan =
        engine::plan_network(engine::parse_network(stoch_dense(seed), "stoch_dense"));
    // [[layer]] output and [layer.bn] output take RND_STOCH; layer 1's lanes are at L = 1.
    ASSERT_EQ(plan.blocks[0].mvau->output.rounding, fx::Rounding::RND_STOCH);
    ASSERT_EQ(plan.blocks[1].mvau->bn->output.rounding, fx::Rounding::RND_STOCH);
    ASSERT_EQ(plan.blocks[1].mvau->lane_layer, 1u);
    const engine::NetworkOperands ops = engine::make_network_operands(plan, 5);
    const engine::NetworkReference ref = engine::compute_network_reference(plan, ops);
    const std::vector<std::vector<std::int64_t>> brute = brute_dense_net(plan, ops);
    ASSERT_EQ(ref.maps.size(), brute.size());
    for (std::size_t b = 0; b < brute.size(); ++b)
      EXPECT_EQ(ref.maps[b], brute[b]) << "block " << b;
  }
}

// A changed seed with the same weights and images changes the draws: the lanes of layer 0 at
// another seed change at least 5% of its outputs.
TEST(NetworkStochastic, AnotherLaneSeedChangesTheOutputs) {
  const engine::NetworkPlan plan =
      engine::plan_network(engine::parse_network(stoch_dense(11), "stoch_dense"));
  const engine::NetworkOperands ops = engine::make_network_operands(plan, 40);
  engine::NetworkPlan other = plan;
  for (engine::BlockPlan& b : other.blocks) b.mvau->seed = 12;
  const std::vector<std::int64_t> a = engine::compute_network_reference(plan, ops).maps[0];
  const std::vector<std::int64_t> c = engine::compute_network_reference(other, ops).maps[0];
  ASSERT_EQ(a.size(), c.size());
  std::size_t changed = 0;
  for (std::size_t i = 0; i < a.size(); ++i) changed += a[i] != c[i] ? 1 : 0;
  RecordProperty("changed", std::to_string(changed) + "/" + std::to_string(a.size()));
  EXPECT_GE(changed * 20, a.size()) << changed << " of " << a.size();
}

TEST(NetworkStochastic, ModelAndStitchedRtlEqualTheReferenceOnThreeSeeds) {
  for (const bool conv : {false, true}) {
    for (const std::uint64_t seed : kStochNetSeeds) {
      const std::string name = conv ? "stoch_conv" : "stoch_dense";
      SCOPED_TRACE(name + " seed " + std::to_string(seed));
      const engine::NetworkPlan plan = engine::plan_network(
          engine::parse_network(conv ? stoch_conv(seed) : stoch_dense(seed), name));
      NetworkRunOptions o;
      o.backends = NetworkBackends::BOTH;
      o.images = 3;
      const NetworkSummary s = run_network(plan, o);
      ASSERT_EQ(s.runs.size(), 2u);
      const network::NetworkRunResult& model = s.runs[0].result;
      const network::NetworkRunResult& rtl = s.runs[1].result;
      EXPECT_EQ(s.runs[0].mismatches, 0u);
      EXPECT_EQ(s.runs[1].mismatches, 0u);
      EXPECT_EQ(model.output, rtl.output);
      EXPECT_EQ(
          model.output,
          engine::compute_network_reference(plan, engine::make_network_operands(plan, 3)).output());
      EXPECT_EQ(model.cycles, rtl.cycles);
      EXPECT_EQ(model.image_done, rtl.image_done);
      EXPECT_TRUE(s.passed());
      // The per-edge model (every mvau's cycle model with its lanes) equals the fast one.
      expect_engines_agree(plan, 5, Skips::ANY);
    }
  }
}

// More images than the fast engine's reference takes at a time (16): the lanes run on across
// them in the fast engine as in the per-edge one (every mvau's cycle model).
TEST(NetworkStochastic, FastEngineEqualsPerEdgeEngineBeyondSixteenImages) {
  const engine::NetworkPlan plan =
      engine::plan_network(engine::parse_network(stoch_dense(5), "stoch_dense"));
  expect_engines_agree(plan, 37, Skips::ANY);
}

TEST(NetworkStochastic, BlockWithoutMvauHasNoMvauConfig) {
  const engine::NetworkPlan plan =
      engine::plan_network(engine::parse_network(stoch_conv(1), "stoch_conv"));
  try {
    engine::block_mvau_config(plan.blocks[1]);
    FAIL() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "block 1 (pool1) has no mvau");
  }
  const units::MvauConfig c = engine::block_mvau_config(plan.blocks[2]);
  EXPECT_EQ(c.lfsr_seeds, units::mvau_lane_states(4, 1, 2));
  EXPECT_EQ(c.lfsr_seeds[5], fx::lane_state(1, 2, 5));
}

}  // namespace
}  // namespace fxsim::env
