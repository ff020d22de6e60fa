// kind = "binary" / "ternary" sweep points (explore/bipolar_point.hpp) and the output_rounding
// axis: the grid (which axes apply), the refusals and errors located in the file, the engine
// configuration worked by hand, the SQNR of a binary and a ternary point against plain loops
// in this file (the float layer, sign / TWN rules and the activation cast written out), a sweep
// of the four kinds of one layer whose Pareto flags are recomputed here by brute force, and the
// RTL check of binary and ternary points.
#include "explore/bipolar_point.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <variant>

#include "explore/design_points.hpp"
#include "testbenches/explore/sweep_test_util.hpp"

namespace fxsim::explore {
namespace {

using sweep_test::parse_error;
using sweep_test::temp_dir;
using sweep_test::write_file;

// 12 header lines: [axes] is line 10, its first axis line 11.
std::string bipolar_sweep_text(const std::string& axes, const std::string& rest = "") {
  return "[sweep]\nname = \"bipolar\"\nseed = 3\n"
         "[workload]\nin_features = 48\nout_features = 12\nbatch = 3\n"
         "weight_range = [-0.5, 0.5]\ninput_range = [-1.0, 1.0]\n"
         "[axes]\n" +
         axes + rest;
}

// ---- the grid ------------------------------------------------------------------------------

TEST(BipolarGrid, WeightAccumulatorOutputAndRoundingAxesDoNotApply) {
  // fx_mac: 2 weights x 2 roundings x 2 simd = 8; khot: x 2 k = 16; binary and ternary: 2 simd
  // each (no weight, k, accumulator, output, rounding or overflow axis).
  const SweepSpec s = parse_sweep(
      bipolar_sweep_text("kind = [\"fx_mac\", \"khot\", \"binary\", \"ternary\"]\n"
                         "weight = [\"fixed<8,1,RND_CONV,SAT>\", \"fixed<6,1,RND_CONV,SAT>\"]\n"
                         "k = [1, 2]\nrounding = [\"TRN\", \"RND_CONV\"]\n"
                         "activation = \"fixed<8,1,RND_CONV,SAT>\"\nsimd = [4, 8]\n"),
      "g.toml");
  EXPECT_EQ(grid_size(s), 8u + 16u + 2u + 2u);
  const std::vector<DesignPoint> points = expand_sweep(s);
  ASSERT_EQ(points.size(), 28u);
  for (const DesignPoint& q : points) EXPECT_TRUE(q.valid()) << q.key << ": " << q.invalid;
  EXPECT_EQ(points[24].params.kind, UnitKind::BINARY);
  EXPECT_EQ(points[26].params.kind, UnitKind::TERNARY);
  EXPECT_EQ(points[25].params.simd, 8);
  EXPECT_EQ(points[24].key,
            "kind=binary weight=binary k=0 activation=fixed<8,1,RND_CONV,SAT,0> "
            "accumulator=default output=accumulator pe=8 simd=4 mac_stages=2 bn=none clock_ns=4 "
            "family=xc7");
  // Exact accumulator: 48 terms of |v a| <= 128 raw: 6144 < 2^13, 14 bits; the activation's 7
  // fraction bits (scale 1: e = 0). The MAC output is the accumulator.
  const engine::EngineConfig& b = points[24].cfg();
  EXPECT_EQ(b.kind, engine::EngineKind::BINARY);
  ASSERT_TRUE(b.bipolar.has_value());
  EXPECT_EQ(b.bipolar->str(), "binary");
  EXPECT_EQ(b.accumulator.str(), "fixed<14,7,TRN,WRAP,0>");
  EXPECT_EQ(b.output, b.accumulator);
  EXPECT_FALSE(b.bn.has_value());
  EXPECT_EQ(points[26].cfg().kind, engine::EngineKind::TERNARY);
  EXPECT_EQ(points[26].cfg().bipolar->str(), "ternary");
  // No multiplier: DSP 0 in the estimate of the engine.
  EXPECT_EQ(points[24].engines.front().point.kind, engine::EngineKind::BINARY);
}

// With bn the engine scale is 2^ceil(log2 alpha): the binary point of the accumulator moves by
// -e, the rest of alpha goes into the BN scale.
TEST(BipolarGrid, BatchNormMovesThePowerOfTwoOfAlphaIntoTheEngine) {
  const SweepSpec s =
      parse_sweep(bipolar_sweep_text("kind = \"binary\"\nactivation = \"fixed<8,1,RND_CONV,SAT>\"\n"
                                     "bn = [\"none\", \"fixed\"]\n",
                                     "[bn]\nactivation = \"relu\"\n"),
                  "b.toml");
  const std::vector<DesignPoint> points = expand_sweep(s);
  ASSERT_EQ(points.size(), 2u);
  ASSERT_TRUE(points[1].valid()) << points[1].invalid;
  // alpha = mean |w| over the sweep's float layer, computed here.
  const FloatLayer f = make_float_layer(s.workload, s.bn, s.seed);
  double sum = 0;
  for (double w : f.weights) sum += std::fabs(w);
  const double alpha = sum / static_cast<double>(f.weights.size());
  const int e = static_cast<int>(std::ceil(std::log2(alpha)));
  ASSERT_LT(e, 0);  // weights in [-0.5, 0.5]: alpha about 1/4
  const engine::EngineConfig& c = points[1].cfg();
  EXPECT_EQ(c.bipolar->scale, std::ldexp(1.0, e));
  EXPECT_EQ(c.accumulator.frac_bits(), 7 - e);
  EXPECT_EQ(c.accumulator.width, 14);
  ASSERT_TRUE(c.bn.has_value());
  EXPECT_EQ(points[0].cfg().bipolar->scale, 1.0);
}

// ---- the sweep file --------------------------------------------------------------------------

TEST(BipolarSweepFile, ErrorsAreLocated) {
  EXPECT_EQ(parse_error(bipolar_sweep_text("kind = [\"binary\", \"bnn\"]\n")),
            "e.toml:11:19: axes.kind: \"bnn\" is not one of fx_mac, fx_mac_lut, khot, spt, int, "
            "binary, ternary, xnor");
  EXPECT_EQ(parse_error(bipolar_sweep_text("output_rounding = [\"TRN\", \"RND_UP\"]\n")),
            "e.toml:11:27: axes.output_rounding: \"RND_UP\" is not a rounding mode (TRN, RND, "
            "RND_CONV, ..., RND_STOCH)");
  EXPECT_EQ(parse_error(bipolar_sweep_text("rounding = \"TRN\"\noutput_rounding = \"RND\"\n")),
            "e.toml:12:19: axes.output_rounding: rounding is given too; expected one of rounding "
            "(the MAC output only) and output_rounding (the MAC output and the bn output)");
  EXPECT_EQ(parse_error(bipolar_sweep_text("output_rounding = 3\n")),
            "e.toml:11:19: axes.output_rounding: expected a string, found a integer");
}

TEST(BipolarSweepFile, NetworkWorkloadsRefuseBinaryPoints) {
  const std::string dir = std::string(FXSIM_SOURCE_DIR) + "/docs/examples";
  const std::string text = "[sweep]\nname = \"n\"\n[workload]\nkind = \"network\"\nnetwork = \"" +
                           dir + "/network_cnn.toml\"\n[axes]\nkind = [\"fx_mac\", \"ternary\"]\n";
  try {
    parse_sweep(text, dir + "/n.toml");
    FAIL() << "a network sweep took ternary points";
  } catch (const SweepFileError& e) {
    EXPECT_EQ(std::string(e.what()),
              dir +
                  "/n.toml:7:19: axes.kind: \"ternary\" (ternary weight) points are not built "
                  "for kind = \"network\" workloads yet; expected fx_mac, fx_mac_lut, khot or "
                  "spt (a ternary layer: kind = \"random\" or \"layer\")");
  }
}

// output_rounding: the MAC output's mode and the bn output's; rounding: the MAC output's only.
TEST(BipolarSweepFile, OutputRoundingReachesTheBnOutput) {
  const std::string axes = "kind = \"fx_mac\"\nbn = \"fixed\"\n";
  const std::vector<DesignPoint> both = expand_sweep(parse_sweep(
      bipolar_sweep_text(axes + "output_rounding = [\"TRN\", \"RND_CONV\"]\n"), "o.toml"));
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].cfg().output.rounding, fx::Rounding::TRN);
  EXPECT_EQ(both[0].cfg().bn->output.rounding, fx::Rounding::TRN);
  EXPECT_EQ(both[1].cfg().output.rounding, fx::Rounding::RND_CONV);
  EXPECT_EQ(both[1].cfg().bn->output.rounding, fx::Rounding::RND_CONV);
  const std::vector<DesignPoint> mac =
      expand_sweep(parse_sweep(bipolar_sweep_text(axes + "rounding = \"TRN\"\n"), "r.toml"));
  ASSERT_EQ(mac.size(), 1u);
  EXPECT_EQ(mac[0].cfg().output.rounding, fx::Rounding::TRN);
  EXPECT_EQ(mac[0].cfg().bn->output.rounding, fx::Rounding::RND);  // [bn] output's own
}

// RND_STOCH on the MAC output and the bn output (the engine's lane rule, docs/engine.md
// "Stochastic rounding (RND_STOCH) in the engine"): the points run on the model and pass the
// RTL check; the same seed gives the same results, and the stochastic outputs differ from the
// deterministic ones while their error stays of the same order (an output LSB).
TEST(BipolarSweepRun, StochasticRoundingPointsRunAndPassTheRtlCheck) {
  const auto dir = temp_dir();
  const std::string text = bipolar_sweep_text(
      "kind = [\"fx_mac\", \"khot\"]\nweight = \"fixed<8,0,RND_CONV,SAT>\"\nk = 2\n"
      "activation = \"fixed<8,1,RND_CONV,SAT>\"\noutput = \"fixed<8,2,RND_CONV,SAT>\"\n"
      "output_rounding = [\"RND_CONV\", \"RND_STOCH\"]\npe = 4\nbn = [\"none\", \"fixed\"]\n",
      "[bn]\nactivation = \"none\"\n");
  const std::string file = write_file(dir, "stoch.toml", text);
  const std::vector<DesignPoint> points = expand_sweep(parse_sweep(text, file));
  ASSERT_EQ(points.size(), 8u);  // kind x rounding x bn
  EXPECT_EQ(points[2].cfg().output.rounding, fx::Rounding::RND_STOCH);
  EXPECT_EQ(points[3].cfg().bn->output.rounding, fx::Rounding::RND_STOCH);
  const SweepOutcome a = sweep_test::run_small(file, dir / "a", 2);
  EXPECT_EQ(a.ok, 8);
  sweep_test::run_small(file, dir / "b", 1);
  EXPECT_EQ(sweep_test::read_file(dir / "a" / "results.csv"),
            sweep_test::read_file(dir / "b" / "results.csv"));
  const auto rows = sweep_test::all_rows(dir / "a");
  ASSERT_EQ(rows.size(), 8u);
  std::vector<traces::ResultRow> x;
  for (const auto& row : rows) x.emplace_back(row);
  for (const traces::ResultRow& r : x) {
    EXPECT_EQ(r.text("status"), "ok") << r.text("error");
    EXPECT_EQ(r.integer("model_mismatches"), 0);
  }
  // Same point with RND_CONV (ids 0, 1, 4, 5) and RND_STOCH (2, 3, 6, 7).
  for (int d : {0, 1, 4, 5}) {
    const traces::ResultRow &det = x[d], &sto = x[d + 2];
    EXPECT_EQ(sto.text("rounding"), "RND_STOCH");
    EXPECT_EQ(sto.integer("cycles"), det.integer("cycles"));
    EXPECT_NE(sto.real("mse"), det.real("mse")) << d;
    EXPECT_GT(sto.real("sqnr_db"), det.real("sqnr_db") - 6.0) << d;
  }
  // The RTL check of the stochastic fx_mac points (with and without bn).
  const std::string rtl_text = bipolar_sweep_text(
      "kind = \"fx_mac\"\nweight = \"fixed<8,0,RND_CONV,SAT>\"\n"
      "activation = \"fixed<8,1,RND_CONV,SAT>\"\noutput = \"fixed<8,2,RND_CONV,SAT>\"\n"
      "output_rounding = \"RND_STOCH\"\npe = 4\nbn = [\"none\", \"fixed\"]\n",
      "[bn]\nactivation = \"none\"\n");
  std::string with_rtl = rtl_text;
  with_rtl.insert(with_rtl.find("seed = 3\n") + 9, "rtl_check = \"all\"\n");
  const SweepOutcome r = sweep_test::run_small(write_file(dir, "rtl.toml", with_rtl), dir / "r", 1);
  EXPECT_EQ(r.ok, 2);
  for (const auto& row : sweep_test::all_rows(dir / "r")) {
    const traces::ResultRow y(row);
    EXPECT_EQ(y.text("rounding"), "RND_STOCH");
    EXPECT_EQ(y.text("rtl_status"), "pass") << y.text("point_key") << ": " << y.text("error");
    EXPECT_EQ(y.integer("rtl_mismatches"), 0);
    EXPECT_EQ(y.integer("rtl_cycles"), y.integer("cycles"));
  }
}

// ---- accuracy against plain loops ------------------------------------------------------------

// The float layer y = W x; a point's outputs computed here from the rules written out:
//   binary   v = +1 for w >= 0 else -1, alpha = mean |w|
//   ternary  delta = 0.7 mean |w|, v = +1 (w > delta), -1 (w < -delta), else 0,
//            alpha = mean |w| over |w| > delta
//   inputs   fixed<8,1,RND_CONV,SAT>: raw = clamp(round-half-even(x 2^7), -128, 127)
//   output   alpha 2^-7 sum_k v_k raw_k (the accumulator is exact)
// SQNR = 10 log10(sum y^2 / sum (y - out)^2).
double expected_sqnr(const FloatLayer& f, bool ternary) {
  const std::size_t n = f.weights.size();
  double sum_abs = 0;
  for (double w : f.weights) sum_abs += std::fabs(w);
  const double delta = 0.7 * sum_abs / static_cast<double>(n);
  std::vector<int> v(n);
  double alpha_sum = 0;
  int alpha_n = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double w = f.weights[i];
    if (!ternary) {
      v[i] = w >= 0 ? 1 : -1;
    } else {
      v[i] = w > delta ? 1 : (w < -delta ? -1 : 0);
      if (v[i] != 0) alpha_sum += std::fabs(w), ++alpha_n;
    }
  }
  const double alpha = ternary ? alpha_sum / alpha_n : sum_abs / static_cast<double>(n);
  double signal = 0, noise = 0;
  for (int b = 0; b < f.batch; ++b) {
    for (int o = 0; o < f.out_features; ++o) {
      double y = 0;
      long long acc = 0;
      for (int k = 0; k < f.in_features; ++k) {
        const double x = f.input[b * f.in_features + k];
        y += f.weights[o * f.in_features + k] * x;
        const double raw = std::min(127.0, std::max(-128.0, std::nearbyint(std::ldexp(x, 7))));
        acc += v[o * f.in_features + k] * static_cast<long long>(raw);
      }
      const double out = alpha * std::ldexp(static_cast<double>(acc), -7);
      signal += y * y;
      noise += (y - out) * (y - out);
    }
  }
  return 10 * std::log10(signal / noise);
}

TEST(BipolarAccuracy, SqnrOfBinaryAndTernaryPointsIsThePlainLoops) {
  const auto dir = temp_dir();
  const std::string text = bipolar_sweep_text(
      "kind = [\"binary\", \"ternary\"]\nactivation = \"fixed<8,1,RND_CONV,SAT>\"\npe = 4\n");
  const std::string file = write_file(dir, "a.toml", text);
  const SweepOutcome r = sweep_test::run_small(file, dir / "out", 1);
  EXPECT_EQ(r.ok, 2);
  const auto rows = sweep_test::all_rows(dir / "out");
  ASSERT_EQ(rows.size(), 2u);
  const SweepSpec s = parse_sweep(text, file);
  const FloatLayer f = make_float_layer(s.workload, s.bn, s.seed);
  for (std::size_t i = 0; i < 2; ++i) {
    const traces::ResultRow row(rows[i]);
    ASSERT_EQ(row.text("status"), "ok") << row.text("error");
    EXPECT_EQ(row.text("kind"), i == 0 ? "binary" : "ternary");
    EXPECT_EQ(row.text("weight_type"), i == 0 ? "binary" : "ternary");
    EXPECT_EQ(row.integer("weight_bits"), i == 0 ? 1 : 2);
    EXPECT_EQ(row.integer("model_mismatches"), 0);
    EXPECT_EQ(row.integer("dsp"), 0);
    EXPECT_NEAR(row.real("sqnr_db"), expected_sqnr(f, i == 1), 1e-9) << i;
    // 48 x 12 x 3 layer, PE 4, SIMD 8: NF 3 x SF 6 beats per vector x 3 + MAC_STAGES 2 + 1.
    EXPECT_EQ(row.integer("cycles"), 3 * 3 * 6 + 3);
  }
}

// ---- one sweep, four kinds, Pareto flags by brute force --------------------------------------

TEST(BipolarSweepRun, FourKindsInOneParetoTable) {
  const auto dir = temp_dir();
  const std::string file =
      write_file(dir, "four.toml",
                 "[sweep]\nname = \"four\"\nseed = 5\n"
                 "[workload]\nin_features = 32\nout_features = 8\nbatch = 4\n"
                 "weight_range = [-0.25, 0.25]\ninput_range = [-1.0, 1.0]\n"
                 "[axes]\nkind = [\"fx_mac\", \"khot\", \"binary\", \"ternary\"]\n"
                 "weight = [\"fixed<8,0,RND_CONV,SAT>\", \"fixed<4,0,RND_CONV,SAT>\"]\nk = [2]\n"
                 "activation = \"fixed<8,1,RND_CONV,SAT>\"\noutput = \"fixed<12,3,RND_CONV,SAT>\"\n"
                 "pe = [2, 8]\nsimd = [8]\n");
  const SweepOutcome r = sweep_test::run_small(file, dir / "out", 2);
  // fx_mac 2 weights x 2 pe, khot the same, binary 2 pe, ternary 2 pe.
  EXPECT_EQ(r.ok, 12);
  EXPECT_EQ(r.failed, 0);
  const auto rows = sweep_test::all_rows(dir / "out");
  ASSERT_EQ(rows.size(), 12u);
  std::vector<traces::ResultRow> x;
  for (const auto& row : rows) x.emplace_back(row);
  const sweep_test::ParetoFlags pareto = sweep_test::brute_force_pareto(x);
  const std::vector<std::int64_t>& acc_flags = pareto.accuracy;
  const std::vector<std::int64_t>& dsp_flags = pareto.dsp;
  int on_front = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(x[i].text("status"), "ok") << x[i].text("error");
    EXPECT_EQ(x[i].integer("pareto_accuracy_latency_lut"), acc_flags[i]) << x[i].text("point_key");
    EXPECT_EQ(x[i].integer("pareto_dsp_lut"), dsp_flags[i]) << x[i].text("point_key");
    on_front += static_cast<int>(acc_flags[i]);
    const std::string kind = x[i].text("kind");
    if (kind == "binary" || kind == "ternary") {
      EXPECT_EQ(x[i].integer("dsp"), 0);
      EXPECT_GT(x[i].real("weight_scale"), 0.0);
    } else {
      EXPECT_TRUE(x[i].is_null("weight_scale"));
    }
  }
  EXPECT_GE(on_front, 2);
  // The fx_mac 8-bit point is the most accurate of its PE; binary the least.
  EXPECT_LT(x[0].real("mse"), x[8].real("mse"));
  EXPECT_LT(x[10].real("mse"), x[8].real("mse"));  // ternary beats binary
}

// ---- the RTL check ---------------------------------------------------------------------------

TEST(BipolarSweepRun, RtlCheckOfBinaryAndTernaryPointsPasses) {
  const auto dir = temp_dir();
  const std::string text =
      "[sweep]\nname = \"rtl\"\nseed = 9\nrtl_check = \"all\"\n"
      "[workload]\nin_features = 24\nout_features = 8\nbatch = 2\n"
      "[axes]\nkind = [\"binary\", \"ternary\"]\nactivation = \"fixed<8,1,RND_CONV,SAT>\"\n"
      "pe = 4\nsimd = 8\nbn = [\"none\", \"fixed\"]\n[bn]\nactivation = \"relu\"\n";
  const std::string file = write_file(dir, "rtl.toml", text);
  const SweepOutcome r = sweep_test::run_small(file, dir / "out", 1);
  EXPECT_EQ(r.ok, 4);
  for (const auto& row : sweep_test::all_rows(dir / "out")) {
    const traces::ResultRow x(row);
    EXPECT_EQ(x.text("status"), "ok") << x.text("error");
    EXPECT_EQ(x.text("rtl_status"), "pass") << x.text("point_key") << ": " << x.text("error");
    EXPECT_EQ(x.integer("rtl_mismatches"), 0);
    EXPECT_EQ(x.integer("rtl_cycles"), x.integer("cycles"));
  }
}

}  // namespace
}  // namespace fxsim::explore
