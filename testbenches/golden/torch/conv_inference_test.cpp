// Convolution and max-pool, integer inference. The C++ reference (models/engine/conv_reference)
// against torch::conv2d (PyTorch's own kernel) on the dequantized values where nothing rounds or
// overflows; the LibTorch integer inference (golden/torch/int_inference) against that reference
// raw for raw on random layers whose accumulators, requants and bn_acts round, tie and overflow;
// max-pool against a brute force and torch::max_pool2d; QuantConv2d's export.
#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "fx/width_rules.hpp"
#include "golden/conv_layer.hpp"
#include "golden/torch/int_inference.hpp"
#include "golden/torch/layers.hpp"
#include "golden/torch/quantize.hpp"
#include "models/engine/conv_reference.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/stimulus.hpp"

namespace {

namespace engine = fxsim::engine;
namespace fx = fxsim::fx;
namespace golden = fxsim::golden;
using fx::FxType;
using fx::Overflow;
using fx::Rounding;
using fxsim::units::Activation;

std::vector<std::int64_t> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous().to(torch::kInt64);
  return {c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel()};
}

torch::Tensor to_tensor(const std::vector<std::int64_t>& v, std::vector<std::int64_t> shape) {
  return torch::tensor(v, torch::kInt64).reshape(shape);
}

std::vector<std::int64_t> random_raws(std::mt19937_64& rng, std::size_t n, const FxType& t) {
  std::uniform_int_distribution<std::int64_t> d(t.raw_min(), t.raw_max());
  std::vector<std::int64_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

enum class Weights { FIXED, KHOT, SPT };
enum class Bn { NONE, FIXED_SCALE, KHOT_SCALE };

struct ConvCase {
  int h, w, c, oc, k, stride, padding, simd;
  Weights weights;
  int acc_less;  // integer bits below the exact accumulator (> 0: it overflows)
  Overflow acc_overflow;
  Bn bn;
  Activation act;
};

std::string describe(const ConvCase& c) {
  return std::to_string(c.h) + "x" + std::to_string(c.w) + "x" + std::to_string(c.c) + " oc " +
         std::to_string(c.oc) + " K " + std::to_string(c.k) + " S " + std::to_string(c.stride) +
         " P " + std::to_string(c.padding) + " SIMD " + std::to_string(c.simd) + " weights " +
         std::to_string(static_cast<int>(c.weights)) + " acc-" + std::to_string(c.acc_less) +
         " bn " + std::to_string(static_cast<int>(c.bn));
}

// A conv layer's two descriptions from one set of raws: the engine point + operands the C++
// reference takes and the golden ConvLayer the LibTorch inference takes.
struct Layer {
  engine::ConvShape shape;
  engine::EngineConfig point;
  engine::Stimulus stim;            // weights with zero padded lanes, BN parameters
  std::vector<std::int64_t> input;  // batch x H x W x C
  int batch = 2;
  golden::ConvLayer golden;
};

Layer make_layer(const ConvCase& c, const FxType& act, const fx::NumType& weight, const FxType& out,
                 std::uint64_t seed) {
  Layer l;
  l.shape = {c.h, c.w, c.c, c.k, c.stride, c.padding};
  engine::EngineConfig base;
  base.kind = c.weights == Weights::FIXED  ? engine::EngineKind::FX_MAC
              : c.weights == Weights::KHOT ? engine::EngineKind::KHOT
                                           : engine::EngineKind::SPT;
  base.pe = c.oc;
  base.simd = c.simd;
  base.batch = 1;
  base.activation = act;
  base.weight = weight;
  const int cp = l.shape.padded_channels(c.simd);
  const FxType exact =
      fx::accumulator_type(act, golden::weight_container(weight), c.k * c.k * cp, c.acc_overflow);
  base.accumulator = FxType::make_signed(exact.width - c.acc_less, exact.int_bits - c.acc_less,
                                         Rounding::TRN, c.acc_overflow);
  base.output = out;
  if (c.bn != Bn::NONE) {
    engine::BnConfig b;
    b.scale = c.bn == Bn::KHOT_SCALE ? fx::NumType(fx::KhotType::make(fx::KhotKind::KHOT, 6, 2, 2))
                                     : fx::NumType(FxType::make_signed(8, 2));
    b.bias = FxType::make_signed(12, 4);
    b.output = FxType::make_signed(8, 1, Rounding::RND_CONV, Overflow::SAT);
    b.activation = c.act;
    b.clip = 0.75;
    base.bn = b;
  }
  l.point = engine::conv_point(l.shape, c.oc, base);
  engine::validate(l.point);
  l.stim = engine::make_stimulus(l.point, seed, 1);
  for (std::size_t i = 0; i < l.stim.weights.size(); ++i) {
    if (static_cast<int>(i % cp) >= c.c) l.stim.weights[i] = l.stim.weight_words[i] = 0;
  }
  std::mt19937_64 rng(seed * 7 + 1);
  l.input = random_raws(rng, static_cast<std::size_t>(l.batch) * c.h * c.w * c.c, act);

  golden::ConvLayer& g = l.golden;
  g.name = "conv";
  g.shape.height = c.h;
  g.shape.width = c.w;
  g.shape.channels = c.c;
  g.out_channels = c.oc;
  g.shape.kernel = c.k;
  g.shape.stride = c.stride;
  g.shape.padding = c.padding;
  g.simd = c.simd;
  g.input_type = act;
  g.weight_type = weight;
  g.acc_type = l.point.accumulator;
  g.out_type = out;
  g.weight_raw = l.stim.weights;
  if (l.point.bn) {
    golden::BnActLayer b;
    b.scale_type = l.point.bn->scale;
    b.bias_type = l.point.bn->bias;
    b.out_type = l.point.bn->output;
    b.act = c.act;
    b.clip_raw = static_cast<std::int64_t>(std::ldexp(0.75, b.out_type.frac_bits()));
    b.scale_raw = l.stim.bn_scale;
    b.bias_raw = l.stim.bn_bias;
    g.bn = b;
  }
  golden::validate(g);
  return l;
}

// The reference from the weight WORDS (K-hot: term words the reference decodes itself).
engine::LayerReference reference(const Layer& l) {
  engine::ConvOperands ops;
  ops.weight_words = l.stim.weight_words.data();
  ops.bn_scale_words = l.stim.bn_scale_words.data();
  ops.bn_bias = l.stim.bn_bias.data();
  ops.input = l.input.data();
  ops.batch = l.batch;
  return engine::compute_conv_reference(engine::elaborate(l.point), l.shape, ops);
}

double weight_frac(const fx::NumType& t) { return golden::weight_container(t).frac_bits(); }

// Wide formats: the accumulator holds every sum (fx::accumulator_type) and the MAC output is the
// accumulator's own type, so the reference's raws are the exact sums and torch::conv2d in float64
// on the dequantized values (multiples of 2^-F, sums far below 2^53 ulps) is exact too.
TEST(ConvReferenceVsTorch, ExactFormatsEqualConv2d) {
  const FxType act = FxType::make_signed(8, 3, Rounding::TRN, Overflow::SAT);
  const std::vector<std::pair<ConvCase, fx::NumType>> cases = {
      {{7, 6, 3, 4, 3, 1, 1, 2, Weights::FIXED, 0, Overflow::SAT, Bn::NONE, Activation::NONE},
       FxType::make_signed(6, 1)},
      {{9, 8, 5, 3, 5, 2, 1, 4, Weights::FIXED, 0, Overflow::SAT, Bn::NONE, Activation::NONE},
       FxType::make_signed(6, 1)},
      {{5, 7, 8, 2, 1, 2, 0, 4, Weights::FIXED, 0, Overflow::SAT, Bn::NONE, Activation::NONE},
       FxType::make_signed(6, 1)},
      {{6, 6, 6, 3, 3, 2, 0, 4, Weights::KHOT, 0, Overflow::SAT, Bn::NONE, Activation::NONE},
       fx::KhotType::make(fx::KhotKind::KHOT, 6, 1, 2)},
      {{8, 5, 4, 5, 5, 1, 0, 3, Weights::SPT, 0, Overflow::WRAP, Bn::NONE, Activation::NONE},
       fx::KhotType::make(fx::KhotKind::SPT, 6, 0, 2)},
  };
  for (const auto& [c, weight] : cases) {
    const FxType exact = fx::accumulator_type(
        act, golden::weight_container(weight),
        c.k * c.k * engine::ConvShape{c.h, c.w, c.c, c.k, 1, 0}.padded_channels(c.simd),
        c.acc_overflow);
    const FxType out =
        FxType::make_signed(exact.width, exact.int_bits, Rounding::RND_CONV, Overflow::SAT);
    const Layer l = make_layer(c, act, weight, out, 17);
    const engine::LayerReference r = reference(l);
    EXPECT_EQ(r.coverage.accumulator.overflows + r.coverage.mac_requant.inexact, 0u);

    // torch's layouts: input [B, C, H, W], weight [OC, C, K, K] (from the window order).
    const int cp = l.shape.padded_channels(c.simd);
    const torch::Tensor x =
        to_tensor(l.input, {l.batch, c.h, c.w, c.c}).permute({0, 3, 1, 2}).to(torch::kFloat64) *
        std::ldexp(1.0, -act.frac_bits());
    const torch::Tensor w = to_tensor(l.stim.weights, {c.oc, c.k, c.k, cp})
                                .narrow(3, 0, c.c)
                                .permute({0, 3, 1, 2})
                                .to(torch::kFloat64) *
                            std::ldexp(1.0, -static_cast<int>(weight_frac(weight)));
    const torch::Tensor y = torch::conv2d(x, w, {}, c.stride, c.padding);
    const torch::Tensor want =
        torch::round(y * std::ldexp(1.0, out.frac_bits())).to(torch::kInt64).permute({0, 2, 3, 1});
    EXPECT_EQ(r.output, to_vector(want)) << describe(c);
    EXPECT_EQ(
        to_vector(golden::conv_integer(l.golden, to_tensor(l.input, {l.batch, c.h, c.w, c.c}))),
        to_vector(want))
        << describe(c);
  }
}

// With bn_act (relu) in wide formats: t = x * scale + bias and the relu are exact, so torch's
// conv2d, a per-channel multiply-add and relu on the dequantized values give the reference's raws.
TEST(ConvReferenceVsTorch, ExactBnActEqualsConv2dAffineRelu) {
  const FxType act = FxType::make_signed(8, 3, Rounding::TRN, Overflow::SAT);
  const FxType weight = FxType::make_signed(6, 1);
  ConvCase c{
      6, 7, 5, 4, 3, 1, 1, 4, Weights::FIXED, 0, Overflow::SAT, Bn::FIXED_SCALE, Activation::RELU};
  const int cp = engine::ConvShape{c.h, c.w, c.c, c.k, 1, 0}.padded_channels(c.simd);
  const FxType exact = fx::accumulator_type(act, weight, c.k * c.k * cp, Overflow::SAT);
  Layer l = make_layer(c, act, weight, exact, 23);
  // bn_act output with F = max(F_x + F_s, F_b) and room for |x * s + b|: nothing rounds.
  const int f = exact.frac_bits() + 6;  // scale fixed<8,2>: F_s = 6 >= F_b - F_x
  const FxType bn_out =
      FxType::make_signed(exact.int_bits + 4 + f, exact.int_bits + 4, Rounding::RND, Overflow::SAT);
  l.point.bn->output = bn_out;
  l.golden.bn->out_type = bn_out;
  engine::validate(l.point);
  const engine::LayerReference r = reference(l);
  EXPECT_EQ(r.coverage.bn_requant.inexact + r.coverage.bn_requant.overflows, 0u);
  EXPECT_GT(r.coverage.activation.overflows, 0u);  // the relu clamped some outputs

  const torch::Tensor x =
      to_tensor(l.input, {l.batch, c.h, c.w, c.c}).permute({0, 3, 1, 2}).to(torch::kFloat64) *
      std::ldexp(1.0, -act.frac_bits());
  const torch::Tensor w = to_tensor(l.stim.weights, {c.oc, c.k, c.k, cp})
                              .narrow(3, 0, c.c)
                              .permute({0, 3, 1, 2})
                              .to(torch::kFloat64) *
                          std::ldexp(1.0, -weight.frac_bits());
  const torch::Tensor scale =
      to_tensor(l.stim.bn_scale, {1, c.oc, 1, 1}).to(torch::kFloat64) * std::ldexp(1.0, -6);
  const torch::Tensor bias =
      to_tensor(l.stim.bn_bias, {1, c.oc, 1, 1}).to(torch::kFloat64) * std::ldexp(1.0, -8);
  const torch::Tensor y = torch::relu(torch::conv2d(x, w, {}, c.stride, c.padding) * scale + bias);
  const torch::Tensor want =
      torch::round(y * std::ldexp(1.0, f)).to(torch::kInt64).permute({0, 2, 3, 1});
  EXPECT_EQ(r.output, to_vector(want));
  EXPECT_EQ(to_vector(golden::conv_integer(l.golden, to_tensor(l.input, {l.batch, c.h, c.w, c.c}))),
            to_vector(want));
}

// The LibTorch integer inference equals the C++ reference raw for raw on narrow formats: every
// K / stride / padding corner, C divisible by SIMD and not, fixed / K-hot / SPT weights, bn_act
// with fixed and K-hot scales and every activation, accumulators that saturate or wrap. The
// summed coverage proves the rounding ties and overflows the comparison went through.
TEST(ConvIntegerInference, EqualsReferenceRawForRaw) {
  const FxType act = FxType::make_signed(6, 2, Rounding::TRN, Overflow::SAT);
  const FxType out = FxType::make_signed(8, 3, Rounding::RND_CONV, Overflow::SAT);
  const fx::NumType fixed_w = FxType::make_signed(5, 1);
  const fx::NumType khot_w = fx::KhotType::make(fx::KhotKind::KHOT, 6, 1, 2);
  const fx::NumType spt_w = fx::KhotType::make(fx::KhotKind::SPT, 6, 1, 2);
  using W = Weights;
  const std::vector<ConvCase> cases = {
      {6, 5, 4, 3, 1, 1, 0, 2, W::FIXED, 0, Overflow::SAT, Bn::NONE, Activation::NONE},
      {7, 7, 3, 4, 1, 2, 1, 2, W::KHOT, 6, Overflow::SAT, Bn::FIXED_SCALE, Activation::RELU},
      {6, 6, 4, 3, 3, 1, 0, 4, W::FIXED, 7, Overflow::SAT, Bn::NONE, Activation::NONE},
      {6, 7, 5, 4, 3, 1, 1, 2, W::FIXED, 6, Overflow::WRAP, Bn::FIXED_SCALE, Activation::HARDTANH},
      {7, 6, 3, 2, 3, 2, 0, 3, W::SPT, 5, Overflow::SAT_SYM, Bn::KHOT_SCALE, Activation::RELU_CLIP},
      {8, 7, 6, 5, 3, 2, 1, 4, W::KHOT, 0, Overflow::SAT, Bn::KHOT_SCALE, Activation::SIGN},
      {7, 7, 2, 3, 5, 1, 0, 2, W::FIXED, 8, Overflow::SAT, Bn::FIXED_SCALE, Activation::NONE},
      {9, 8, 5, 3, 5, 1, 1, 4, W::SPT, 7, Overflow::WRAP, Bn::NONE, Activation::NONE},
      {8, 9, 4, 2, 5, 2, 0, 4, W::KHOT, 6, Overflow::WRAP_SM, Bn::FIXED_SCALE, Activation::RELU},
      {9, 9, 3, 4, 5, 2, 1, 8, W::FIXED, 5, Overflow::SAT, Bn::KHOT_SCALE, Activation::HARDTANH},
      {5, 5, 8, 3, 3, 1, 1, 8, W::FIXED, 8, Overflow::SAT_ZERO, Bn::NONE, Activation::NONE},
      {4, 4, 1, 2, 3, 1, 1, 1, W::SPT, 0, Overflow::SAT, Bn::FIXED_SCALE, Activation::RELU},
  };
  engine::Coverage total;
  int divisible = 0, not_divisible = 0;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const ConvCase& c = cases[i];
    const fx::NumType& w = c.weights == W::FIXED ? fixed_w : c.weights == W::KHOT ? khot_w : spt_w;
    const Layer l = make_layer(c, act, w, out, 100 + i);
    const engine::LayerReference r = reference(l);
    const torch::Tensor y =
        golden::conv_integer(l.golden, to_tensor(l.input, {l.batch, c.h, c.w, c.c}));
    EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{l.batch, l.shape.out_height(),
                                                    l.shape.out_width(), c.oc}));
    EXPECT_EQ(to_vector(y), r.output) << describe(c);
    total += r.coverage;
    (c.c % c.simd == 0 ? divisible : not_divisible) += 1;
  }
  std::printf(
      "coverage: accumulator %llu beats, %llu overflows; mac requant %llu, %llu ties, "
      "%llu overflows; bn requant %llu, %llu ties, %llu overflows; activation %llu "
      "changed\n",
      static_cast<unsigned long long>(total.accumulator.count),
      static_cast<unsigned long long>(total.accumulator.overflows),
      static_cast<unsigned long long>(total.mac_requant.count),
      static_cast<unsigned long long>(total.mac_requant.ties),
      static_cast<unsigned long long>(total.mac_requant.overflows),
      static_cast<unsigned long long>(total.bn_requant.count),
      static_cast<unsigned long long>(total.bn_requant.ties),
      static_cast<unsigned long long>(total.bn_requant.overflows),
      static_cast<unsigned long long>(total.activation.overflows));
  EXPECT_GT(total.accumulator.overflows, 100u);
  EXPECT_GT(total.mac_requant.ties, 50u);
  EXPECT_GT(total.mac_requant.overflows, 100u);
  EXPECT_GT(total.bn_requant.ties, 20u);
  EXPECT_GT(total.bn_requant.overflows, 20u);
  EXPECT_GT(total.activation.overflows, 20u);
  EXPECT_GE(divisible, 3);
  EXPECT_GE(not_divisible, 3);
}

// Brute force: the largest raw of each pool x pool window (stride = pool), cut-off edges dropped.
std::vector<std::int64_t> brute_max_pool(const std::vector<std::int64_t>& x, int b, int h, int w,
                                         int c, int pool) {
  std::vector<std::int64_t> y;
  for (int n = 0; n < b; ++n) {
    for (int oy = 0; oy + pool <= h; oy += pool) {
      for (int ox = 0; ox + pool <= w; ox += pool) {
        for (int ch = 0; ch < c; ++ch) {
          std::int64_t m = x[((static_cast<std::size_t>(n) * h + oy) * w + ox) * c + ch];
          for (int dy = 0; dy < pool; ++dy) {
            for (int dx = 0; dx < pool; ++dx) {
              m = std::max(m,
                           x[((static_cast<std::size_t>(n) * h + oy + dy) * w + ox + dx) * c + ch]);
            }
          }
          y.push_back(m);
        }
      }
    }
  }
  return y;
}

TEST(MaxPoolInteger, EqualsBruteForceAndTorchMaxPool2d) {
  struct Map {
    int h, w, c;
    FxType t;
  };
  const std::vector<Map> maps = {
      {7, 9, 3, FxType::make_signed(8, 3)},     // signed raws, neither size divisible by 2..4
      {10, 5, 4, FxType::make_unsigned(6, 1)},  // unsigned
      {12, 12, 1, FxType::make_signed(3, 1)},   // few values: many equal maxima
      {9, 13, 5, FxType::make_signed(40, 10)},  // raws beyond float32's 24 bits
  };
  std::mt19937_64 rng(3);
  for (const Map& m : maps) {
    const int b = 2;
    const std::vector<std::int64_t> x =
        random_raws(rng, static_cast<std::size_t>(b) * m.h * m.w * m.c, m.t);
    const torch::Tensor xt = to_tensor(x, {b, m.h, m.w, m.c});
    for (int pool : {2, 3, 4}) {
      const torch::Tensor y = golden::max_pool_integer(xt, pool, pool);
      EXPECT_EQ(y.sizes(), (std::vector<std::int64_t>{b, m.h / pool, m.w / pool, m.c}));
      EXPECT_EQ(to_vector(y), brute_max_pool(x, b, m.h, m.w, m.c, pool)) << pool;
      // torch::max_pool2d (NCHW, float64: exact for integers below 2^53).
      const torch::Tensor t =
          torch::max_pool2d(xt.permute({0, 3, 1, 2}).to(torch::kFloat64), pool, pool)
              .permute({0, 2, 3, 1})
              .to(torch::kInt64);
      EXPECT_EQ(to_vector(y), to_vector(t)) << pool;
    }
  }
  EXPECT_THROW(golden::max_pool_integer(torch::zeros({1, 3, 3, 1}, torch::kInt64), 4, 4),
               c10::Error);
}

// QuantConv2d's export: weights in the window order (checked element by element against the
// [OC, C, K, K] raws), and the exported layer's integer inference equals the fake-quantized
// forward (float32 is exact here: 14-bit sums), stride 2, C not divisible by SIMD.
TEST(QuantConv2dExport, WindowOrderAndEqualsFakeQuantForward) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(9);
  golden::QuantConv2d conv(3, 4, 3, 1, gen);
  conv.stride = 2;
  conv.weight_fmt =
      golden::QFormat(FxType::make_signed(4, 0, Rounding::RND_CONV, Overflow::SAT), false);
  conv.out_fmt =
      golden::QFormat(FxType::make_signed(8, 2, Rounding::RND_CONV, Overflow::SAT), false);
  const FxType in = FxType::make_unsigned(8, 0, Rounding::RND_CONV, Overflow::SAT);
  const golden::ConvLayer l = conv.export_layer("conv1", 7, 6, in, 2);
  EXPECT_EQ(l.padded_channels(), 4);
  EXPECT_EQ(l.shape.out_height(), 4);
  EXPECT_EQ(l.shape.out_width(), 3);
  const torch::Tensor wq = golden::quantize_raw(conv.weight.detach(), conv.weight_fmt.type());
  for (int o = 0; o < 4; ++o) {
    for (int ky = 0; ky < 3; ++ky) {
      for (int kx = 0; kx < 3; ++kx) {
        for (int c = 0; c < 4; ++c) {
          const std::int64_t want = c < 3 ? wq.index({o, c, ky, kx}).item<std::int64_t>() : 0;
          EXPECT_EQ(l.weight_raw[static_cast<std::size_t>(((o * 3 + ky) * 3 + kx) * 4 + c)], want);
        }
      }
    }
  }
  const torch::Tensor raw = torch::randint(0, 256, {2, 7, 6, 3}, gen, torch::kInt64);
  const torch::Tensor y = golden::conv_integer(l, raw);
  const torch::Tensor fake =
      conv.forward(raw.permute({0, 3, 1, 2}).to(torch::kFloat32) / 256.0, golden::Precision::QUANT)
          .detach()
          .permute({0, 2, 3, 1});
  EXPECT_TRUE(torch::equal(golden::dequantize(y, l.out_type).to(torch::kFloat32), fake));
}

}  // namespace
