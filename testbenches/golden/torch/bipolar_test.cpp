// The LibTorch half of the binary / ternary networks (golden/torch/bipolar_*.hpp):
//   - the tensor quantizers equal fx::quantize_bipolar (v exactly, the scale as float) on random
//     tensors of several sizes and spreads, zeros and ties included;
//   - the straight-through gradients: 1 where |w| <= 1 (|x| <= 1), 0 elsewhere, on hand-picked
//     values;
//   - forward_bipolar_integer equals the models/units reference (reference_forward) and the brute
//     force on the hand-built nets, and the reference on exported random networks;
//   - a tiny `fxsim train` run of the three variants: deterministic files, the stored golden
//     logits reproduced by the reference from the loaded version-4 file, config errors.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "golden/model_file.hpp"
#include "golden/torch/bipolar_mlp.hpp"
#include "golden/torch/bipolar_quant.hpp"
#include "golden/torch/train.hpp"
#include "testbenches/golden/bipolar_test_nets.hpp"
#include "testbenches/golden/torch/training_dir.hpp"

namespace {

using namespace fxsim::golden;
namespace fx = fxsim::fx;

std::vector<double> doubles(const torch::Tensor& t) {
  const torch::Tensor d = t.to(torch::kFloat64).contiguous();
  return {d.data_ptr<double>(), d.data_ptr<double>() + d.numel()};
}

TEST(BipolarQuant, EqualsFxOnRandomTensors) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(20);
  int tensors = 0;
  for (const std::int64_t n : {1, 7, 64, 1000, 200704}) {
    for (const double spread : {1e-3, 0.05, 1.0}) {
      torch::Tensor w = torch::randn({n}, gen) * spread;
      if (n >= 64) {  // zeros (sign(0) = +1) and exact ties with other elements
        w.index_put_({torch::indexing::Slice(0, 3)}, 0.0);
        w.index_put_({3}, w[4].item<float>());
      }
      const std::vector<double> wd = doubles(w);
      for (const fx::Bipolar kind : {fx::Bipolar::BINARY, fx::Bipolar::TERNARY}) {
        const BipolarTensorQ q = quantize_bipolar_tensor(w, kind);
        const fx::BipolarTensor ref = fx::quantize_bipolar(kind, wd);
        const std::vector<double> v = doubles(q.v);
        ASSERT_EQ(v.size(), ref.v.size());
        for (std::size_t i = 0; i < v.size(); ++i) {
          ASSERT_EQ(static_cast<int>(v[i]), ref.v[i]) << "n " << n << " element " << i;
        }
        EXPECT_EQ(static_cast<float>(q.scale), static_cast<float>(ref.type.scale))
            << "n " << n << " spread " << spread;
        ++tensors;
      }
    }
  }
  EXPECT_EQ(tensors, 30);
}

TEST(BipolarQuant, AllZeroAndNoneBeyondDelta) {
  const torch::Tensor z = torch::zeros({5});
  EXPECT_EQ(quantize_bipolar_tensor(z, fx::Bipolar::BINARY).scale, 1.0);
  EXPECT_EQ(doubles(quantize_bipolar_tensor(z, fx::Bipolar::BINARY).v),
            std::vector<double>(5, 1.0));
  EXPECT_EQ(quantize_bipolar_tensor(z, fx::Bipolar::TERNARY).scale, 1.0);
  EXPECT_EQ(doubles(quantize_bipolar_tensor(z, fx::Bipolar::TERNARY).v),
            std::vector<double>(5, 0.0));
  // Hand-worked TWN: |w| = 0.1, 0.2, 0.3, 0.6 -> mean 0.3, delta 0.21: v = 0, 0, +1, -1 (0.3 >
  // 0.21), scale (0.3 + 0.6) / 2 = 0.45.
  const torch::Tensor w = torch::tensor({0.1f, -0.2f, 0.3f, -0.6f});
  const BipolarTensorQ q = quantize_bipolar_tensor(w, fx::Bipolar::TERNARY);
  EXPECT_EQ(doubles(q.v), (std::vector<double>{0, 0, 1, -1}));
  EXPECT_FLOAT_EQ(static_cast<float>(q.scale), 0.45f);
}

TEST(BipolarQuant, StraightThroughGradients) {
  // Binary: mean |w| = (0.5 + 0.25 + 1 + 1.5 + 0) / 5 = 0.65; forward v x 0.65.
  const torch::Tensor w = torch::tensor({0.5f, -0.25f, 1.0f, -1.5f, 0.0f}).requires_grad_(true);
  const torch::Tensor q = bipolar_weight_ste(w, fx::Bipolar::BINARY);
  EXPECT_EQ(doubles(q.detach()), doubles(torch::tensor({0.65f, -0.65f, 0.65f, -0.65f, 0.65f})));
  (q * torch::tensor({1.f, 2.f, 3.f, 4.f, 5.f})).sum().backward();
  EXPECT_EQ(doubles(w.grad()), (std::vector<double>{1, 2, 3, 0, 5}));  // |w| > 1: 0
  const torch::Tensor x =
      torch::tensor({-2.0f, -1.0f, -0.0f, 0.0f, 0.3f, 1.5f}).requires_grad_(true);
  const torch::Tensor s = sign_ste(x);
  EXPECT_EQ(doubles(s.detach()), (std::vector<double>{-1, -1, 1, 1, 1, 1}));
  s.sum().backward();
  EXPECT_EQ(doubles(x.grad()), (std::vector<double>{0, 1, 1, 1, 1, 0}));
}

torch::Tensor random_pixels(int n, int features, std::uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return torch::randint(0, 256, {n, features}, gen, torch::kInt64);
}

std::vector<std::int64_t> row(const torch::Tensor& t, std::int64_t r) {
  const torch::Tensor c = t[r].contiguous();
  return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

TEST(BipolarInference, HandBuiltNetsEqualReferenceAndBruteForce) {
  const torch::Tensor px = random_pixels(300, 8, 3);
  for (const bool bnn : {true, false}) {
    const BipolarNetwork net = bnn ? test::tiny_bnn() : test::tiny_ternary();
    const torch::Tensor out = forward_bipolar_integer(net, px);
    for (std::int64_t i = 0; i < px.size(0); ++i) {
      const std::vector<std::int64_t> in = row(px, i);
      const std::vector<std::int64_t> brute = bnn ? test::brute_bnn(in) : test::brute_ternary(in);
      ASSERT_EQ(row(out, i), brute) << (bnn ? "bnn" : "ternary") << " input " << i;
      ASSERT_EQ(reference_forward(net, in), brute);
    }
  }
}

TEST(BipolarInference, ExportedRandomNetsEqualReference) {
  // Untrained networks with random BN statistics: the export's thresholds and bn_act raws run
  // the same in the vectorized inference and through models/units.
  for (const auto kind :
       {BipolarVariantKind::BINARY, BipolarVariantKind::TERNARY, BipolarVariantKind::BNN}) {
    BipolarSettings s;
    s.kind = kind;
    BipolarMlp mlp({64, 32, 16, 10}, s, 11);
    const torch::Tensor px = random_pixels(200, 64, 4);
    const torch::Tensor x = px.to(torch::kFloat32) / 256;
    mlp.forward(x, /*training=*/true);  // moves the running statistics off 0 / 1
    const BipolarNetwork net = mlp.export_network(x);
    validate(net);
    const torch::Tensor out = forward_bipolar_integer(net, px);
    int distinct = 0;
    for (std::int64_t i = 0; i < 50; ++i) {
      const std::vector<std::int64_t> o = row(out, i);
      ASSERT_EQ(o, reference_forward(net, row(px, i))) << "input " << i;
      distinct += o != row(out, 0);
    }
    EXPECT_GT(distinct, 0);
    // The integer logits track the float forward (eval mode): same argmax on most inputs.
    const torch::Tensor f = mlp.forward(x, false);
    const double agree =
        torch::eq(f.argmax(1), out.argmax(1)).to(torch::kFloat64).mean().item<double>();
    EXPECT_GT(agree, 0.8) << static_cast<int>(kind);
  }
}

class BipolarTraining : public test::TrainingDirTest {};

const char* kConfig = R"(seed = 5
[data]
train_images = 300
test_images = 200
calibration_images = 100
[model]
hidden = [24, 16]
[float]
epochs = 1
batch_size = 50
[quant]
elementwise_bits = [8]
methods = ["ptq"]
khot_k = []
[binary]
variants = ["binary", "ternary", "bnn"]
epochs = 2
)";

TEST_F(BipolarTraining, DeterministicFilesAndGoldenLogits) {
  const TrainConfig cfg = parse_train_config(kConfig, "bipolar.toml");
  std::ostringstream log1, log2;
  const TrainReport a = run_training(cfg, (dir_ / "a").string(), 1, log1);
  const TrainReport b = run_training(cfg, (dir_ / "b").string(), 1, log2);
  EXPECT_NE(log1.str().find("[bnn] epoch 2/2"), std::string::npos) << log1.str();
  ASSERT_EQ(a.variants.size(), 4u);
  const std::vector<std::string> names = {"binary", "ternary", "bnn"};
  for (int i = 0; i < 3; ++i) {
    const VariantResult& v = a.variants[1 + i];
    EXPECT_EQ(v.name, names[i]);
    EXPECT_EQ(v.method, "ste");
    EXPECT_GT(v.accuracy, 0.2) << v.name;  // 10 classes: chance is 0.1
    EXPECT_EQ(test::slurp(v.model_file), test::slurp(b.variants[1 + i].model_file));
    const ModelFile f = read_model_file(v.model_file);
    ASSERT_TRUE(f.is_bipolar());
    ASSERT_EQ(f.bipolar.layers.size(), 3u);
    EXPECT_EQ(f.bipolar.layers[0].weight_type.kind,
              i == 1 ? fx::Bipolar::TERNARY : fx::Bipolar::BINARY);
    EXPECT_EQ(f.bipolar.layers[1].binary_input, i == 2);
    EXPECT_EQ(f.bipolar.layers[0].binary_output(), i == 2);
    ASSERT_TRUE(f.golden.has_value());
    EXPECT_EQ(f.golden->count, 200);
    EXPECT_DOUBLE_EQ(f.golden->accuracy, v.accuracy);
    const std::vector<std::uint8_t> px =
        read_golden_pixels(golden_images_path(*f.golden, test::kDataDir), 20, 784);
    for (int img = 0; img < 20; ++img) {
      const std::vector<std::int64_t> in(px.begin() + img * 784, px.begin() + (img + 1) * 784);
      const std::vector<std::int64_t> logits = reference_forward(f.bipolar, in);
      const std::vector<std::int64_t> stored(f.golden->logits.begin() + img * 10,
                                             f.golden->logits.begin() + (img + 1) * 10);
      ASSERT_EQ(logits, stored) << v.name << " image " << img;
    }
  }
}

std::string config_error(const std::string& text) {
  try {
    parse_train_config(text, "t.toml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

TEST(BipolarConfig, Errors) {
  EXPECT_EQ(config_error("[binary]\nvariants = [\"xnor\"]\n"),
            "t.toml:2: binary.variants: \"xnor\" is not one of binary, ternary, bnn");
  EXPECT_EQ(config_error("[model]\nlayers = [\"conv3x3-4\", \"dense-10\"]\n[binary]\nvariants = "
                         "[\"bnn\"]\n"),
            "t.toml:4: binary.variants: binary / ternary variants quantize an MLP (model.hidden); "
            "this config is a CNN");
  const TrainConfig c = parse_train_config(
      "[binary]\nvariants = [\"bnn\", \"ternary\"]\nepochs = 3\nactivation_bits = 6\n", "t.toml");
  EXPECT_EQ(c.binary_variants, (std::vector<std::string>{"bnn", "ternary"}));
  EXPECT_EQ(c.binary_epochs, 3);
  EXPECT_EQ(c.binary_activation_bits, 6);
}

}  // namespace
