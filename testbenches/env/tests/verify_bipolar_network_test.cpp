// fxsim verify --engine network of binary / ternary models (model file version 4): the hand-built
// BNN (binary weights x pixels -> threshold bits -> xnor-popcount -> bn logits) and the
// ternary-weight MLP (fixed-point activations, bn_act after each layer, SIMD 3 over 8 inputs: a
// padded lane) of testbenches/common/bipolar_test_nets.hpp, written to a real model file with a
// real IDX image file, as a streaming network of dense blocks (bipolar_network_blocks.hpp). The
// golden logits are the brute-force ones (plain integer loops, independent of models/units); every
// logit must match on the SystemC network model and the stitched RTL, equal
// golden::reference_forward, and a negated weight in the model file must be caught.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fx/fx_type.hpp"
#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "models/engine/network_config.hpp"
#include "models/engine/network_plan.hpp"
#include "testbenches/common/bipolar_test_nets.hpp"
#include "testbenches/env/network_from_model.hpp"
#include "testbenches/env/run_network.hpp"
#include "testbenches/env/verify_network.hpp"

namespace fxsim::env {
namespace {

constexpr int kRows = 2, kCols = 4, kPixels = kRows * kCols;  // the test nets' 8 inputs
constexpr int kImages = 40, kClasses = 3;

struct Net {
  const char* name;
  golden::BipolarNetwork (*make)();
  std::vector<std::int64_t> (*brute)(const std::vector<std::int64_t>&);
  engine::EngineKind kind0, kind1;
  bool threshold0;  // fc1 ends in a threshold unit (the BNN's sign bits)
};

const Net kNets[] = {
    {"bnn", &golden::test::tiny_bnn, &golden::test::brute_bnn, engine::EngineKind::BINARY,
     engine::EngineKind::XNOR, true},
    {"ternary", &golden::test::tiny_ternary, &golden::test::brute_ternary,
     engine::EngineKind::TERNARY, engine::EngineKind::TERNARY, false},
};

class VerifyBipolarNetwork : public ::testing::TestWithParam<Net> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fxsim_verify_bipolar_net_" + std::to_string(::getpid()) + "_" + GetParam().name);
    std::filesystem::create_directories(dir_);
    std::mt19937_64 rng(17);
    golden::IdxImages images{kImages, kRows, kCols, {}};
    for (int i = 0; i < kImages * kPixels; ++i) {
      images.pixels.push_back(static_cast<std::uint8_t>(rng() & 0xff));
    }
    golden::write_idx_images((dir_ / "images.idx").string(), images);
    file_.bipolar = GetParam().make();
    golden::GoldenResults g;
    g.images = (dir_ / "images.idx").string();
    g.count = kImages;
    for (int i = 0; i < kImages; ++i) {
      const std::vector<std::int64_t> px(images.pixels.begin() + i * kPixels,
                                         images.pixels.begin() + (i + 1) * kPixels);
      pixels_.push_back(px);
      const std::vector<std::int64_t> l = GetParam().brute(px);
      g.logits.insert(g.logits.end(), l.begin(), l.end());
      g.labels.push_back(static_cast<std::int64_t>(rng() % kClasses));
    }
    const std::vector<int> pred = golden::argmax_rows(g.logits, kClasses);
    int correct = 0;
    for (int i = 0; i < kImages; ++i) correct += pred[i] == g.labels[i] ? 1 : 0;
    g.accuracy = static_cast<double>(correct) / kImages;
    file_.golden = g;
    path_ = (dir_ / "model.fxm").string();
    golden::write_model_file(path_, file_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  ModelFolding folding(std::vector<int> pe = {}) const {
    ModelFolding f;
    f.pe = std::move(pe);  // empty: the model's lanes
    f.model_ref = path_;
    f.model_data_ref = dir_.string();
    return f;
  }
  NetworkVerifyReport verify(NetworkBackends backend, int images, int chunk,
                             const ModelFolding& f) {
    const golden::ModelFile file = golden::read_model_file(path_);
    NetworkVerifyOptions o;
    o.backend = backend;
    o.images = images;
    o.chunk = chunk;
    o.data_dir = dir_.string();
    return verify_network(file, path_, engine::plan_network(network_from_model(file, f), "net"), o);
  }
  std::string folding_error(const ModelFolding& f) const {
    try {
      network_from_model(file_, f);
    } catch (const ModelFoldingError& e) {
      return e.what();
    }
    return "no error";
  }

  std::filesystem::path dir_;
  std::string path_;
  golden::ModelFile file_;
  std::vector<std::vector<std::int64_t>> pixels_;
};

TEST_P(VerifyBipolarNetwork, TheModelBecomesDenseBlocksOfTheBipolarEngines) {
  const engine::NetworkConfig cfg = network_from_model(file_, folding());
  ASSERT_EQ(cfg.layers.size(), 2u);
  EXPECT_EQ(cfg.input.channels, 8);
  EXPECT_EQ(cfg.input.format.str(), file_.bipolar.input_type.str());
  EXPECT_EQ(cfg.input.simd, file_.bipolar.layers[0].simd);
  EXPECT_EQ(cfg.layers[0].engine, GetParam().kind0);
  EXPECT_EQ(cfg.layers[1].engine, GetParam().kind1);
  EXPECT_EQ(cfg.layers[0].pe, 4);  // fc2's SIMD 4 divides fc1's 4 outputs
  EXPECT_EQ(cfg.layers[1].pe, 1);
  EXPECT_EQ(cfg.layers[0].threshold.has_value(), GetParam().threshold0);
  EXPECT_EQ(cfg.layers[0].bn.has_value(), !GetParam().threshold0);
  EXPECT_TRUE(cfg.layers[1].bn.has_value());
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(cfg.layers[i].accumulator->str(), file_.bipolar.layers[i].acc_type.str()) << i;
  }
}

TEST_P(VerifyBipolarNetwork, ModelBackendMatchesTheBruteForceLogits) {
  // The golden logits are not all equal: the comparison is not vacuous.
  std::vector<std::int64_t> distinct = file_.golden->logits;
  std::sort(distinct.begin(), distinct.end());
  EXPECT_GT(std::unique(distinct.begin(), distinct.end()) - distinct.begin(), 10);
  const NetworkVerifyReport r = verify(NetworkBackends::MODEL, 0, 16, folding());
  EXPECT_EQ(r.images, kImages);
  EXPECT_EQ(r.chunks, 3);
  EXPECT_EQ(r.golden.mismatches, 0u);
  EXPECT_EQ(r.reference_mismatches, 0u);
  EXPECT_TRUE(r.passed());
  ASSERT_EQ(r.logits.size(), static_cast<std::size_t>(kImages * kClasses));
  for (int i = 0; i < kImages; ++i) {
    const std::vector<std::int64_t> got(r.logits.begin() + i * kClasses,
                                        r.logits.begin() + (i + 1) * kClasses);
    EXPECT_EQ(got, GetParam().brute(pixels_[i])) << "image " << i;
    EXPECT_EQ(got, golden::reference_forward(file_.bipolar, pixels_[i])) << "image " << i;
  }
  // Hand-worked: fc1 NF 1 (4 outputs, PE 4) x SF 2 (8 inputs, SIMD 4; the ternary MLP's SIMD 3:
  // SF 3), fc2 NF 3 (3 outputs, PE 1) x SF 1 (4 inputs, SIMD 4): the slowest block's 3 beats.
  EXPECT_EQ(r.interval_cycles, 3u);
}

TEST_P(VerifyBipolarNetwork, OtherPesGiveTheSameLogits) {
  // PE 2, 1: fc2 reads fc1's 4 outputs 2 a beat (an xnor stream of 2 lanes for the BNN).
  const NetworkVerifyReport r = verify(NetworkBackends::MODEL, 0, 40, folding({2, 1}));
  EXPECT_EQ(r.golden.mismatches, 0u);
  EXPECT_EQ(r.reference_mismatches, 0u);
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.plan.blocks[1].mvau->simd, 2);
}

TEST_P(VerifyBipolarNetwork, RtlBackendEqualsTheModelBackend) {
  const NetworkVerifyReport m = verify(NetworkBackends::MODEL, 12, 5, folding());
  const NetworkVerifyReport r = verify(NetworkBackends::RTL, 12, 5, folding());
  EXPECT_EQ(r.golden.mismatches, 0u);
  EXPECT_EQ(r.reference_mismatches, 0u);
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.logits, m.logits);
  EXPECT_EQ(r.latency_cycles, m.latency_cycles);
  EXPECT_EQ(r.interval_cycles, m.interval_cycles);
  EXPECT_EQ(r.simulated_cycles, m.simulated_cycles);
}

TEST_P(VerifyBipolarNetwork, ANegatedWeightGivesMismatches) {
  // Negate fc2's first weight: output 0's accumulator moves by 2 x |input| on every image whose
  // input there is not 0 (every image for the BNN's +-1 bits); the golden logits stay the brute
  // force's of the right weights.
  golden::ModelFile bad = file_;
  std::int8_t& w = bad.bipolar.layers.back().weight_v[0];
  w = static_cast<std::int8_t>(w == 0 ? 1 : -w);
  golden::write_model_file(path_, bad);
  const NetworkVerifyReport r = verify(NetworkBackends::MODEL, 0, 16, folding());
  EXPECT_GT(r.golden.mismatches, 0u);
  EXPECT_EQ(r.golden.first_mismatch_class, 0);
  EXPECT_EQ(r.reference_mismatches, 0u);  // the network does what its operands say
  EXPECT_FALSE(r.passed());
}

TEST_P(VerifyBipolarNetwork, AFoldingThatDoesNotFitIsRefused) {
  EXPECT_EQ(folding_error(folding({4, 1, 1})),
            "--pe: 3 values for a model of 2 layers (fc1, fc2); expected one value for every "
            "layer or one per layer");
  EXPECT_EQ(folding_error(folding({3, 1})),
            "--pe: 3 does not divide fc1's 4 outputs; expected one of 1, 2, 4");
}

// The description written as TOML and loaded back, then one key changed: refused at the
// block's [[layer]] line, naming the key and the model's value.
TEST_P(VerifyBipolarNetwork, ADescriptionThatDiffersFromTheModelIsRefused) {
  const ModelFolding f = folding();
  const std::string text = network_toml(network_from_model(file_, f), f, "test");
  const std::string path = (dir_ / "bad.toml").string();
  const auto error_of = [&](const std::string& toml) -> std::string {
    std::ofstream(path) << toml;
    try {
      run_network(engine::plan_network(engine::load_network_file(path), path));
    } catch (const engine::NetworkFileError& e) {
      return e.what();
    }
    return "no error";
  };
  std::vector<int> layer_lines;
  {
    std::istringstream in(text);
    std::string l;
    for (int n = 1; std::getline(in, l); ++n) {
      if (l == "[[layer]]") layer_lines.push_back(n);
    }
  }
  ASSERT_EQ(layer_lines.size(), 2u);
  const std::string at0 = path + ":" + std::to_string(layer_lines[0]) + ": layer[0].";
  const std::string acc = file_.bipolar.layers[0].acc_type.str();
  // The description as written runs.
  EXPECT_EQ(error_of(text), "no error");
  const std::string kind = file_.bipolar.layers[0].weight_type.is_ternary() ? "ternary" : "binary";
  const fx::FxType& a = file_.bipolar.layers[0].acc_type;
  const std::string acc_key = "accumulator = \"" + acc + "\"";
  // A scaled weight (with the accumulator its scale needs, one fraction bit fewer: the engine's
  // own rule) is not the model's: the file folds the scale into the batch norm / thresholds.
  std::string bad = text;
  const std::string weight = "weight = \"" + kind + "\"";
  bad.replace(bad.find(weight), weight.size(), "weight = \"" + kind + "<2>\"");
  bad.replace(bad.find(acc_key), acc_key.size(),
              "accumulator = \"" + fx::FxType::make_signed(a.width, a.int_bits + 1).str() + "\"");
  EXPECT_EQ(error_of(bad), at0 + "weight: " + kind + "<2>; expected " + kind +
                               ", the weight values of the model's fc1 (its scale is folded into "
                               "the batch norm or the thresholds)");
  // A wider accumulator of the same fraction bits runs, but is not the model's.
  bad = text;
  bad.replace(bad.find(acc_key), acc_key.size(), "accumulator = \"fixed<20,12,TRN,SAT>\"");
  EXPECT_EQ(error_of(bad), at0 + "accumulator: fixed<20,12,TRN,SAT,0>; expected " + acc +
                               ", the accumulator of the model's fc1");
  if (GetParam().threshold0) {
    // fc1 with 3 thresholds streams 2-bit counts, which fc2 takes on engine binary.
    bad = text;
    bad.replace(bad.find("thresholds = 1"), 14, "thresholds = 3");
    bad.replace(bad.find("engine = \"xnor\""), 15, "engine = \"binary\"");
    bad.replace(bad.rfind("accumulator = "),
                bad.find('\n', bad.rfind("accumulator = ")) - bad.rfind("accumulator = "),
                "accumulator = \"fixed<12,12,TRN,SAT>\"");
    EXPECT_EQ(error_of(bad),
              at0 +
                  "threshold.thresholds: 3; expected 1, the model's fc1 has one threshold a "
                  "channel");
  }
  bad = text;
  const std::size_t second = bad.find("[[layer]]", bad.find("[[layer]]") + 1);
  bad.erase(second);
  EXPECT_NE(error_of(bad).find(": layer: 1 [[layer]] tables; expected 2, a dense block per layer "
                               "of the model (fc1, fc2)"),
            std::string::npos)
      << error_of(bad);
}

INSTANTIATE_TEST_SUITE_P(Nets, VerifyBipolarNetwork, ::testing::ValuesIn(kNets),
                         [](const ::testing::TestParamInfo<Net>& p) { return p.param.name; });

}  // namespace
}  // namespace fxsim::env
