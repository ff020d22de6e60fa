// Stochastic rounding in the golden model's torch half: the training quantizers
// (golden/torch/stochastic_quant.hpp) against their rule (values on the two neighbours, the
// rounding-up frequency equal to the remainder within 4 sigma, overflow as the deterministic
// cast, the gradient format worked by hand), determinism by seed, the training scope, and the
// tensor-speed LFSR inference (golden/torch/stochastic_inference.hpp) against the plain C++ one
// that golden_stochastic_tests checks against a brute force.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <sstream>

#include "fx/width_rules.hpp"
#include "golden/stochastic_dense.hpp"
#include "golden/torch/qfx.hpp"
#include "golden/torch/quantize.hpp"
#include "golden/torch/stochastic_inference.hpp"
#include "golden/torch/stochastic_quant.hpp"
#include "golden/torch/train.hpp"
#include "testbenches/golden/torch/training_dir.hpp"

namespace fx = fxsim::fx;
using fx::FxType;
using fx::Overflow;
using fx::Rounding;
using namespace fxsim::golden;

namespace {

at::Generator gen_of(std::uint64_t seed) { return at::make_generator<at::CPUGeneratorImpl>(seed); }

// fixed<8,4,RND_CONV,SAT>: F = 4, raw range -128..127.
const FxType kT = FxType::make_signed(8, 4, Rounding::RND_CONV, Overflow::SAT);

TEST(StochasticQuantize, UpFrequencyEqualsTheRemainderWithin4Sigma) {
  at::Generator gen = gen_of(3);
  const int n = 100000;
  // floor + remainder in LSB units (LSB = 1/16), positive and negative floors.
  for (double floor : {5.0, -7.0, 0.0}) {
    for (double r : {1.0 / 1024, 0.1, 0.25, 0.5, 0.75, 0.9}) {
      const torch::Tensor x = torch::full({n}, (floor + r) / 16.0, torch::kFloat64);
      const torch::Tensor raw = stochastic_quantize_raw(x, kT, gen);
      const int64_t lo = raw.min().item<int64_t>(), hi = raw.max().item<int64_t>();
      EXPECT_GE(lo, static_cast<int64_t>(floor));
      EXPECT_LE(hi, static_cast<int64_t>(floor) + 1);
      const double up = (raw - static_cast<int64_t>(floor)).sum().item<double>() / n;
      const double sigma = std::sqrt(r * (1 - r) / n);
      EXPECT_NEAR(up, r, 4 * sigma) << "floor " << floor << " r " << r;
    }
  }
  // On the grid: exact, never moved.
  const torch::Tensor grid = torch::arange(-128, 128, torch::kFloat64) / 16.0;
  EXPECT_TRUE(torch::equal(stochastic_quantize_raw(grid, kT, gen),
                           torch::arange(-128, 128, torch::kInt64)));
}

TEST(StochasticQuantize, OverflowAsTheDeterministicCast) {
  at::Generator gen = gen_of(1);
  const torch::Tensor x = torch::tensor({100.0, -100.0, 7.99, -8.0, std::nan("")}, torch::kFloat64);
  torch::Tensor overflow;
  const torch::Tensor raw = stochastic_quantize_raw(x, kT, gen, &overflow);
  // 7.99 * 16 = 127.84: 127 or 128 -> 127 (SAT), overflow only when it rounded up.
  EXPECT_EQ(raw[0].item<int64_t>(), 127);
  EXPECT_EQ(raw[1].item<int64_t>(), -128);
  EXPECT_EQ(raw[2].item<int64_t>(), 127);
  EXPECT_EQ(raw[3].item<int64_t>(), -128);
  EXPECT_EQ(raw[4].item<int64_t>(), 0);
  EXPECT_TRUE(overflow[0].item<bool>());
  EXPECT_TRUE(overflow[1].item<bool>());
  EXPECT_FALSE(overflow[3].item<bool>());
  // WRAP: 100 * 16 = 1600 = 0x640, low 8 bits 0x40 = 64.
  const FxType wrap = FxType::make_signed(8, 4, Rounding::RND_CONV, Overflow::WRAP);
  EXPECT_EQ(stochastic_quantize_raw(torch::tensor({100.0}), wrap, gen)[0].item<int64_t>(), 64);
}

TEST(StochasticQuantize, SameSeedSameBitsOtherSeedOtherBits) {
  const torch::Tensor x = torch::rand({4096}, gen_of(9), torch::kFloat64) * 6 - 3;
  at::Generator a = gen_of(5), b = gen_of(5), c = gen_of(6);
  const torch::Tensor ra = stochastic_quantize_raw(x, kT, a);
  EXPECT_TRUE(torch::equal(ra, stochastic_quantize_raw(x, kT, b)));
  EXPECT_FALSE(torch::equal(ra, stochastic_quantize_raw(x, kT, c)));
}

TEST(QuantizeGradient, FormatAndRoundingByHand) {
  at::Generator gen = gen_of(2);
  // max |g| = 0.3: I = floor(log2 0.3) + 1 + 1 (sign) = 0, fixed<4,0>: LSB 1/16, raws -8..7.
  const torch::Tensor g = torch::tensor({0.3, -0.1, 0.01, 0.0}, torch::kFloat32);
  const FxType t = gradient_format(g, 4, Rounding::RND_CONV);
  EXPECT_EQ(t.str(), FxType::make_signed(4, 0, Rounding::RND_CONV, Overflow::SAT).str());
  const torch::Tensor q = quantize_gradient(g, 4, Rounding::RND_CONV, gen);
  // 0.3 * 16 = 4.8 -> 5; -1.6 -> -2; 0.16 -> 0; 0.
  EXPECT_TRUE(torch::equal(q, torch::tensor({5.0f, -2.0f, 0.0f, 0.0f}) / 16));
  // Stochastic: 0.01 survives on average (0.16 LSB), where nearest rounds it to 0 every time.
  const int n = 50000;
  torch::Tensor big = torch::full({n}, 0.01f);
  big[0] = 0.3f;  // sets the format
  const torch::Tensor s = quantize_gradient(big, 4, Rounding::RND_STOCH, gen);
  const double mean = s.narrow(0, 1, n - 1).to(torch::kFloat64).mean().item<double>();
  const double p = 0.16;
  EXPECT_NEAR(mean, 0.01, 4 * std::sqrt(p * (1 - p) / (n - 1)) / 16);
  EXPECT_TRUE(torch::equal(quantize_gradient(torch::zeros({3}), 4, Rounding::RND_STOCH, gen),
                           torch::zeros({3})));
  EXPECT_TRUE(torch::equal(quantize_gradient(g, 0, Rounding::RND_CONV, gen), g));
}

// Outside a scope fake_quant_as is fake_quant; inside, only the named roles change.
TEST(FakeQuantAs, ScopeRolesAndGradients) {
  const torch::Tensor x0 = torch::rand({64}, gen_of(4), torch::kFloat32) * 4 - 2;
  const torch::Tensor no_frac;
  auto run = [&](QuantRole role) {
    torch::Tensor x = x0.clone().requires_grad_(true);
    torch::Tensor q = fake_quant_as(x, kT, no_frac, role);
    (q * torch::linspace(0.001, 0.064, 64)).sum().backward();
    return std::make_pair(q.detach(), x.grad());
  };
  const torch::Tensor nearest = fake_quant(x0, kT);
  const auto [q_out, g_out] = run(QuantRole::WEIGHT);
  EXPECT_TRUE(torch::equal(q_out, nearest));
  EXPECT_TRUE(torch::allclose(g_out, torch::linspace(0.001, 0.064, 64)));

  StochasticRounding s;
  s.weights = true;
  s.gradient_bits = 4;
  s.gradients = false;  // nearest gradients
  std::pair<torch::Tensor, torch::Tensor> w, a, p;
  {
    StochasticTrainingScope scope(s, gen_of(8));
    w = run(QuantRole::WEIGHT);
    a = run(QuantRole::ACTIVATION);
    p = run(QuantRole::PARAMETER);
  }
  // Weights: stochastic, on the floor or the ceiling of x * 16, not all nearest.
  const torch::Tensor scaled = x0.to(torch::kFloat64) * 16;
  const torch::Tensor wr = w.first.to(torch::kFloat64) * 16;
  EXPECT_TRUE(
      torch::logical_or(torch::eq(wr, torch::floor(scaled)), torch::eq(wr, torch::ceil(scaled)))
          .all()
          .item<bool>());
  EXPECT_FALSE(torch::equal(w.first, nearest));
  EXPECT_TRUE(torch::equal(a.first, nearest));  // activations not named: nearest
  EXPECT_TRUE(torch::equal(p.first, nearest));
  // Gradients of weights and activations on the 4-bit grid of max 0.064 (I = -2, LSB 2^-6),
  // nearest: 0.001 * 64 = 0.064 -> 0; 0.064 * 64 = 4.096 -> 4.
  const torch::Tensor grid = a.second.to(torch::kFloat64) * 64;
  EXPECT_TRUE(torch::equal(grid, torch::round(grid)));
  EXPECT_EQ(a.second[0].item<float>(), 0.0f);
  EXPECT_EQ(a.second[63].item<float>(), 4.0f / 64);
  EXPECT_TRUE(torch::allclose(p.second, torch::linspace(0.001, 0.064, 64)));  // float
  // After the scope: deterministic again.
  EXPECT_TRUE(torch::equal(run(QuantRole::WEIGHT).first, nearest));
}

// The learned binary point keeps its gradient formula with stochastic values.
TEST(FakeQuantAs, LearnedBinaryPointInScope) {
  StochasticRounding s;
  s.activations = true;
  const torch::Tensor x0 = torch::tensor({0.3, -1.7, 5.0}, torch::kFloat64);
  const FxType base = FxType::make_signed(4, 2, Rounding::RND, Overflow::SAT);
  torch::Tensor f = torch::tensor(2.2, torch::kFloat64).reshape({}).requires_grad_(true);
  torch::Tensor x = x0.clone().requires_grad_(true);
  torch::Tensor q;
  {
    StochasticTrainingScope scope(s, gen_of(1));
    q = fake_quant_as(x, base, f, QuantRole::ACTIVATION);
  }
  q.sum().backward();
  // F = 2: 0.3 -> 0.25 or 0.5; -1.7 -> -1.75 or -1.5; 5.0 saturates to 1.75.
  const double q0 = q[0].item<double>(), q1 = q[1].item<double>();
  EXPECT_TRUE(q0 == 0.25 || q0 == 0.5);
  EXPECT_TRUE(q1 == -1.75 || q1 == -1.5);
  EXPECT_EQ(q[2].item<double>(), 1.75);
  const double ln2 = std::log(2.0);
  EXPECT_NEAR(f.grad().item<double>(), ln2 * ((0.3 - q0) + (-1.7 - q1) - 1.75), 1e-12);
  EXPECT_TRUE(torch::equal(x.grad(), torch::tensor({1.0, 1.0, 0.0}, torch::kFloat64)));
}

// The tensor-speed LFSR inference equals the plain C++ one, layer by layer, for several seeds.
TEST(LaneInference, TorchEqualsPlainForSeveralSeeds) {
  std::mt19937_64 rng(12);
  QuantNetwork m;
  m.input_type = FxType::make_unsigned(8, 0, Rounding::RND_CONV, Overflow::SAT);
  const int sizes[] = {30, 16, 12, 10};
  fx::FxType prev = m.input_type;
  for (int i = 0; i < 3; ++i) {
    DenseLayer l;
    l.name = "fc" + std::to_string(i + 1);
    l.in_features = sizes[i];
    l.out_features = sizes[i + 1];
    l.simd = 4;
    l.input_type = prev;
    l.weight_type = FxType::make_signed(6, 1, Rounding::RND_CONV, Overflow::SAT);
    l.acc_type = fx::accumulator_type(l.input_type, l.weight_type, l.in_features, Overflow::SAT);
    l.out_type = FxType::make_signed(10, 5, Rounding::RND_CONV, Overflow::SAT);
    std::uniform_int_distribution<int64_t> w(-32, 31), sc(-128, 127), bi(-512, 511);
    for (int k = 0; k < l.in_features * l.out_features; ++k) l.weight_raw.push_back(w(rng));
    BnActLayer b;
    b.scale_type = FxType::make_signed(8, 2, Rounding::RND_CONV, Overflow::SAT);
    b.bias_type = FxType::make_signed(10, 4, Rounding::RND_CONV, Overflow::SAT);
    b.out_type = i == 2 ? FxType::make_signed(12, 8, Rounding::RND_CONV, Overflow::SAT)
                        : FxType::make_unsigned(8, 4, Rounding::RND_CONV, Overflow::SAT);
    b.act = i == 2 ? fxsim::units::Activation::NONE : fxsim::units::Activation::RELU;
    for (int o = 0; o < l.out_features; ++o) {
      b.scale_raw.push_back(sc(rng));
      b.bias_raw.push_back(bi(rng));
    }
    l.bn = b;
    prev = b.out_type;
    m.layers.push_back(l);
  }
  validate(m);
  const QuantNetwork s = with_stochastic_requants(m, true, true);
  validate(s);
  const int n = 25;
  std::uniform_int_distribution<int64_t> px(0, 255);
  std::vector<int64_t> in(n * 30);
  for (auto& v : in) v = px(rng);
  const torch::Tensor input = torch::tensor(in, torch::kInt64).reshape({n, 30});
  const std::vector<int> pe = {4, 3, 5};
  std::vector<std::vector<int64_t>> outs;
  for (std::uint64_t seed : {1ULL, 77ULL, 1000003ULL}) {
    const torch::Tensor got = forward_integer_lanes(s, input, pe, seed);
    std::vector<int64_t> v = in;
    for (int i = 0; i < 3; ++i)
      v = stochastic_dense(s.layers[i], v, n, {pe[i], seed, std::uint64_t(i)});
    const torch::Tensor c = got.contiguous();
    ASSERT_EQ(std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()), v)
        << "seed " << seed;
    outs.push_back(v);
  }
  EXPECT_NE(outs[0], outs[1]);
  EXPECT_NE(outs[1], outs[2]);
  // Without RND_STOCH the lanes change nothing: forward_integer_lanes is dense_integer.
  const torch::Tensor det = forward_integer_lanes(m, input, pe, 1);
  std::vector<int64_t> v = in;
  for (int i = 0; i < 3; ++i) v = stochastic_dense(m.layers[i], v, n, {pe[i], 9, 0});
  const torch::Tensor c = det.contiguous();
  EXPECT_EQ(std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel()), v);
}

class StochasticTraining : public fxsim::golden::test::TrainingDirTest {};

// The same config and seed: the same model files; each stochastic setting changes the result.
TEST_F(StochasticTraining, DeterministicBySeedAndEachSettingMatters) {
  const std::string base = std::string(fxsim::golden::test::kTinyMlpConfig);
  auto with = [&](const std::string& quant_lines) {
    std::string c = base;
    c.replace(c.find("[quant]\n"), 8, "[quant]\n" + quant_lines);
    c.replace(c.find("methods = [\"ptq\", \"qat\", \"qat_bp\"]"),
              std::string("methods = [\"ptq\", \"qat\", \"qat_bp\"]").size(),
              "methods = [\"qat\", \"qat_bp\"]");
    c.replace(c.find("khot_k = [2]"), 12, "khot_k = []");
    return parse_train_config(c, "t.toml");
  };
  auto run = [&](const TrainConfig& cfg, const std::string& sub) {
    std::ostringstream log;
    const TrainReport r = run_training(cfg, (dir_ / sub).string(), 1, log);
    std::vector<std::string> files;
    for (const VariantResult& v : r.variants)
      files.push_back(fxsim::golden::test::slurp(v.model_file));
    return std::make_pair(files, log.str());
  };
  const auto [none, log_none] = run(with(""), "none");
  const TrainConfig all = with(
      "stochastic = [\"weights\", \"activations\", \"gradients\"]\ngradient_bits = 6\n"
      "stochastic_inference = true\n");
  const auto [a1, log1] = run(all, "a1");
  const auto [a2, log2] = run(all, "a2");
  ASSERT_EQ(a1.size(), 2u);
  EXPECT_EQ(a1, a2);
  EXPECT_NE(log1.find("[qat_e4] stochastic: weights, activations, gradients (6 bits, RND_STOCH)"),
            std::string::npos)
      << log1;
  EXPECT_NE(log1.find("[qat_e4] integer accuracy with RND_STOCH requants"), std::string::npos);
  for (const char* setting :
       {"stochastic = [\"weights\"]\n", "stochastic = [\"activations\"]\n",
        "stochastic = [\"gradients\"]\ngradient_bits = 6\n", "gradient_bits = 6\n"}) {
    const auto [files, log] = run(with(setting), "s");
    EXPECT_NE(files[0], none[0]) << setting;
    EXPECT_NE(files[0], a1[0]) << setting;
    std::filesystem::remove_all(dir_ / "s");
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

TEST(StochasticConfig, KeysAndErrors) {
  const TrainConfig d = parse_train_config("", "t.toml");
  EXPECT_FALSE(d.stochastic.any());
  EXPECT_EQ(d.stochastic.str(), "none");
  const TrainConfig c = parse_train_config(
      "[quant]\nrounding = \"RND\"\nstochastic = [\"activations\"]\ngradient_bits = 8\n", "t.toml");
  EXPECT_TRUE(c.stochastic.activations);
  EXPECT_FALSE(c.stochastic.weights);
  EXPECT_EQ(c.stochastic.deterministic, Rounding::RND);
  EXPECT_EQ(c.stochastic.str(), "activations, quantized gradients (8 bits, RND)");
  EXPECT_EQ(config_error("[quant]\nstochastic = [\"gradients\"]\n"),
            "t.toml:2: quant.stochastic: \"gradients\" rounds the gradients to "
            "quant.gradient_bits bits: set gradient_bits (2..32)");
  EXPECT_EQ(config_error("[quant]\nstochastic = [\"bias\"]\n"),
            "t.toml:2: quant.stochastic: \"bias\" is not one of weights, activations, gradients");
  EXPECT_EQ(config_error("[quant]\ngradient_bits = 1\n"),
            "t.toml:2: quant.gradient_bits: expected 0 (float gradients) or 2..32");
  EXPECT_EQ(config_error("[quant]\nrounding = \"RND_STOCH\"\n"),
            "t.toml:2: quant.rounding: RND_STOCH is not a rounding of the trained formats; list "
            "the tensors to round stochastically in training in quant.stochastic");
}

}  // namespace
