// fxsim verify of binary / ternary models (model file version 4) on the layer engine: the
// hand-built BNN (binary weights x pixels -> threshold bits -> xnor-popcount -> bn logits), the
// ternary-weight MLP and a binary-weight MLP (fixed-point activations, bn_act after each layer)
// of testbenches/common/bipolar_test_nets.hpp, written to a real model file with a real IDX
// image file. The golden logits are the brute-force ones (plain integer loops, independent of
// models/units); every logit and every layer output must match on the model and the rtl backend,
// the cycles are worked by hand, and a corrupted weight in the model file is caught.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "testbenches/common/bipolar_test_nets.hpp"
#include "testbenches/env/verify_model.hpp"

namespace fxsim::env {
namespace {

using golden::test::round_half_even_shift;

constexpr int kRows = 2, kCols = 4, kPixels = kRows * kCols;  // the test nets' 8 inputs
constexpr int kImages = 40;

// The ternary MLP with every weight made binary (0 -> +1): kind binary in both layers.
golden::BipolarNetwork tiny_binary() {
  golden::BipolarNetwork net = golden::test::tiny_ternary();
  net.layers[0].weight_type = fx::BipolarType::binary(0.25);
  net.layers[1].weight_type = fx::BipolarType::binary();
  for (golden::BipolarDense& l : net.layers) {
    for (std::int8_t& v : l.weight_v) v = v == 0 ? 1 : v;
  }
  return net;
}

// Brute force of tiny_binary (the arithmetic of test::brute_ternary, on its weights).
std::vector<std::int64_t> brute_binary(const std::vector<std::int64_t>& px) {
  const golden::BipolarNetwork net = tiny_binary();
  const std::vector<std::int64_t> s1 = {37, -64, 127, 5}, b1 = {-20, 90, 127, 127};
  std::vector<std::int64_t> h(4);
  for (int o = 0; o < 4; ++o) {
    std::int64_t acc = 0;
    for (int i = 0; i < 8; ++i) acc += net.layers[0].weight_v[o * 8 + i] * px[i];
    const std::int64_t t = acc * s1[o] + (b1[o] << 8);                     // F 14
    h[o] = std::clamp<std::int64_t>(round_half_even_shift(t, 9), 0, 255);  // ufixed<8,3>
  }
  const std::vector<std::int64_t> s2 = {16, -24, 127}, b2 = {3, -1, -128};
  std::vector<std::int64_t> out(3);
  for (int o = 0; o < 3; ++o) {
    std::int64_t acc = 0;
    for (int i = 0; i < 4; ++i) acc += net.layers[1].weight_v[o * 4 + i] * h[i];
    out[o] = acc * s2[o] + (b2[o] << 5);
  }
  return out;
}

struct Net {
  const char* name;
  golden::BipolarNetwork (*make)();
  std::vector<std::int64_t> (*brute)(const std::vector<std::int64_t>&);
  engine::EngineKind kind0, kind1;
};

const Net kNets[] = {
    {"bnn", &golden::test::tiny_bnn, &golden::test::brute_bnn, engine::EngineKind::BINARY,
     engine::EngineKind::XNOR},
    {"ternary", &golden::test::tiny_ternary, &golden::test::brute_ternary,
     engine::EngineKind::TERNARY, engine::EngineKind::TERNARY},
    {"binary", &tiny_binary, &brute_binary, engine::EngineKind::BINARY, engine::EngineKind::BINARY},
};

class VerifyBipolar : public ::testing::TestWithParam<Net> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("fxsim_verify_bipolar_" + std::to_string(::getpid()) + "_" + GetParam().name);
    std::filesystem::create_directories(dir_);
    std::mt19937_64 rng(11);
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
      const std::vector<std::int64_t> l = GetParam().brute(px);
      g.logits.insert(g.logits.end(), l.begin(), l.end());
      g.labels.push_back(static_cast<std::int64_t>(rng() % 3));
    }
    const std::vector<int> pred = golden::argmax_rows(g.logits, 3);
    int correct = 0;
    for (int i = 0; i < kImages; ++i) correct += pred[i] == g.labels[i] ? 1 : 0;
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
    o.hw.pe = 2;
    return verify_model(golden::read_model_file(path_), path_, o);
  }

  std::filesystem::path dir_;
  std::string path_;
  golden::ModelFile file_;
};

TEST_P(VerifyBipolar, ModelBackendMatchesTheBruteForceLogits) {
  // The golden logits are not all equal: the comparison is not vacuous.
  std::vector<std::int64_t> distinct = file_.golden->logits;
  std::sort(distinct.begin(), distinct.end());
  EXPECT_GT(std::unique(distinct.begin(), distinct.end()) - distinct.begin(), 10);
  const VerifyReport r = verify(BackendKind::MODEL, 0, 16);
  EXPECT_EQ(r.images, kImages);
  EXPECT_EQ(r.logit_mismatches, 0u);
  EXPECT_EQ(r.layer_mismatches(), 0u);
  EXPECT_TRUE(r.passed());
  ASSERT_EQ(r.layers.size(), 2u);
  EXPECT_EQ(r.layers[0].point.kind, GetParam().kind0);
  EXPECT_EQ(r.layers[1].point.kind, GetParam().kind1);
  // Hand-worked (docs/engine.md): NF x SF beats + (MAC_STAGES 2 + 1) + (STAGES 2 + 1).
  // fc1: PE 2 over 4 outputs -> NF 2; SIMD 4 over 8 inputs -> SF 2 (the ternary and binary
  // MLPs: SIMD 3 -> SF 3).
  // fc2: NF 2 (3 outputs), SF 1 (4 inputs, SIMD 4).
  const std::uint64_t sf1 = std::string(GetParam().name) == "bnn" ? 2 : 3;
  EXPECT_EQ(r.layers[0].single_image_cycles, 2 * sf1 + 6);
  EXPECT_EQ(r.layers[1].single_image_cycles, 2u + 6);
  EXPECT_EQ(r.layers[0].single_image_cycles, r.layers[0].formula_single_image_cycles);
}

TEST_P(VerifyBipolar, RtlBackendEqualsTheModelBackend) {
  const VerifyReport m = verify(BackendKind::MODEL, 12, 5);
  const VerifyReport r = verify(BackendKind::RTL, 12, 5);
  EXPECT_EQ(r.logit_mismatches, 0u);
  EXPECT_EQ(r.layer_mismatches(), 0u);
  EXPECT_TRUE(r.passed());
  ASSERT_EQ(r.layers.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.layers[i].compute_cycles, m.layers[i].compute_cycles) << i;
    EXPECT_EQ(r.layers[i].single_image_cycles, m.layers[i].single_image_cycles) << i;
    EXPECT_FALSE(r.layers[i].pe_variant.empty()) << i;
  }
}

TEST_P(VerifyBipolar, ACorruptedWeightGivesMismatches) {
  // Negate one weight of the last layer: output 0's accumulator moves by 2 x |input| on every
  // image whose input there is not 0 (every image for the BNN's +-1 bits), its bn scale is not
  // 0, and the golden logits stay the brute force's of the right weights.
  golden::ModelFile bad = file_;
  std::int8_t& w = bad.bipolar.layers.back().weight_v[0];
  w = static_cast<std::int8_t>(w == 0 ? 1 : -w);
  golden::write_model_file(path_, bad);
  const VerifyReport r = verify(BackendKind::MODEL, 0, 16);
  EXPECT_GT(r.logit_mismatches, 0u);
  EXPECT_GE(r.first_mismatch_image, 0);
  EXPECT_EQ(r.first_mismatch_class, 0);
  EXPECT_FALSE(r.passed());
}

INSTANTIATE_TEST_SUITE_P(Nets, VerifyBipolar, ::testing::ValuesIn(kNets),
                         [](const ::testing::TestParamInfo<Net>& p) { return p.param.name; });

}  // namespace
}  // namespace fxsim::env
