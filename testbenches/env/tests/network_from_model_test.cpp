// A trained model file as a streaming network (testbenches/env/network_from_model.hpp): a small
// two-layer model written to a real model file with a real IDX image file, its golden logits
// computed independently through golden::reference_forward (models/units, one image at a time),
// converted to a network description at two foldings, written as TOML and loaded back, and run
// on the SystemC network model and the stitched RTL: every logit must equal reference_forward's,
// the cycles of both backends must be equal, and the top-1 count the one counted here. fc2's
// accumulator saturates, so its SIMD (the order of the saturations) is fixed by the model and a
// folding that changes it is refused; fc1's cannot overflow, so its SIMD is free. The same model
// on the network engine in chunks (`fxsim verify --engine network`) gives the layer engine's
// logits, and the format's frozen CNN file becomes conv, pool and dense blocks.
#include "testbenches/env/network_from_model.hpp"

#include <fmt/core.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fx/khot.hpp"
#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "golden/quant_network.hpp"
#include "models/engine/network_config.hpp"
#include "models/engine/network_plan.hpp"
#include "testbenches/env/run_network.hpp"
#include "testbenches/env/verify_model.hpp"
#include "testbenches/env/verify_network.hpp"

namespace fxsim::env {
namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;

constexpr int kPixels = 32;
constexpr int kImages = 12;
constexpr int kClasses = 10;

std::int64_t draw_raw(std::mt19937_64& rng, const FxType& t) {
  const std::int64_t lo = t.raw_min(), hi = t.raw_max();
  return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
}

// fc1: 32 -> 12, SIMD 8, K-hot BN scales, relu_clip, an accumulator no sum can overflow (|sum| <
// 32 x 1 x 1 < 64); fc2: 12 -> 10, SIMD 4, no BN, an accumulator of range [-8, 8) that products
// up to 5 x 2 saturate: its outputs depend on the order of its beats.
golden::QuantNetwork make_model() {
  std::mt19937_64 rng(99);
  golden::QuantNetwork m;
  m.input_type = FxType::make_unsigned(8, 0, Rounding::RND_CONV, Overflow::SAT);
  golden::DenseLayer fc1;
  fc1.name = "fc1";
  fc1.in_features = kPixels;
  fc1.out_features = 12;
  fc1.simd = 8;
  fc1.input_type = m.input_type;
  fc1.weight_type = FxType::make_signed(6, 1, Rounding::RND_CONV, Overflow::SAT);
  fc1.acc_type = FxType::make_signed(20, 7, Rounding::TRN, Overflow::SAT);  // F = 8 + 5
  fc1.out_type = FxType::make_signed(12, 4, Rounding::RND_CONV, Overflow::SAT);
  for (int i = 0; i < fc1.in_features * fc1.out_features; ++i) {
    fc1.weight_raw.push_back(draw_raw(rng, fc1.weight_type));
  }
  golden::BnActLayer bn;
  bn.scale_type = fx::parse_khot_type("khot<8,3,2>");
  bn.bias_type = FxType::make_signed(8, 4);
  bn.out_type = FxType::make_unsigned(8, 3, Rounding::RND_CONV, Overflow::SAT);
  bn.act = units::Activation::RELU_CLIP;
  bn.clip_raw = 160;  // 5.0
  for (int o = 0; o < fc1.out_features; ++o) {
    const int a = static_cast<int>(rng() % 5), b = static_cast<int>(rng() % 5);
    const std::int64_t sign = (rng() & 1) ? 1 : -1;
    bn.scale_raw.push_back(sign * ((std::int64_t{1} << a) + (std::int64_t{1} << b)));
    bn.bias_raw.push_back(draw_raw(rng, bn.bias_type));
  }
  fc1.bn = bn;
  golden::DenseLayer fc2;
  fc2.name = "fc2";
  fc2.in_features = 12;
  fc2.out_features = kClasses;
  fc2.simd = 4;
  fc2.input_type = bn.out_type;
  fc2.weight_type = FxType::make_signed(8, 2, Rounding::RND_CONV, Overflow::SAT);
  fc2.acc_type = FxType::make_signed(15, 4, Rounding::TRN, Overflow::SAT);  // F = 5 + 6 = 11
  fc2.out_type = FxType::make_signed(12, 5, Rounding::RND_CONV, Overflow::SAT);
  for (int i = 0; i < fc2.in_features * fc2.out_features; ++i) {
    fc2.weight_raw.push_back(draw_raw(rng, fc2.weight_type));
  }
  m.layers = {fc1, fc2};
  golden::validate(m);
  return m;
}

// fc2's sums beat by beat (4 products a beat, saturated to raws [-2^14, 2^14) after each beat)
// differ from the same sums in one beat of 12 for some image: the order matters in this model.
bool saturates_in_some_image(const golden::QuantNetwork& m, const std::vector<std::uint8_t>& px) {
  for (int i = 0; i < kImages; ++i) {
    const std::vector<std::int64_t> in(px.begin() + i * kPixels, px.begin() + (i + 1) * kPixels);
    const std::vector<std::int64_t> h = golden::reference_dense(m.layers[0], in);
    golden::DenseLayer one_beat = m.layers[1];
    one_beat.simd = 12;
    if (golden::reference_dense(m.layers[1], h) != golden::reference_dense(one_beat, h)) {
      return true;
    }
  }
  return false;
}

class NetworkFromModel : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fxsim_nfm_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_ / "nets");
    std::mt19937_64 rng(5);
    golden::IdxImages images{kImages + 4, 4, 8, {}};
    for (int i = 0; i < (kImages + 4) * kPixels; ++i) {
      pixels_.push_back(static_cast<std::uint8_t>(rng() & 0xff));
    }
    images.pixels = pixels_;
    golden::write_idx_images((dir_ / "images.idx").string(), images);
    file_.model = make_model();
    golden::GoldenResults g;
    g.images = (dir_ / "images.idx").string();
    g.count = kImages;
    for (int i = 0; i < kImages; ++i) {
      const std::vector<std::int64_t> in(pixels_.begin() + i * kPixels,
                                         pixels_.begin() + (i + 1) * kPixels);
      const std::vector<std::int64_t> logits = golden::reference_forward(file_.model, in);
      g.logits.insert(g.logits.end(), logits.begin(), logits.end());
      g.labels.push_back(static_cast<std::int64_t>(rng() % kClasses));
    }
    for (int i = 0; i < kImages; ++i) {  // top-1: the first maximum of each row
      int best = 0;
      for (int c = 1; c < kClasses; ++c) {
        if (g.logits[i * kClasses + c] > g.logits[i * kClasses + best]) best = c;
      }
      expected_correct_ += best == g.labels[i] ? 1 : 0;
    }
    g.accuracy = static_cast<double>(expected_correct_) / kImages;
    file_.golden = g;
    model_path_ = (dir_ / "model.fxm").string();
    golden::write_model_file(model_path_, file_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // The description at `f`, written to nets/NAME.toml (the model named relative to it) and
  // loaded back as `fxsim run --network` loads it.
  engine::NetworkPlan write_and_load(ModelFolding f, const std::string& name,
                                     std::string* text = nullptr) {
    f.model_ref = "../model.fxm";
    const engine::NetworkConfig cfg = network_from_model(golden::read_model_file(model_path_), f);
    const std::string toml = network_toml(cfg, f, "test");
    if (text) *text = toml;
    return load(toml, name);
  }
  engine::NetworkPlan load(const std::string& toml, const std::string& name) {
    const std::string path = (dir_ / "nets" / (name + ".toml")).string();
    std::ofstream(path) << toml;
    return engine::plan_network(engine::load_network_file(path), path);
  }
  std::string error_of(const ModelFolding& f) {
    try {
      network_from_model(golden::read_model_file(model_path_), f);
    } catch (const ModelFoldingError& e) {
      return e.what();
    }
    return "no error";
  }

  std::filesystem::path dir_;
  std::string model_path_;
  golden::ModelFile file_;
  std::vector<std::uint8_t> pixels_;
  int expected_correct_ = 0;
};

TEST_F(NetworkFromModel, TheModelsFc2DependsOnItsAccumulationOrder) {
  EXPECT_TRUE(saturates_in_some_image(file_.model, pixels_));
  EXPECT_TRUE(accumulation_order_free(file_.model.layers[0]));
  EXPECT_FALSE(accumulation_order_free(file_.model.layers[1]));
}

TEST_F(NetworkFromModel, TheDescriptionCarriesTheModelsLayers) {
  ModelFolding f;
  f.pe = {4, 2};
  std::string text;
  const engine::NetworkPlan plan = write_and_load(f, "net", &text);
  EXPECT_EQ(plan.config.model, (dir_ / "model.fxm").lexically_normal().string());
  EXPECT_EQ(plan.config.images, kImages);  // all 12 golden images (fewer than 100)
  EXPECT_EQ(plan.config.name, "model");
  ASSERT_EQ(plan.blocks.size(), 2u);
  EXPECT_EQ(plan.input().c, kPixels);
  EXPECT_EQ(plan.input().lanes, 8);  // fc1's own SIMD
  EXPECT_EQ(plan.input().format.str(), "ufixed<8,0,RND_CONV,SAT,0>");
  const engine::EngineConfig& a = *plan.blocks[0].mvau;
  EXPECT_EQ(plan.blocks[0].layer.name, "fc1");
  EXPECT_EQ(a.pe, 4);
  EXPECT_EQ(a.simd, 8);
  EXPECT_EQ(a.in_features, 32);
  EXPECT_EQ(a.out_features, 12);
  EXPECT_EQ(fx::type_str(a.weight), "fixed<6,1,RND_CONV,SAT,0>");
  EXPECT_EQ(a.accumulator.str(), "fixed<20,7,TRN,SAT,0>");
  EXPECT_EQ(a.output.str(), "fixed<12,4,RND_CONV,SAT,0>");
  ASSERT_TRUE(a.bn);
  EXPECT_EQ(fx::type_str(a.bn->scale), "khot<8,3,2>");
  EXPECT_EQ(a.bn->activation, units::Activation::RELU_CLIP);
  EXPECT_EQ(a.bn->clip, 5.0);
  const engine::EngineConfig& b = *plan.blocks[1].mvau;
  EXPECT_EQ(b.pe, 2);
  EXPECT_EQ(b.simd, 4);  // fc1's PE
  EXPECT_EQ(b.accumulator.str(), "fixed<15,4,TRN,SAT,0>");
  EXPECT_FALSE(b.bn);
  EXPECT_NE(text.find("model = \"../model.fxm\"\n"), std::string::npos) << text;
}

// Both foldings on both backends: every logit equal to reference_forward's (stored as the golden
// logits), equal to the network reference, equal cycles, the top-1 count counted in SetUp.
TEST_F(NetworkFromModel, EveryLogitEqualsTheGoldenOnBothBackendsAtTwoFoldings) {
  ModelFolding a;
  a.pe = {4, 2};
  ModelFolding b;  // fc1 at SIMD 2 (its sums cannot overflow), fc2's PE 5, register-slice FIFOs
  b.pe = {4, 5};
  b.simd = 2;
  b.fifo_depth = 1;
  // The interval, hand-worked: the slowest block's folds x beats an image (the input DMA brings
  // a beat a cycle). a: fc1 12 / 4 folds x 32 / 8 beats = 12, fc2 10 / 2 x 12 / 4 = 15;
  // b: fc1 3 x 32 / 2 = 48, fc2 10 / 5 x 3 = 6.
  const std::vector<std::uint64_t> interval = {15, 48};
  std::vector<std::uint64_t> cycles;
  for (const ModelFolding& f : {a, b}) {
    const engine::NetworkPlan plan = write_and_load(f, "net" + std::to_string(f.simd));
    NetworkRunOptions o;
    o.backends = NetworkBackends::BOTH;
    const NetworkSummary s = run_network(plan, o);
    ASSERT_EQ(s.runs.size(), 2u);
    for (const NetworkBackendRun& r : s.runs) {
      SCOPED_TRACE(r.backend + " backend, input SIMD " + std::to_string(f.simd));
      EXPECT_EQ(r.result.output, file_.golden->logits);
      EXPECT_EQ(r.mismatches, 0u);
      ASSERT_TRUE(r.golden);
      EXPECT_EQ(r.golden->images, kImages);
      EXPECT_EQ(r.golden->mismatches, 0u);
      EXPECT_EQ(r.golden->first_mismatch_image, -1);
      EXPECT_EQ(r.golden->correct, expected_correct_);
      EXPECT_EQ(r.golden->golden_correct, expected_correct_);
    }
    EXPECT_GT(s.runs[0].result.cycles, 0u);
    EXPECT_EQ(s.runs[0].result.cycles, s.runs[1].result.cycles);
    EXPECT_EQ(s.runs[0].result.image_done, s.runs[1].result.image_done);
    EXPECT_TRUE(s.passed());
    EXPECT_EQ(s.runs[0].result.interval(), interval[cycles.size()]);
    EXPECT_EQ(s.runs[1].result.interval(), interval[cycles.size()]);
    cycles.push_back(s.runs[0].result.cycles);
    const std::string text = network_summary_text(s, "net.toml");
    EXPECT_NE(text.find(fmt::format("  golden logits: 0 differ; top-1 {} of {} ", expected_correct_,
                                    kImages)),
              std::string::npos)
        << text;
    const nlohmann::ordered_json j = network_summary_json(s, "net.toml");
    EXPECT_EQ(j["runs"][1]["golden"]["correct"], expected_correct_);
    EXPECT_EQ(j["runs"][1]["golden"]["logit_mismatches"], 0);
    EXPECT_EQ(j["network"]["model"], plan.config.model);
  }
  EXPECT_NE(cycles[0], cycles[1]);  // the foldings are different hardware
}

// A golden logit changed in the model file: the network still equals its reference, but the
// golden check counts the one logit, names its image, and the run fails.
TEST_F(NetworkFromModel, AWrongGoldenLogitFailsTheRun) {
  file_.golden->logits[7 * kClasses + 3] += 1;
  golden::write_model_file(model_path_, file_);
  ModelFolding f;
  f.pe = {4, 2};
  const NetworkSummary s = run_network(write_and_load(f, "net"));
  ASSERT_EQ(s.runs.size(), 1u);
  EXPECT_EQ(s.runs[0].mismatches, 0u);
  ASSERT_TRUE(s.runs[0].golden);
  EXPECT_EQ(s.runs[0].golden->mismatches, 1u);
  EXPECT_EQ(s.runs[0].golden->first_mismatch_image, 7);
  EXPECT_FALSE(s.passed());
}

// The MLP on the network engine (`fxsim verify --engine network`), at the model's lanes (fc1's PE
// = fc2's SIMD 4, the order fc2's saturations need) and in chunks of 5: the same logits as the
// layer engine (`fxsim verify`'s default for an MLP), both equal to the golden logits, the same
// top-1 count.
TEST_F(NetworkFromModel, TheNetworkEngineGivesTheLayerEnginesLogits) {
  const golden::ModelFile file = golden::read_model_file(model_path_);
  VerifyOptions lo;
  lo.layer_pe = {4, 2};
  const VerifyReport layer = verify_model(file, model_path_, lo);
  EXPECT_EQ(layer.logit_mismatches, 0u);
  ModelFolding f;
  f.pe.clear();
  f.model_ref = model_path_;
  const engine::NetworkPlan plan = engine::plan_network(network_from_model(file, f), "mlp");
  EXPECT_EQ(plan.blocks[0].mvau->pe, 4);
  EXPECT_EQ(plan.blocks[1].mvau->pe, 1);
  NetworkVerifyOptions no;
  no.chunk = 5;
  const NetworkVerifyReport net = verify_network(file, model_path_, plan, no);
  EXPECT_EQ(net.chunks, 3);
  EXPECT_EQ(net.logits, file_.golden->logits);
  EXPECT_EQ(net.golden.mismatches, 0u);
  EXPECT_EQ(net.golden.correct, layer.hardware_correct);
  EXPECT_EQ(net.golden.correct, expected_correct_);
  EXPECT_TRUE(net.passed());
  EXPECT_TRUE(layer.passed());
}

// The auto-folding rule on this model: the cheapest folding for a loose target would stream fc2
// one input a beat (fc1 at PE 1), but fc2's accumulator saturates, so only fc1 at PE 4 (fc2's
// trained SIMD) is allowed; the folding runs bit-exact.
TEST_F(NetworkFromModel, AutoFoldingKeepsTheSimdOfALayerThatCanOverflow) {
  const golden::ModelFile file = golden::read_model_file(model_path_);
  ModelFolding f;
  f.model_ref = model_path_;
  engine::FoldingGoal goal;
  goal.target_interval = 100000;
  f.goal = goal;
  const engine::NetworkPlan plan = engine::plan_network(network_from_model(file, f), "mlp");
  EXPECT_EQ(plan.blocks[0].mvau->pe, 4);
  EXPECT_EQ(plan.blocks[1].mvau->simd, 4);
  EXPECT_EQ(plan.blocks[1].mvau->pe, 1);
  const NetworkVerifyReport r = verify_network(file, model_path_, plan, NetworkVerifyOptions{});
  EXPECT_EQ(r.logits, file_.golden->logits);
  // Without the model's rule the same search picks fc1 at PE 1, which the model refuses.
  engine::NetworkConfig free = plan.config;
  free.layers[0].pe = 1;
  const engine::FoldingResult unrestricted = engine::fold_network(free, goal, "mlp");
  ASSERT_TRUE(unrestricted.feasible);
  EXPECT_EQ(unrestricted.folding.blocks[0].pe, 1);
}

// A model file version 2 with conv / max-pool layers (the format's frozen CNN file, written by
// testbenches/golden/model_file_v2_test.cpp) becomes a conv block (its SPT weights on the spt
// engine, its SPT BN scales, relu_clip), a pool block and a dense block reading the pooled map.
TEST(NetworkFromCnnModel, BecomesConvPoolAndDenseBlocks) {
  const golden::ModelFile cnn =
      golden::read_model_file(std::string(FXSIM_GOLDEN_DATA_DIR) + "/cnn_v2.fxm");
  ModelFolding f;
  f.pe = {2, 1};
  const engine::NetworkPlan plan = engine::plan_network(network_from_model(cnn, f), "cnn_v2");
  ASSERT_EQ(plan.blocks.size(), 3u);
  EXPECT_EQ(plan.input().h, 4);
  EXPECT_EQ(plan.input().c, 3);
  EXPECT_EQ(plan.input().lanes, 2);  // conv1's SIMD
  const engine::BlockPlan& conv = plan.blocks[0];
  EXPECT_EQ(conv.layer.kind, engine::LayerKind::CONV);
  EXPECT_EQ(conv.layer.padding, 1);
  EXPECT_EQ(conv.mvau->kind, engine::EngineKind::SPT);
  EXPECT_EQ(fx::type_str(conv.mvau->weight), "spt<4,1,2>");
  EXPECT_EQ(conv.mvau->in_features, 36);  // 3 x 3 x Cp 4
  EXPECT_EQ(fx::type_str(conv.mvau->bn->scale), "spt<6,2,2>");
  EXPECT_EQ(conv.mvau->bn->activation, units::Activation::RELU_CLIP);
  EXPECT_EQ(plan.blocks[1].layer.kind, engine::LayerKind::POOL);
  EXPECT_EQ(plan.blocks[1].out.h, 2);
  EXPECT_EQ(plan.blocks[2].mvau->in_features, 8);  // 2 x 2 x 2
  EXPECT_EQ(plan.blocks[2].mvau->simd, 2);         // conv1's PE (fc1's sums cannot overflow)
}

TEST_F(NetworkFromModel, FoldingsThatDoNotFitAreNamedErrors) {
  ModelFolding f;
  f.pe = {4, 2, 2};
  EXPECT_EQ(error_of(f),
            "--pe: 3 values for a model of 2 layers (fc1, fc2); expected one value for every "
            "layer or one per layer");
  f.pe = {4, 3};
  EXPECT_EQ(error_of(f), "--pe: 3 does not divide fc2's 10 outputs; expected one of 1, 2, 5, 10");
  f.pe = {5};
  EXPECT_EQ(error_of(f),
            "--pe: 5 does not divide fc1's 12 outputs; expected one of 1, 2, 3, 4, 6, 12");
  f.pe = {6, 2};
  EXPECT_EQ(error_of(f),
            "--pe: fc1's PE 6 makes fc2 accumulate 6 inputs a beat, but the model's fc2 "
            "accumulates 4 and its accumulator fixed<15,4,TRN,SAT,0> can overflow, so the order "
            "of its saturations matters (a block's SIMD is the PE of the block before it); "
            "expected PE 4 for fc1");
  f.pe = {4, 2};
  f.images = kImages + 1;
  EXPECT_EQ(error_of(f),
            "--images: 13; expected at most 12, the golden test images of the model file");
}

// The line of the first line of `text` that starts with `prefix` (from 1), found here.
int line_of(const std::string& text, const std::string& prefix, int nth = 1) {
  std::istringstream in(text);
  std::string l;
  for (int n = 1; std::getline(in, l); ++n) {
    if (l.rfind(prefix, 0) == 0 && --nth == 0) return n;
  }
  return 0;
}

std::string run_error(const engine::NetworkPlan& plan) {
  try {
    run_network(plan);
  } catch (const engine::NetworkFileError& e) {
    return e.what();
  }
  return "no error";
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const std::size_t at = s.find(from);
  return at == std::string::npos ? s : s.replace(at, from.size(), to);
}

TEST_F(NetworkFromModel, ADescriptionThatDiffersFromItsModelIsRefused) {
  ModelFolding f;
  f.pe = {4, 2};
  std::string text;
  write_and_load(f, "net", &text);
  const std::string path = (dir_ / "nets" / "bad.toml").string();
  // fc2 with 8 outputs: the model's has 10.
  std::string bad = replace(text, "outputs = 10", "outputs = 8");
  EXPECT_EQ(run_error(load(bad, "bad")),
            path + ":" + std::to_string(line_of(bad, "[[layer]]", 2)) +
                ": layer[1].outputs: 8; expected 10, the outputs of the model's fc2");
  // fc1's weights one bit narrower.
  bad = replace(text, "weight = \"fixed<6,1,RND_CONV,SAT,0>\"",
                "weight = \"fixed<5,1,RND_CONV,SAT,0>\"");
  bad = replace(bad, "accumulator = \"fixed<20,7,TRN,SAT,0>\"",
                "accumulator = \"fixed<19,7,TRN,SAT,0>\"");
  EXPECT_EQ(run_error(load(bad, "bad")),
            path + ":" + std::to_string(line_of(bad, "[[layer]]")) +
                ": layer[0].weight: fixed<5,1,RND_CONV,SAT,0>; expected fixed<6,1,RND_CONV,SAT,0>, "
                "the weight type of the model's fc1");
  // fc1 at PE 2 makes fc2 accumulate 2 a beat.
  bad = replace(text, "pe = 4", "pe = 2");
  EXPECT_EQ(run_error(load(bad, "bad")),
            path + ":" + std::to_string(line_of(bad, "[[layer]]")) +
                ": layer[0].pe: 2 makes fc2 accumulate 2 inputs a beat, but the model's fc2 "
                "accumulates 4 and its accumulator fixed<15,4,TRN,SAT,0> can overflow, so the "
                "order of its saturations matters; expected 4");
  // A third block.
  bad = text + "\n[[layer]]\nkind = \"dense\"\noutputs = 2\npe = 1\nweight = \"fixed<4,1>\"\n" +
        "output = \"fixed<8,3>\"\n";
  EXPECT_EQ(run_error(load(bad, "bad")),
            path + ":" + std::to_string(line_of(text, "model = ")) +
                ": layer: 3 [[layer]] tables; expected 2, a dense block per layer of the model "
                "(fc1, fc2)");
  // The model file gone.
  std::filesystem::remove(model_path_);
  EXPECT_NE(run_error(load(text, "bad"))
                .find(path + ":" + std::to_string(line_of(text, "model = ")) + ": network.model: "),
            std::string::npos);
}

}  // namespace
}  // namespace fxsim::env
