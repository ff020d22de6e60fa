// kind = "int" sweep points (explore/int_point.hpp): the grid with the affine_weights and
// requant axes, the refusals of model and network workloads, the quantization of a hand-made
// float layer against PyTorch's own observers and kernels, the float requantization method
// against torch.ops.quantized.linear, an SQNR bound derived by hand, and whole sweeps mixing int,
// fx_mac and khot points of one layer.
//
// The expected raws of the tiny layer come from Debian's python3-torch 1.13 (observers
// MinMaxObserver / PerChannelMinMaxObserver, torch.quantize_per_*,
// torch.ops.quantized.linear(_relu) on the QNNPACK engine), the multipliers from math.frexp by hand
// (TFLite's QuantizeMultiplier) and the integer method's outputs from a Python transcription of
// gemmlowp's two roundings.
#include "explore/int_point.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <variant>

#include "explore/design_points.hpp"
#include "explore/layer_workload.hpp"
#include "testbenches/explore/sweep_test_util.hpp"
#include "testbenches/explore/workload_test_util.hpp"

namespace fxsim::explore {
namespace {

using sweep_test::read_file;
using sweep_test::temp_dir;
using sweep_test::write_file;

std::string int_sweep_text(const std::string& axes, const std::string& rest = "") {
  return "[sweep]\nname = \"int\"\nseed = 3\n"
         "[workload]\nin_features = 48\nout_features = 12\nbatch = 3\n"
         "weight_range = [-0.5, 0.5]\ninput_range = [-1.0, 1.0]\n"
         "[axes]\n" +
         axes + rest;
}

// ---- the grid ------------------------------------------------------------------------------

TEST(IntGrid, AffineAxesMultiplyIntPointsOnly) {
  // fx_mac: 2 weights x 2 roundings x 2 simd = 8; khot: x 2 k = 16; int: 2 weights x 2
  // affine_weights x 2 requant x 2 simd = 16 (no k, accumulator, rounding or overflow axis).
  const SweepSpec s = parse_sweep(
      int_sweep_text("kind = [\"fx_mac\", \"khot\", \"int\"]\n"
                     "weight = [\"fixed<8,1,RND_CONV,SAT>\", \"fixed<6,1,RND_CONV,SAT>\"]\n"
                     "k = [1, 2]\naffine_weights = [\"per_tensor\", \"per_channel\"]\n"
                     "requant = [\"integer\", \"float\"]\nrounding = [\"TRN\", \"RND_CONV\"]\n"
                     "simd = [4, 8]\n"),
      "g.toml");
  EXPECT_EQ(grid_size(s), 8u + 16u + 16u);
  const std::vector<DesignPoint> points = expand_sweep(s);
  ASSERT_EQ(points.size(), 40u);
  // The int points come last, affine_weights then requant then simd fastest.
  const DesignPoint& p = points[24];
  EXPECT_EQ(p.params.kind, UnitKind::INT);
  EXPECT_EQ(p.params.affine_weights, AffineWeights::PER_TENSOR);
  EXPECT_EQ(p.params.requant, RequantMethod::INTEGER);
  EXPECT_EQ(points[26].params.requant, RequantMethod::FLOAT);
  EXPECT_EQ(points[28].params.affine_weights, AffineWeights::PER_CHANNEL);
  EXPECT_EQ(points[25].params.simd, 8);
  EXPECT_EQ(points[24].key,
            "kind=int weight=fixed<8,1,RND_CONV,SAT,0> k=0 activation=fixed<8,1,TRN,SAT,0> "
            "accumulator=default output=fixed<8,3,RND_CONV,SAT,0> pe=8 simd=4 mac_stages=2 "
            "bn=none clock_ns=4 family=xc7 affine_weights=per_tensor requant=integer");
  // The other kinds' keys are what they were (no affine fields).
  EXPECT_EQ(points[0].key.find("affine"), std::string::npos);
  for (const DesignPoint& q : points) EXPECT_TRUE(q.valid()) << q.key << ": " << q.invalid;
  // The int engine: integers through the MAC array, int32 accumulator, int_requant after it.
  const engine::EngineConfig& c = p.cfg();
  EXPECT_EQ(c.kind, engine::EngineKind::FX_MAC);
  EXPECT_EQ(c.activation.str(), "ufixed<8,8,TRN,WRAP,0>");
  EXPECT_EQ(c.fx_weight().str(), "fixed<8,8,TRN,WRAP,0>");
  EXPECT_EQ(c.accumulator.str(), "fixed<32,32,TRN,WRAP,0>");
  EXPECT_EQ(c.output, c.accumulator);
  ASSERT_TRUE(c.requant.has_value());
  EXPECT_FALSE(c.bn.has_value());
  EXPECT_EQ(c.requant->output.str(), "uint<8>");
  EXPECT_EQ(c.requant->m0_bits, 31);
  EXPECT_EQ(c.requant->rounding, fx::IntegerRounding::DOUBLE);
  ASSERT_TRUE(points[24].engines.front().requant.has_value());
  EXPECT_EQ(points[24].engines.front().requant->count, 1);
}

TEST(IntGrid, DefaultsArePerChannelAndInteger) {
  const SweepSpec s = parse_sweep(int_sweep_text("kind = \"int\"\n",
                                                 "[requant]\nm0_bits = 16\n"
                                                 "rounding = \"single\"\n"),
                                  "d.toml");
  const std::vector<DesignPoint> points = expand_sweep(s);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].params.affine_weights, AffineWeights::PER_CHANNEL);
  EXPECT_EQ(points[0].params.requant, RequantMethod::INTEGER);
  EXPECT_EQ(points[0].cfg().requant->m0_bits, 16);
  EXPECT_EQ(points[0].cfg().requant->rounding, fx::IntegerRounding::SINGLE);
}

TEST(IntGrid, KhotBnAndOtherActivationsAreInvalidIntPoints) {
  const SweepSpec s =
      parse_sweep(int_sweep_text("kind = \"int\"\nbn = [\"none\", \"fixed\", \"khot\"]\n",
                                 "[bn]\nactivation = \"relu\"\n"),
                  "b.toml");
  const std::vector<DesignPoint> points = expand_sweep(s);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_TRUE(points[0].valid());
  EXPECT_TRUE(points[1].valid()) << points[1].invalid;
  EXPECT_TRUE(points[1].cfg().requant->relu);
  EXPECT_EQ(points[1].cfg().requant->zero_point, 0);  // relu outputs: min 0 -> zero point 0
  EXPECT_FALSE(points[0].cfg().requant->relu);
  ASSERT_FALSE(points[2].valid());
  EXPECT_EQ(points[2].invalid.rfind("axes.bn: bn = \"khot\": an int point folds", 0), 0u)
      << points[2].invalid;
  const SweepSpec h = parse_sweep(
      int_sweep_text("kind = \"int\"\nbn = \"fixed\"\n", "[bn]\nactivation = \"hardtanh\"\n"),
      "h.toml");
  try {
    expand_sweep(h);
    FAIL() << "a hardtanh int point ran";
  } catch (const SweepFileError& e) {
    EXPECT_NE(std::string(e.what()).find("h.toml:12:6: axes.bn: bn activation hardtanh: "
                                         "int_requant clamps at the output zero point only"),
              std::string::npos)
        << e.what();
  }
}

TEST(IntSweepFile, BadAffineValuesAndRequantKeysAreLocated) {
  auto error = [](const std::string& text) {
    try {
      parse_sweep(text, "e.toml");
    } catch (const SweepFileError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error(int_sweep_text("kind = \"int\"\naffine_weights = \"per_row\"\n")),
            "e.toml:12:18: axes.affine_weights: \"per_row\" is not one of per_tensor, per_channel");
  EXPECT_EQ(error(int_sweep_text("kind = \"int\"\nrequant = [\"integer\", \"double\"]\n")),
            "e.toml:12:23: axes.requant: \"double\" is not one of integer, float");
  EXPECT_NE(error(int_sweep_text("kind = \"int\"\n", "[requant]\nm0_bits = 40\n"))
                .find("e.toml:13:11: requant.m0_bits: expected an integer in 2..31, got 40"),
            std::string::npos);
}

TEST(IntSweepFile, NetworkWorkloadsRefuseIntPoints) {
  const std::string dir = std::string(FXSIM_SOURCE_DIR) + "/docs/examples";
  const std::string text = "[sweep]\nname = \"n\"\n[workload]\nkind = \"network\"\nnetwork = \"" +
                           dir + "/network_cnn.toml\"\n[axes]\nkind = [\"fx_mac\", \"int\"]\n";
  try {
    parse_sweep(text, dir + "/n.toml");
    FAIL() << "a network sweep took int points";
  } catch (const SweepFileError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(dir + "/n.toml:7:19: axes.kind: \"int\" (affine "
                                                "integer) points are not built for kind = "
                                                "\"network\" workloads yet",
                                          0),
              0u)
        << e.what();
  }
  // Nor does it take int_requant's knobs.
  const std::string with_requant =
      "[sweep]\nname = \"n\"\n[workload]\nkind = \"network\"\n"
      "network = \"" +
      dir +
      "/network_cnn.toml\"\n[requant]\n"
      "m0_bits = 16\n";
  try {
    parse_sweep(with_requant, dir + "/n.toml");
    FAIL() << "a network sweep took [requant]";
  } catch (const SweepFileError& e) {
    EXPECT_EQ(std::string(e.what()), dir +
                                         "/n.toml:6:1: requant: only for kind = \"random\" or "
                                         "\"layer\" workloads (the ones that take kind = "
                                         "\"int\" points)");
  }
}

}  // namespace

namespace workload_test {
namespace {

TEST_F(LayerWorkload, ModelWorkloadsRefuseIntPoints) {
  const std::string text =
      "[sweep]\nname = \"m\"\n[workload]\nkind = \"model\"\nmodel = \"model.fxm\"\ndata = "
      "\".\"\n[axes]\nkind = [\"int\"]\n";
  const std::string e = error_of(text);
  EXPECT_EQ(e.rfind(at(8, 9) + "axes.kind: \"int\" (affine integer) points are not built for "
                               "kind = \"model\" workloads yet; expected fx_mac, fx_mac_lut, "
                               "khot or spt",
                    0),
            0u)
      << e;
}

// A hidden layer's outputs as values (an int point's dequantized outputs) go through the rest
// of the model as the golden inference does: the layer's own outputs in values give the
// model's logits exactly (the cast into the next input type is exact).
TEST_F(LayerWorkload, LayerValuesBecomeTheModelsLogits) {
  const SweepSpec s = parse(sweep_text("layer = 0\nimages = 12\n"));
  const LayerSource& src = *s.workload.source;
  const std::vector<std::uint8_t> pixels = test_pixels();
  const golden::DenseLayer& fc1 = model_.layers[0];
  std::vector<double> values;
  std::vector<std::int64_t> logits;
  for (int i = 0; i < kGoldenCount; ++i) {
    for (std::int64_t v : golden::reference_dense(fc1, image(pixels, i))) {
      values.push_back(std::ldexp(static_cast<double>(v), -fc1.bn->out_type.frac_bits()));
    }
    const auto l = golden::reference_forward(model_, image(pixels, i));
    logits.insert(logits.end(), l.begin(), l.end());
  }
  EXPECT_EQ(src.logits_from_layer_values(values), logits);
  const SweepSpec last = parse(sweep_text("layer = 1\nimages = 12\n"));
  EXPECT_THROW(last.workload.source->logits_from_layer_values(values), std::logic_error);
}

// int points of a trained model's layers through the fxsim workers: the hidden layer with its
// batch norm folded and relu (the sweep's [bn] activation), the last layer with its K-hot BN
// scale folded; both ok, without mismatches, with the model's accuracy recorded.
TEST_F(LayerWorkload, IntPointsOfModelLayersRecordTheModelsAccuracy) {
  for (const char* layer : {"layer = 0\n", "layer = 1\n"}) {
    const std::string file = sweep_test::write_file(
        dir_, "i.toml",
        sweep_text(std::string(layer) + "images = 12\n",
                   "[bn]\nactivation = \"" + std::string(layer[8] == '0' ? "relu" : "none") +
                       "\"\n[axes]\nkind = [\"int\"]\nbn = [\"fixed\"]\n"
                       "affine_weights = [\"per_tensor\", \"per_channel\"]\n"));
    const auto out = dir_ / (std::string("out") + layer[8]);
    const SweepOutcome r = sweep_test::run_small(file, out, 1);
    EXPECT_EQ(r.ok, 2) << layer;
    for (const auto& row : sweep_test::all_rows(out)) {
      const traces::ResultRow x(row);
      EXPECT_EQ(x.text("status"), "ok") << x.text("error");
      EXPECT_EQ(x.integer("model_mismatches"), 0);
      const double acc = x.real("classification_accuracy");
      EXPECT_GE(acc, 0.0);
      EXPECT_LE(acc, 1.0);
      EXPECT_GT(x.real("sqnr_db"), 20.0) << layer << x.text("point_key");
    }
  }
}

}  // namespace
}  // namespace workload_test

namespace {

// ---- the quantization of a hand-made layer --------------------------------------------------

// 3 inputs, 2 outputs, 2 input vectors; with bn: scale (2, 0.5), bias (0.1, -0.2).
FloatLayer tiny_layer() {
  FloatLayer f;
  f.in_features = 3;
  f.out_features = 2;
  f.batch = 2;
  f.weights = {0.5, -1.0, 0.3, 0.25, 0.125, -0.05};
  f.input = {-0.5, 1.0, 0.2, 2.0, 0.5, -0.1};
  f.bn_scale = {2.0, 0.5};
  f.bn_bias = {0.1, -0.2};
  return f;
}

IntLayer quantize_tiny(AffineWeights w, bool bn) {
  const FloatLayer f = tiny_layer();
  IntPointSpec s;
  s.weights = w;
  s.fold_bn = bn;
  s.relu = bn;
  return quantize_int_layer(f, float_products(f), s);
}

// PyTorch's raws of the inputs, shared by every case: MinMaxObserver(quint8) on min -0.5, max 2.
void expect_torch_inputs(const IntLayer& l) {
  EXPECT_EQ(l.input.scale(0), 0.009803921915590763f);  // 2.5 / 255 in float32
  EXPECT_EQ(l.input.zero_point(0), 51);
  EXPECT_EQ(l.input_q, (std::vector<std::int64_t>{0, 153, 71, 255, 102, 41}));
}

TEST(IntQuantization, PerTensorMatchesPyTorchRaws) {
  const IntLayer l = quantize_tiny(AffineWeights::PER_TENSOR, false);
  expect_torch_inputs(l);
  ASSERT_EQ(l.weight.channels(), 1u);
  EXPECT_EQ(l.weight.scale(0), 0.007843137718737125f);  // 1 / 127.5
  EXPECT_EQ(l.weight.zero_point(0), 0);
  // -1.0 x (1 / scale) = -127.49999 in float32: -127, not -128.
  EXPECT_EQ(l.weight_q, (std::vector<std::int64_t>{64, -127, 38, 32, 16, -6}));
  EXPECT_EQ(l.output.scale(0), 0.006892157252877951f);  // (0.5675 + 1.19) / 255
  EXPECT_EQ(l.output.zero_point(0), 173);
  EXPECT_EQ(l.bias_q, (std::vector<std::int32_t>{0, 0}));
  // -z_x sum_k w_q: -51 x (64 - 127 + 38) = 1275, -51 x (32 + 16 - 6) = -2142.
  EXPECT_EQ(l.folded_bias, (std::vector<std::int64_t>{1275, -2142}));
  for (int c = 0; c < 2; ++c) {
    EXPECT_EQ(l.integer[c].m0, 1533360896) << c;  // M = 0.011156669: 0.71402 x 2^-6
    EXPECT_EQ(l.integer[c].shift, 6) << c;
  }
  const engine::Stimulus st = int_stimulus(l);
  EXPECT_EQ(st.bn_scale_words,
            (std::vector<std::int64_t>{14418262784, 14418262784}));  // 6 << 31 | m0
  EXPECT_EQ(st.bn_bias, l.folded_bias);
  EXPECT_EQ(st.weight_words, l.weight_q);
  EXPECT_EQ(st.input, l.input_q);
  EXPECT_EQ(st.batch, 2);
  EXPECT_EQ(l.lshift_max(), 0);
}

TEST(IntQuantization, PerChannelMatchesPyTorchRaws) {
  const IntLayer l = quantize_tiny(AffineWeights::PER_CHANNEL, false);
  expect_torch_inputs(l);
  ASSERT_EQ(l.weight.channels(), 2u);
  EXPECT_EQ(l.weight.scale(0), 0.007843137718737125f);
  EXPECT_EQ(l.weight.scale(1), 0.0019607844296842813f);  // 0.25 / 127.5
  // Row 1: 0.25 x (1 / scale) = 127.5 -> 128, clamped to 127.
  EXPECT_EQ(l.weight_q, (std::vector<std::int64_t>{64, -127, 38, 127, 64, -25}));
  EXPECT_EQ(l.folded_bias, (std::vector<std::int64_t>{1275, -8466}));
  EXPECT_EQ(l.integer[1].m0, 1533360896);
  EXPECT_EQ(l.integer[1].shift, 8);
  EXPECT_EQ(int_stimulus(l).bn_scale_words, (std::vector<std::int64_t>{14418262784, 18713230080}));
}

TEST(IntQuantization, BatchNormFoldsIntoWeightsAndBias) {
  const IntLayer l = quantize_tiny(AffineWeights::PER_CHANNEL, true);
  expect_torch_inputs(l);
  EXPECT_EQ(l.weight.scale(0), 0.01568627543747425f);    // 2 x 1 / 127.5
  EXPECT_EQ(l.weight.scale(1), 0.0009803922148421407f);  // 0.5 x 0.25 / 127.5
  EXPECT_EQ(l.weight_q, (std::vector<std::int64_t>{64, -127, 38, 127, 64, -25}));
  // relu outputs (0, 0, 1.04, 0.08375): zero point 0.
  EXPECT_EQ(l.output.scale(0), 0.0040784310549497604f);
  EXPECT_EQ(l.output.zero_point(0), 0);
  EXPECT_EQ(l.bias_q, (std::vector<std::int32_t>{650, -20808}));  // round(0.1 / (s_x s_w0)), ...
  EXPECT_EQ(l.folded_bias, (std::vector<std::int64_t>{1925, -29274}));
  EXPECT_EQ(l.integer[0].m0, 1295616384);
  EXPECT_EQ(l.integer[0].shift, 4);
  EXPECT_EQ(l.integer[1].shift, 8);
  EXPECT_TRUE(l.relu);
}

// The float method on sum_k q_x q_w (the MAC array's accumulators, without bias): PyTorch's
// torch.ops.quantized.linear / linear_relu on QNNPACK gives these outputs.
TEST(IntQuantization, FloatMethodIsPyTorchsQuantizedLinear) {
  struct Case {
    AffineWeights w;
    bool bn;
    std::vector<std::int64_t> acc, torch;
  };
  const Case cases[] = {
      {AffineWeights::PER_TENSOR, false, {-16733, 2022, 4924, 9546}, {1, 172, 242, 255}},
      {AffineWeights::PER_CHANNEL, false, {-16733, 8017, 4924, 37888}, {1, 172, 242, 255}},
      {AffineWeights::PER_CHANNEL, true, {-16733, 8017, 4924, 37888}, {0, 0, 255, 20}},
  };
  for (const Case& c : cases) {
    const IntLayer l = quantize_tiny(c.w, c.bn);
    // The accumulators are the raws' dot products (independent of the code under test).
    for (int b = 0; b < 2; ++b) {
      for (int o = 0; o < 2; ++o) {
        std::int64_t acc = 0;
        for (int k = 0; k < 3; ++k) acc += l.input_q[b * 3 + k] * l.weight_q[o * 3 + k];
        EXPECT_EQ(acc, c.acc[b * 2 + o]);
      }
    }
    EXPECT_EQ(requantize_float_outputs(l, c.acc), c.torch) << to_string(c.w) << " bn " << c.bn;
  }
}

// The outputs dequantized: (q - z) s_out in float32.
TEST(IntQuantization, DequantizedOutputs) {
  const IntLayer l = quantize_tiny(AffineWeights::PER_TENSOR, false);
  const std::vector<double> v = dequantize_outputs(l, {1, 172, 242, 255});
  EXPECT_EQ(v[0], static_cast<double>(-172.0f * 0.006892157252877951f));
  EXPECT_EQ(v[1], static_cast<double>(-1.0f * 0.006892157252877951f));
  EXPECT_EQ(v[3], static_cast<double>(82.0f * 0.006892157252877951f));
}

// ---- accuracy: a bound derived by hand -------------------------------------------------------

// With x^ = s_x (q_x - z_x), w^ = s_w q_w: the accumulator times M is sum_k x^_k w^_k exactly
// (the folded bias is -z_x sum w_q), so an output's error is at most
//   |sum_k w_k x_k - w^_k x^_k| + rounding <= sum_k |w_k| s_x / 2 + sum_k |x^_k| s_w / 2
//                                             + s_out (1 + 2^-20)
// (the integer multiplier's relative error is below 2^-30; clamping to the output range, which
// holds every float output to within s_out / 2, costs at most s_out / 2 more). The scales are
// derived here from their definitions (max |w| / 127.5, (max - min) / 255), not read from the code
// under test, and the SQNR bound follows: noise <= N bound^2.
TEST(IntAccuracy, SqnrAndMaxErrorWithinTheHandDerivedBound) {
  const SweepSpec spec = parse_sweep(int_sweep_text("kind = \"int\"\n"), "a.toml");
  const FloatLayer f = make_float_layer(spec.workload, spec.bn, spec.seed);
  const std::vector<double> y = float_products(f);
  for (AffineWeights w : {AffineWeights::PER_TENSOR, AffineWeights::PER_CHANNEL}) {
    IntPointSpec s;
    s.weights = w;
    const IntLayer l = quantize_int_layer(f, y, s);
    const int n_in = f.in_features, n_out = f.out_features;
    double in_lo = 0, in_hi = 0, out_lo = 0, out_hi = 0, w_all = 0;
    for (double x : f.input) in_lo = std::min(in_lo, x), in_hi = std::max(in_hi, x);
    for (double v : y) out_lo = std::min(out_lo, v), out_hi = std::max(out_hi, v);
    for (double v : f.weights) w_all = std::max(w_all, std::fabs(v));
    const double sx = (in_hi - in_lo) / 255, sy = (out_hi - out_lo) / 255;
    // Integer outputs by the golden-free route: the hardware's arithmetic on the stimulus.
    std::vector<std::int64_t> acc(y.size());
    for (int b = 0; b < f.batch; ++b) {
      for (int o = 0; o < n_out; ++o) {
        for (int k = 0; k < n_in; ++k)
          acc[b * n_out + o] += l.input_q[b * n_in + k] * l.weight_q[o * n_in + k];
      }
    }
    std::vector<std::int64_t> q(y.size());
    for (std::size_t j = 0; j < y.size(); ++j) {
      const std::size_t o = j % static_cast<std::size_t>(n_out);
      q[j] = fx::requantize_integer(static_cast<std::int32_t>(acc[j] + l.folded_bias[o]),
                                    l.integer[o], l.output.zero_point(0), l.output_format);
    }
    const std::vector<double> v = dequantize_outputs(l, q);
    double worst = 0, noise = 0, signal = 0;
    for (int b = 0; b < f.batch; ++b) {
      for (int o = 0; o < n_out; ++o) {
        double w_row = 0;
        for (int k = 0; k < n_in; ++k) w_row = std::max(w_row, std::fabs(f.weights[o * n_in + k]));
        const double sw = (w == AffineWeights::PER_TENSOR ? w_all : w_row) / 127.5;
        // The output's rounding, and as much again for a float output the zero point's
        // rounding leaves up to s_out / 2 outside the representable range.
        double bound = sy * (1.0 + std::ldexp(1.0, -20));
        for (int k = 0; k < n_in; ++k) {
          const double x = std::fabs(f.input[b * n_in + k]);
          bound += std::fabs(f.weights[o * n_in + k]) * sx / 2 + (x + sx / 2) * sw / 2;
        }
        bound *= 1.001;  // float32 scales
        const double e = std::fabs(y[b * n_out + o] - v[b * n_out + o]);
        EXPECT_LE(e, bound) << "output " << b << "," << o;
        worst = std::max(worst, bound);
        signal += y[b * n_out + o] * y[b * n_out + o];
      }
    }
    noise = static_cast<double>(y.size()) * worst * worst;
    const Accuracy a = compare_values(l.reference, v);
    EXPECT_GE(a.sqnr_db, 10 * std::log10(signal / noise)) << to_string(w);
    EXPECT_LE(a.max_abs_error, worst);
  }
}

// ---- whole sweeps ----------------------------------------------------------------------------

std::string mixed_sweep_text() {
  return R"([sweep]
name = "int_mixed"
seed = 11

[workload]
in_features = 32
out_features = 8
batch = 3
weight_range = [-0.25, 0.25]
input_range = [-0.25, 1.0]

[axes]
kind = ["fx_mac", "khot", "int"]
weight = ["fixed<8,0,RND_CONV,SAT>"]
k = [2]
affine_weights = ["per_tensor", "per_channel"]
requant = ["integer", "float"]
activation = ["fixed<8,1,RND_CONV,SAT>"]
output = ["fixed<8,2,RND_CONV,SAT>"]
pe = [4]
simd = [8]
)";
}

// int per tensor / per channel, integer / float, fx_mac and khot rows of the same layer in one
// results file, with Pareto flags, byte-identical across runs of the same seed.
TEST(IntSweepRun, IntFixedAndKhotRowsOfOneLayerDeterministic) {
  const auto dir = temp_dir();
  const std::string file = write_file(dir, "mixed.toml", mixed_sweep_text());
  const SweepOutcome a = sweep_test::run_small(file, dir / "a", 2);
  EXPECT_EQ(a.ok, 6);
  EXPECT_EQ(a.failed, 0);
  sweep_test::run_small(file, dir / "b", 1);
  const std::string csv = read_file(dir / "a" / "results.csv");
  EXPECT_EQ(csv, read_file(dir / "b" / "results.csv"));
  const auto rows = sweep_test::all_rows(dir / "a");
  ASSERT_EQ(rows.size(), 6u);
  auto col = [&](std::size_t r, const char* name) { return traces::ResultRow(rows[r]).get(name); };
  auto text = [&](std::size_t r, const char* name) {
    const traces::Value v = col(r, name);
    return std::holds_alternative<std::string>(v) ? std::get<std::string>(v) : std::string("NULL");
  };
  EXPECT_EQ(text(0, "kind"), "fx_mac");
  EXPECT_EQ(text(1, "kind"), "khot");
  EXPECT_EQ(text(0, "affine_weights"), "NULL");
  EXPECT_EQ(text(0, "requant_method"), "NULL");
  const char* expect_aw[] = {"per_tensor", "per_tensor", "per_channel", "per_channel"};
  const char* expect_rq[] = {"integer", "float", "integer", "float"};
  int pareto = 0;
  for (std::size_t r = 0; r < 6; ++r) {
    EXPECT_EQ(text(r, "status"), "ok") << text(r, "error");
    pareto += static_cast<int>(std::get<std::int64_t>(col(r, "pareto_accuracy_latency_lut")));
    if (r < 2) continue;
    EXPECT_EQ(text(r, "kind"), "int");
    EXPECT_EQ(text(r, "affine_weights"), expect_aw[r - 2]);
    EXPECT_EQ(text(r, "requant_method"), expect_rq[r - 2]);
    EXPECT_EQ(text(r, "weight_type"), "int<8>");
    EXPECT_EQ(text(r, "activation_type"), "uint<8>");
    EXPECT_EQ(text(r, "output_type"), "uint<8>");
    EXPECT_EQ(std::get<std::int64_t>(col(r, "model_mismatches")), 0);
    // 8-bit outputs over the observed range, 8-bit operands: about 40 dB (a zero point of the
    // inputs (51) left out of the bias would make it noise).
    EXPECT_GT(std::get<double>(col(r, "sqnr_db")), 30.0) << r;
  }
  EXPECT_GE(pareto, 1);
  // The float and integer methods of one weight scheme run the same hardware.
  EXPECT_EQ(col(2, "cycles"), col(3, "cycles"));
  EXPECT_EQ(col(2, "lut_equivalent"), col(3, "lut_equivalent"));
  EXPECT_EQ(col(2, "cycles"), col(4, "cycles"));
}

// With 4-bit multipliers (M0 in [8, 16): M off by up to 1/16) the integer method's outputs are
// the engine's coarse ones and the float method's PyTorch's: the rows differ, the float rows
// nearer the float layer. Proves each row takes its outputs where its method says.
TEST(IntSweepRun, FloatRowsTakePyTorchsOutputsIntegerRowsTheEngines) {
  const auto dir = temp_dir();
  const std::string file =
      write_file(dir, "m0.toml",
                 int_sweep_text("kind = \"int\"\nrequant = [\"integer\", \"float\"]\npe = [4]\n",
                                "[requant]\nm0_bits = 4\n"));
  const SweepOutcome r = sweep_test::run_small(file, dir / "out", 1);
  EXPECT_EQ(r.ok, 2);
  const auto rows = sweep_test::all_rows(dir / "out");
  ASSERT_EQ(rows.size(), 2u);
  const traces::ResultRow integer(rows[0]), flt(rows[1]);
  EXPECT_EQ(integer.text("requant_method"), "integer");
  EXPECT_EQ(flt.text("requant_method"), "float");
  EXPECT_EQ(integer.integer("model_mismatches"), 0);
  EXPECT_EQ(integer.integer("cycles"), flt.integer("cycles"));
  EXPECT_GT(flt.real("sqnr_db"), integer.real("sqnr_db") + 3.0)
      << flt.real("sqnr_db") << " " << integer.real("sqnr_db");
}

}  // namespace
}  // namespace fxsim::explore
