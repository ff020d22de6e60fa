// Mismatch localisation (docs/network.md, "Mismatch localisation"): faults injected into one
// stage of one block, and the report must name that block, position and stage with both raws.
// The expected places and raws come from brute force written here (the convolution's sums over
// its window, the pool's windows) and from the injected fault itself, never from the localiser.
// The model tests run on the SystemC model (label tlm); the RTL ones on the tapped stitched top
// (label rtl, network_localise_rtl_tests).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "fx/cast.hpp"
#include "models/engine/network_config.hpp"
#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"
#include "testbenches/env/run_network.hpp"

namespace fxsim::env {
namespace {

// conv0 (3x3, padding 1, PE 2, BN + relu) -> pool1 (2x2) -> fc2 (dense, no BN), 6x6x2 images.
const char* kNetwork = R"(seed = 5
[network]
name = "loc"
images = 2
[input]
height = 6
width = 6
channels = 2
simd = 2
format = "fixed<6,2>"
[dma]
bandwidth = [8, 1]
output_stall = 0.2
[[layer]]
kind = "conv"
name = "conv0"
channels = 4
kernel = 3
padding = 1
pe = 2
simd = 2
weight = "fixed<4,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[layer.bn]
scale = "fixed<6,2>"
bias = "fixed<8,3>"
output = "fixed<6,2,RND,SAT>"
activation = "relu"
[[layer]]
kind = "pool"
name = "pool1"
size = 2
[[layer]]
kind = "dense"
name = "fc2"
outputs = 4
pe = 2
weight = "fixed<4,1>"
output = "fixed<10,5,RND_CONV,SAT>"
)";

engine::NetworkPlan network() {
  return engine::plan_network(engine::parse_network(kNetwork, "loc.toml"), "loc.toml");
}

// conv0's MAC sums by brute force: for every image, output pixel and channel (stream order),
// the exact sum of activation x weight raws over the 3x3 window (zero outside the map), as raws
// with the activation's and the weight's fraction bits together (4 + 3).
std::vector<std::int64_t> conv0_sums(const engine::NetworkOperands& ops) {
  const int h = 6, w = 6, c = 2, k = 3, outs = 4;
  const std::vector<std::int64_t>& wt = ops.blocks[0].weights;  // o x (ky, kx, c)
  std::vector<std::int64_t> sums;
  for (int img = 0; img < ops.image_count; ++img) {
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        for (int o = 0; o < outs; ++o) {
          std::int64_t s = 0;
          for (int ky = 0; ky < k; ++ky) {
            for (int kx = 0; kx < k; ++kx) {
              const int iy = y - 1 + ky, ix = x - 1 + kx;
              if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
              for (int ci = 0; ci < c; ++ci) {
                s += ops.images[static_cast<std::size_t>(((img * h + iy) * w + ix) * c + ci)] *
                     wt[static_cast<std::size_t>(o * k * k * c + (ky * k + kx) * c + ci)];
              }
            }
          }
          sums.push_back(s);
        }
      }
    }
  }
  return sums;
}

std::string position(const engine::MismatchLocation& l) {
  return l.block_name + " " + std::to_string(l.image) + " " + std::to_string(l.y) + " " +
         std::to_string(l.x) + " " + std::to_string(l.c);
}

// The MAC requantizer of conv0 truncating (TRN) instead of rounding ties to even: the first
// output (in stream order) where the two roundings of the brute-force sum differ.
struct RequantFault {
  std::size_t index = 0;
  std::int64_t rounded = 0, truncated = 0;
  std::string event;
};
RequantFault conv0_trn_fault(const engine::NetworkOperands& ops) {
  const fx::FxType conv = fx::FxType::make_signed(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  fx::FxType trn = conv;
  trn.rounding = fx::Rounding::TRN;
  const std::vector<std::int64_t> sums = conv0_sums(ops);
  for (std::size_t i = 0; i < sums.size(); ++i) {
    fx::CastFlags f;
    const std::int64_t r = fx::cast_from_raw(sums[i], 7, conv, &f);
    const std::int64_t t = fx::cast_from_raw(sums[i], 7, trn);
    if (r == t) continue;
    // Two bits are dropped (7 -> 5 fraction bits): binary .10 is a tie.
    std::string e = (sums[i] & 3) == 2 ? "a tie, rounded RND_CONV" : "inexact, rounded RND_CONV";
    if (f.overflow) e += ", saturated SAT";
    return {i, r, t, e};
  }
  ADD_FAILURE() << "no sum where TRN and RND_CONV differ";
  return {};
}

std::string where(std::size_t index, int h, int w, int c, const std::string& block) {
  const std::size_t per_image = static_cast<std::size_t>(h * w * c);
  const std::size_t in = index % per_image, pixel = in / static_cast<std::size_t>(c);
  return block + " " + std::to_string(index / per_image) + " " +
         std::to_string(pixel / static_cast<std::size_t>(w)) + " " +
         std::to_string(pixel % static_cast<std::size_t>(w)) + " " +
         std::to_string(in % static_cast<std::size_t>(c));
}

TEST(NetworkLocalise, ModelWithoutFaultEveryTapEqualsTheReference) {
  const engine::NetworkPlan plan = network();
  NetworkRunOptions o;
  o.taps = true;
  const NetworkSummary s = run_network(plan, o);
  const engine::NetworkOperands ops = engine::make_network_operands(plan, 2);
  const engine::NetworkReference ref = engine::compute_network_reference(plan, ops);
  const network::NetworkRunResult& r = s.runs.at(0).result;
  ASSERT_EQ(r.block_maps.size(), 3u);
  EXPECT_EQ(r.block_maps[0], ref.maps[0]);
  EXPECT_EQ(r.block_maps[1], ref.maps[1]);
  EXPECT_EQ(r.block_maps[2], ref.maps[2]);
  EXPECT_EQ(r.mac_maps[0], ref.mac_maps[0]);
  EXPECT_TRUE(r.mac_maps[1].empty());
  EXPECT_TRUE(r.mac_maps[2].empty());  // no BN: the block's output is the MAC map
  EXPECT_EQ(r.block_maps[0].size(), 2u * 6 * 6 * 4);
  EXPECT_FALSE(s.runs[0].location.has_value());
  EXPECT_TRUE(s.passed());
  // The taps only record: the same cycles as the untapped run.
  const NetworkSummary plain = run_network(plan);
  EXPECT_EQ(plain.runs.at(0).result.image_done, r.image_done);
  EXPECT_EQ(plain.runs.at(0).result.cycles, r.cycles);
}

// (b) A corrupted reference value in the middle block: the report names pool1, not fc2.
TEST(NetworkLocalise, CorruptedReferenceInTheMiddleBlockNamesThatBlock) {
  const engine::NetworkPlan plan = network();
  const engine::NetworkOperands ops = engine::make_network_operands(plan, 2);
  const engine::NetworkReference ref = engine::compute_network_reference(plan, ops);
  // The first pooled value of image 1 whose 2x2 window of conv0's output (by brute force) holds
  // two different raws.
  std::size_t index = 0;
  std::int64_t max = 0;
  std::string raws;
  for (int y = 0; y < 3 && raws.empty(); ++y) {
    for (int x = 0; x < 3 && raws.empty(); ++x) {
      for (int c = 0; c < 4 && raws.empty(); ++c) {
        std::vector<std::int64_t> window;
        for (int dy = 0; dy < 2; ++dy) {
          for (int dx = 0; dx < 2; ++dx) {
            window.push_back(ref.maps[0][static_cast<std::size_t>(
                144 + ((2 * y + dy) * 6 + 2 * x + dx) * 4 + c)]);
          }
        }
        if (*std::min_element(window.begin(), window.end()) ==
            *std::max_element(window.begin(), window.end())) {
          continue;
        }
        index = static_cast<std::size_t>(36 + (y * 3 + x) * 4 + c);
        max = *std::max_element(window.begin(), window.end());
        for (const std::int64_t v : window) raws += (raws.empty() ? "" : " ") + std::to_string(v);
      }
    }
  }
  ASSERT_FALSE(raws.empty());
  ASSERT_EQ(ref.maps[1][index], max);
  NetworkRunOptions o;
  o.taps = true;
  o.reference_fault = [&](engine::NetworkReference& r) { r.maps[1][index] += 1; };
  const NetworkSummary s = run_network(plan, o);
  const NetworkBackendRun& run = s.runs.at(0);
  EXPECT_EQ(run.mismatches, 0u);  // fc2's outputs are right: only pool1's reference is not
  ASSERT_TRUE(run.location.has_value());
  const engine::MismatchLocation& l = *run.location;
  EXPECT_EQ(position(l), where(index, 3, 3, 4, "pool1"));
  EXPECT_EQ(l.block, 1);
  EXPECT_EQ(l.kind, "pool");
  EXPECT_EQ(l.stage, engine::MismatchStage::POOL);
  EXPECT_EQ(l.expected, max + 1);
  EXPECT_EQ(l.got, max);
  EXPECT_EQ(l.differing, 1u);
  EXPECT_EQ(l.event, "max of the 2x2 window {" + raws + "}");
  EXPECT_EQ(engine::describe(l),
            "block pool1 (pool), image 1, pixel (y " + std::to_string((index - 36) / 12) + ", x " +
                std::to_string((index - 36) / 4 % 3) + "), channel " + std::to_string(index % 4) +
                ", stage pool: expected " + std::to_string(max + 1) + ", got " +
                std::to_string(max) + " (fixed<6,2,RND,SAT,0>; reference: max of the 2x2 window {" +
                raws + "}); 1 value of the stage differs");
  EXPECT_FALSE(s.passed());
}

// A model fault in the first block: conv0's bn_act without its relu. The first output of conv0
// the relu clamped (a negative raw before it) is the first departure, stage activation.
TEST(NetworkLocalise, ModelWithoutReluNamesTheActivation) {
  const engine::NetworkPlan plan = network();
  NetworkRunOptions o;
  o.model_fault = [](engine::NetworkPlan& p) { p.blocks[0].mvau_params["BN_ACT"] = 0; };
  const NetworkSummary s = run_network(plan, o);
  const NetworkBackendRun& run = s.runs.at(0);
  EXPECT_GT(run.mismatches, 0u);
  ASSERT_TRUE(run.location.has_value());
  const engine::MismatchLocation& l = *run.location;
  // The faulty model's own conv0 map (its taps): the first negative raw is the first value a
  // relu would have changed; everything before it is >= 0 and equal.
  const std::vector<std::int64_t>& got = run.result.block_maps.at(0);
  std::size_t first = 0;
  while (first < got.size() && got[first] >= 0) ++first;
  ASSERT_LT(first, got.size());
  EXPECT_EQ(position(l), where(first, 6, 6, 4, "conv0"));
  EXPECT_EQ(l.stage, engine::MismatchStage::ACTIVATION);
  EXPECT_EQ(l.expected, 0);
  EXPECT_EQ(l.got, got[first]);
  EXPECT_EQ(l.event, "relu changed " + std::to_string(got[first]) + " to 0");
  std::uint64_t negatives = 0;
  for (const std::int64_t v : got) negatives += v < 0 ? 1 : 0;
  EXPECT_EQ(l.differing, negatives);
}

// A model fault in the last block: fc2's MAC requantizer truncating. Brute force: fc2's sums of
// the reference pool map with its weights, both roundings.
TEST(NetworkLocalise, ModelTruncatingMacRequantizerNamesIt) {
  const engine::NetworkPlan plan = network();
  const engine::NetworkOperands ops = engine::make_network_operands(plan, 2);
  const engine::NetworkReference ref = engine::compute_network_reference(plan, ops);
  const fx::FxType conv = fx::FxType::make_signed(10, 5, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  fx::FxType trn = conv;
  trn.rounding = fx::Rounding::TRN;
  // fc2's activation format is conv0's BN output fixed<6,2> (4 fraction bits), its weights
  // fixed<4,1> (3): sums with 7 fraction bits, requantized to 5.
  std::size_t index = 0;
  std::int64_t rounded = 0, truncated = 0;
  std::string event;
  for (int img = 0; img < 2 && event.empty(); ++img) {
    for (int o = 0; o < 4 && event.empty(); ++o) {
      std::int64_t sum = 0;
      for (int e = 0; e < 36; ++e) {
        sum += ref.maps[1][static_cast<std::size_t>(img * 36 + e)] *
               ops.blocks[2].weights[static_cast<std::size_t>(o * 36 + e)];
      }
      fx::CastFlags f;
      rounded = fx::cast_from_raw(sum, 7, conv, &f);
      truncated = fx::cast_from_raw(sum, 7, trn);
      if (rounded == truncated) continue;
      index = static_cast<std::size_t>(img * 4 + o);
      event = (sum & 3) == 2 ? "a tie, rounded RND_CONV" : "inexact, rounded RND_CONV";
      if (f.overflow) event += ", saturated SAT";
    }
  }
  ASSERT_FALSE(event.empty());
  NetworkRunOptions o;
  o.model_fault = [](engine::NetworkPlan& p) {
    p.blocks[2].mvau_params["Q"] = static_cast<int>(fx::Rounding::TRN);
  };
  const NetworkSummary s = run_network(plan, o);
  const NetworkBackendRun& run = s.runs.at(0);
  ASSERT_TRUE(run.location.has_value());
  const engine::MismatchLocation& l = *run.location;
  EXPECT_EQ(position(l), where(index, 1, 1, 4, "fc2"));
  EXPECT_EQ(l.stage, engine::MismatchStage::MAC_REQUANTIZER);
  EXPECT_EQ(l.expected, rounded);
  EXPECT_EQ(l.got, truncated);
  EXPECT_EQ(l.format, "fixed<10,5,RND_CONV,SAT,0>");
  EXPECT_EQ(l.event, event);
  EXPECT_EQ(run.first_mismatch->image * 4 + run.first_mismatch->c, static_cast<int>(index));
}

// A model fault in the last block: fc2's accumulator 10 bits wide instead of exact, so that its
// sums wrap. Brute force: fc2's sums, wrapped to 10 bits (WRAP: the same after every beat as at
// the end), both requantized; no requantization of the right sum gives the wrapped one's.
TEST(NetworkLocalise, ModelNarrowAccumulatorNamesTheAccumulator) {
  const engine::NetworkPlan plan = network();
  const engine::NetworkOperands ops = engine::make_network_operands(plan, 2);
  const engine::NetworkReference ref = engine::compute_network_reference(plan, ops);
  const fx::FxType out = fx::FxType::make_signed(10, 5, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  const std::int64_t acc_w = plan.blocks[2].mvau_params.at("ACC_W");
  std::size_t index = 8;
  std::int64_t expected = 0, got = 0;
  std::string event;
  for (std::size_t i = 0; i < 8 && index == 8; ++i) {
    const std::size_t img = i / 4, o = i % 4;
    std::int64_t sum = 0;
    for (std::size_t e = 0; e < 36; ++e) {
      sum += ref.maps[1][img * 36 + e] * ops.blocks[2].weights[o * 36 + e];
    }
    const std::int64_t wrapped = ((sum + 512) % 1024 + 1024) % 1024 - 512;
    fx::CastFlags f;
    expected = fx::cast_from_raw(sum, 7, out, &f);
    got = fx::cast_from_raw(wrapped, 7, out);
    if (expected == got) continue;
    index = i;
    event = "no accumulator overflow (ACC_W = " + std::to_string(acc_w) + " bits), then " +
            (f.tie       ? "a tie, rounded RND_CONV"
             : f.inexact ? "inexact, rounded RND_CONV"
                         : "exact") +
            (f.overflow ? ", saturated SAT" : "");
  }
  ASSERT_LT(index, 8u);
  NetworkRunOptions o;
  o.model_fault = [](engine::NetworkPlan& p) { p.blocks[2].mvau_params["ACC_W"] = 10; };
  const NetworkSummary s = run_network(plan, o);
  ASSERT_TRUE(s.runs.at(0).location.has_value());
  const engine::MismatchLocation& l = *s.runs[0].location;
  EXPECT_EQ(position(l), where(index, 1, 1, 4, "fc2"));
  EXPECT_EQ(l.stage, engine::MismatchStage::ACCUMULATOR);
  EXPECT_EQ(l.expected, expected);
  EXPECT_EQ(l.got, got);
  EXPECT_EQ(l.event, event);
}

// The tapped stitched top without a fault: every block's stream and conv0's MAC stream equal the
// reference, and the taps change no cycle (the model's, untapped, are the same).
TEST(NetworkLocaliseRtl, TapsEqualTheReferenceAndKeepTheCycles) {
  const engine::NetworkPlan plan = network();
  const engine::NetworkOperands ops = engine::make_network_operands(plan, 2);
  const engine::NetworkReference ref = engine::compute_network_reference(plan, ops);
  NetworkRtlOptions ro;
  ro.taps = true;
  const network::NetworkRunResult rtl = run_network_rtl(plan, ops, ro);
  ASSERT_EQ(rtl.block_maps.size(), 3u);
  EXPECT_EQ(rtl.block_maps[0], ref.maps[0]);
  EXPECT_EQ(rtl.block_maps[1], ref.maps[1]);
  EXPECT_EQ(rtl.block_maps[2], ref.maps[2]);
  EXPECT_EQ(rtl.mac_maps[0], ref.mac_maps[0]);
  EXPECT_TRUE(rtl.mac_maps[1].empty());
  EXPECT_TRUE(rtl.mac_maps[2].empty());
  const NetworkSummary model = run_network(plan);
  EXPECT_EQ(model.runs.at(0).result.cycles, rtl.cycles);
  EXPECT_EQ(model.runs.at(0).result.image_done, rtl.image_done);
}

// (a) An RTL parameter perturbed in one block only: conv0's mvau requantizes its MAC results with
// TRN instead of RND_CONV. The report names conv0 and its MAC requantizer (BN and relu follow it
// in the same block: the MAC tap tells them apart), at the first output where the brute-force
// sum's two roundings differ.
TEST(NetworkLocaliseRtl, PerturbedMacRequantizerOfTheFirstBlock) {
  const engine::NetworkPlan plan = network();
  const engine::NetworkOperands ops = engine::make_network_operands(plan, 2);
  const RequantFault f = conv0_trn_fault(ops);
  NetworkRunOptions o;
  o.backends = NetworkBackends::RTL;
  o.taps = true;
  o.rtl_fault = [](engine::StitchPlan& chain) {
    for (engine::StitchStage& st : chain.stages) {
      if (st.instance == "b0_mvau") st.params["Q"] = static_cast<int>(fx::Rounding::TRN);
    }
  };
  const NetworkSummary s = run_network(plan, o);
  const NetworkBackendRun& run = s.runs.at(0);
  ASSERT_TRUE(run.location.has_value());
  const engine::MismatchLocation& l = *run.location;
  EXPECT_EQ(position(l), where(f.index, 6, 6, 4, "conv0"));
  EXPECT_EQ(l.kind, "conv");
  EXPECT_EQ(l.stage, engine::MismatchStage::MAC_REQUANTIZER);
  EXPECT_EQ(l.expected, f.rounded);
  EXPECT_EQ(l.got, f.truncated);
  EXPECT_EQ(l.format, "fixed<8,3,RND_CONV,SAT,0>");
  EXPECT_EQ(l.event, f.event);
  EXPECT_FALSE(s.passed());
  const nlohmann::ordered_json j = network_summary_json(s, "loc.toml");
  EXPECT_EQ(j["runs"][0]["localisation"]["block_name"], "conv0");
  EXPECT_EQ(j["runs"][0]["localisation"]["stage"], "MAC requantizer");
  EXPECT_EQ(j["runs"][0]["localisation"]["got"], f.truncated);
}

// (a) conv0's bn_act requantizing with TRN instead of RND: its MAC stream is right, its output is
// not, so the stage is BN. Brute force: the MAC raw from the window sum (RND_CONV, SAT to
// fixed<8,3>), times the scale (fixed<6,2>) plus the bias (fixed<8,3>) at 5 + 4 = 9 fraction bits,
// both roundings to fixed<6,2>, then the relu; the first output where the two relus differ.
TEST(NetworkLocaliseRtl, PerturbedBnRequantizerOfTheFirstBlock) {
  const engine::NetworkPlan plan = network();
  const engine::NetworkOperands ops = engine::make_network_operands(plan, 2);
  const fx::FxType mac = fx::FxType::make_signed(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  const fx::FxType rnd = fx::FxType::make_signed(6, 2, fx::Rounding::RND, fx::Overflow::SAT);
  fx::FxType trn = rnd;
  trn.rounding = fx::Rounding::TRN;
  const std::vector<std::int64_t> sums = conv0_sums(ops);
  const engine::Stimulus& st = ops.blocks[0];
  std::size_t index = sums.size();
  std::int64_t expected = 0, got = 0, x = 0;
  std::string event;
  for (std::size_t i = 0; i < sums.size() && index == sums.size(); ++i) {
    const std::size_t o = i % 4;
    x = fx::cast_from_raw(sums[i], 7, mac);
    const std::int64_t t = x * st.bn_scale[o] + st.bn_bias[o] * 16;
    fx::CastFlags f;
    expected = std::max<std::int64_t>(0, fx::cast_from_raw(t, 9, rnd, &f));
    got = std::max<std::int64_t>(0, fx::cast_from_raw(t, 9, trn));
    if (expected == got) continue;
    index = i;
    // Five bits dropped (9 -> 4 fraction bits): binary .10000 is a tie.
    event = "MAC " + std::to_string(x) + " scaled and biased, " +
            ((t & 31) == 16 ? "a tie, rounded RND" : "inexact, rounded RND") +
            (f.overflow ? ", saturated SAT" : "");
  }
  ASSERT_LT(index, sums.size());
  NetworkRunOptions o;
  o.backends = NetworkBackends::RTL;
  o.taps = true;
  o.rtl_fault = [](engine::StitchPlan& chain) {
    for (engine::StitchStage& stage : chain.stages) {
      if (stage.instance == "b0_mvau") stage.params["BN_Q"] = static_cast<int>(fx::Rounding::TRN);
    }
  };
  const NetworkSummary s = run_network(plan, o);
  ASSERT_TRUE(s.runs.at(0).location.has_value());
  const engine::MismatchLocation& l = *s.runs[0].location;
  EXPECT_EQ(position(l), where(index, 6, 6, 4, "conv0"));
  EXPECT_EQ(l.stage, engine::MismatchStage::BN);
  EXPECT_EQ(l.expected, expected);
  EXPECT_EQ(l.got, got);
  EXPECT_EQ(l.format, "fixed<6,2,RND,SAT,0>");
  EXPECT_EQ(l.event, event);
}

// (a) A max-pool in front of a dense layer comparing its signed raws as unsigned on the RTL: the
// report names pool0 (not fc1, whose outputs show it) at the first window whose signed and
// unsigned maxima differ, by brute force over the images.
TEST(NetworkLocaliseRtl, PerturbedPoolInFrontOfADenseLayer) {
  const char* toml = R"(seed = 7
[network]
images = 2
[input]
height = 4
width = 4
channels = 3
simd = 3
format = "fixed<6,2>"
[[layer]]
kind = "pool"
name = "pool0"
size = 2
[[layer]]
kind = "dense"
name = "fc1"
outputs = 2
pe = 1
simd = 3
weight = "fixed<4,1>"
output = "fixed<10,5,RND_CONV,SAT>"
)";
  const engine::NetworkPlan plan =
      engine::plan_network(engine::parse_network(toml, "pool_fc.toml"), "pool_fc.toml");
  const engine::NetworkOperands ops = engine::make_network_operands(plan, 2);
  std::size_t index = 0;
  std::int64_t expected = 0, got = 0;
  std::string raws;
  for (int img = 0; img < 2 && raws.empty(); ++img) {
    for (int y = 0; y < 2 && raws.empty(); ++y) {
      for (int x = 0; x < 2 && raws.empty(); ++x) {
        for (int c = 0; c < 3 && raws.empty(); ++c) {
          std::int64_t smax = INT64_MIN, umax = -1, ubits = -1;
          std::string window;
          for (int dy = 0; dy < 2; ++dy) {
            for (int dx = 0; dx < 2; ++dx) {
              const std::int64_t v = ops.images[static_cast<std::size_t>(
                  ((img * 4 + 2 * y + dy) * 4 + 2 * x + dx) * 3 + c)];
              window += (window.empty() ? "" : " ") + std::to_string(v);
              smax = std::max(smax, v);
              if ((v & 63) > ubits) {
                ubits = v & 63;
                umax = v;
              }
            }
          }
          if (smax == umax) continue;
          index = static_cast<std::size_t>(img * 12 + (y * 2 + x) * 3 + c);
          expected = smax;
          got = umax;
          raws = window;
        }
      }
    }
  }
  ASSERT_FALSE(raws.empty());
  NetworkRunOptions o;
  o.backends = NetworkBackends::RTL;
  o.rtl_fault = [](engine::StitchPlan& chain) {
    for (engine::StitchStage& stage : chain.stages) {
      if (stage.instance == "b0_pool") stage.params["IN_SIGNED"] = 0;
    }
  };
  // Without `taps`: the mismatch of fc1's outputs triggers the tapped run.
  const NetworkSummary s = run_network(plan, o);
  const NetworkBackendRun& run = s.runs.at(0);
  EXPECT_GT(run.mismatches, 0u);
  ASSERT_TRUE(run.location.has_value());
  const engine::MismatchLocation& l = *run.location;
  EXPECT_EQ(position(l), where(index, 2, 2, 3, "pool0"));
  EXPECT_EQ(l.stage, engine::MismatchStage::POOL);
  EXPECT_EQ(l.expected, expected);
  EXPECT_EQ(l.got, got);
  EXPECT_EQ(l.event, "max of the 2x2 window {" + raws + "}");
  const std::string text = network_summary_text(s, "pool_fc.toml");
  EXPECT_NE(
      text.find("  first departure: block pool0 (pool), image " + std::to_string(l.image) +
                ", pixel (y " + std::to_string(l.y) + ", x " + std::to_string(l.x) + "), channel " +
                std::to_string(l.c) + ", stage pool: expected " + std::to_string(expected) +
                ", got " + std::to_string(got) +
                " (fixed<6,2,TRN,WRAP,0>; reference: max of the 2x2 window {" + raws + "}); "),
      std::string::npos)
      << text;
}

// RND_STOCH stages are localised by their floor: a model whose first dense layer truncates
// (TRN) where the network rounds stochastically differs where a draw rounded up, one LSB above
// the model's; the stage is named the MAC requantizer, the format the network's.
TEST(NetworkLocalise, StochasticMacRequantizerFaultNamesIt) {
  const engine::NetworkPlan plan = engine::plan_network(engine::parse_network(R"(seed = 3
[input]
height = 1
width = 2
channels = 4
simd = 4
format = "fixed<8,1,TRN,SAT>"
[[layer]]
kind = "dense"
name = "fc0"
outputs = 6
pe = 2
weight = "fixed<5,1>"
output = "fixed<8,3,RND_STOCH,SAT>"
[[layer]]
kind = "dense"
name = "fc1"
outputs = 4
pe = 2
weight = "fixed<5,1>"
output = "fixed<10,4,RND_STOCH,SAT>"
[layer.bn]
scale = "fixed<6,2>"
bias = "fixed<10,5>"
output = "fixed<8,4,RND_STOCH,SAT>"
activation = "relu"
)",
                                                                              "stoch"));
  NetworkRunOptions o;
  o.images = 4;
  o.model_fault = [](engine::NetworkPlan& p) {
    p.blocks[0].mvau_params["Q"] = static_cast<int>(fx::Rounding::TRN);
  };
  const NetworkSummary s = run_network(plan, o);
  const NetworkBackendRun& run = s.runs.at(0);
  ASSERT_TRUE(run.location.has_value());
  const engine::MismatchLocation& l = *run.location;
  EXPECT_EQ(l.stage, engine::MismatchStage::MAC_REQUANTIZER);
  EXPECT_EQ(l.format, "fixed<8,3,RND_STOCH,SAT,0>");
  EXPECT_EQ(l.expected, l.got + 1);
}

}  // namespace
}  // namespace fxsim::env
