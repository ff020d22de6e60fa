// `fxsim train` on CNNs (model.layers) and what the CNN support must leave unchanged: a tiny CNN
// trained twice gives byte-identical model files and results, its exported golden logits are the
// plain C++ reference (reference_forward through models/units) image by image; an MLP config
// still gives the model files of the binary before CNNs existed (sha256 below); QCnn's
// fake-quantized forward agrees with the integer inference of its export; the flatten reorder on
// a hand-worked 2x2x3 map; the layer-string config errors (FILE:LINE: key: ...).
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "golden/torch/cnn.hpp"
#include "golden/torch/int_inference.hpp"
#include "golden/torch/quantize.hpp"
#include "golden/torch/train.hpp"
#include "testbenches/golden/torch/training_dir.hpp"
#include "util/sha256.hpp"

namespace {

using namespace fxsim::golden;
namespace fs = std::filesystem;
using fxsim::golden::test::kDataDir;
using fxsim::golden::test::slurp;

class TrainingRun : public fxsim::golden::test::TrainingDirTest {};

const char* kTinyCnn = R"(seed = 3
[data]
train_images = 300
test_images = 200
calibration_images = 100
[model]
layers = ["conv3x3-4", "pool2", "dense-10"]
[float]
epochs = 1
batch_size = 50
[qat]
epochs = 1
[quant]
elementwise_bits = [6]
methods = ["ptq", "qat"]
khot_k = []
)";

TEST_F(TrainingRun, TinyCnnIsDeterministicAndItsLogitsAreTheReference) {
  const TrainConfig cfg = parse_train_config(kTinyCnn, "tiny_cnn.toml");
  const fs::path out = dir_ / "cnn";
  const std::vector<std::string> files = {"model_ptq_e6.fxm", "model_qat_e6.fxm", "results.json",
                                          "results.csv"};
  std::ostringstream log;
  const TrainReport a = run_training(cfg, out.string(), 1, log);
  std::vector<std::string> first;
  for (const std::string& f : files) first.push_back(slurp(out / f));
  fs::remove_all(out);
  std::ostringstream log2;
  run_training(cfg, out.string(), 1, log2);  // the same directory: results.json names it
  for (std::size_t i = 0; i < files.size(); ++i) {
    ASSERT_FALSE(first[i].empty()) << files[i];
    EXPECT_EQ(first[i], slurp(out / files[i])) << files[i] << " differs between two runs";
  }
  EXPECT_NE(log.str().find("[qat_e6] epoch 1/1"), std::string::npos) << log.str();
  ASSERT_EQ(a.variants.size(), 2u);

  const Dataset test = load_fashion_mnist(kDataDir, "t10k", 200);
  for (const VariantResult& v : a.variants) {
    const ModelFile f = read_model_file(v.model_file);
    EXPECT_EQ(model_file_version(f.model), 2u);
    ASSERT_EQ(f.model.features.size(), 2u);
    const auto& conv = std::get<ConvLayer>(f.model.features[0]);
    EXPECT_EQ(conv.name, "conv1");
    EXPECT_EQ(conv.shape.height, 28);
    EXPECT_EQ(conv.shape.kernel, 3);
    EXPECT_EQ(conv.shape.padding, 1);  // "same": K / 2
    EXPECT_EQ(conv.out_channels, 4);
    EXPECT_EQ(conv.simd, 1);  // one input channel: no zero lanes
    ASSERT_TRUE(conv.bn.has_value());
    EXPECT_EQ(conv.bn->act, fxsim::units::Activation::RELU);
    EXPECT_EQ(conv.bn->out_type.width, 6);
    const auto& pool = std::get<MaxPoolLayer>(f.model.features[1]);
    EXPECT_EQ(pool.height, 28);
    EXPECT_EQ(pool.channels, 4);
    EXPECT_EQ(pool.type, conv.bn->out_type);
    ASSERT_EQ(f.model.layers.size(), 1u);
    EXPECT_EQ(f.model.layers[0].in_features, 14 * 14 * 4);
    EXPECT_EQ(f.model.layers[0].out_features, 10);
    EXPECT_EQ(f.model.layers[0].bn->act, fxsim::units::Activation::NONE);
    // The integer accuracy is the fake-quantized forward's (torch flatten order in training, the
    // reordered columns in the export) up to float32 sums: a wrong reorder would be near chance.
    EXPECT_GT(v.accuracy, 0.4) << v.name;
    EXPECT_NEAR(v.accuracy, v.fake_accuracy, 0.02) << v.name;
    ASSERT_TRUE(f.golden.has_value());
    ASSERT_EQ(f.golden->logits.size(), 2000u);
    for (int i = 0; i < 200; ++i) {
      const std::vector<int64_t> input(test.images.pixels.begin() + i * 784,
                                       test.images.pixels.begin() + (i + 1) * 784);
      const std::vector<int64_t> stored(f.golden->logits.begin() + i * 10,
                                        f.golden->logits.begin() + (i + 1) * 10);
      ASSERT_EQ(reference_forward(f.model, input), stored) << v.name << " image " << i;
    }
  }
}

// SPT weights (weight_kind = "spt", K = 2) on every layer: the conv exports spt<8, I, 2> weights,
// the dense layer their values in the fixed<8, I> container; both hold SPT values only, and the
// golden logits are still the reference's.
TEST_F(TrainingRun, SptWeightsAreExportedAndRunByTheReference) {
  std::string text = kTinyCnn;
  const std::string quant = "[quant]\n", methods = "methods = [\"ptq\", \"qat\"]";
  text.replace(text.find(quant), quant.size(), quant + "weight_kind = \"spt\"\nweight_k = 2\n");
  text.replace(text.find(methods), methods.size(), "methods = [\"qat\"]");
  const TrainConfig cfg = parse_train_config(text, "tiny_spt.toml");
  ASSERT_EQ(cfg.weight_kind, "spt");
  std::ostringstream log;
  const TrainReport r = run_training(cfg, (dir_ / "spt").string(), 1, log);
  ASSERT_EQ(r.variants.size(), 1u);
  EXPECT_GT(r.variants[0].accuracy, 0.3);
  const ModelFile f = read_model_file(r.variants[0].model_file);
  const auto& conv = std::get<ConvLayer>(f.model.features[0]);
  ASSERT_TRUE(std::holds_alternative<fxsim::fx::KhotType>(conv.weight_type));
  const auto spt = std::get<fxsim::fx::KhotType>(conv.weight_type);
  EXPECT_EQ(spt.kind, fxsim::fx::KhotKind::SPT);
  EXPECT_EQ(spt.k, 2);
  EXPECT_EQ(spt.width, 8);
  for (int64_t w : conv.weight_raw) EXPECT_TRUE(fxsim::fx::khot_representable(w, spt)) << w;
  const DenseLayer& fc = f.model.layers[0];
  const auto fc_spt = fxsim::fx::KhotType::make(fxsim::fx::KhotKind::SPT, fc.weight_type.width,
                                                fc.weight_type.int_bits, 2);
  int distinct_nonzero = 0;
  for (int64_t w : fc.weight_raw) {
    EXPECT_TRUE(fxsim::fx::khot_representable(w, fc_spt)) << w;
    distinct_nonzero += w != 0;
  }
  EXPECT_GT(distinct_nonzero, 100);
  const Dataset test = load_fashion_mnist(kDataDir, "t10k", 50);
  for (int i = 0; i < 50; ++i) {
    const std::vector<int64_t> input(test.images.pixels.begin() + i * 784,
                                     test.images.pixels.begin() + (i + 1) * 784);
    const std::vector<int64_t> stored(f.golden->logits.begin() + i * 10,
                                      f.golden->logits.begin() + (i + 1) * 10);
    ASSERT_EQ(reference_forward(f.model, input), stored) << "image " << i;
  }
}

// sha256 of the files `fxsim train --config tiny_mlp.toml --threads 1` wrote with the binaries
// built from main before CNNs existed, the config being kTinyMlpConfig (training_dir.hpp): the
// four variants below with 5893321, model_qat_bp_e4.fxm and results.csv with 54c75cc (whose
// 03d5458 gave qat_bp the batches of the fixed-format qat of its width, on purpose; the other
// four are the same bytes with either). The MLP path must not change a byte.
TEST_F(TrainingRun, MlpModelFilesAreTheBytesOfTheBinaryBeforeCnns) {
  const std::pair<const char*, const char*> expected[] = {
      {"model_ptq_e4.fxm", "965aa2f2ef194f500dcd589d42f7f939a3aaeb99e6fc488d50dcc0087dcf3bb7"},
      {"model_qat_e4.fxm", "82a06cacd4faf6023a9f41f2518f277fe2e6fcc871368795498ba015af1f91b0"},
      {"model_ptq_khot2_e8.fxm",
       "08345cba8750e8b9d95f48e0d61fa3d7cf64ed08530eb801941c16c97f066aa9"},
      {"model_qat_khot2_e8.fxm",
       "f38b827dcbdfe987eca77a9ee5bcc59e48e3efbd1f79020c6146d44aa3949949"},
      {"model_qat_bp_e4.fxm", "15a7f03b2809fb788c2cbc1f4a57cb286bd82026969b44712d7c58b30868aabd"},
      {"results.csv", "e007fc684f257a10094df4433661c1b3d241ad713a4408467a2babc27c47558c"}};
  std::ostringstream log;
  run_training(parse_train_config(test::kTinyMlpConfig, "tiny_mlp.toml"), (dir_ / "mlp").string(),
               1, log);
  for (const auto& [file, sha] : expected) {
    EXPECT_EQ(fxsim::util::sha256_hex(slurp(dir_ / "mlp" / file)), sha) << file;
  }
}

// The exported integer CNN runs what the fake-quantized forward computes (formats from a
// calibration): conv with bn, a conv over 4 channels (SIMD 4), pools, two dense layers.
class SmallCnn : public ::testing::TestWithParam<fxsim::units::Activation> {};

TEST_P(SmallCnn, FakeQuantForwardEqualsIntegerInference) {
  const std::vector<LayerSpec> layers = {
      parse_layer_spec("conv3x3-4"), parse_layer_spec("pool2"),    parse_layer_spec("conv3x3-6-p0"),
      parse_layer_spec("pool2"),     parse_layer_spec("dense-12"), parse_layer_spec("dense-10")};
  QCnn net(layers, MapShape{28, 28, 1}, GetParam(), 5);
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(13);
  const torch::Tensor raw = torch::randint(0, 256, {48, 784}, gen, torch::kInt64);
  const torch::Tensor x = raw.to(torch::kFloat32) / 256.0;
  net.forward(x, Precision::FLOAT, /*training=*/true);  // running statistics from one batch
  QuantSettings s;
  s.elementwise_bits = 6;
  net.set_formats(net.calibrate(x), s);
  const QuantNetwork m = net.export_model(8);
  ASSERT_EQ(m.features.size(), 4u);
  EXPECT_EQ(std::get<ConvLayer>(m.features[2]).simd, 4);
  EXPECT_EQ(std::get<ConvLayer>(m.features[2]).shape.padding, 0);
  EXPECT_EQ(m.layers[0].in_features, 6 * 6 * 6);  // 28 -> pool 14 -> conv p0 12 -> pool 6
  torch::NoGradGuard no_grad;
  const torch::Tensor fake =
      net.forward(x, Precision::QUANT, /*training=*/false).to(torch::kFloat64);
  const fxsim::fx::FxType out = m.layers.back().output_type();
  const torch::Tensor exact = dequantize(forward_integer(m, raw), out);
  const torch::Tensor diff = (fake - exact).abs();
  EXPECT_GE(torch::eq(diff, 0).to(torch::kFloat64).mean().item<double>(), 0.95);
  EXPECT_LE(diff.max().item<double>(), 64 * out.lsb());
}

INSTANTIATE_TEST_SUITE_P(Activations, SmallCnn,
                         ::testing::Values(fxsim::units::Activation::RELU,
                                           fxsim::units::Activation::HARDTANH));

TEST(FlattenReorder, HandWorked2x2x3) {
  // Column (c * 2 + y) * 2 + x of torch's flatten holds its own index; the stream order (y, x, c)
  // reads (y0 x0: c0 c1 c2) (y0 x1) (y1 x0) (y1 x1).
  const torch::Tensor w = torch::arange(12, torch::kInt64).reshape({1, 12});
  const torch::Tensor r = yxc_columns(w, MapShape{2, 2, 3}).contiguous();
  const std::vector<int64_t> got(r.data_ptr<int64_t>(), r.data_ptr<int64_t>() + 12);
  EXPECT_EQ(got, (std::vector<int64_t>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11}));
  // Two rows: each reordered on its own.
  const torch::Tensor two = torch::cat({w, w + 100}).reshape({2, 12});
  EXPECT_EQ(yxc_columns(two, MapShape{2, 2, 3})[1][1].item<int64_t>(), 104);
}

std::string config_error(const std::string& text) {
  try {
    parse_train_config(text, "t.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CnnConfig, LayerStringsAndTheirErrors) {
  const TrainConfig c = parse_train_config(
      "[model]\nlayers = [\"conv5x5-16-p0\", \"pool\", \"conv3x3-8\", \"pool3\", \"dense-32\", "
      "\"dense-10\"]\nactivation = \"hardtanh\"\n",
      "t.toml");
  ASSERT_EQ(c.layers.size(), 6u);
  EXPECT_EQ(c.layers[0].kind, LayerSpec::Kind::CONV);
  EXPECT_EQ(c.layers[0].kernel, 5);
  EXPECT_EQ(c.layers[0].outputs, 16);
  EXPECT_EQ(c.layers[0].padding, 0);
  EXPECT_EQ(c.layers[0].stride, 1);
  EXPECT_EQ(c.layers[1].kind, LayerSpec::Kind::POOL);
  EXPECT_EQ(c.layers[1].size, 2);
  EXPECT_EQ(c.layers[2].padding, 1);
  EXPECT_EQ(c.layers[3].size, 3);
  EXPECT_EQ(c.layers[4].kind, LayerSpec::Kind::DENSE);
  EXPECT_EQ(c.layers[4].outputs, 32);
  EXPECT_EQ(c.activation, fxsim::units::Activation::HARDTANH);
  // Dense layers only: the MLP of those hidden widths.
  const TrainConfig mlp =
      parse_train_config("[model]\nlayers = [\"dense-64\", \"dense-10\"]\n", "t.toml");
  EXPECT_TRUE(mlp.layers.empty());
  EXPECT_EQ(mlp.hidden, (std::vector<int>{64}));

  const std::string grammar =
      "expected convKxK-C, convKxK-C-pP, convKxK-C-sS or convKxK-C-pP-sS (K 1..7, C 1..4096, P "
      "0..3, default K/2, stride S 1..K, default 1), poolS (S 2..4, default 2) or dense-N (N "
      "1..4096)";
  EXPECT_EQ(
      config_error("[model]\nlayers = [\n  \"conv3x3-8\",\n  \"conv3-8\",\n  \"dense-10\"]\n"),
      "t.toml:4: model.layers: \"conv3-8\" is not a layer: " + grammar);
  EXPECT_EQ(config_error("[model]\nlayers = [\"conv9x9-8\", \"dense-10\"]\n"),
            "t.toml:2: model.layers: \"conv9x9-8\": kernel 9 is not in 1..7; " + grammar);
  // A stride: 28 -> (28 + 2 - 3) / 2 + 1 = 14 with conv3x3-8-p1-s2; -s2 alone keeps P = K / 2;
  // a stride above the kernel is refused, and maps follow the stride (28 -> 4 -> 1 -> none).
  const TrainConfig strided = parse_train_config(
      "[model]\nlayers = [\"conv3x3-8-p1-s2\", \"conv5x5-4-s3\", \"dense-10\"]\n", "t.toml");
  EXPECT_EQ(strided.layers[0].stride, 2);
  EXPECT_EQ(strided.layers[0].padding, 1);
  EXPECT_EQ(strided.layers[1].stride, 3);
  EXPECT_EQ(strided.layers[1].padding, 2);
  EXPECT_EQ(config_error("[model]\nlayers = [\"conv3x3-8-s4\", \"dense-10\"]\n"),
            "t.toml:2: model.layers: \"conv3x3-8-s4\": stride 4 is not in 1..3; " + grammar);
  EXPECT_EQ(config_error("[model]\nlayers = [\"conv7x7-8-p0-s7\", \"conv3x3-8-p0-s3\", "
                         "\"conv3x3-8-p0\", \"dense-10\"]\n"),
            "t.toml:2: model.layers: conv3x3-8-p0 does not fit its 1x1 input map");
  EXPECT_EQ(config_error("[model]\nlayers = [\"conv3x5-8\", \"dense-10\"]\n"),
            "t.toml:2: model.layers: \"conv3x5-8\": the kernel must be square; " + grammar);
  EXPECT_EQ(config_error("[model]\nlayers = [\"pool5\", \"dense-10\"]\n"),
            "t.toml:2: model.layers: \"pool5\": pool size 5 is not in 2..4; " + grammar);
  EXPECT_EQ(config_error("[model]\nlayers = [\"conv3x3-8\",\n \"pool2\",\n \"dense-12\"]\n"),
            "t.toml:4: model.layers: the last layer gives the 10 logits: expected dense-10, "
            "found dense-12");
  EXPECT_EQ(config_error("[model]\nlayers = [\"conv3x3-8\", \"pool2\"]\n"),
            "t.toml:2: model.layers: the last layer gives the 10 logits: expected dense-10, "
            "found pool2");
  EXPECT_EQ(config_error("[model]\nlayers = [\"dense-32\", \"conv3x3-8\", \"dense-10\"]\n"),
            "t.toml:2: model.layers: conv3x3-8-p1 after a dense layer; conv and pool layers come "
            "first");
  EXPECT_EQ(config_error("[model]\nlayers = [\"pool4\", \"pool4\", \"pool2\", \"dense-10\"]\n"),
            "t.toml:2: model.layers: pool2 does not fit its 1x1 input map");
  EXPECT_EQ(config_error("[model]\nlayers = [\"conv3x3-8\", 3, \"dense-10\"]\n"),
            "t.toml:2: model.layers: expected a layer string, found a integer");
  EXPECT_EQ(config_error("[model]\nhidden = [32]\nlayers = [\"dense-10\"]\n"),
            "t.toml:3: model.layers: set either hidden (an MLP) or layers, not both");
  EXPECT_EQ(config_error("[model]\nlayers = []\n"),
            "t.toml:2: model.layers: expected a non-empty array of layer strings (\"conv3x3-16\", "
            "\"pool2\", \"dense-10\")");
  EXPECT_EQ(config_error("[quant]\nweight_kind = \"khot\"\nweight_bits = 4\nweight_k = 4\n"),
            "t.toml:4: quant.weight_k: K = 4 exceeds the 3 magnitude bits of weight_bits = 4");
  EXPECT_EQ(config_error("[quant]\nweight_kind = \"pow2\"\n"),
            "t.toml:2: quant.weight_kind: \"pow2\" is not one of fixed, khot, spt");
  EXPECT_EQ(config_error("[model]\nactivation = \"sign\"\n"),
            "t.toml:2: model.activation: \"sign\" is not one of relu, relu_clip, hardtanh");
}

TEST(CnnConfig, ExampleConfigsLoad) {
  const TrainConfig small = load_train_config(FXSIM_EXAMPLES_DIR "/train_cnn_small.toml");
  ASSERT_EQ(small.layers.size(), 5u);
  EXPECT_EQ(small.layers[2].outputs, 16);
  EXPECT_EQ(small.train_images, 4000);
  const TrainConfig full = load_train_config(FXSIM_EXAMPLES_DIR "/train_cnn_fashion_mnist.toml");
  ASSERT_EQ(full.layers.size(), 5u);
  EXPECT_EQ(full.layers[0].outputs, 16);
  EXPECT_EQ(full.layers[2].outputs, 32);
  EXPECT_EQ(full.train_images, 0);  // all
}

}  // namespace
