// [workload] kind = "model": every layer of a golden model file on its own engine, fed with the
// model's golden test images. The model and its image file are the fixture's
// (workload_test_util.hpp), shared with the kind = "layer" tests of layer_workload_test.cpp;
// every expected value is computed independently with golden::reference_forward / argmax_rows
// or by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "explore/design_points.hpp"
#include "explore/layer_workload.hpp"
#include "fx/width_rules.hpp"
#include "golden/model_file.hpp"
#include "testbenches/explore/sweep_test_util.hpp"
#include "testbenches/explore/workload_test_util.hpp"
#include "traces/results_db.hpp"

namespace fxsim::explore::workload_test {
namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;
using golden::DenseLayer;
using golden::QuantNetwork;

std::string model_sweep_text(const std::string& workload, const std::string& rest = "") {
  return "[sweep]\nname = \"model\"\n[workload]\nkind = \"model\"\nmodel = \"model.fxm\"\n"
         "data = \".\"\n" +
         workload + rest;
}

TEST_F(LayerWorkload, ModelWorkloadTakesEveryLayer) {
  const SweepSpec s = parse(model_sweep_text("images = 12\n"));
  EXPECT_EQ(s.workload.kind, WorkloadKind::MODEL);
  EXPECT_EQ(s.workload.in_features, kPixels);
  EXPECT_EQ(s.workload.out_features, kClasses);
  EXPECT_EQ(s.workload.batch, 12);
  EXPECT_TRUE(s.axes.model_weights);
  const std::vector<DesignPoint> points = expand_sweep(s);
  ASSERT_EQ(points.size(), 1u);
  ASSERT_EQ(points[0].engines.size(), 2u);
  EXPECT_TRUE(points[0].per_layer);
  // Without axes every layer is the trained one, as `fxsim verify` runs it.
  for (std::size_t l = 0; l < 2; ++l) {
    const engine::EngineConfig& c = points[0].engines[l].point;
    const DenseLayer& d = model_.layers[l];
    EXPECT_EQ(c.in_features, d.in_features);
    EXPECT_EQ(c.out_features, d.out_features);
    EXPECT_EQ(c.activation, d.input_type);
    EXPECT_EQ(c.fx_weight(), d.weight_type);
    EXPECT_EQ(c.accumulator, d.acc_type);
    EXPECT_EQ(c.simd, 4);
    ASSERT_TRUE(c.bn.has_value());
    EXPECT_EQ(c.bn->output, d.bn->out_type);
    EXPECT_EQ(c.batch, 12);
  }
  EXPECT_TRUE(points[0].engines[1].point.bn->khot_scale());

  EXPECT_EQ(error_of(model_sweep_text("layer = 1\n")),
            at(7, 9) +
                "workload.layer: only for kind = \"layer\"; a model workload runs every layer "
                "of the model");
  EXPECT_EQ(error_of(model_sweep_text("", "[axes]\noutput = \"fixed<8,3>\"\n")),
            at(8, 10) +
                "axes.output: a model workload keeps each layer's own formats and SIMD; expected "
                "only kind, weight, k, pe, mac_stages, bn, clock_ns and family (or kind = "
                "\"layer\" to explore one layer)");
  EXPECT_EQ(error_of(model_sweep_text("", "[bn]\nbias = \"fixed<8,3>\"\n")),
            at(8, 8) +
                "bn.bias: a model or network workload keeps each layer's own bn_act; expected only "
                "scale, khot_scale and stages");
  EXPECT_EQ(error_of(model_sweep_text("", "[traces]\npoints = [0]\n")),
            at(8, 10) +
                "traces.points: traces are per layer engine: trace a layer of the model with "
                "kind = \"layer\"");
}

// fixed<6,1> raws (LSB 1/32) rounded by hand to fixed<3,1,RND_CONV,SAT> (LSB 1/4: nearest, ties
// to even, clamped to -4..3) on every layer, with exact accumulators.
QuantNetwork with_coarse_weights(QuantNetwork m) {
  for (DenseLayer& d : m.layers) {
    d.weight_type = FxType::make_signed(3, 1, Rounding::RND_CONV, Overflow::SAT);
    for (std::int64_t& w : d.weight_raw) {
      const std::int64_t q = w / 8, rem = w % 8;  // w = 8 q + rem, |rem| < 8
      std::int64_t n = q;
      if (rem > 4 || (rem == 4 && (q & 1))) n = q + 1;
      if (rem < -4 || (rem == -4 && (q & 1))) n = q - 1;
      w = std::clamp<std::int64_t>(n, -4, 3);
    }
    const FxType acc =
        fx::accumulator_type(d.input_type, d.weight_type, d.in_features, Overflow::SAT);
    d.acc_type = FxType::make_signed(acc.width, acc.int_bits, Rounding::TRN, Overflow::SAT);
  }
  golden::validate(m);
  return m;
}

// Through the fxsim workers: the model's own formats give the golden accuracy (8 of 12) in the
// hand-worked cycles; 3-bit weights on every layer give the accuracy of the same model with its
// weights rounded by hand, run by golden::reference_forward.
TEST_F(LayerWorkload, ModelWorkloadRunsTheLayersInTurn) {
  const std::string file =
      sweep_test::write_file(dir_, "m.toml",
                             model_sweep_text("images = 12\n",
                                              "[axes]\nweight = [\"fixed<6,1,RND_CONV,SAT>\", "
                                              "\"fixed<3,1,RND_CONV,SAT>\"]\n"));
  const SweepOutcome r = sweep_test::run_small(file, dir_ / "model", 1);
  EXPECT_EQ(r.ok, 2);
  traces::ResultsDb db((dir_ / "model" / "results.sqlite").string());
  const auto rows = db.points();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].text("status"), "ok");
  EXPECT_EQ(rows[0].integer("model_mismatches"), 0);
  EXPECT_EQ(rows[0].real("classification_accuracy"), 8.0 / 12);
  EXPECT_EQ(rows[0].integer("in_features"), kPixels);
  EXPECT_EQ(rows[0].integer("out_features"), kClasses);
  // fc1 16 -> 8 on PE 8, SIMD 4: 12 images x 1 x 4 beats + (2+1) + (2+1) = 54;
  // fc2 8 -> 3: 12 x 1 x 2 beats + 3 + 3 = 30.
  EXPECT_EQ(rows[0].integer("cycles"), 54 + 30);
  EXPECT_EQ(rows[0].real("latency_ns"), 84 * 4.0);

  const std::vector<int> pred = predictions(with_coarse_weights(model_), 12);
  const std::vector<std::int64_t> labels = test_labels(model_);
  int correct = 0;
  for (int i = 0; i < 12; ++i) correct += pred[i] == labels[i];
  EXPECT_EQ(rows[1].text("status"), "ok");
  EXPECT_EQ(rows[1].integer("model_mismatches"), 0);
  EXPECT_EQ(rows[1].real("classification_accuracy"), correct / 12.0);
}

}  // namespace
}  // namespace fxsim::explore::workload_test
