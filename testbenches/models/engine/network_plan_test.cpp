// The network description (docs/network.md) and its plan: shapes along the chain worked by hand,
// and every error located at its file line and key.
#include "models/engine/network_plan.hpp"

#include <gtest/gtest.h>

#include <string>

#include "models/engine/network_config.hpp"

namespace fxsim::engine {
namespace {

// conv 3x3 pad 1 (8x8x1 -> 8x8x4), pool 2 (-> 4x4x4), dense 10 on the flattened 64 values.
const char* kSmall = R"(seed = 7
[network]
name = "small"
images = 3

[input]
height = 8
width = 8
channels = 1
format = "fixed<8,1,TRN,SAT>"

[dma]
bandwidth = [3, 2]
start_latency = 5

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
fifo_depth = 1

[[layer]]
kind = "dense"
outputs = 10
pe = 5
engine = "khot"
weight = "khot<6,1,2>"
output = "fixed<10,4,RND_CONV,SAT>"
fifo_depth = 0
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

std::string error_of(const std::string& text) {
  try {
    parse_network(text, "net.toml");
  } catch (const NetworkFileError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(NetworkPlan, ShapesAlongTheChainByHand) {
  const NetworkConfig cfg = parse_network(kSmall, "net.toml");
  EXPECT_EQ(cfg.seed, 7u);
  EXPECT_EQ(cfg.images, 3);
  EXPECT_EQ(cfg.dma.bytes, 3);
  EXPECT_EQ(cfg.dma.cycles, 2);
  EXPECT_EQ(cfg.dma.start_latency, 5);
  ASSERT_EQ(cfg.layers.size(), 3u);
  EXPECT_EQ(cfg.layers[0].name, "conv0");
  EXPECT_EQ(cfg.layers[0].line, 16);
  EXPECT_EQ(cfg.layers[2].line, 30);
  EXPECT_EQ(cfg.layers[2].name, "dense2");

  const NetworkPlan plan = plan_network(cfg, "net.toml");
  ASSERT_EQ(plan.blocks.size(), 3u);
  const BlockPlan& conv = plan.blocks[0];
  EXPECT_EQ(conv.in.beats(), 64);  // 8 x 8 pixels, one channel a beat
  EXPECT_EQ(conv.fifo.width, 8);   // one 8-bit lane
  EXPECT_EQ(conv.fifo.depth, 2);   // the default
  ASSERT_TRUE(conv.window.has_value());
  EXPECT_EQ(conv.window->out_h(), 8);
  EXPECT_EQ(conv.vectors_per_image, 64);
  ASSERT_TRUE(conv.mvau.has_value());
  EXPECT_EQ(conv.mvau->in_features, 9);  // 3 x 3 x Cp = 1
  EXPECT_EQ(conv.mvau->out_features, 4);
  EXPECT_EQ(conv.mvau->simd, 1);
  EXPECT_EQ(conv.mvau->accumulator.str(), "fixed<16,6,TRN,WRAP,0>");  // 8.7 x 4.3, 9 terms
  // The mvau unit of the block: a 9 x 4 matrix, PE 2, SIMD 1, multipliers, no BN.
  EXPECT_EQ(conv.mvau_params.at("MW"), 9);
  EXPECT_EQ(conv.mvau_params.at("MH"), 4);
  EXPECT_EQ(conv.mvau_params.at("PE"), 2);
  EXPECT_EQ(conv.mvau_params.at("SIMD"), 1);
  EXPECT_EQ(conv.mvau_params.at("PE_KIND"), 0);
  EXPECT_EQ(conv.mvau_params.at("BN"), 0);
  EXPECT_EQ(conv.mvau_params.at("A_W"), 8);
  EXPECT_EQ(conv.mvau_params.at("W_W"), 4);
  EXPECT_EQ(conv.out.lanes, 2);
  EXPECT_EQ(conv.out.c, 4);
  EXPECT_EQ(conv.out.format.str(), "fixed<8,3,RND_CONV,SAT,0>");

  const BlockPlan& pool = plan.blocks[1];
  EXPECT_EQ(pool.fifo.width, 16);  // two 8-bit lanes
  EXPECT_EQ(pool.fifo.depth, 1);
  ASSERT_TRUE(pool.pool.has_value());
  EXPECT_EQ(pool.pool->simd, 2);
  EXPECT_EQ(pool.out.h, 4);
  EXPECT_EQ(pool.out.beats(), 32);  // 4 x 4 pixels x 2 beats

  const BlockPlan& dense = plan.blocks[2];
  EXPECT_EQ(dense.fifo.depth, 0);
  EXPECT_EQ(dense.mvau->in_features, 64);  // 4 x 4 x 4, flattened in stream order
  EXPECT_EQ(dense.mvau->simd, 2);
  EXPECT_EQ(dense.mvau->kind, EngineKind::KHOT);
  EXPECT_EQ(dense.mvau_params.at("MW"), 64);
  EXPECT_EQ(dense.mvau_params.at("MH"), 10);
  EXPECT_EQ(dense.mvau_params.at("PE_KIND"), 1);
  EXPECT_EQ(dense.mvau_params.at("K"), 2);
  EXPECT_EQ(dense.mvau_params.at("SH_W"), 3);  // khot<6,1,2>: 5 magnitude bits, shifts 0..4
  EXPECT_EQ(plan.output().c, 10);
  EXPECT_EQ(plan.output().lanes, 5);
  EXPECT_EQ(plan.output().beats(), 2);
}

TEST(NetworkPlan, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of(replaced(kSmall, "pe = 5", "pe = 4")),
            "net.toml:30: layer[2].pe: 4 does not divide the 10 outputs; expected a divisor (the "
            "MVAU's output beat carries PE channels)");
  EXPECT_EQ(error_of(replaced(kSmall, "pe = 5", "pe = 5\nsimd = 4")),
            "net.toml:30: layer[2].simd: 4 is not the 2 channels a beat that layer 1 (pool1) "
            "streams; expected simd = 2 or no simd key (fxsim has no stream width converter yet)");
  EXPECT_EQ(error_of(replaced(kSmall, "weight = \"khot<6,1,2>\"", "weight = \"fixed<6,1>\"")),
            "net.toml:30: layer[2].weight: fixed<6,1,TRN,WRAP,0> does not match engine.kind = "
            "\"khot\"; expected khot<W,I,K> or ukhot<W,I,K>");
  EXPECT_EQ(error_of(replaced(kSmall, "kernel = 3", "kernel = 9")),
            "net.toml:19: layer[0].kernel: expected an integer in 1..7, got 9");
  const std::string pad = error_of(replaced(kSmall, "padding = 1", "padding = 2"));
  EXPECT_EQ(pad.rfind("net.toml:16: layer[0].padding: sliding_window: ", 0), 0u) << pad;
  EXPECT_EQ(error_of(replaced(kSmall, "size = 2", "size = 2\nkernel = 3")),
            "net.toml:28: layer[1].kernel: unknown key; expected one of kind, name, fifo_depth, "
            "size");
  EXPECT_EQ(error_of(replaced(kSmall, "bandwidth = [3, 2]", "bandwidth = 3")),
            "net.toml:13: dma.bandwidth: expected [bytes, cycles], e.g. [3, 2] for 1.5 bytes a "
            "cycle");
  EXPECT_EQ(error_of(replaced(kSmall, "kind = \"pool\"", "kind = \"lstm\"")),
            "net.toml:26: layer[1].kind: \"lstm\" is not one of conv, dense, pool");
  EXPECT_EQ(error_of(replaced(kSmall, "[input]", "[inputs]")),
            "net.toml:6: inputs: unknown key; expected one of seed, network, input, dma, layer");
}

TEST(NetworkPlan, PoolAfterDenseIsRefusedAtThePool) {
  const std::string text = std::string(kSmall) + "\n[[layer]]\nkind = \"pool\"\nsize = 2\n";
  const std::string e = error_of(text);
  EXPECT_EQ(e.rfind("net.toml:39: layer[3]: max_pool: ", 0), 0u) << e;
}

// A binary-weight dense layer with a sign threshold into an xnor dense layer.
const char* kBnn = R"(seed = 7
[input]
height = 2
width = 2
channels = 4
simd = 4
format = "fixed<6,2,TRN,SAT>"

[[layer]]
kind = "dense"
outputs = 8
pe = 2
engine = "binary"
weight = "binary"
[layer.threshold]
thresholds = 1

[[layer]]
kind = "dense"
outputs = 4
pe = 2
engine = "xnor"
weight = "binary"
)";

// By hand: dense0 sums 16 products |v x a| <= 32 (a raw of fixed<6,2>): 512, an exact
// accumulator of ceil(log2(513)) + 1 = 11 bits with the activation's 4 fraction bits; its sign
// threshold streams ufixed<1,1> bits, 2 a beat. dense1 sums 8 products of +-1: 5 bits, integers.
TEST(NetworkPlan, BinaryTernaryXnorBlocksByHand) {
  const NetworkPlan plan = plan_network(parse_network(kBnn, "bnn.toml"), "bnn.toml");
  ASSERT_EQ(plan.blocks.size(), 2u);
  const units::ParamMap& p0 = plan.blocks[0].mvau_params;
  EXPECT_EQ(p0.at("PE_KIND"), 2);
  EXPECT_EQ(p0.at("XNOR_MODE"), 1);
  EXPECT_EQ(p0.at("A_W"), 6);
  EXPECT_EQ(p0.at("ACC_W"), 11);
  EXPECT_EQ(p0.at("OUT_W"), 11);
  EXPECT_EQ(p0.at("OUT_FRAC"), 4);
  EXPECT_EQ(p0.at("BN"), 2);
  EXPECT_EQ(p0.at("TH_T"), 1);
  EXPECT_EQ(plan.blocks[0].out.format.str(), "ufixed<1,1,TRN,WRAP,0>");
  EXPECT_EQ(plan.blocks[0].out.lanes, 2);
  const units::ParamMap& p1 = plan.blocks[1].mvau_params;
  EXPECT_EQ(p1.at("PE_KIND"), 2);
  EXPECT_EQ(p1.at("XNOR_MODE"), 0);
  EXPECT_EQ(p1.at("SIMD"), 2);
  EXPECT_EQ(p1.at("ACC_W"), 5);
  EXPECT_EQ(p1.at("OUT_FRAC"), 0);
  EXPECT_EQ(p1.at("BN"), 0);
  EXPECT_EQ(p1.at("MW"), 8);
  // A ternary layer: MODE 2; binary inputs straight from the input stream: xnor.
  const NetworkPlan t = plan_network(
      parse_network(replaced(replaced(kBnn, "engine = \"binary\"", "engine = \"ternary\""),
                             "weight = \"binary\"", "weight = \"ternary\""),
                    "t.toml"),
      "t.toml");
  EXPECT_EQ(t.blocks[0].mvau_params.at("XNOR_MODE"), 2);
  const NetworkPlan x =
      plan_network(parse_network(replaced(replaced(kBnn, "fixed<6,2,TRN,SAT>", "ufixed<1,1>"),
                                          "engine = \"binary\"", "engine = \"xnor\""),
                                 "x.toml"),
                   "x.toml");
  EXPECT_EQ(x.blocks[0].mvau_params.at("XNOR_MODE"), 0);
  EXPECT_EQ(x.blocks[0].mvau_params.at("ACC_W"), 6);  // 16 products of +-1: ceil(log2(17)) + 1
}

TEST(NetworkPlan, BinaryTernaryXnorErrorsNameFileLineAndKey) {
  EXPECT_EQ(
      error_of(replaced(kBnn, "[layer.threshold]\nthresholds = 1\n", "")),
      "net.toml:16: layer[1].engine: \"xnor\" takes binary activations, a 1-bit unsigned stream (1 "
      "= +1, 0 = -1), but layer 0 (dense0) streams fixed<11,7,TRN,WRAP,0>; expected a "
      "[layer.threshold] with thresholds = 1 before it, or engine \"binary\"");
  EXPECT_EQ(
      error_of(replaced(kBnn, "thresholds = 1",
                        "thresholds = 1\n[layer.bn]\nscale = "
                        "\"fixed<6,2>\"\nbias = \"fixed<8,3>\"\n"
                        "output = \"fixed<8,3>\"")),
      "net.toml:15: layer[0].threshold: [layer.threshold] and [layer.bn] both present; expected "
      "one of them (threshold takes bn_act's place after the MAC array)");
  EXPECT_EQ(
      error_of(replaced(kBnn, "weight = \"binary\"", "weight = \"binary<3>\"")),
      "net.toml:9: layer[0].weight: binary<3>: the scale is not a power of two; expected a scale "
      "2^e (it only moves the accumulator's binary point): fold any other scale into [bn]");
  EXPECT_EQ(error_of(replaced(kBnn, "weight = \"binary\"", "weight = \"fixed<4,1>\"")),
            "net.toml:14: layer[0].weight: type 'fixed<4,1>': at character 1: expected a binary / "
            "ternary type name (binary or ternary), found 'fixed'; expected binary or binary<S>, S "
            "a power of two");
  EXPECT_EQ(
      error_of(replaced(kBnn, "engine = \"binary\"", "engine = \"ternary\"")),
      "net.toml:9: layer[0].weight: binary does not match engine.kind = \"ternary\"; expected "
      "ternary or ternary<S>");
  EXPECT_EQ(
      error_of(replaced(replaced(kBnn, "engine = \"binary\"", "engine = \"fx_mac\""),
                        "weight = \"binary\"",
                        "weight = \"fixed<4,1>\"\noutput = "
                        "\"fixed<12,6>\"")),
      "net.toml:9: layer[0].engine: \"fx_mac\" with [threshold]; expected \"binary\", \"ternary\" "
      "or \"xnor\" (thresholds compare the integer accumulator)");
  EXPECT_EQ(error_of(replaced(kBnn, "thresholds = 1", "thresholds = 0")),
            "net.toml:16: layer[0].threshold.thresholds: expected an integer in 1..255, got 0");
  EXPECT_EQ(
      error_of(replaced(kBnn, "thresholds = 1", "thresholds = 1\nlevels = 2")),
      "net.toml:17: layer[0].threshold.levels: unknown key; expected one of thresholds, stages");
  EXPECT_EQ(error_of(replaced(replaced(replaced(kBnn, "fixed<6,2,TRN,SAT>", "ufixed<1,1>"),
                                       "channels = 4\nsimd = 4", "channels = 3\nsimd = 2"),
                              "engine = \"binary\"", "engine = \"xnor\"")),
            "net.toml:9: layer[0].engine: \"xnor\" counts every lane, but the input (input.format, "
            "input.simd) streams 3 channels in beats of 2 (a zero lane would count as -1); "
            "expected channels a multiple of the lanes");
  EXPECT_EQ(error_of(std::string(kBnn) + "accumulator = \"fixed<5,3>\"\n"),
            "net.toml:18: layer[1].accumulator: fixed<5,3,TRN,WRAP,0> has 2 fraction bits; "
            "expected a signed fixed with F_acc = F_activation - log2(scale) = 0 - (0) = 0: e.g. "
            "fixed<5,5,TRN,WRAP,0> (the default when the key is left out)");
}

}  // namespace
}  // namespace fxsim::engine
