// `fxsim train` on a small subset: determinism (identical model-file bytes for the same config
// and seed), exact shapes, every variant produced, the exported golden logits reproduced by the
// models/units reference from the loaded file; and the config errors (FILE:LINE: key: ...).
#include "golden/torch/train.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "golden/affine_dense.hpp"
#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "testbenches/golden/torch/training_dir.hpp"

namespace {

using namespace fxsim::golden;
namespace fs = std::filesystem;
using fxsim::golden::test::kDataDir;
using fxsim::golden::test::slurp;

std::string small_config() { return fxsim::golden::test::kTinyMlpConfig; }

class Training : public fxsim::golden::test::TrainingDirTest {};

TEST_F(Training, DeterministicShapesAndGoldenLogits) {
  const TrainConfig cfg = parse_train_config(small_config(), "small.toml");
  std::ostringstream log1, log2;
  const TrainReport a = run_training(cfg, (dir_ / "a").string(), 1, log1);
  const TrainReport b = run_training(cfg, (dir_ / "b").string(), 1, log2);
  EXPECT_NE(log1.str().find("[float] epoch 2/2"), std::string::npos) << log1.str();
  EXPECT_NE(log1.str().find("[qat_bp_e4] epoch 1/1"), std::string::npos);

  const std::vector<std::string> names = {"ptq_e4", "qat_e4", "qat_bp_e4", "ptq_khot2_e8",
                                          "qat_khot2_e8"};
  ASSERT_EQ(a.variants.size(), names.size());
  EXPECT_EQ(a.train_images, 300);
  EXPECT_EQ(a.test_images, 200);
  EXPECT_GT(a.float_accuracy, 0.3);  // 10 classes: chance is 0.1
  for (size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(a.variants[i].name, names[i]);
    EXPECT_EQ(a.variants[i].accuracy, b.variants[i].accuracy);
    const std::string fa = slurp(a.variants[i].model_file);
    ASSERT_FALSE(fa.empty());
    EXPECT_EQ(fa, slurp(b.variants[i].model_file)) << names[i] << ": files differ";
  }
  EXPECT_EQ(slurp((dir_ / "a" / "results.csv").string()),
            slurp((dir_ / "b" / "results.csv").string()));

  const Dataset test = load_fashion_mnist(kDataDir, "t10k", 200);
  for (const VariantResult& v : a.variants) {
    const ModelFile f = read_model_file(v.model_file);
    ASSERT_EQ(f.model.layers.size(), 3u);
    const int shapes[3][2] = {{784, 24}, {24, 16}, {16, 10}};
    for (int l = 0; l < 3; ++l) {
      EXPECT_EQ(f.model.layers[l].in_features, shapes[l][0]);
      EXPECT_EQ(f.model.layers[l].out_features, shapes[l][1]);
      EXPECT_EQ(f.model.layers[l].weight_raw.size(), size_t(shapes[l][0] * shapes[l][1]));
      ASSERT_TRUE(f.model.layers[l].bn.has_value());
      EXPECT_EQ(f.model.layers[l].bn->khot_scale(), v.khot_k > 0) << v.name;
    }
    EXPECT_EQ(f.model.layers[0].bn->out_type.width, v.elementwise_bits) << v.name;
    ASSERT_TRUE(f.golden.has_value());
    EXPECT_EQ(f.golden->count, 200);
    ASSERT_EQ(f.golden->logits.size(), 2000u);
    // Accuracy recomputed from the stored logits and labels.
    const std::vector<int> pred = argmax_rows(f.golden->logits, 10);
    int correct = 0;
    for (int i = 0; i < 200; ++i) correct += pred[i] == f.golden->labels[i];
    EXPECT_DOUBLE_EQ(correct / 200.0, v.accuracy) << v.name;
    // The torch integer inference that produced the logits equals models/units, image by image.
    for (int i = 0; i < 20; ++i) {
      std::vector<int64_t> input(test.images.pixels.begin() + i * 784,
                                 test.images.pixels.begin() + (i + 1) * 784);
      const std::vector<int64_t> logits = reference_forward(f.model, input);
      const std::vector<int64_t> stored(f.golden->logits.begin() + i * 10,
                                        f.golden->logits.begin() + (i + 1) * 10);
      ASSERT_EQ(logits, stored) << v.name << " image " << i;
      EXPECT_EQ(f.golden->labels[i], test.labels[i]);
    }
  }
}

// The learned-binary-point variant is paired with the fixed-format QAT of its width: the same
// float start, the same batches. With a binary-point learning rate of 1e-9 (Adam steps a
// parameter by about the learning rate) its formats cannot move off their integers,
// so it must train exactly the fixed variant's network (identical weights, BN and logits); any
// accuracy difference in the study (docs/golden.md) is then the formats' doing, not batch noise.
TEST_F(Training, LearnedBinaryPointVariantIsPairedWithFixedQat) {
  std::string text = small_config();
  text.replace(text.find("epochs = 1\n"), 11, "epochs = 1\nbinary_point_learning_rate = 1e-9\n");
  text.replace(text.find("khot_k = [2]"), 12, "khot_k = []");
  const TrainConfig cfg = parse_train_config(text, "paired.toml");
  std::ostringstream log;
  const TrainReport r = run_training(cfg, dir_.string(), 1, log);
  ASSERT_EQ(r.variants.size(), 3u);
  const ModelFile fixed = read_model_file(r.variants[1].model_file);
  const ModelFile learned = read_model_file(r.variants[2].model_file);
  ASSERT_EQ(r.variants[2].name, "qat_bp_e4");
  EXPECT_EQ(r.variants[1].formats, r.variants[2].formats);
  ASSERT_EQ(fixed.model.layers.size(), learned.model.layers.size());
  for (size_t l = 0; l < fixed.model.layers.size(); ++l) {
    EXPECT_EQ(fixed.model.layers[l].weight_raw, learned.model.layers[l].weight_raw) << l;
    EXPECT_EQ(fixed.model.layers[l].bn->scale_raw, learned.model.layers[l].bn->scale_raw) << l;
    EXPECT_EQ(fixed.model.layers[l].bn->bias_raw, learned.model.layers[l].bn->bias_raw) << l;
  }
  EXPECT_EQ(fixed.golden->logits, learned.golden->logits);
  // ... and the PTQ variant (no fine-tuning) differs from both: the comparison is not vacuous.
  EXPECT_NE(read_model_file(r.variants[0].model_file).golden->logits, fixed.golden->logits);
}

// The affine variants on the tiny MLP: every width x weight granularity x method, in that order,
// byte-identical results and model files for the same config, both requantization methods
// measured, and each variant's version-3 model file holding the integer method's layers whose
// plain C++ inference (golden::affine_dense_forward, read back from the file) reproduces the
// stored golden logits and the reported integer-requant accuracy.
TEST_F(Training, AffineVariantsDeterministic) {
  std::string text = small_config();
  text.replace(text.find("khot_k = [2]"), 12,
               "khot_k = []\naffine_bits = [8, 4]\naffine_weights = [\"per_tensor\", "
               "\"per_channel\"]\naffine_methods = [\"ptq\", \"qat\"]");
  text.replace(text.find("elementwise_bits = [4]"), 22, "elementwise_bits = []");
  const TrainConfig cfg = parse_train_config(text, "affine.toml");
  std::ostringstream log1, log2;
  const TrainReport a = run_training(cfg, (dir_ / "a").string(), 1, log1);
  const TrainReport b = run_training(cfg, (dir_ / "b").string(), 1, log2);
  const std::vector<std::string> names = {
      "affine_ptq_int8_pt", "affine_qat_int8_pt", "affine_ptq_int8_pc", "affine_qat_int8_pc",
      "affine_ptq_int4_pt", "affine_qat_int4_pt", "affine_ptq_int4_pc", "affine_qat_int4_pc"};
  ASSERT_EQ(a.variants.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    const VariantResult& v = a.variants[i];
    EXPECT_EQ(v.name, names[i]);
    EXPECT_EQ(v.method, i % 2 ? "qat" : "ptq");
    EXPECT_EQ(v.elementwise_bits, i < 4 ? 8 : 4);
    EXPECT_EQ(v.affine_weights, i % 4 < 2 ? "per_tensor" : "per_channel");
    EXPECT_EQ(v.model_file, (dir_ / "a" / ("model_" + v.name + ".fxm")).string());
    EXPECT_EQ(slurp(v.model_file), slurp(b.variants[i].model_file)) << v.name;
    const ModelFile f = read_model_file(v.model_file);
    ASSERT_EQ(f.affine.size(), 3u) << v.name;
    ASSERT_TRUE(f.golden.has_value());
    EXPECT_EQ(f.golden->accuracy, v.integer_requant_accuracy) << v.name;
    const Dataset test = load_fashion_mnist(kDataDir, "t10k", f.golden->count);
    std::vector<std::int64_t> x(test.images.pixels.begin(), test.images.pixels.end());
    for (const AffineDense& l : f.affine) {
      EXPECT_EQ(l.method, RequantMethod::INTEGER);
      x = affine_dense_forward(l, x, static_cast<std::size_t>(f.golden->count));
    }
    EXPECT_EQ(x, f.golden->logits) << v.name;
    EXPECT_GT(v.accuracy, 0.2) << v.name;  // 10 classes: chance is 0.1
    EXPECT_GT(v.integer_requant_accuracy, 0.2) << v.name;
    EXPECT_EQ(v.accuracy, b.variants[i].accuracy);
    EXPECT_EQ(v.integer_requant_accuracy, b.variants[i].integer_requant_accuracy);
    EXPECT_EQ(v.formats, b.variants[i].formats);
    EXPECT_NE(log1.str().find("[" + v.name + "] integer accuracy"), std::string::npos);
  }
  EXPECT_NE(log1.str().find("[affine_qat_int4_pc] epoch 1/1"), std::string::npos) << log1.str();
  EXPECT_NE(a.variants[0].formats.find("fc1: in uint<8> 0.00390625/0, weight int<8> 0."),
            std::string::npos)
      << a.variants[0].formats;
  EXPECT_NE(a.variants[6].formats.find("weight int<4> per channel, out uint<4> "),
            std::string::npos)
      << a.variants[6].formats;
  EXPECT_NE(a.variants[0].formats.find("fc3: in uint<8> "), std::string::npos);
  EXPECT_NE(a.variants[0].formats.find(", out int<8> "), std::string::npos);
  for (const char* f : {"results.csv", "results.json"}) {
    // results.json names the model files by their paths, which differ by the output directory.
    std::string fa = slurp(dir_ / "a" / f);
    const std::string fb = slurp(dir_ / "b" / f);
    EXPECT_FALSE(fa.empty());
    for (std::size_t at; (at = fa.find((dir_ / "a").string())) != std::string::npos;) {
      fa.replace(at, (dir_ / "a").string().size(), (dir_ / "b").string());
    }
    EXPECT_EQ(fa, fb) << f;
  }
  const std::string csv = slurp(dir_ / "a" / "results.csv");
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "variant,method,elementwise_bits,khot_k,accuracy,fake_accuracy,model_file,"
            "affine_weights,integer_requant_accuracy");
  EXPECT_NE(csv.find("\naffine_qat_int4_pc,qat,4,0,"), std::string::npos) << csv;
}

std::string config_error(const std::string& text) {
  try {
    parse_train_config(text, "t.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(TrainConfigErrors, NameFileLineAndKey) {
  EXPECT_EQ(config_error("seed = 1\n[float]\nepochs = \"three\"\n"),
            "t.toml:3: float.epochs: expected an integer in 1..1000, found a string");
  EXPECT_EQ(config_error("[quant]\nweight_bits = 1\n"),
            "t.toml:2: quant.weight_bits: expected an integer in 2..16, got 1");
  EXPECT_EQ(config_error("\n[qat]\nlearning_rat = 0.1\n"),
            "t.toml:3: qat.learning_rat: unknown key; expected one of epochs, learning_rate, "
            "binary_point_learning_rate");
  // At the top level: where a table's key belongs, else every key of every table.
  EXPECT_EQ(config_error("seed = 1\nepochs = 2\n"),
            "t.toml:2: epochs: unknown key; expected one of seed, data, model, float, qat, quant, "
            "binary, export; `epochs` is a key of a table: put it under [float], [qat] or "
            "[binary]");
  EXPECT_EQ(config_error("dir = \"/data\"\n"),
            "t.toml:1: dir: unknown key; expected one of seed, data, model, float, qat, quant, "
            "binary, export; `dir` is a key of a table: put it under [data]");
  EXPECT_EQ(config_error("epoch = 2\n"),
            "t.toml:1: epoch: unknown key; expected one of seed, data, model, float, qat, quant, "
            "binary, export; the tables' keys are data.dir, data.train_images, data.test_images, "
            "data.calibration_images, model.hidden, model.layers, model.activation, float.epochs, "
            "float.batch_size, "
            "float.learning_rate, qat.epochs, qat.learning_rate, qat.binary_point_learning_rate, "
            "quant.weight_bits, quant.weight_kind, quant.weight_k, quant.mac_bits, "
            "quant.logit_bits, quant.elementwise_bits, "
            "quant.methods, quant.khot_k, quant.khot_bits, quant.rounding, quant.simd, "
            "quant.affine_bits, quant.affine_weights, quant.affine_methods, "
            "quant.affine_calibration, quant.affine_percentile, quant.stochastic, "
            "quant.gradient_bits, quant.stochastic_inference, binary.variants, binary.epochs, "
            "binary.learning_rate, binary.activation_bits, binary.activation_int_bits, "
            "binary.bn_bits, export.models (docs/golden.md, `fxsim train`)");
  EXPECT_EQ(config_error("[quant]\nmethods = [\"ptq\", \"magic\"]\n"),
            "t.toml:2: quant.methods: \"magic\" is not one of ptq, qat, qat_bp");
  EXPECT_EQ(
      config_error("[quant]\nrounding = \"NEAREST\"\n").rfind("t.toml:2: quant.rounding: ", 0), 0u);
  EXPECT_EQ(config_error("[quant]\nkhot_bits = 4\nkhot_k = [1, 4]\n"),
            "t.toml:3: quant.khot_k: K = 4 exceeds the 3 magnitude bits of khot_bits = 4");
  EXPECT_EQ(config_error("seed = 1\nseed = 2\n").substr(0, 15), "t.toml:2: toml:");
  EXPECT_EQ(config_error("[data]\ntrain_images = 70000\n"),
            "t.toml:2: data.train_images: expected an integer in 0..60000, got 70000");
  EXPECT_EQ(config_error("[float]\nlearning_rate = -1.0\n")
                .rfind("t.toml:2: float.learning_rate: expected a number in (0, 10]", 0),
            0u);
  EXPECT_EQ(config_error(small_config()), "no error");
}

TEST(TrainConfigErrors, AffineKeys) {
  const TrainConfig d = parse_train_config("", "t.toml");
  EXPECT_TRUE(d.affine_bits.empty());  // no affine variants unless asked for
  EXPECT_EQ(d.affine_weights, (std::vector<std::string>{"per_tensor", "per_channel"}));
  EXPECT_EQ(d.affine_methods, (std::vector<std::string>{"ptq", "qat"}));
  EXPECT_EQ(d.affine_calibration, "minmax");
  EXPECT_EQ(d.affine_percentile, 99.99);
  const TrainConfig c = parse_train_config(
      "[quant]\naffine_bits = [4]\naffine_weights = [\"per_channel\"]\naffine_methods = "
      "[\"qat\"]\naffine_calibration = \"percentile\"\naffine_percentile = 99.9\n",
      "t.toml");
  EXPECT_EQ(c.affine_bits, (std::vector<int>{4}));
  EXPECT_EQ(c.affine_weights, (std::vector<std::string>{"per_channel"}));
  EXPECT_EQ(c.affine_methods, (std::vector<std::string>{"qat"}));
  EXPECT_EQ(c.affine_calibration, "percentile");
  EXPECT_EQ(c.affine_percentile, 99.9);
  EXPECT_EQ(config_error("[quant]\naffine_bits = [8, 9]\n"),
            "t.toml:2: quant.affine_bits: expected an integer in 2..8, got 9");
  EXPECT_EQ(config_error("[quant]\n\naffine_weights = [\"per_row\"]\n"),
            "t.toml:3: quant.affine_weights: \"per_row\" is not one of per_tensor, per_channel");
  EXPECT_EQ(config_error("[quant]\naffine_methods = [\"qat_bp\"]\n"),
            "t.toml:2: quant.affine_methods: \"qat_bp\" is not one of ptq, qat");
  EXPECT_EQ(config_error("[quant]\naffine_calibration = \"mse\"\n"),
            "t.toml:2: quant.affine_calibration: \"mse\" is not one of minmax, percentile");
  EXPECT_EQ(config_error("[quant]\naffine_percentile = 40.0\n"),
            "t.toml:2: quant.affine_percentile: expected a number in (50, 100], found 40");
  EXPECT_EQ(config_error("[model]\nlayers = [\"conv3x3-4\", \"pool2\", \"dense-10\"]\n"
                         "[quant]\naffine_bits = [8]\n"),
            "t.toml:4: quant.affine_bits: affine variants quantize an MLP (model.hidden); this "
            "config is a CNN");
  EXPECT_EQ(config_error("[model]\nactivation = \"hardtanh\"\n[quant]\naffine_bits = [8]\n"),
            "t.toml:4: quant.affine_bits: affine variants fuse a ReLU into the requantization: "
            "expected model.activation = \"relu\"");
  // Without affine_bits the other keys need no MLP.
  EXPECT_EQ(config_error("[model]\nactivation = \"hardtanh\"\n[quant]\naffine_weights = "
                         "[\"per_tensor\"]\n"),
            "no error");
}

}  // namespace
