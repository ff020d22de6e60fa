// What the two workload suites share (layer_workload_test.cpp: kind = "layer";
// model_workload_test.cpp: kind = "model"): a small golden model file (16-8-3, both layers with
// bn_act) and its image file, written per test, with the expected predictions and labels
// computed independently with golden::reference_forward / argmax_rows.
//
// The fixture lives in a named namespace, not an anonymous one: both files' TEST_Fs use
// LayerWorkload, and googletest requires one fixture type per test suite across the binary.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "explore/design_points.hpp"
#include "explore/sweep_spec.hpp"
#include "fx/width_rules.hpp"
#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "testbenches/explore/sweep_test_util.hpp"

namespace fxsim::explore::workload_test {

inline constexpr int kRows = 4, kCols = 4, kPixels = kRows * kCols;
inline constexpr int kImagesInFile = 14;  // the IDX file holds more images than the golden results
inline constexpr int kGoldenCount = 12;
inline constexpr int kClasses = 3;

inline std::vector<std::int64_t> raws(std::mt19937_64& rng, std::size_t n, std::int64_t lo,
                                      std::int64_t hi) {
  std::vector<std::int64_t> v(n);
  for (auto& x : v)
    x = lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
  return v;
}

inline golden::DenseLayer dense(const std::string& name, int in, int out, const fx::FxType& input,
                                std::mt19937_64& rng) {
  golden::DenseLayer l;
  l.name = name;
  l.in_features = in;
  l.out_features = out;
  l.simd = 4;
  l.input_type = input;
  l.weight_type =
      fx::FxType::make_signed(6, 1, fx::Rounding::RND_CONV, fx::Overflow::SAT);  // LSB 1/32
  const fx::FxType acc = fx::accumulator_type(input, l.weight_type, in, fx::Overflow::SAT);
  l.acc_type =
      fx::FxType::make_signed(acc.width, acc.int_bits, fx::Rounding::TRN, fx::Overflow::SAT);
  l.weight_raw = raws(rng, static_cast<std::size_t>(in) * out, -10, 10);  // |w| <= 0.3125
  return l;
}

// 16 -> 8 (fixed-point BN scale, relu_clip) -> 3 (K-hot BN scale, no activation: the logits).
inline golden::QuantNetwork test_model() {
  std::mt19937_64 rng(7);
  golden::QuantNetwork m;
  m.input_type = fx::FxType::make_unsigned(8, 0, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  golden::DenseLayer fc1 = dense("fc1", kPixels, 8, m.input_type, rng);
  fc1.out_type = fx::FxType::make_signed(12, 4, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  golden::BnActLayer b1;
  b1.scale_type =
      fx::FxType::make_signed(8, 2, fx::Rounding::RND_CONV, fx::Overflow::SAT);  // LSB 1/64
  b1.scale_raw = raws(rng, 8, 40, 90);
  b1.bias_type =
      fx::FxType::make_signed(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT);  // LSB 1/32
  b1.bias_raw = raws(rng, 8, -16, 16);
  b1.out_type =
      fx::FxType::make_unsigned(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT);  // LSB 1/32
  b1.act = units::Activation::RELU_CLIP;
  b1.clip_raw = 48;  // 1.5
  fc1.bn = b1;
  golden::DenseLayer fc2 = dense("fc2", 8, kClasses, b1.out_type, rng);
  fc2.out_type = fx::FxType::make_signed(12, 5, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  golden::BnActLayer b2;
  b2.scale_type = fx::KhotType::make(fx::KhotKind::KHOT, 6, 2, 2);  // LSB 1/16, 2 ones
  b2.scale_raw = {16, 20, -12};                                     // 1, 1.25, -0.75
  b2.bias_type = fx::FxType::make_signed(10, 5, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  b2.bias_raw = {3, -5, 7};
  b2.out_type = fx::FxType::make_signed(12, 5, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  b2.act = units::Activation::NONE;
  fc2.bn = b2;
  m.layers = {fc1, fc2};
  golden::validate(m);
  return m;
}

inline std::vector<std::uint8_t> test_pixels() {
  std::mt19937_64 rng(11);
  std::vector<std::uint8_t> p(static_cast<std::size_t>(kImagesInFile) * kPixels);
  for (auto& x : p) x = static_cast<std::uint8_t>(rng() & 0xff);
  return p;
}

inline std::vector<std::int64_t> image(const std::vector<std::uint8_t>& pixels, int i) {
  return {pixels.begin() + i * kPixels, pixels.begin() + (i + 1) * kPixels};
}

// The classes golden::reference_forward predicts for the first `n` images.
inline std::vector<int> predictions(const golden::QuantNetwork& m, int n) {
  const std::vector<std::uint8_t> pixels = test_pixels();
  std::vector<std::int64_t> logits;
  for (int i = 0; i < n; ++i) {
    const auto l = golden::reference_forward(m, image(pixels, i));
    logits.insert(logits.end(), l.begin(), l.end());
  }
  return golden::argmax_rows(logits, kClasses);
}

// Labels: the predicted class, except for every third image (0, 3, 6, 9: a wrong label), so the
// model's top-1 accuracy over the first 12 images is 8/12 by construction.
inline std::vector<std::int64_t> test_labels(const golden::QuantNetwork& m) {
  const std::vector<int> pred = predictions(m, kGoldenCount);
  std::vector<std::int64_t> labels;
  for (int i = 0; i < kGoldenCount; ++i)
    labels.push_back((pred[i] + (i % 3 == 0 ? 1 : 0)) % kClasses);
  return labels;
}

// DIR/t10k-images-idx3-ubyte (plain IDX; zlib's gzread reads it as is) and DIR/model.fxm.
inline void write_model_dir(const std::filesystem::path& dir, const golden::QuantNetwork& m) {
  const std::vector<std::uint8_t> p = test_pixels();
  golden::write_idx_images((dir / "t10k-images-idx3-ubyte").string(),
                           golden::IdxImages{kImagesInFile, kRows, kCols, p});

  golden::ModelFile f;
  f.model = m;
  golden::GoldenResults g;
  g.images = "t10k-images-idx3-ubyte";
  g.count = kGoldenCount;
  for (int i = 0; i < kGoldenCount; ++i) {
    const auto l = golden::reference_forward(m, image(p, i));
    g.logits.insert(g.logits.end(), l.begin(), l.end());
  }
  g.labels = test_labels(m);
  g.accuracy = 8.0 / 12;
  f.golden = g;
  golden::write_model_file((dir / "model.fxm").string(), f);
}

inline std::string sweep_text(const std::string& workload, const std::string& rest = "") {
  return "[sweep]\nname = \"layer\"\n[workload]\nkind = \"layer\"\nmodel = \"model.fxm\"\ndata = "
         "\".\"\n" +
         workload + rest;
}

class LayerWorkload : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = sweep_test::temp_dir();
    model_ = test_model();
    write_model_dir(dir_, model_);
  }
  SweepSpec parse(const std::string& text) { return parse_sweep(text, (dir_ / "s.toml").string()); }
  // The error of parsing and expanding `text` (empty when accepted).
  std::string error_of(const std::string& text) {
    try {
      expand_sweep(parse(text));
    } catch (const SweepFileError& e) {
      return e.what();
    }
    return "";
  }
  std::string at(int line, int column) const {
    return (dir_ / "s.toml").string() + ":" + std::to_string(line) + ":" + std::to_string(column) +
           ": ";
  }
  std::filesystem::path dir_;
  golden::QuantNetwork model_;
};

}  // namespace fxsim::explore::workload_test
