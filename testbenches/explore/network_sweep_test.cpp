// Network workloads ([workload] kind = "network", docs/sweeps.md, "Network workloads"): the
// shipped example sweep point by point against env::run_network and network_cost on the same
// folding (built here from the description, not read back from the sweep), a trained model's
// top-1 accuracy and golden logits, Pareto flags on hand-checked sets, a sweep killed and
// resumed, shards merged, and bad per-layer axes refused with their location.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <set>
#include <thread>

#include "explore/merge.hpp"
#include "explore/network_workload.hpp"
#include "explore/pareto.hpp"
#include "explore/report.hpp"
#include "models/engine/network_cost.hpp"
#include "testbenches/env/network_from_model.hpp"
#include "testbenches/env/run_network.hpp"
#include "testbenches/explore/sweep_test_util.hpp"
#include "testbenches/explore/workload_test_util.hpp"
#include "traces/results_db.hpp"

namespace fxsim::explore {
namespace {

using sweep_test::all_rows;
using sweep_test::read_file;
using sweep_test::run_small;
using sweep_test::spawn_fxsim;
using sweep_test::temp_dir;
using sweep_test::wait_exit;
using sweep_test::write_file;

const std::string kExamples = std::string(FXSIM_SOURCE_DIR) + "/docs/examples";

std::vector<traces::ResultRow> rows_of(const std::filesystem::path& dir) {
  return traces::ResultsDb((dir / "results.sqlite").string()).points();
}

// docs/examples/sweep_network_small.toml: bn (fixed, khot) x conv0 PE (2, 4, 8) x conv2 PE
// (4, 16) of network_cnn.toml, 4 images; grid order, the last axis fastest.
TEST(NetworkSweep, ExamplePointsEqualTheNetworkRunAndItsCost) {
  const auto dir = temp_dir();
  const SweepOutcome o = run_small(kExamples + "/sweep_network_small.toml", dir / "out", 2);
  EXPECT_EQ(o.ok, 12);
  EXPECT_EQ(o.failed + o.pruned, 0);
  const std::vector<traces::ResultRow> rows = rows_of(dir / "out");
  ASSERT_EQ(rows.size(), 12u);
  std::size_t id = 0;
  for (const bool khot : {false, true}) {
    for (const int pe0 : {2, 4, 8}) {
      for (const int pe2 : {4, 16}) {
        SCOPED_TRACE(fmt::format("point {}: khot {} conv0 PE {} conv2 PE {}", id, khot, pe0, pe2));
        // The same network built here: the description, its two PEs, every SIMD the incoming
        // lanes, and with bn = "fixed" the [bn] default scale instead of its K-hot scales.
        engine::NetworkConfig cfg = engine::load_network_file(kExamples + "/network_cnn.toml");
        cfg.images = 4;
        cfg.layers[0].pe = pe0;
        cfg.layers[2].pe = pe2;
        for (engine::NetworkLayer& l : cfg.layers) {
          l.simd = 0;
          if (l.bn && !khot) l.bn->scale = engine::BnConfig{}.scale;
        }
        const engine::NetworkPlan plan = engine::plan_network(cfg);
        env::NetworkRunOptions options;
        options.images = 4;
        const env::NetworkSummary s = env::run_network(plan, options);
        const network::NetworkRunResult& r = s.runs.at(0).result;
        const resources::ResourceEstimate cost =
            engine::network_cost(plan, resources::Family::xc7, true).total;
        const traces::ResultRow& row = rows[id];
        EXPECT_EQ(row.integer("point_id"), static_cast<std::int64_t>(id));
        EXPECT_EQ(row.text("status"), "ok");
        EXPECT_EQ(row.text("folding"), fmt::format("conv0:pe{}simd1,pool1,conv2:pe{}simd{},pool3,"
                                                   "dense4:pe2simd{}",
                                                   pe0, pe2, pe0, pe2));
        EXPECT_EQ(row.text("bn_scale_kind"), khot ? "khot" : "fixed");
        EXPECT_EQ(row.integer("batch"), 4);
        EXPECT_EQ(row.integer("cycles"), static_cast<std::int64_t>(r.cycles));
        EXPECT_EQ(row.integer("interval_cycles"), static_cast<std::int64_t>(r.interval()));
        EXPECT_EQ(row.integer("latency_cycles"), static_cast<std::int64_t>(r.latency()));
        EXPECT_EQ(row.real("latency_ns"), static_cast<double>(r.latency()) * 4.0);
        EXPECT_EQ(row.real("images_per_s"), 1e9 / (static_cast<double>(r.interval()) * 4.0));
        EXPECT_EQ(row.text("bottleneck"), r.bottleneck);
        EXPECT_EQ(row.integer("model_mismatches"), 0);
        EXPECT_TRUE(row.is_null("classification_accuracy"));
        EXPECT_TRUE(row.is_null("golden_mismatches"));
        EXPECT_EQ(row.integer("lut"), cost.lut);
        EXPECT_EQ(row.integer("est_ff"), cost.ff);
        EXPECT_EQ(row.integer("dsp"), cost.dsp);
        EXPECT_EQ(row.integer("est_bram18"), cost.bram18);
        EXPECT_EQ(row.integer("est_bram36"), cost.bram36);
        EXPECT_EQ(row.integer("lut_equivalent"), cost.lut_equivalent);
        ++id;
      }
    }
  }
  // Checked by hand on the figures above: the fixed-scale points (0-5) cost less LUT-equivalent
  // than their K-hot twins (6-11) at the same throughput, so no K-hot point is on the front; of
  // the fixed ones, conv2 PE 16 buys nothing at conv0 PE 2 and 4 (conv0 is the bottleneck: 1 and
  // 3 are dominated by 0 and 2) and a little at conv0 PE 8 (5 is faster than 4), so the front is
  // 0, 2, 4, 5.
  std::set<std::int64_t> front;
  for (const traces::ResultRow& row : rows) {
    if (row.integer("pareto_accuracy_throughput_lut") == 1) front.insert(row.integer("point_id"));
  }
  EXPECT_EQ(front, (std::set<std::int64_t>{0, 2, 4, 5}));
  // The report's network section: the best points and that front.
  const std::string md = read_file(write_report(dir / "out"));
  EXPECT_NE(md.find("## Network points\n\n12 ok points"), std::string::npos) << md;
  EXPECT_NE(md.find("| most images/s | 5 |"), std::string::npos) << md;
  EXPECT_NE(md.find("| fewest LUT-equivalents | 0 |"), std::string::npos) << md;
  EXPECT_NE(md.find("Pareto front: 4 of 12 ok points."), std::string::npos) << md;
  EXPECT_EQ(md.find("No point finished successfully"), std::string::npos) << md;
}

traces::ResultRow network_row(std::int64_t id, std::optional<double> accuracy, double images_per_s,
                              std::int64_t lut_eq, const std::string& status = "ok") {
  traces::ResultRow r;
  r.set("point_id", id);
  r.set("status", status);
  if (accuracy) r.set("classification_accuracy", *accuracy);
  r.set("images_per_s", images_per_s);
  r.set("lut_equivalent", lut_eq);
  return r;
}

TEST(NetworkSweep, ParetoFlagsMaximizeAccuracyAndThroughputAndMinimizeLutEquivalent) {
  // With accuracy: 0 is dominated by 1 (faster, same accuracy and LUT-eq); 1 and 4 are equal
  // (both kept); 2 is the most accurate, 3 the fastest; 5 failed.
  const std::vector<traces::ResultRow> rows = {
      network_row(0, 0.80, 100, 1000), network_row(1, 0.80, 200, 1000),
      network_row(2, 0.90, 50, 5000),  network_row(3, 0.70, 300, 3000),
      network_row(4, 0.80, 200, 1000), network_row(5, 0.99, 999, 1, "failed")};
  std::vector<int> flags;
  for (const auto& f : pareto_flags(rows)) {
    flags.push_back(f.accuracy_throughput_lut);
    EXPECT_EQ(f.accuracy_latency_lut, 0);
    EXPECT_EQ(f.dsp_lut, 0);
  }
  EXPECT_EQ(flags, (std::vector<int>{0, 1, 1, 1, 1, 0}));
  // Without accuracy (a description's random weights): images/s x LUT-equivalent; 0 is as fast
  // as 1 but larger, 2 is faster than both.
  const std::vector<traces::ResultRow> plain = {network_row(0, std::nullopt, 100, 1000),
                                                network_row(1, std::nullopt, 100, 900),
                                                network_row(2, std::nullopt, 300, 2000)};
  flags.clear();
  for (const auto& f : pareto_flags(plain)) flags.push_back(f.accuracy_throughput_lut);
  EXPECT_EQ(flags, (std::vector<int>{0, 1, 1}));
}

// The 16-8-3 model of the workload tests (8 of its 12 golden images labelled as it predicts):
// every folding of fc1 keeps the model's formats, so every point's logits are the golden ones
// and its accuracy is the model's, 8/12.
TEST(NetworkSweep, TrainedModelPointsKeepTheGoldenLogitsAndAccuracy) {
  const auto dir = temp_dir();
  const golden::QuantNetwork model = workload_test::test_model();
  workload_test::write_model_dir(dir, model);
  const std::string file = write_file(dir, "s.toml", R"([sweep]
name = "trained"
[workload]
kind = "network"
model = "model.fxm"
data = "."
images = 12
[axes.layer.fc1]
pe = [1, 2, 4, 8]
)");
  const SweepOutcome o = run_small(file, dir / "out", 2);
  EXPECT_EQ(o.ok, 4);
  const std::vector<traces::ResultRow> rows = rows_of(dir / "out");
  ASSERT_EQ(rows.size(), 4u);
  const golden::ModelFile mf = golden::read_model_file((dir / "model.fxm").string());
  std::size_t id = 0;
  for (const int pe : {1, 2, 4, 8}) {
    SCOPED_TRACE(fmt::format("fc1 PE {}", pe));
    env::ModelFolding f;
    f.pe = {pe, 1};
    f.images = 12;
    f.model_ref = (dir / "model.fxm").string();
    f.model_data_ref = dir.string();
    const engine::NetworkPlan plan = engine::plan_network(env::network_from_model(mf, f));
    env::NetworkRunOptions options;
    options.images = 12;
    const env::NetworkSummary s = env::run_network(plan, options);
    const traces::ResultRow& row = rows[id++];
    EXPECT_EQ(row.text("status"), "ok");
    EXPECT_EQ(row.text("folding"), fmt::format("fc1:pe{}simd4,fc2:pe1simd{}", pe, pe));
    EXPECT_EQ(row.integer("golden_mismatches"), 0);
    EXPECT_EQ(row.integer("model_mismatches"), 0);
    EXPECT_EQ(row.real("classification_accuracy"), 8.0 / 12);
    EXPECT_EQ(row.integer("interval_cycles"),
              static_cast<std::int64_t>(s.runs.at(0).result.interval()));
    EXPECT_EQ(row.integer("latency_cycles"),
              static_cast<std::int64_t>(s.runs.at(0).result.latency()));
    EXPECT_EQ(row.integer("lut_equivalent"), s.cost.total.lut_equivalent);
  }
}

// Format axes on a trained network (env::requantize_model): the 16-8-3 model's fixed<6,1>
// weights widened to fixed<8,1> keep every value, so that point's logits are the golden ones and
// its accuracy the model's, 8/12; narrowed to fixed<3,1> (F 2: raw / 8 rounded half to even,
// saturated to -4..3, the rule written here) the accuracy is golden::reference_forward's on a
// model requantized by the test; on SPT blocks (1 term) it only has to agree with the golden
// inference of its requantized model. Every point's logits equal that inference's.
TEST(NetworkSweep, TrainedNetworkFormatsAreRequantized) {
  const auto dir = temp_dir();
  const golden::QuantNetwork model = workload_test::test_model();
  workload_test::write_model_dir(dir, model);
  const std::string file = write_file(dir, "s.toml", R"([sweep]
name = "requantized"
[workload]
kind = "network"
model = "model.fxm"
data = "."
images = 12
[axes]
kind = ["fx_mac", "spt"]
weight = ["fixed<8,1,RND_CONV,SAT>", "fixed<3,1,RND_CONV,SAT>"]
k = [1]
)");
  const SweepOutcome o = run_small(file, dir / "out", 2);
  EXPECT_EQ(o.ok, 4);
  const std::vector<traces::ResultRow> rows = rows_of(dir / "out");
  ASSERT_EQ(rows.size(), 4u);
  for (const traces::ResultRow& row : rows) {
    SCOPED_TRACE(row.text("weight_type"));
    EXPECT_EQ(row.text("status"), "ok");
    EXPECT_EQ(row.integer("golden_mismatches"), 0);
    EXPECT_EQ(row.integer("model_mismatches"), 0);
  }
  EXPECT_EQ(rows[0].text("weight_type"), "fixed<8,1,RND_CONV,SAT,0>");
  EXPECT_EQ(rows[0].real("classification_accuracy"), 8.0 / 12);
  EXPECT_EQ(rows[1].text("weight_type"), "fixed<3,1,RND_CONV,SAT,0>");
  EXPECT_EQ(rows[2].text("weight_type"), "spt<8,1,1>");
  EXPECT_EQ(rows[3].text("weight_type"), "spt<3,1,1>");

  golden::QuantNetwork narrow = model;
  for (golden::DenseLayer& l : narrow.layers) {
    l.weight_type = fx::FxType::make_signed(3, 1, fx::Rounding::RND_CONV, fx::Overflow::SAT);
    for (std::int64_t& w : l.weight_raw) {
      w = static_cast<std::int64_t>(std::clamp(std::nearbyint(w / 8.0), -4.0, 3.0));
    }
    const fx::FxType acc =
        fx::accumulator_type(l.input_type, l.weight_type, l.in_features, fx::Overflow::SAT);
    l.acc_type =
        fx::FxType::make_signed(acc.width, acc.int_bits, fx::Rounding::TRN, fx::Overflow::SAT);
  }
  golden::validate(narrow);
  const std::vector<int> predicted =
      workload_test::predictions(narrow, workload_test::kGoldenCount);
  const std::vector<std::int64_t> labels = workload_test::test_labels(model);
  int correct = 0;
  for (int i = 0; i < workload_test::kGoldenCount; ++i) correct += predicted[i] == labels[i];
  EXPECT_EQ(rows[1].real("classification_accuracy"),
            static_cast<double>(correct) / workload_test::kGoldenCount);
}

// 80 points of network_cnn.toml (about 2 s on one job): long enough to kill in the middle.
std::string long_text() {
  return R"([sweep]
name = "network_long"
[workload]
kind = "network"
network = "network_cnn.toml"
images = 3
[axes]
bn = ["fixed", "khot"]
fifo_depth = [2, 4]
[axes.layer.conv0]
pe = [1, 2, 4, 8]
[axes.layer.conv2]
pe = [1, 2, 4, 8, 16]
)";
}

std::string copy_cnn(const std::filesystem::path& dir) {
  return write_file(dir, "network_cnn.toml", read_file(kExamples + "/network_cnn.toml"));
}

TEST(NetworkSweep, ShardsMergedEqualTheUnshardedRun) {
  const auto dir = temp_dir();
  copy_cnn(dir);
  const std::string file = write_file(dir, "long.toml", long_text());
  run_small(file, dir / "all", 2);
  const SweepOutcome s0 = run_small(file, dir / "s0", 1, 0, 2);
  const SweepOutcome s1 = run_small(file, dir / "s1", 1, 1, 2);
  EXPECT_EQ(s0.in_shard, 40);
  EXPECT_EQ(s1.in_shard, 40);
  const MergeOutcome m = merge_results({dir / "s1", dir / "s0"}, dir / "merged");
  EXPECT_EQ(m.points, 80);
  EXPECT_EQ(all_rows(dir / "merged"), all_rows(dir / "all"));
  EXPECT_EQ(read_file(dir / "merged" / "results.csv"), read_file(dir / "all" / "results.csv"));
}

TEST(NetworkSweep, KilledSweepResumesWithTheSameRows) {
  const auto dir = temp_dir();
  copy_cnn(dir);
  const std::string file = write_file(dir, "long.toml", long_text());
  const std::string killed = (dir / "killed").string();
  const pid_t pid = spawn_fxsim({FXSIM_EXE, "sweep", file, "--out", killed, "--jobs", "1"});
  ASSERT_GT(pid, 0);
  const std::size_t committed = sweep_test::kill_when_committed(pid, dir / "killed", 5);
  const std::size_t after_kill =
      traces::ResultsDb((dir / "killed" / "results.sqlite").string()).point_ids().size();
  EXPECT_GE(after_kill, committed);
  EXPECT_LT(after_kill, 80u) << "the sweep finished before it could be killed";
  const pid_t resumed =
      spawn_fxsim({FXSIM_EXE, "sweep", file, "--out", killed, "--jobs", "2", "--resume"});
  ASSERT_GT(resumed, 0);
  EXPECT_EQ(wait_exit(resumed), 0);
  run_small(file, dir / "straight", 2);
  EXPECT_EQ(all_rows(dir / "killed"), all_rows(dir / "straight"));
  EXPECT_EQ(read_file(dir / "killed" / "results.csv"), read_file(dir / "straight" / "results.csv"));
}

class NetworkAxes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = temp_dir();
    cnn_ = copy_cnn(dir_);
    workload_test::write_model_dir(dir_, workload_test::test_model());
  }
  // The error of parsing and expanding `axes` after the workload (line 6 on), empty if accepted.
  std::string error_of(const std::string& axes, bool trained = false) {
    const std::string workload = trained ? "model = \"model.fxm\"\ndata = \".\"\n"
                                         : "network = \"network_cnn.toml\"\nimages = 2\n";
    const std::string text =
        "[sweep]\nname = \"n\"\n[workload]\nkind = \"network\"\n" + workload + axes;
    try {
      expand_sweep(parse_sweep(text, (dir_ / "s.toml").string()));
    } catch (const SweepFileError& e) {
      return e.what();
    }
    return "";
  }
  std::string at(int line, int column) const {
    return fmt::format("{}:{}:{}: ", (dir_ / "s.toml").string(), line, column);
  }
  std::filesystem::path dir_;
  std::string cnn_;
};

TEST_F(NetworkAxes, UnknownLayerIsRefusedWithTheBlocksItCouldBe) {
  EXPECT_EQ(error_of("[axes.layer.conv9]\npe = [1, 2]\n"),
            at(7, 1) + "axes.layer.conv9: no block named conv9 in " + cnn_ +
                "; expected one of conv0, conv2, dense4");
  EXPECT_EQ(error_of("[axes.layer.pool1]\npe = 2\n"),
            at(7, 1) +
                "axes.layer.pool1: pool1 is a max-pool block: it has no PE, weights or batch "
                "norm; expected one of conv0, conv2, dense4");
}

TEST_F(NetworkAxes, UnknownKeyAndWrongTypeAreRefusedAtTheirValue) {
  EXPECT_EQ(error_of("[axes.layer.conv0]\npe = [1]\nsimd = [1, 2]\n"),
            at(9, 1) +
                "axes.layer.conv0.simd: unknown key; expected one of pe, weight, k, bn; a block's "
                "SIMD is the lanes of its incoming stream: input_simd for the first block, the "
                "previous block's pe for the others");
  EXPECT_EQ(error_of("[axes.layer.conv2]\npe = [4, \"eight\"]\n"),
            at(8, 10) + "axes.layer.conv2.pe: expected an integer in 1..1024, found a string");
  EXPECT_EQ(error_of("[axes.layer.dense4]\nbn = [\"khot\"]\n"),
            at(8, 7) + "axes.layer.dense4.bn: block dense4 has no batch norm; expected \"none\"");
}

TEST_F(NetworkAxes, TargetIntervalWithPerLayerPeIsRefused) {
  EXPECT_EQ(error_of("[axes]\ntarget_interval = [9000]\n[axes.layer.dense4]\npe = [1, 2]\n"),
            at(10, 6) +
                "axes.layer.dense4.pe: the folding for axes.target_interval chooses every "
                "block's PE and the input SIMD (docs/network.md, \"Folding a network\"); expected "
                "either target_interval or PE / input_simd axes");
}

TEST_F(NetworkAxes, InvalidPointsArePrunedWithTheirAxis) {
  // conv0 has 8 output channels: PE 3 does not divide them; the other value runs.
  const std::vector<DesignPoint> points =
      expand_sweep(parse_sweep("[sweep]\nname = \"n\"\n[workload]\nkind = \"network\"\nnetwork = "
                               "\"network_cnn.toml\"\n[axes.layer.conv0]\npe = [3, 4]\n",
                               (dir_ / "s.toml").string()));
  ASSERT_EQ(points.size(), 2u);
  EXPECT_EQ(points[0].invalid,
            "axes.layer.conv0.pe: layer[0].pe: 3 does not divide the 8 output channels; expected "
            "a divisor (the MVAU's output beat carries PE channels)");
  EXPECT_TRUE(points[1].valid());
  // No folding reaches 100 cycles an image: the fastest conv0 (PE 8 = its 8 channels, SIMD 1 =
  // its one input channel) still takes 28 x 28 windows x 9 beats = 7056 cycles. 20000 is
  // reachable.
  const std::vector<DesignPoint> targets =
      expand_sweep(parse_sweep("[sweep]\nname = \"n\"\n[workload]\nkind = \"network\"\nnetwork = "
                               "\"network_cnn.toml\"\n[axes]\ntarget_interval = [20000, 100]\n",
                               (dir_ / "s.toml").string()));
  ASSERT_EQ(targets.size(), 2u);
  EXPECT_TRUE(targets[0].valid());
  EXPECT_EQ(targets[1].invalid.rfind("axes.target_interval: no folding reaches an interval of 100 "
                                     "cycles an image; the smallest reachable is 7056 ",
                                     0),
            0u)
      << targets[1].invalid;
}

// Global axes apply to every conv / dense block, a block's own axes win for it, absent axes leave
// each block as the description has it.
TEST_F(NetworkAxes, GlobalAxesApplyToEveryBlockAndPerLayerAxesWin) {
  const std::vector<DesignPoint> points = expand_sweep(parse_sweep(
      "[sweep]\nname = \"n\"\n[workload]\nkind = \"network\"\nnetwork = "
      "\"network_cnn.toml\"\n[axes]\nkind = \"khot\"\nweight = \"fixed<6,1,RND_CONV,SAT>\"\n"
      "k = 2\nbn = \"none\"\nfifo_depth = 8\n[axes.layer.dense4]\nweight = "
      "\"fixed<8,2,RND_CONV,SAT>\"\nk = 3\npe = 5\n",
      (dir_ / "s.toml").string()));
  ASSERT_EQ(points.size(), 1u);
  ASSERT_TRUE(points[0].valid()) << points[0].invalid;
  EXPECT_EQ(points[0].key,
            "kind=khot weight=fixed<6,1,RND_CONV,SAT,0> k=2 bn=none family=xc7 fifo_depth=8 "
            "layer.dense4.pe=5 layer.dense4.weight=fixed<8,2,RND_CONV,SAT,0> layer.dense4.k=3");
  const engine::NetworkPlan& plan = points[0].network->plan;
  ASSERT_EQ(plan.blocks.size(), 5u);
  const std::vector<std::string> weights = {"khot<6,1,2>", "", "khot<6,1,2>", "", "khot<8,2,3>"};
  const std::vector<int> pes = {4, 0, 4, 0, 5};  // conv0, conv2 as described; dense4 its axis
  for (std::size_t b = 0; b < plan.blocks.size(); ++b) {
    const engine::BlockPlan& bp = plan.blocks[b];
    SCOPED_TRACE(bp.layer.name);
    EXPECT_EQ(bp.fifo.depth, 8);
    if (!bp.mvau) continue;
    EXPECT_EQ(fx::type_str(bp.mvau->weight), weights[b]);
    EXPECT_EQ(bp.mvau->pe, pes[b]);
    EXPECT_FALSE(bp.mvau->bn);
    EXPECT_EQ(bp.mvau->kind, engine::EngineKind::KHOT);
  }
  // The description's own conv2 is khot<6,1,2> with its own accumulator; conv0's fixed<4,1>
  // weights became K-hot: the exact default accumulator of 6-bit weights over 9 products of the
  // 8-bit input, as `fxsim run` gives a description without an accumulator key.
  engine::NetworkConfig own = engine::load_network_file(cnn_);
  own.layers[0].engine = engine::EngineKind::KHOT;
  own.layers[0].weight = fx::KhotType::make(fx::KhotKind::KHOT, 6, 1, 2);
  own.layers[0].accumulator.reset();
  EXPECT_EQ(plan.blocks[0].mvau->accumulator,
            engine::plan_network(own).blocks[0].mvau->accumulator);
}

}  // namespace
}  // namespace fxsim::explore
