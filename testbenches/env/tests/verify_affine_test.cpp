// fxsim verify of an affine integer model (model file version 3): a small two-layer MLP written
// to a real model file with a real IDX image file, its golden logits computed by the golden
// integer inference (golden::affine_dense_forward: fx::accumulate of (x - z_x)(w - z_w) +
// bias, then fx::requantize_integer), run through the layer engine with [requant] layer by
// layer (the MAC array on the raw integers, int_requant with the folded bias): every logit equal,
// the cycles the hand-worked latency rule, a corrupted golden logit caught, the RTL backend
// equal to the model backend, and what the hardware cannot run refused by name.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "golden/affine_dense.hpp"
#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "testbenches/env/verify_model.hpp"

namespace fxsim::env {
namespace {

constexpr int kRows = 4, kCols = 8, kPixels = kRows * kCols;  // 32 inputs
constexpr int kImages = 40;

fx::AffineType per_tensor(bool is_signed, int width, float scale, std::int32_t zp) {
  return {fx::AffineInt::make(is_signed, width), fx::AffineParams::per_tensor(scale, zp)};
}

// fc1: 32 pixel bytes -> 12, int<8> weights per channel, ReLU, DOUBLE rounding, output zero
// point 37 (so fc2's folded correction -37 sum(w) is not 0); fc2: 12 -> 10, int<4> weights per
// tensor, SINGLE rounding with B = 15, a 24-bit wrapping accumulator. (Left shifts, M > 1, are
// the engine tests' business: on a layer like this one they saturate every output.)
std::vector<golden::AffineDense> make_layers() {
  std::mt19937_64 rng(99);
  golden::AffineDense fc1;
  fc1.name = "fc1";
  fc1.in_features = kPixels;
  fc1.out_features = 12;
  fc1.input_type = per_tensor(false, 8, 1.0f / 256, 0);
  std::vector<float> scales;
  for (int o = 0; o < 12; ++o) scales.push_back(0.002f * static_cast<float>(1 + o % 5));
  fc1.weight_type = {fx::AffineInt::make(true, 8),
                     fx::AffineParams::per_channel(scales, std::vector<std::int32_t>(12, 0), 0)};
  fc1.output_type = per_tensor(false, 8, 0.01f, 37);
  for (int i = 0; i < 32 * 12; ++i)
    fc1.weight_q.push_back(static_cast<std::int64_t>(rng() % 256) - 128);
  for (int o = 0; o < 12; ++o) fc1.bias_q.push_back(static_cast<std::int32_t>(rng() % 4001) - 2000);
  fc1.method = golden::RequantMethod::INTEGER;
  fc1.relu = true;

  golden::AffineDense fc2;
  fc2.name = "fc2";
  fc2.in_features = 12;
  fc2.out_features = 10;
  fc2.input_type = fc1.output_type;
  fc2.weight_type = per_tensor(true, 4, 0.25f, 0);
  fc2.output_type = per_tensor(true, 8, 0.025f, -3);  // M = 0.01 * 0.25 / 0.025 = 0.1
  fc2.acc_width = 24;
  for (int i = 0; i < 12 * 10; ++i)
    fc2.weight_q.push_back(static_cast<std::int64_t>(rng() % 16) - 8);
  for (int o = 0; o < 10; ++o) fc2.bias_q.push_back(static_cast<std::int32_t>(rng() % 201) - 100);
  fc2.method = golden::RequantMethod::INTEGER;
  fc2.multiplier_bits = 15;
  fc2.integer_rounding = fx::IntegerRounding::SINGLE;
  return {fc1, fc2};
}

class VerifyAffine : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fxsim_verify_affine_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::mt19937_64 rng(7);
    golden::IdxImages images{kImages, kRows, kCols, {}};
    for (int i = 0; i < kImages * kPixels; ++i) {
      images.pixels.push_back(static_cast<std::uint8_t>(rng() & 0xff));
    }
    golden::write_idx_images((dir_ / "images.idx").string(), images);
    file_.affine = make_layers();
    std::vector<std::int64_t> x(images.pixels.begin(), images.pixels.end());
    for (const golden::AffineDense& l : file_.affine) {
      x = golden::affine_dense_forward(l, x, kImages);
    }
    golden::GoldenResults g;
    g.images = (dir_ / "images.idx").string();
    g.count = kImages;
    g.logits = x;
    int correct = 0;
    for (int i = 0; i < kImages; ++i) {
      g.labels.push_back(static_cast<std::int64_t>(rng() % 10));
      int best = 0;
      for (int c = 1; c < 10; ++c) {
        if (g.logits[i * 10 + c] > g.logits[i * 10 + best]) best = c;
      }
      correct += best == g.labels[i] ? 1 : 0;
    }
    g.accuracy = static_cast<double>(correct) / kImages;
    file_.golden = g;
    path_ = (dir_ / "model.fxm").string();
    golden::write_model_file(path_, file_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  VerifyReport verify(BackendKind backend, int images, int batch) {
    VerifyOptions o;
    o.backend = backend;
    o.images = images;
    o.batch = batch;
    o.hw.pe = 4;
    return verify_model(golden::read_model_file(path_), path_, o);
  }

  std::filesystem::path dir_;
  std::string path_;
  golden::ModelFile file_;
};

TEST_F(VerifyAffine, EveryLogitEqualsTheGoldenIntegerInference) {
  // The golden logits are not all clamped: the comparison is not vacuous.
  int inside = 0;
  for (std::int64_t v : file_.golden->logits) inside += v > -128 && v < 127;
  EXPECT_GT(inside, 200);
  const VerifyReport r = verify(BackendKind::MODEL, 0, 16);
  EXPECT_EQ(r.images, kImages);
  EXPECT_EQ(r.logit_mismatches, 0u);
  EXPECT_EQ(r.layer_mismatches(), 0u);
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.hardware_correct, r.golden_correct);
  ASSERT_EQ(r.layers.size(), 2u);
  // Hand-worked (docs/engine.md): NF x SF beats + (MAC_STAGES + 1) + (requant STAGES + 1).
  // fc1: PE 4 -> NF = 3, SIMD 8 -> SF = 4: 12 + 3 + 3 = 18. fc2: NF = 3 (10 outputs), SIMD 8
  // over 12 inputs -> SF = 2: 6 + 3 + 3 = 12.
  EXPECT_EQ(r.layers[0].single_image_cycles, 18u);
  EXPECT_EQ(r.layers[1].single_image_cycles, 12u);
  EXPECT_EQ(r.layers[0].point.requant->zero_point, 37);
  EXPECT_EQ(r.layers[1].point.requant->zero_point, -3);
  EXPECT_EQ(r.layers[1].point.requant->m0_bits, 15);
  EXPECT_GT(r.layers[0].resources.dsp + r.layers[0].resources.lut, 0);
}

TEST_F(VerifyAffine, ACorruptedGoldenLogitIsCaught) {
  golden::ModelFile f = file_;
  f.golden->logits[5 * 10 + 3] += 1;
  // Keep the stored accuracy consistent with the changed logits.
  int correct = 0;
  const std::vector<int> pred = golden::argmax_rows(f.golden->logits, 10);
  for (int i = 0; i < kImages; ++i) correct += pred[i] == f.golden->labels[i];
  f.golden->accuracy = static_cast<double>(correct) / kImages;
  golden::write_model_file(path_, f);
  const VerifyReport r = verify(BackendKind::MODEL, 0, 40);
  EXPECT_EQ(r.logit_mismatches, 1u);
  EXPECT_EQ(r.first_mismatch_image, 5);
  EXPECT_EQ(r.first_mismatch_class, 3);
  EXPECT_EQ(r.layer_mismatches(), 0u);  // the hardware equals its reference
  EXPECT_FALSE(r.passed());
}

TEST_F(VerifyAffine, RtlBackendEqualsTheModelBackend) {
  const VerifyReport m = verify(BackendKind::MODEL, 8, 4);
  const VerifyReport r = verify(BackendKind::RTL, 8, 4);
  EXPECT_EQ(r.logit_mismatches, 0u);
  EXPECT_EQ(r.layer_mismatches(), 0u);
  ASSERT_EQ(r.layers.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.layers[i].compute_cycles, m.layers[i].compute_cycles) << i;
    EXPECT_EQ(r.layers[i].single_image_cycles, m.layers[i].single_image_cycles) << i;
  }
}

TEST_F(VerifyAffine, WhatTheHardwareCannotRunIsRefusedByName) {
  golden::ModelFile f = file_;
  f.affine[1].method = golden::RequantMethod::FLOAT;
  golden::write_model_file(path_, f);
  try {
    verify(BackendKind::MODEL, 0, 40);
    FAIL() << "verified";
  } catch (const VerifyError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "fc2: requant = \"float\": no hardware builds PyTorch's float requantization"),
              std::string::npos)
        << e.what();
  }
  f = file_;
  f.affine[0].weight_type.params.zero_points[3] = 2;
  golden::write_model_file(path_, f);
  try {
    verify(BackendKind::MODEL, 0, 40);
    FAIL() << "verified";
  } catch (const VerifyError& e) {
    EXPECT_NE(std::string(e.what()).find("fc1: weight zero point 2 (channel 3): the engine's "
                                         "folded-correction form needs symmetric weights"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace fxsim::env
