// Auto-folding (models/engine/network_folding.hpp): three cases worked by hand (a balanced
// result, a budget respected, an infeasible target with the smallest reachable interval), a
// block's SIMD restricted by the caller (FoldingGoal::lanes_allowed), the
// search against a brute force over every folding written here, the description written at the
// folding, and the chosen folding run on the SystemC network model (fast engine): its measured
// interval equals the cycles formula when the FIFOs are deep enough.
#include "models/engine/network_folding.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "models/engine/network_reference.hpp"
#include "models/network/network_model.hpp"
#include "testbenches/env/simulation_scope.hpp"

namespace fxsim::engine {
namespace {

// 8 x 8 x 1 images of 8 bits, 8 bytes a cycle; conv0 (3x3, padding 1, 8 channels), a 2 x 2
// max-pool, dense2 (40 outputs). The cycles an image, worked by hand (input.simd can only be 1:
// one input channel; PE0 = conv0's PE, PE2 = dense2's):
//   input DMA  64 beats of 1 byte: max(64, 64 / 8) = 64
//   conv0      SIMD 1: SF = 3*3*1 = 9, NF = 8 / PE0, 8*8 = 64 vectors: 4608 / PE0
//   pool1      8*8 pixels of 8 / PE0 beats: 512 / PE0
//   dense2     SIMD PE0: SF = 4*4*8 / PE0 = 128 / PE0, NF = 40 / PE2: 5120 / (PE0 * PE2)
//   output DMA 40 / PE2 beats
std::string three_blocks(int fifo_depth = 2) {
  const std::string depth = "fifo_depth = " + std::to_string(fifo_depth) + "\n";
  return R"(seed = 5
[network]
name = "three"
images = 4
[input]
height = 8
width = 8
channels = 1
format = "fixed<8,0,TRN,SAT>"
[dma]
bandwidth = [8, 1]
[[layer]]
kind = "conv"
)" + depth +
         R"(channels = 8
pe = 1
kernel = 3
padding = 1
weight = "fixed<4,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[[layer]]
kind = "pool"
)" + depth +
         R"(size = 2
[[layer]]
kind = "dense"
)" + depth +
         R"(outputs = 40
pe = 2
weight = "fixed<4,1>"
output = "fixed<10,4,RND_CONV,SAT>"
)";
}

NetworkConfig config(int fifo_depth = 2) { return parse_network(three_blocks(fifo_depth), "t"); }

NetworkConfig at(NetworkConfig c, int pe0, int pe2) {
  c.layers[0].pe = pe0;
  c.layers[2].pe = pe2;
  return c;
}

std::int64_t lut_eq(const NetworkConfig& c) {
  return network_cost(plan_network(c), resources::Family::xc7, true).total.lut_equivalent;
}

std::vector<int> pes(const Folding& f) {
  std::vector<int> p;
  for (const BlockFolding& b : f.blocks) p.push_back(b.pe);
  return p;
}

std::vector<std::int64_t> cycles(const Folding& f) {
  std::vector<std::int64_t> c{f.input_dma_cycles};
  for (const BlockFolding& b : f.blocks) c.push_back(b.cycles);
  c.push_back(f.output_dma_cycles);
  return c;
}

TEST(NetworkFolding, TargetGivesTheCheapestBalancedFolding) {
  // Target 1200: conv0 needs 4608 / PE0 <= 1200, PE0 in {4, 8}. PE0 = 4: dense2 5120 / (4 PE2)
  // <= 1200 needs PE2 >= 2 (1280 at PE2 = 1); PE0 = 8: PE2 = 1 (640). MACs: 4 + 4*2 = 12 against
  // 8 + 8*1 = 16 (and a pool of 8 lanes instead of 4): PE0 = 4, PE2 = 2. Cycles: 64, 1152, 128,
  // 640, 20; the interval 1152 (conv0). dense2 is raised only because conv0 at PE 4 feeds it
  // 4 lanes a beat.
  FoldingGoal g;
  g.target_interval = 1200;
  const FoldingResult r = fold_network(config(), g);
  ASSERT_TRUE(r.feasible) << r.message;
  EXPECT_EQ(r.folding.input_simd, 1);
  EXPECT_EQ(pes(r.folding), (std::vector<int>{4, 0, 2}));
  EXPECT_EQ(cycles(r.folding), (std::vector<std::int64_t>{64, 1152, 128, 640, 20}));
  EXPECT_EQ(r.folding.interval, 1152);
  EXPECT_EQ(r.folding.bottleneck, "conv0");
  EXPECT_EQ(r.folding.blocks[2].simd, 4);
  EXPECT_EQ(r.folding.blocks[2].sf, 32);
  EXPECT_EQ(r.folding.blocks[2].nf, 20);
  EXPECT_EQ(r.foldings_searched, 1 * 4 * 1 * 8);
  EXPECT_TRUE(r.message.empty());
  // The hand's cost argument holds in the analytical model.
  EXPECT_LT(r.folding.total.lut_equivalent, lut_eq(at(config(), 8, 1)));
  EXPECT_EQ(r.folding.total.lut_equivalent, lut_eq(at(config(), 4, 2)));
}

TEST(NetworkFolding, LanesAllowedRestrictsTheSimdOfABlock) {
  // The target of the case above with dense2 allowed only 8 lanes a beat (as a trained layer
  // whose accumulator can overflow keeps its SIMD): PE0 = 4 is out, PE0 = 8 meets the target with
  // PE2 = 1 (dense2 5120 / 8 = 640). Cycles: 64, 576, 64, 640, 40; the interval 640 (dense2). Only
  // the MVAU blocks are asked about.
  FoldingGoal g;
  g.target_interval = 1200;
  std::set<int> asked;
  g.lanes_allowed = [&asked](int block, int lanes) {
    asked.insert(block);
    return block != 2 || lanes == 8;
  };
  const FoldingResult r = fold_network(config(), g);
  ASSERT_TRUE(r.feasible) << r.message;
  EXPECT_EQ(pes(r.folding), (std::vector<int>{8, 0, 1}));
  EXPECT_EQ(r.folding.blocks[2].simd, 8);
  EXPECT_EQ(cycles(r.folding), (std::vector<std::int64_t>{64, 576, 64, 640, 40}));
  EXPECT_EQ(r.folding.bottleneck, "dense2");
  EXPECT_EQ(asked, (std::set<int>{0, 2}));
}

TEST(NetworkFolding, BudgetGivesTheSmallestIntervalWithinIt) {
  // Budget: exactly the LUT-equivalent of PE0 = 2, PE2 = 2 (interval max(2304, 256, 1280) =
  // 2304). Faster needs conv0 below 2304 cycles, PE0 >= 4, which costs at least PE0 = 4,
  // PE2 = 1 (4 + 4 MACs against 2 + 4, checked below to be over the budget). At PE0 = 2, PE2 = 1
  // dense2 takes 2560 > 2304 cycles; PE2 = 2 is the cheapest that does not. So PE0 = 2, PE2 = 2
  // at 2304 cycles, on the budget exactly.
  const std::int64_t budget = lut_eq(at(config(), 2, 2));
  ASSERT_GT(lut_eq(at(config(), 4, 1)), budget);
  FoldingGoal g;
  g.lut_budget = budget;
  const FoldingResult r = fold_network(config(), g);
  ASSERT_TRUE(r.feasible) << r.message;
  EXPECT_EQ(pes(r.folding), (std::vector<int>{2, 0, 2}));
  EXPECT_EQ(cycles(r.folding), (std::vector<std::int64_t>{64, 2304, 256, 1280, 20}));
  EXPECT_EQ(r.folding.interval, 2304);
  EXPECT_EQ(r.folding.total.lut_equivalent, budget);
  // One LUT-equivalent less: PE0 = 2 no longer fits with PE2 = 2; the next interval down the
  // list is PE0 = 2, PE2 = 1 (2560, dense2), or PE0 = 1 (4608): the former, cheaper than the
  // budget.
  g.lut_budget = budget - 1;
  const FoldingResult less = fold_network(config(), g);
  ASSERT_TRUE(less.feasible) << less.message;
  EXPECT_EQ(pes(less.folding), (std::vector<int>{2, 0, 1}));
  EXPECT_EQ(less.folding.interval, 2560);
  EXPECT_EQ(less.folding.bottleneck, "dense2");
  EXPECT_LE(less.folding.total.lut_equivalent, budget - 1);
}

TEST(NetworkFolding, InfeasibleTargetNamesTheSmallestReachableInterval) {
  // Target 500: conv0 takes at least 4608 / 8 = 576 cycles. At PE0 = 8, dense2 takes
  // 640 / PE2 <= 576 from PE2 = 2 (320): the smallest reachable interval is 576, cheapest with
  // PE2 = 2.
  FoldingGoal g;
  g.target_interval = 500;
  const FoldingResult r = fold_network(config(), g);
  EXPECT_FALSE(r.feasible);
  EXPECT_EQ(r.smallest_interval, 576);
  EXPECT_EQ(pes(r.folding), (std::vector<int>{8, 0, 2}));
  EXPECT_EQ(r.message,
            "no folding reaches an interval of 500 cycles an image; the smallest reachable is 576 "
            "(bottleneck conv0), with input.simd 1, conv0 PE 8, dense2 PE 2");
  g.target_interval = 576;
  const FoldingResult exact = fold_network(config(), g);
  EXPECT_TRUE(exact.feasible);
  EXPECT_EQ(pes(exact.folding), (std::vector<int>{8, 0, 2}));
}

TEST(NetworkFolding, InfeasibleBudgetNamesTheCheapestFolding) {
  const std::int64_t cheapest = lut_eq(at(config(), 1, 1));  // every PE 1
  FoldingGoal g;
  g.lut_budget = cheapest - 1;
  const FoldingResult r = fold_network(config(), g);
  EXPECT_FALSE(r.feasible);
  EXPECT_EQ(pes(r.folding), (std::vector<int>{1, 0, 1}));
  EXPECT_EQ(r.message, "no folding fits " + std::to_string(cheapest - 1) +
                           " LUT-equivalent; the cheapest needs " + std::to_string(cheapest) +
                           " LUT-equivalent (" + std::to_string(r.cheapest.dsp) +
                           " DSP), with input.simd 1, conv0 PE 1, dense2 PE 1; the fewest DSP "
                           "of any folding is " +
                           std::to_string(r.fewest_dsp));
}

TEST(NetworkFolding, BadGoalIsRefused) {
  FoldingGoal neither;
  EXPECT_THROW(
      {
        try {
          fold_network(config(), neither, "net.toml");
        } catch (const NetworkFileError& e) {
          EXPECT_STREQ(e.what(),
                       "net.toml: folding goal: expected a target interval or a budget "
                       "(LUT-equivalent and / or DSP), not neither");
          throw;
        }
      },
      NetworkFileError);
}

// Every folding of a network, planned and costed whole, its interval by the formula written
// here from the plan's shapes: the search must pick the same optimum.
struct Brute {
  std::vector<int> pe;
  int simd = 0;
  std::int64_t lut_eq = 0, dsp = 0, interval = 0;
};

std::vector<int> divisors(int n) {
  std::vector<int> d;
  for (int k = 1; k <= std::min(n, 64); ++k) {
    if (n % k == 0) d.push_back(k);
  }
  return d;
}

std::vector<Brute> all_foldings(const NetworkConfig& cfg) {
  std::vector<std::vector<int>> choices;
  for (const NetworkLayer& l : cfg.layers) {
    choices.push_back(l.kind == LayerKind::POOL   ? std::vector<int>{l.pe}
                      : l.kind == LayerKind::CONV ? divisors(l.channels)
                                                  : divisors(l.outputs));
  }
  std::vector<Brute> all;
  for (int simd : divisors(cfg.input.channels)) {
    std::vector<std::size_t> k(choices.size(), 0);
    for (bool more = true; more;) {
      NetworkConfig c = cfg;
      c.input.simd = simd;
      Brute b;
      b.simd = simd;
      for (std::size_t i = 0; i < k.size(); ++i) {
        c.layers[i].pe = choices[i][k[i]];
        c.layers[i].simd = 0;
        b.pe.push_back(c.layers[i].pe);
      }
      try {
        const NetworkPlan p = plan_network(c);
        const NetworkCost cost = network_cost(p, resources::Family::xc7, true);
        b.lut_eq = cost.total.lut_equivalent;
        b.dsp = cost.total.dsp;
        const std::int64_t in_beats = p.input().beats();
        const std::int64_t in_bytes = in_beats * ((p.input().lanes * 8 + 7) / 8);
        b.interval = std::max(in_beats, (in_bytes * c.dma.cycles + c.dma.bytes - 1) / c.dma.bytes);
        for (const BlockPlan& bp : p.blocks) {
          std::int64_t t = bp.in.beats();
          if (bp.mvau) {
            t = std::max(t, static_cast<std::int64_t>(bp.mvau->in_features / bp.in.lanes) *
                                (bp.mvau->out_features / bp.layer.pe) * bp.out.h * bp.out.w);
          }
          b.interval = std::max(b.interval, t);
        }
        b.interval = std::max(b.interval, p.output().beats());  // output_stall 0
        all.push_back(b);
      } catch (const NetworkFileError&) {
      }
      std::size_t i = 0;
      while (i < k.size() && ++k[i] == choices[i].size()) k[i++] = 0;
      more = i < k.size();
    }
  }
  return all;
}

TEST(NetworkFolding, EqualsBruteForceOverEveryFolding) {
  const std::vector<Brute> all = all_foldings(config());
  ASSERT_EQ(all.size(), 32u);
  std::int64_t fewest = std::numeric_limits<std::int64_t>::max();
  for (const Brute& b : all) fewest = std::min(fewest, b.interval);
  for (std::int64_t target : {500, 576, 700, 1152, 1200, 2304, 2600, 5000, 10000}) {
    FoldingGoal g;
    g.target_interval = target;
    const FoldingResult r = fold_network(config(), g);
    std::int64_t best = std::numeric_limits<std::int64_t>::max();
    for (const Brute& b : all) {
      if (b.interval <= target) best = std::min(best, b.lut_eq);
    }
    EXPECT_EQ(r.smallest_interval, fewest);
    EXPECT_EQ(r.feasible, best != std::numeric_limits<std::int64_t>::max()) << target;
    if (r.feasible) EXPECT_EQ(r.folding.total.lut_equivalent, best) << target;
    EXPECT_LE(r.folding.interval, std::max(target, fewest)) << target;
  }
  for (const Brute& budget : all) {  // each folding's own cost as a LUT and a DSP budget
    FoldingGoal g;
    g.lut_budget = budget.lut_eq;
    g.dsp_budget = budget.dsp;
    const FoldingResult r = fold_network(config(), g);
    std::int64_t best = std::numeric_limits<std::int64_t>::max();
    for (const Brute& b : all) {
      if (b.lut_eq <= budget.lut_eq && b.dsp <= budget.dsp) best = std::min(best, b.interval);
    }
    ASSERT_TRUE(r.feasible);
    EXPECT_EQ(r.folding.interval, best);
    EXPECT_LE(r.folding.total.lut_equivalent, budget.lut_eq);
    EXPECT_LE(r.folding.total.dsp, budget.dsp);
  }
}

TEST(NetworkFolding, WritesTheDescriptionAtTheFolding) {
  const std::string text = three_blocks();
  const NetworkConfig cfg = parse_network(text, "t");
  FoldingGoal g;
  g.target_interval = 1200;
  const FoldingResult r = fold_network(cfg, g);
  const std::string out = apply_folding(text, cfg, r.folding);
  const NetworkConfig back = parse_network(out, "out");
  EXPECT_EQ(back.input.simd, 1);
  EXPECT_EQ(back.layers[0].pe, 4);
  EXPECT_EQ(back.layers[2].pe, 2);
  EXPECT_EQ(back.layers[2].outputs, 40);
  EXPECT_EQ(folding_of(plan_network(back), resources::Family::xc7, true).interval, 1152);
  // Only the folding's lines differ: conv0's pe and dense2's (the same), input.simd added.
  std::string expected = text;
  expected.replace(expected.find("pe = 1"), 6, "pe = 4");
  expected.replace(expected.find("[input]\n"), 8, "[input]\nsimd = 1\n");
  EXPECT_EQ(out, expected);
}

// The chosen folding on the network model: with FIFOs deep enough for every beat of an image,
// the measured interval is the formula's 1152 cycles (conv0 computing without a gap). With the
// default 2-deep FIFOs it is longer: dense2 holds its input closed for its replay folds
// ((NF - 1) x SF = 19 x 32 = 608 cycles a vector) while the pool's results keep coming, so
// conv0 stalls; `fxsim run --size-fifos` finds the depths that avoid it.
TEST(NetworkFolding, ModelIntervalEqualsTheFormulaWithDeepFifos) {
  FoldingGoal g;
  g.target_interval = 1200;
  const auto run = [&](int depth) {
    const FoldingResult r = fold_network(config(depth), g);
    env::SimulationScope scope;
    const NetworkPlan plan = plan_network(r.folding.config);
    const NetworkOperands ops = make_network_operands(plan, 4);
    const network::NetworkRunResult run = network::run_network_model(plan, ops);
    EXPECT_EQ(run.output, compute_network_reference(plan, ops).output());
    return run.interval();
  };
  EXPECT_EQ(run(64), 1152u);
  EXPECT_GT(run(2), 1152u);
}

}  // namespace
}  // namespace fxsim::engine
