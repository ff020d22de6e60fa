// fxsim verify (testbenches/env/): a small two-layer model written to a real model file with a real
// IDX image file, its golden logits computed independently through golden::reference_forward
// (models/units, one image at a time), then run through the engine testbench layer by layer.
// Cycle counts are the hand-worked formula of docs/engine.md; a corrupted golden logit must be
// caught; the RTL backend must agree with the model backend.
#include "testbenches/env/verify_model.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "fx/khot.hpp"
#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "golden/quant_network.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/latency.hpp"
#include "models/engine/memory_map.hpp"
#include "models/engine/network_plan.hpp"
#include "models/engine/stimulus.hpp"
#include "models/resources/estimate.hpp"
#include "models/units/unit_registry.hpp"
#include "testbenches/common/hand_model_file.hpp"
#include "testbenches/env/model_layer_point.hpp"
#include "testbenches/env/network_from_model.hpp"
#include "testbenches/env/verify_network.hpp"

namespace fxsim::env {
namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;

constexpr int kRows = 4, kCols = 8, kPixels = kRows * kCols;  // 32 inputs
constexpr int kImages = 40;

// A raw uniformly over a format's range, from our own mapping of the generator's words.
std::int64_t draw_raw(std::mt19937_64& rng, const FxType& t) {
  const std::int64_t lo = t.raw_min(), hi = t.raw_max();
  return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
}

// fc1: 32 -> 16, SIMD 8, K-hot BN scales, relu_clip; fc2: 16 -> 10, SIMD 4, no BN (the logits).
golden::QuantNetwork make_model() {
  std::mt19937_64 rng(2024);
  golden::QuantNetwork m;
  m.input_type = FxType::make_unsigned(8, 0, Rounding::RND_CONV, Overflow::SAT);

  golden::DenseLayer fc1;
  fc1.name = "fc1";
  fc1.in_features = kPixels;
  fc1.out_features = 16;
  fc1.simd = 8;
  fc1.input_type = m.input_type;
  fc1.weight_type = FxType::make_signed(6, 1, Rounding::RND_CONV, Overflow::SAT);
  fc1.acc_type = FxType::make_signed(20, 7, Rounding::TRN, Overflow::SAT);  // F = 8 + 5
  fc1.out_type = FxType::make_signed(12, 4, Rounding::RND_CONV, Overflow::SAT);
  for (int i = 0; i < fc1.in_features * fc1.out_features; ++i) {
    fc1.weight_raw.push_back(draw_raw(rng, fc1.weight_type));
  }
  golden::BnActLayer bn;
  const fx::KhotType scale = fx::parse_khot_type("khot<8,3,2>");
  bn.scale_type = scale;
  bn.bias_type = FxType::make_signed(8, 4);
  bn.out_type = FxType::make_unsigned(8, 3, Rounding::RND_CONV, Overflow::SAT);
  bn.act = units::Activation::RELU_CLIP;
  bn.clip_raw = 160;  // 5.0
  for (int o = 0; o < fc1.out_features; ++o) {
    // +-(2^a + 2^b): at most two ones in the magnitude, representable in khot<8,3,2>.
    const int a = static_cast<int>(rng() % 5), b = static_cast<int>(rng() % 5);
    const std::int64_t sign = (rng() & 1) ? 1 : -1;
    bn.scale_raw.push_back(sign * ((std::int64_t{1} << a) + (std::int64_t{1} << b)));
    bn.bias_raw.push_back(draw_raw(rng, bn.bias_type));
  }
  fc1.bn = bn;

  golden::DenseLayer fc2;
  fc2.name = "fc2";
  fc2.in_features = 16;
  fc2.out_features = 10;
  fc2.simd = 4;
  fc2.input_type = bn.out_type;
  fc2.weight_type = FxType::make_signed(8, 2, Rounding::RND_CONV, Overflow::SAT);
  fc2.acc_type = FxType::make_signed(24, 13, Rounding::TRN, Overflow::WRAP);  // F = 5 + 6 = 11
  fc2.out_type = FxType::make_signed(16, 8, Rounding::RND_CONV, Overflow::SAT);
  for (int i = 0; i < fc2.in_features * fc2.out_features; ++i) {
    fc2.weight_raw.push_back(draw_raw(rng, fc2.weight_type));
  }
  m.layers = {fc1, fc2};
  golden::validate(m);
  return m;
}

class VerifyModel : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fxsim_verify_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    // An uncompressed IDX image file (zlib's gzread reads it as it is).
    std::mt19937_64 rng(7);
    golden::IdxImages images{kImages, kRows, kCols, {}};
    for (int i = 0; i < kImages * kPixels; ++i) {
      pixels_.push_back(static_cast<std::uint8_t>(rng() & 0xff));
    }
    images.pixels = pixels_;
    golden::write_idx_images((dir_ / "images.idx").string(), images);

    golden::ModelFile file;
    file.model = make_model();
    golden::GoldenResults g;
    g.images = (dir_ / "images.idx").string();
    g.count = kImages;
    for (int i = 0; i < kImages; ++i) {
      const std::vector<std::int64_t> in(pixels_.begin() + i * kPixels,
                                         pixels_.begin() + (i + 1) * kPixels);
      const std::vector<std::int64_t> logits = golden::reference_forward(file.model, in);
      g.logits.insert(g.logits.end(), logits.begin(), logits.end());
      g.labels.push_back(static_cast<std::int64_t>(rng() % 10));
    }
    // The expected top-1 count, computed here: first maximum of each row against the label.
    for (int i = 0; i < kImages; ++i) {
      int best = 0;
      for (int c = 1; c < 10; ++c) {
        if (g.logits[i * 10 + c] > g.logits[i * 10 + best]) best = c;
      }
      expected_correct_ += best == g.labels[i] ? 1 : 0;
    }
    g.accuracy = static_cast<double>(expected_correct_) / kImages;
    file.golden = g;
    model_path_ = (dir_ / "model.fxm").string();
    golden::write_model_file(model_path_, file);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  golden::ModelFile load() const { return golden::read_model_file(model_path_); }

  std::filesystem::path dir_;
  std::string model_path_;
  std::vector<std::uint8_t> pixels_;
  int expected_correct_ = 0;
};

TEST_F(VerifyModel, ModelBackendReproducesEveryGoldenLogit) {
  VerifyOptions o;
  o.batch = 16;  // 16 + 16 + 8: a short last batch
  const VerifyReport r = verify_model(load(), model_path_, o);
  EXPECT_EQ(r.images, kImages);
  EXPECT_EQ(r.logit_mismatches, 0u);
  EXPECT_EQ(r.first_mismatch_image, -1);
  EXPECT_EQ(r.layer_mismatches(), 0u);
  EXPECT_EQ(r.hardware_correct, expected_correct_);
  EXPECT_EQ(r.golden_correct, expected_correct_);
  EXPECT_TRUE(r.passed());
}

TEST_F(VerifyModel, CyclesFollowTheLatencyFormula) {
  VerifyOptions o;
  o.batch = 16;
  const VerifyReport r = verify_model(load(), model_path_, o);
  ASSERT_EQ(r.layers.size(), 2u);
  // fc1: PE 8 -> NF 2, SIMD 8 -> SF 4: 8 beats per image, + (2+1) MAC + (2+1) BN fill.
  EXPECT_EQ(r.layers[0].single_image_cycles, 8u + 3 + 3);
  EXPECT_EQ(r.layers[0].compute_cycles, (16u * 8 + 6) + (16u * 8 + 6) + (8u * 8 + 6));
  // fc2: 10 outputs on PE 8 -> NF 2, 16 / SIMD 4 -> SF 4: 8 beats, + 3 MAC fill, no BN.
  EXPECT_EQ(r.layers[1].single_image_cycles, 8u + 3);
  EXPECT_EQ(r.layers[1].compute_cycles, (16u * 8 + 3) + (16u * 8 + 3) + (8u * 8 + 3));
  EXPECT_EQ(r.single_image_cycles(), 25u);
  EXPECT_DOUBLE_EQ(r.latency_ns(), 25 * 4.0);
  EXPECT_DOUBLE_EQ(r.cycles_per_image(), (338.0 + 329.0) / kImages);
}

// Named by image, class and both raws (the network engine's report gives the same).
TEST_F(VerifyModel, AWrongGoldenLogitIsCaught) {
  golden::ModelFile file = load();
  const std::int64_t right = file.golden->logits[5 * 10 + 3];
  file.golden->logits[5 * 10 + 3] = right + 1;
  VerifyOptions o;
  const VerifyReport r = verify_model(file, model_path_, o);
  EXPECT_EQ(r.logit_mismatches, 1u);
  EXPECT_EQ(r.images_with_mismatch, 1u);
  EXPECT_EQ(r.first_mismatch_image, 5);
  EXPECT_EQ(r.first_mismatch_class, 3);
  EXPECT_EQ(r.first_expected, right + 1);
  EXPECT_EQ(r.first_got, right);
  EXPECT_EQ(r.layer_mismatches(), 0u);  // the hardware agrees with models/units
  EXPECT_FALSE(r.passed());
}

// Batches spread over forked workers: the same counts, cycles and first mismatch as one process
// (the merge goes in batch order), progress over every image. Worker 0 takes batches 0 and 2,
// worker 1 batch 1: the mismatches sit in batches 1 and 0.
TEST_F(VerifyModel, WorkersGiveTheReportOfOneProcess) {
  golden::ModelFile file = load();
  const std::int64_t right = file.golden->logits[5 * 10 + 3];
  file.golden->logits[20 * 10 + 1] += 1;
  file.golden->logits[5 * 10 + 3] -= 1;
  file.golden->logits[5 * 10 + 4] += 1;
  for (const env::BackendKind backend : {env::BackendKind::MODEL, env::BackendKind::RTL}) {
    SCOPED_TRACE(env::to_string(backend));
    VerifyOptions o;
    o.backend = backend;
    o.batch = 16;
    o.jobs = 2;
    std::vector<int> done;
    o.progress = [&done](int d, int total) {
      EXPECT_EQ(total, kImages);
      done.push_back(d);
    };
    const VerifyReport r = verify_model(file, model_path_, o);
    EXPECT_EQ(r.jobs, 2);
    ASSERT_EQ(done.size(), 3u);
    EXPECT_EQ(done.back(), kImages);
    EXPECT_EQ(r.logit_mismatches, 3u);
    EXPECT_EQ(r.images_with_mismatch, 2u);
    EXPECT_EQ(r.first_mismatch_image, 5);
    EXPECT_EQ(r.first_mismatch_class, 3);
    EXPECT_EQ(r.first_expected, right - 1);
    EXPECT_EQ(r.first_got, right);
    EXPECT_EQ(r.layer_mismatches(), 0u);
    EXPECT_EQ(r.golden_correct, expected_correct_);
    EXPECT_EQ(r.layers[0].compute_cycles, (16u * 8 + 6) + (16u * 8 + 6) + (8u * 8 + 6));
    EXPECT_EQ(r.layers[1].compute_cycles, (16u * 8 + 3) + (16u * 8 + 3) + (8u * 8 + 3));
    EXPECT_EQ(r.layers[0].single_image_cycles, 14u);
    EXPECT_TRUE(r.layers[0].completed);
    VerifyOptions one = o;
    one.jobs = 1;
    one.progress = nullptr;
    const VerifyReport s = verify_model(file, model_path_, one);
    EXPECT_EQ(s.jobs, 1);
    EXPECT_EQ(r.hardware_correct, s.hardware_correct);
    EXPECT_EQ(r.layers[0].transfer_cycles, s.layers[0].transfer_cycles);
    EXPECT_EQ(r.layers[1].transfer_cycles, s.layers[1].transfer_cycles);
  }
}

TEST_F(VerifyModel, ImagesSelectsTheFirstN) {
  VerifyOptions o;
  o.images = 7;
  const VerifyReport r = verify_model(load(), model_path_, o);
  EXPECT_EQ(r.images, 7);
  EXPECT_EQ(r.batch, 7);
  EXPECT_EQ(r.layers[0].compute_cycles, 7u * 8 + 6);
  EXPECT_TRUE(r.passed());
}

TEST_F(VerifyModel, RtlBackendIsBitExactWithTheSameCycles) {
  VerifyOptions o;
  o.backend = env::BackendKind::RTL;
  o.images = 12;
  o.batch = 5;
  const VerifyReport r = verify_model(load(), model_path_, o);
  EXPECT_EQ(r.logit_mismatches, 0u);
  EXPECT_EQ(r.layer_mismatches(), 0u);
  EXPECT_EQ(r.layers[0].single_image_cycles, 14u);
  EXPECT_EQ(r.layers[1].single_image_cycles, 11u);
  EXPECT_EQ(r.layers[0].compute_cycles, 3u * 6 + (5u + 5 + 2) * 8);
  EXPECT_FALSE(r.layers[0].pe_variant.empty());
  EXPECT_FALSE(r.layers[0].bn_variant.empty());
  EXPECT_TRUE(r.layers[1].bn_variant.empty());
  EXPECT_TRUE(r.passed());
}

// --pe per layer: each layer's cycles follow the formula with its own PE, its resources are PE
// copies of its units (models/units costs), its formats are the model file's.
TEST_F(VerifyModel, PePerLayer) {
  VerifyOptions o;
  o.batch = 16;
  o.layer_pe = {2, 4};
  const VerifyReport r = verify_model(load(), model_path_, o);
  ASSERT_EQ(r.layers.size(), 2u);
  EXPECT_EQ(r.layers[0].pe, 2);
  EXPECT_EQ(r.layers[1].pe, 4);
  EXPECT_EQ(r.layers[0].simd, 8);  // the model file's
  EXPECT_EQ(r.layers[1].simd, 4);
  // fc1: PE 2 -> NF 8, SF 4: 32 beats per image + 3 + 3; fc2: PE 4 -> NF 3, SF 4: 12 + 3.
  EXPECT_EQ(r.layers[0].single_image_cycles, 32u + 6);
  EXPECT_EQ(r.layers[0].compute_cycles, 2 * (16u * 32 + 6) + (8u * 32 + 6));
  EXPECT_EQ(r.layers[1].single_image_cycles, 12u + 3);
  EXPECT_EQ(r.layers[1].compute_cycles, 2 * (16u * 12 + 3) + (8u * 12 + 3));
  EXPECT_TRUE(r.passed());

  const golden::QuantNetwork m = make_model();
  EXPECT_EQ(r.layers[0].point.activation, m.layers[0].input_type);
  EXPECT_EQ(r.layers[0].point.fx_weight(), m.layers[0].weight_type);
  EXPECT_EQ(r.layers[0].point.accumulator, m.layers[0].acc_type);
  EXPECT_EQ(r.layers[0].point.output, m.layers[0].out_type);
  ASSERT_TRUE(r.layers[0].point.bn.has_value());
  EXPECT_EQ(r.layers[0].point.bn->output, m.layers[0].bn->out_type);
  EXPECT_FALSE(r.layers[1].point.bn.has_value());

  resources::ResourceEstimate total;
  for (std::size_t i = 0; i < 2; ++i) {
    const engine::Elaboration e = engine::elaborate(r.layers[i].point);
    resources::ResourceEstimate want = resources::times(
        r.layers[i].pe, units::estimate(*e.pe.unit, e.pe.params, resources::Family::xc7, true));
    if (e.bn) {
      want += resources::times(
          r.layers[i].pe, units::estimate(*e.bn->unit, e.bn->params, resources::Family::xc7, true));
    }
    EXPECT_EQ(r.layers[i].resources.lut, want.lut) << i;
    EXPECT_EQ(r.layers[i].resources.ff, want.ff) << i;
    EXPECT_EQ(r.layers[i].resources.dsp, want.dsp) << i;
    EXPECT_GT(r.layers[i].resources.lut, 0) << i;
    total += want;
  }
  EXPECT_EQ(r.resources().lut, total.lut);
  EXPECT_EQ(r.resources().dsp, total.dsp);

  // One value is every layer's.
  o.layer_pe = {2};
  const VerifyReport all = verify_model(load(), model_path_, o);
  EXPECT_EQ(all.layers[0].pe, 2);
  EXPECT_EQ(all.layers[1].pe, 2);
  EXPECT_EQ(all.layers[0].resources.lut, r.layers[0].resources.lut);
  EXPECT_EQ(all.layers[1].resources.lut * 2, r.layers[1].resources.lut);  // PE copies

  // Another count names the number of layers.
  o.layer_pe = {2, 4, 8};
  try {
    verify_model(load(), model_path_, o);
    FAIL() << "expected a VerifyError";
  } catch (const VerifyError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--pe 2,4,8: 3 values for a model of 2 layers (fc1, fc2); expected one value per "
              "layer (2) or one for every layer");
  }
}

TEST_F(VerifyModel, UnusableInputsAreClearErrors) {
  VerifyOptions o;
  o.images = kImages + 1;
  try {
    verify_model(load(), model_path_, o);
    FAIL() << "expected a VerifyError";
  } catch (const VerifyError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--images 41: the model file holds golden results for 40 images; expected 1..40 "
              "(0: all)");
  }

  golden::ModelFile no_golden = load();
  no_golden.golden.reset();
  EXPECT_THROW(verify_model(no_golden, model_path_, {}), VerifyError);

  // A model file version 2 with conv / max-pool layers (the format's frozen CNN file, written by
  // testbenches/golden/model_file_v2_test.cpp): loaded, then refused by name, not run.
  const std::string cnn = std::string(FXSIM_GOLDEN_DATA_DIR) + "/cnn_v2.fxm";
  try {
    verify_model(golden::read_model_file(cnn), cnn, {});
    FAIL() << "expected a VerifyError";
  } catch (const VerifyError& e) {
    EXPECT_EQ(std::string(e.what()),
              cnn + ": layer 0 is a conv layer; fxsim verify runs dense models (CNNs: issue 17)");
  }

  golden::ModelFile moved = load();
  moved.golden->images = "t10k-images-idx3-ubyte.gz";
  VerifyOptions elsewhere;
  elsewhere.data_dir = (dir_ / "nowhere").string();
  try {
    verify_model(moved, model_path_, elsewhere);
    FAIL() << "expected a VerifyError";
  } catch (const VerifyError& e) {
    EXPECT_NE(
        std::string(e.what()).find((dir_ / "nowhere").string() + "/t10k-images-idx3-ubyte.gz"),
        std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("--data"), std::string::npos) << e.what();
  }
}

TEST(LayerPoint, CarriesTheLayerFormatsAndK_hotScaleWords) {
  const golden::QuantNetwork m = make_model();
  engine::Hardware hw;
  hw.pe = 4;
  const engine::EngineConfig cfg = layer_point(m.layers[0], hw, 3);
  EXPECT_EQ(cfg.pe, 4);
  EXPECT_EQ(cfg.simd, 8);
  EXPECT_EQ(cfg.batch, 3);
  EXPECT_EQ(cfg.activation, m.layers[0].input_type);
  EXPECT_EQ(cfg.fx_weight(), m.layers[0].weight_type);
  EXPECT_EQ(cfg.accumulator, m.layers[0].acc_type);
  ASSERT_TRUE(cfg.bn.has_value());
  EXPECT_DOUBLE_EQ(cfg.bn->clip, 5.0);  // 160 * 2^-5
  EXPECT_TRUE(cfg.bn->khot_scale());
  const engine::Stimulus s = layer_stimulus(m.layers[0], cfg, std::vector<std::int64_t>(96, 1));
  ASSERT_EQ(s.bn_scale_words.size(), 16u);
  const fx::KhotType& k = std::get<fx::KhotType>(cfg.bn->scale);
  for (std::size_t i = 0; i < s.bn_scale.size(); ++i) {
    // The packed word decodes to the same value (term words are the RTL's port format).
    EXPECT_EQ(engine::term_word_value(s.bn_scale_words[i], k.k, engine::khot_shift_bits(k)),
              m.layers[0].bn->scale_raw[i]);
  }
}

// A model file written by hand (testbenches/common/hand_model_file.hpp): its first layer has its
// own bias and no batch norm, loaded as a bn_act with a unit K-hot scale. The golden logits are
// brute-forced in plain arithmetic; the layer and network engines reproduce every one on the model
// backend.
TEST(VerifyHandModel, ABiasWithoutBnVerifiesBitExactly) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("fxsim_verify_hand_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  constexpr int kCount = 64;
  std::mt19937_64 rng(18);
  golden::IdxImages images{kCount, 2, 2, {}};
  std::vector<std::int64_t> pixels, labels;
  for (int i = 0; i < kCount * test::kHandPixels; ++i) {
    images.pixels.push_back(static_cast<std::uint8_t>(rng() & 0xff));
    pixels.push_back(images.pixels.back());
  }
  for (int i = 0; i < kCount; ++i) labels.push_back(static_cast<std::int64_t>(rng() % 2));
  golden::write_idx_images((dir / "images.idx").string(), images);
  test::HandModel m = test::hand_bias_mlp();
  test::add_hand_golden(m, (dir / "images.idx").string(), pixels, labels);
  const std::string path = (dir / "hand.fxm").string();
  test::write_hand_model_file(path, m);

  const golden::ModelFile file = golden::read_model_file(path);
  for (int i = 0; i < kCount; ++i) {
    const std::vector<std::int64_t> px(pixels.begin() + i * 4, pixels.begin() + (i + 1) * 4);
    ASSERT_EQ(golden::reference_forward(file.model, px), test::hand_bias_mlp_logits(px)) << i;
  }
  VerifyOptions o;
  o.batch = 16;
  o.hw.pe = 1;
  const VerifyReport r = verify_model(file, path, o);
  EXPECT_EQ(r.images, kCount);
  EXPECT_EQ(r.logit_mismatches, 0u);
  EXPECT_EQ(r.first_mismatch_image, -1);
  EXPECT_EQ(r.layer_mismatches(), 0u);
  EXPECT_EQ(r.hardware_correct, r.golden_correct);
  EXPECT_TRUE(r.passed());
  // And as a streaming network (`fxsim verify --engine network`): the same bit-exact logits.
  ModelFolding f;
  f.pe = {1, 1};
  f.model_ref = path;
  f.model_data_ref = dir.string();
  const engine::NetworkPlan plan = engine::plan_network(network_from_model(file, f), "hand");
  NetworkVerifyOptions no;
  no.chunk = 16;
  const NetworkVerifyReport n = verify_network(file, path, plan, no);
  EXPECT_EQ(n.golden.mismatches, 0u);
  EXPECT_EQ(n.golden.first_mismatch_image, -1);
  EXPECT_EQ(n.reference_mismatches, 0u);
  EXPECT_EQ(n.golden.correct, r.golden_correct);
  EXPECT_TRUE(n.passed());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fxsim::env
