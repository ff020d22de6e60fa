// [workload] kind = "layer": a layer of a golden model file fed with the model's golden test
// images. The model (16-8-3, both layers with bn_act) and its image file are written by the
// fixture (workload_test_util.hpp); every expected value is computed independently with
// golden::reference_forward / argmax_rows, never read back from the code under test. The
// whole-model workload (kind = "model") is tested in model_workload_test.cpp.
#include "explore/layer_workload.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>

#include "explore/design_points.hpp"
#include "explore/float_layer.hpp"
#include "fx/width_rules.hpp"
#include "golden/idx.hpp"
#include "golden/model_file.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/env/run_point.hpp"
#include "testbenches/explore/sweep_test_util.hpp"
#include "testbenches/explore/workload_test_util.hpp"
#include "traces/results_db.hpp"
#include "util/sha256.hpp"

namespace fxsim::explore::workload_test {
namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;
using golden::DenseLayer;
using golden::ModelFile;
using golden::QuantNetwork;

TEST_F(LayerWorkload, ShapeFormatsAndBnComeFromTheModelLayer) {
  const SweepSpec s = parse(sweep_text("layer = 1\nimages = 10\n"));
  EXPECT_EQ(s.workload.kind, WorkloadKind::LAYER);
  EXPECT_EQ(s.workload.layer, 1);
  EXPECT_EQ(s.workload.in_features, 8);
  EXPECT_EQ(s.workload.out_features, 3);
  EXPECT_EQ(s.workload.batch, 10);
  ASSERT_TRUE(s.workload.source);
  EXPECT_EQ(s.workload.source->model_path, (dir_ / "model.fxm").string());
  // Absent axes are the layer's own formats, SIMD and BN kind; [bn] is the layer's bn_act.
  const DenseLayer& fc2 = model_.layers[1];
  EXPECT_EQ(s.axes.activation.values, std::vector<FxType>{fc2.input_type});
  EXPECT_EQ(s.axes.weight.values, std::vector<FxType>{fc2.weight_type});
  EXPECT_EQ(s.axes.output.values, std::vector<FxType>{fc2.out_type});
  EXPECT_EQ(s.axes.simd.values, std::vector<int>{4});
  EXPECT_EQ(s.axes.bn.values, std::vector<BnScaleKind>{BnScaleKind::KHOT});
  EXPECT_EQ(s.bn.khot_scale, std::get<fx::KhotType>(fc2.bn->scale_type));
  EXPECT_EQ(s.bn.bias, fc2.bn->bias_type);
  EXPECT_EQ(s.bn.output, fc2.bn->out_type);
  EXPECT_EQ(s.bn.activation, units::Activation::NONE);

  // By name; images default to 100, here all 12 the model holds; relu_clip's bound as a value.
  const SweepSpec by_name = parse(sweep_text("layer = \"fc1\"\n"));
  EXPECT_EQ(by_name.workload.layer, 0);
  EXPECT_EQ(by_name.workload.in_features, 16);
  EXPECT_EQ(by_name.workload.out_features, 8);
  EXPECT_EQ(by_name.workload.batch, 12);
  EXPECT_EQ(by_name.axes.bn.values, std::vector<BnScaleKind>{BnScaleKind::FIXED});
  EXPECT_EQ(by_name.bn.scale, std::get<FxType>(model_.layers[0].bn->scale_type));
  EXPECT_EQ(by_name.bn.activation, units::Activation::RELU_CLIP);
  EXPECT_EQ(by_name.bn.clip, 1.5);  // 48 LSBs of ufixed<8,3>
  // images = 0: every golden image. The sweep's own [bn] keys still win.
  const SweepSpec all =
      parse(sweep_text("layer = 0\nimages = 0\n", "[bn]\nactivation = \"relu\"\n"));
  EXPECT_EQ(all.workload.batch, 12);
  EXPECT_EQ(all.bn.activation, units::Activation::RELU);
}

TEST_F(LayerWorkload, FloatLayerIsTheTrainedLayerOnItsRealInputs) {
  const SweepSpec s = parse(sweep_text("layer = 1\nimages = 10\n"));
  const FloatLayer f = make_float_layer(s.workload, s.bn, s.seed);
  ASSERT_EQ(f.batch, 10);
  ASSERT_EQ(f.input.size(), 80u);
  // Inputs: fc1 alone through golden::reference_forward, as values of ufixed<8,3> (LSB 1/32).
  QuantNetwork first;
  first.input_type = model_.input_type;
  first.layers = {model_.layers[0]};
  const std::vector<std::uint8_t> pixels = test_pixels();
  for (int i = 0; i < 10; ++i) {
    const std::vector<std::int64_t> h = golden::reference_forward(first, image(pixels, i));
    for (int j = 0; j < 8; ++j) {
      EXPECT_EQ(f.input[static_cast<std::size_t>(i * 8 + j)], h[static_cast<std::size_t>(j)] / 32.0)
          << "image " << i << " feature " << j;
    }
  }
  // The activations are not all clipped or zero (the test would prove little).
  EXPECT_GT(
      std::count_if(f.input.begin(), f.input.end(), [](double x) { return x > 0 && x < 1.5; }), 20);
  // Weights in LSBs of 1/32, the K-hot scales 1, 1.25, -0.75, the biases in LSBs of 1/32.
  for (std::size_t i = 0; i < f.weights.size(); ++i) {
    EXPECT_EQ(f.weights[i], model_.layers[1].weight_raw[i] / 32.0);
  }
  EXPECT_EQ(f.bn_scale, (std::vector<double>{1.0, 1.25, -0.75}));
  EXPECT_EQ(f.bn_bias, (std::vector<double>{3 / 32.0, -5 / 32.0, 7 / 32.0}));
  // The last layer: the golden labels of the 10 images.
  const std::vector<std::int64_t> labels = test_labels(model_);
  EXPECT_EQ(f.labels, std::vector<std::int64_t>(labels.begin(), labels.begin() + 10));

  // The first layer's inputs are the pixels / 256; the labels are there for every layer (the
  // whole model's accuracy with the layer replaced).
  const SweepSpec s0 = parse(sweep_text("layer = 0\nimages = 2\n"));
  const FloatLayer f0 = make_float_layer(s0.workload, s0.bn, s0.seed);
  ASSERT_EQ(f0.input.size(), 32u);
  for (std::size_t i = 0; i < 32; ++i) EXPECT_EQ(f0.input[i], pixels[i] / 256.0);
  EXPECT_EQ(f0.labels, std::vector<std::int64_t>(labels.begin(), labels.begin() + 2));
}

TEST_F(LayerWorkload, ModelFormatsReproduceTheGoldenLogitsBitExactly) {
  const SweepSpec s = parse(sweep_text("layer = \"fc2\"\nimages = 12\n", "[axes]\npe = 2\n"));
  const std::vector<DesignPoint> points = expand_sweep(s);
  ASSERT_EQ(points.size(), 1u);
  const FloatLayer f = make_float_layer(s.workload, s.bn, s.seed);
  const engine::Stimulus stim = quantize_layer(f, points[0].cfg());
  EXPECT_EQ(stim.weights, model_.layers[1].weight_raw);
  EXPECT_EQ(stim.bn_scale, model_.layers[1].bn->scale_raw);
  EXPECT_EQ(stim.bn_bias, model_.layers[1].bn->bias_raw);
  env::RunOptions options;
  options.stimulus = &stim;
  const env::RunSummary run = env::run_point(points[0].cfg(), env::Backends::MODEL, options);
  ASSERT_TRUE(run.runs.at(0).completed);
  std::vector<std::int64_t> expected;
  const std::vector<std::uint8_t> pixels = test_pixels();
  for (int i = 0; i < 12; ++i) {
    const auto l = golden::reference_forward(model_, image(pixels, i));
    expected.insert(expected.end(), l.begin(), l.end());
  }
  EXPECT_EQ(run.runs.at(0).output, expected);
  EXPECT_EQ(top1_accuracy(run.runs.at(0).output, kClasses, test_labels(model_)), 8.0 / 12);
}

// The whole sweep through the fxsim workers: the model's own formats give the model's accuracy
// (8 of 12 by construction of the labels); a 3-bit weight is recorded with its own; a hidden
// layer gives the whole model's accuracy with it.
TEST_F(LayerWorkload, SweepRecordsClassificationAccuracyOfTheLastLayer) {
  const std::string file = sweep_test::write_file(
      dir_, "s.toml",
      sweep_text("layer = 1\nimages = 12\n",
                 "[axes]\nweight = [\"fixed<6,1,RND_CONV,SAT>\", \"fixed<3,1,RND_CONV,SAT>\"]\n"));
  const SweepOutcome r = sweep_test::run_small(file, dir_ / "out", 1);
  EXPECT_EQ(r.ok, 2);
  traces::ResultsDb db((dir_ / "out" / "results.sqlite").string());
  const auto rows = db.points();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text("status"), "ok");
  EXPECT_EQ(rows[0].integer("model_mismatches"), 0);
  EXPECT_EQ(rows[0].real("classification_accuracy"), 8.0 / 12);
  EXPECT_EQ(rows[0].integer("batch"), 12);
  EXPECT_EQ(rows[0].integer("in_features"), 8);

  // The 3-bit weights (LSB 1/4: round the 1/32-LSB weights to nearest, ties to even) through
  // the same engine arithmetic: golden::reference_forward of a copy of the model with them.
  QuantNetwork coarse = model_;
  DenseLayer& fc2 = coarse.layers[1];
  fc2.weight_type = FxType::make_signed(3, 1, Rounding::RND_CONV, Overflow::SAT);
  for (std::int64_t& w : fc2.weight_raw) {
    const std::int64_t q = w / 8, rem = w % 8;  // w = 8 q + rem, |rem| < 8
    std::int64_t n = q;
    if (rem > 4 || (rem == 4 && (q & 1))) n = q + 1;
    if (rem < -4 || (rem == -4 && (q & 1))) n = q - 1;
    w = std::clamp<std::int64_t>(n, -4, 3);
  }
  const FxType acc = fx::accumulator_type(fc2.input_type, fc2.weight_type, 8, Overflow::SAT);
  fc2.acc_type = FxType::make_signed(acc.width, acc.int_bits, Rounding::TRN, Overflow::SAT);
  const std::vector<int> pred = predictions(coarse, 12);
  const std::vector<std::int64_t> labels = test_labels(model_);
  int correct = 0;
  for (int i = 0; i < 12; ++i) correct += pred[i] == labels[i];
  EXPECT_EQ(rows[1].real("classification_accuracy"), correct / 12.0);

  // A hidden layer at the model's own formats: the whole model's accuracy, 8 of 12 again.
  const std::string hidden = sweep_test::write_file(dir_, "h.toml", sweep_text("layer = 0\n"));
  sweep_test::run_small(hidden, dir_ / "hidden", 1);
  traces::ResultsDb hdb((dir_ / "hidden" / "results.sqlite").string());
  EXPECT_EQ(hdb.points().at(0).text("status"), "ok");
  EXPECT_EQ(hdb.points().at(0).real("classification_accuracy"), 8.0 / 12);
}

// The rest of the model after an explored layer: its outputs cast into the next layer's input
// type, then the trained layers. With the layer's own outputs the logits are exactly
// golden::reference_forward's; the same values with two more fraction bits too (the cast is
// exact); and values beyond the next input type's range saturate as that type says.
TEST_F(LayerWorkload, DownstreamLayersTurnALayersOutputsIntoTheModelsLogits) {
  const SweepSpec s = parse(sweep_text("layer = 0\nimages = 12\n"));
  const LayerSource& src = *s.workload.source;
  const std::vector<std::uint8_t> pixels = test_pixels();
  const DenseLayer& fc1 = model_.layers[0];
  std::vector<std::int64_t> fc1_out, finer, logits;
  for (int i = 0; i < kGoldenCount; ++i) {
    const auto y = golden::reference_dense(fc1, image(pixels, i));
    fc1_out.insert(fc1_out.end(), y.begin(), y.end());
    for (std::int64_t v : y) finer.push_back(v * 4);
    const auto l = golden::reference_forward(model_, image(pixels, i));
    logits.insert(logits.end(), l.begin(), l.end());
  }
  const FxType t = fc1.output_type();
  EXPECT_EQ(src.logits_from_layer_output(fc1_out, t), logits);
  const FxType t_finer = FxType::make(t.is_signed, t.width + 2, t.int_bits, t.rounding, t.overflow);
  EXPECT_EQ(src.logits_from_layer_output(finer, t_finer), logits);

  // Every value far above the next input type's maximum: the same logits as every input at
  // that maximum (SAT), computed by the trained fc2 directly.
  const FxType wide = FxType::make_signed(24, 16);
  const std::vector<std::int64_t> huge(fc1_out.size(), std::int64_t{1} << 22);
  const DenseLayer& fc2 = model_.layers[1];
  const std::vector<std::int64_t> at_max(static_cast<std::size_t>(fc2.in_features),
                                         fc2.input_type.raw_max());
  const std::vector<std::int64_t> one = golden::reference_dense(fc2, at_max);
  std::vector<std::int64_t> expected;
  for (int i = 0; i < kGoldenCount; ++i) expected.insert(expected.end(), one.begin(), one.end());
  EXPECT_EQ(src.logits_from_layer_output(huge, wide), expected);
}

TEST_F(LayerWorkload, HashCoversTheModelFile) {
  const std::string text = sweep_text("layer = 1\n");
  const SweepSpec a = parse(text);
  EXPECT_EQ(parse(text).sha256, a.sha256);
  EXPECT_NE(a.sha256, util::sha256_hex(text));
  // The same sweep file on a retrained model (one weight changed) is another sweep.
  QuantNetwork m = model_;
  m.layers[1].weight_raw[0] += 1;
  write_model_dir(dir_, m);
  EXPECT_NE(parse(text).sha256, a.sha256);
  // Random workloads keep the hash of the file's bytes.
  const std::string random = "[sweep]\nname = \"r\"\n[workload]\nin_features = 8\n";
  EXPECT_EQ(parse(random).sha256, util::sha256_hex(random));
}

TEST_F(LayerWorkload, MalformedFilesAreRejectedWithTheirLocation) {
  const std::string model = (dir_ / "model.fxm").string();
  // A relative path is resolved against the sweep file's directory, and the error says so.
  const std::string dir = std::filesystem::absolute(dir_).lexically_normal().string();
  auto relative = [&](const std::string& name) {
    return "'" + name + "' (relative paths are resolved against the sweep file's directory " + dir +
           ", giving " + dir + "/" + name + ")";
  };
  EXPECT_EQ(error_of("[sweep]\nname = \"t\"\n[workload]\nkind = \"layer\"\nmodel = \"nope.fxm\"\n"
                     "layer = 0\n"),
            at(5, 9) + "workload.model: " + relative("nope.fxm") +
                ": cannot open: No such file or directory (fxsim train writes "
                "OUT/model_<variant>.fxm)");
  EXPECT_EQ(error_of("[sweep]\nname = \"t\"\n[workload]\nkind = \"layer\"\nmodel = \"" + dir +
                     "/nope.fxm\"\nlayer = 0\n"),
            at(5, 9) + "workload.model: '" + dir +
                "/nope.fxm': cannot open: No such file or directory (fxsim train writes "
                "OUT/model_<variant>.fxm)");
  sweep_test::write_file(dir_, "bad.fxm", "FXSMGOLD");  // a magic and nothing else
  EXPECT_EQ(error_of("[sweep]\nname = \"t\"\n[workload]\nkind = \"layer\"\nmodel = \"bad.fxm\"\n"
                     "layer = 0\n"),
            at(5, 9) + "workload.model: " + relative("bad.fxm") + ": truncated: 8 bytes");
  // A model file version 2 with conv / max-pool layers (testbenches/golden/data/cnn_v2.fxm):
  // loaded, then refused by name (sweeps run dense models until issue 17's network workloads).
  const std::string cnn = std::string(FXSIM_GOLDEN_DATA_DIR) + "/cnn_v2.fxm";
  EXPECT_EQ(error_of("[sweep]\nname = \"t\"\n[workload]\nkind = \"layer\"\nmodel = \"" + cnn +
                     "\"\nlayer = 0\n"),
            at(5, 9) + "workload.model: '" + cnn +
                "': layer 0 is a conv layer; fxsim sweep runs dense models (CNNs: issue 17)");
  // A version-3 model file (an affine integer MLP): its layers are not the fixed-point layers a
  // workload quantizes, and the error says where affine layers are swept instead.
  golden::AffineDense fc;
  fc.name = "fc";
  fc.in_features = 2;
  fc.out_features = 2;
  fc.input_type = {fx::AffineInt::make(false, 8), fx::AffineParams::per_tensor(1.0f / 256, 0)};
  fc.weight_type = {fx::AffineInt::make(true, 8), fx::AffineParams::per_tensor(0.01f, 0)};
  fc.output_type = {fx::AffineInt::make(true, 8), fx::AffineParams::per_tensor(0.1f, 0)};
  fc.weight_q = {1, 2, 3, 4};
  fc.method = golden::RequantMethod::INTEGER;
  ModelFile affine;
  affine.affine = {fc};
  golden::write_model_file((dir_ / "affine.fxm").string(), affine);
  EXPECT_EQ(error_of("[sweep]\nname = \"t\"\n[workload]\nkind = \"layer\"\nmodel = \"affine.fxm\"\n"
                     "layer = 0\n"),
            at(5, 9) + "workload.model: " + relative("affine.fxm") +
                ": an affine integer model (model file version 3): model, layer and network "
                "workloads read fixed-point and K-hot models; sweep an affine layer with kind = "
                "\"int\" points (docs/sweeps.md, \"Affine integer points\") and verify the model "
                "with `fxsim verify`");
  ModelFile untested;  // a model without golden results: nothing to feed the layer with
  untested.model = model_;
  golden::write_model_file((dir_ / "untested.fxm").string(), untested);
  EXPECT_EQ(error_of("[sweep]\nname = \"t\"\n[workload]\nkind = \"layer\"\n"
                     "model = \"untested.fxm\"\nlayer = 0\n"),
            at(5, 9) + "workload.model: " + (dir_ / "untested.fxm").string() +
                ": holds no golden test results (images and labels); expected a model file "
                "written by fxsim train");
  EXPECT_EQ(error_of("[sweep]\nname = \"t\"\n[workload]\nkind = \"layer\"\n"),
            at(3, 1) +
                "workload.model: missing; expected the path of a model file (fxsim train writes "
                "OUT/model_<variant>.fxm)");
  EXPECT_EQ(error_of(sweep_text("")),
            at(3, 1) +
                "workload.layer: missing; expected a layer index 0..1 or a layer name "
                "(fc1, fc2)");
  EXPECT_EQ(error_of(sweep_text("layer = 2\n")),
            at(7, 9) +
                "workload.layer: expected a layer index 0..1 or a layer name (fc1, fc2), "
                "got 2 (" +
                model + " has 2 layers)");
  EXPECT_EQ(error_of(sweep_text("layer = \"fc3\"\n")),
            at(7, 9) +
                "workload.layer: expected a layer index 0..1 or a layer name (fc1, fc2), "
                "got \"fc3\"");
  EXPECT_EQ(error_of(sweep_text("layer = 0\nin_features = 16\n")),
            at(8, 15) +
                "workload.in_features: only for kind = \"random\"; it is the model "
                "layer's");
  EXPECT_EQ(error_of(sweep_text("layer = 0\nbatch = 4\n")),
            at(8, 9) +
                "workload.batch: only for kind = \"random\"; the batch of a layer workload "
                "is `images`");
  EXPECT_EQ(error_of(sweep_text("layer = 0\nimages = 13\n")),
            at(8, 10) + "workload.images: expected at most 12 (the golden test images " + model +
                " holds; 0 = all), got 13");
  EXPECT_EQ(error_of("[sweep]\nname = \"t\"\n[workload]\nmodel = \"model.fxm\"\n"),
            at(4, 9) + "workload.model: only for kind = \"layer\" or \"model\"");
  EXPECT_EQ(error_of(sweep_text("layer = 0\n", "[bn]\nscale_range = [0.5, 1.0]\n")),
            at(9, 15) +
                "bn.scale_range: only for kind = \"random\"; a layer workload's BN "
                "parameters are the model's");
  // The images: a directory without the IDX file.
  const std::string images = (dir_ / "empty" / "t10k-images-idx3-ubyte").string();
  std::filesystem::create_directories(dir_ / "empty");
  const std::string e = error_of(
      "[sweep]\nname = \"t\"\n[workload]\nkind = \"layer\"\nmodel = \"model.fxm\"\n"
      "data = \"empty\"\nlayer = 0\n");
  EXPECT_EQ(e.rfind(at(6, 8) + "workload.data: the model's golden test images: " + images, 0), 0u)
      << e;
  EXPECT_NE(e.find("expected workload.data = the directory holding t10k-images-idx3-ubyte"),
            std::string::npos)
      << e;
  // Any SIMD, as in fxsim run: 8 inputs (fc2) in beats of 3, the last with one zero lane.
  EXPECT_EQ(error_of(sweep_text("layer = 1\n", "[axes]\nsimd = [4, 3]\n")), "");
}

TEST_F(LayerWorkload, LayerWithoutBatchNormTakesOnlyBnNone) {
  QuantNetwork m = model_;
  m.layers[1].bn.reset();
  write_model_dir(dir_, m);
  const SweepSpec s = parse(sweep_text("layer = 1\n"));
  EXPECT_EQ(s.axes.bn.values, std::vector<BnScaleKind>{BnScaleKind::NONE});
  EXPECT_EQ(error_of(sweep_text("layer = 1\n", "[axes]\nbn = [\"none\", \"fixed\"]\n")),
            at(9, 15) + "axes.bn: layer fc2 of " + (dir_ / "model.fxm").string() +
                " has no batch norm; expected \"none\"");
}

TEST(LayerWorkloadExample, DocsExampleIsValidWhenItsModelExists) {
  const std::string path = std::string(FXSIM_SOURCE_DIR) + "/docs/examples/sweep_layer.toml";
  const std::string model =
      std::string(FXSIM_SOURCE_DIR) + "/results/train_small/model_qat_khot2_e8.fxm";
  if (!std::filesystem::exists(model) ||
      !std::filesystem::exists("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")) {
    GTEST_SKIP() << "needs " << model << " (make run trains it) and the Fashion-MNIST test set";
  }
  const SweepSpec s = load_sweep_file(path);
  EXPECT_EQ(s.workload.in_features, 128);
  EXPECT_EQ(s.workload.out_features, 10);
  EXPECT_FALSE(expand_sweep(s).empty());
  // The whole-model example on the same model: 784 pixels in, 10 classes out, 16 points.
  const SweepSpec m =
      load_sweep_file(std::string(FXSIM_SOURCE_DIR) + "/docs/examples/sweep_model.toml");
  EXPECT_EQ(m.workload.kind, WorkloadKind::MODEL);
  EXPECT_EQ(m.workload.in_features, 784);
  EXPECT_EQ(m.workload.out_features, 10);
  EXPECT_EQ(expand_sweep(m).size(), 16u);
}

}  // namespace
}  // namespace fxsim::explore::workload_test
