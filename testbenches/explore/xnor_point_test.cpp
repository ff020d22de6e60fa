// kind = "xnor" sweep points and threshold points (activation_unit = "threshold";
// explore/bipolar_point.hpp, explore/threshold_point.hpp): the grid (which axes apply to which
// kind and unit), the engine configuration worked by hand, every refusal exactly, the SQNR of
// xnor and threshold points against plain loops in this file (sign rules, scales, levels and
// integer dot products written out), a sweep of every kind whose Pareto flags are recomputed by
// brute force, and the RTL check of xnor and threshold points.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "explore/design_points.hpp"
#include "explore/float_layer.hpp"
#include "testbenches/explore/sweep_test_util.hpp"

namespace fxsim::explore {
namespace {

using sweep_test::parse_error;
using sweep_test::temp_dir;
using sweep_test::write_file;

// [axes] is line 10, its first axis line 11.
std::string xnor_sweep_text(const std::string& axes, const std::string& rest = "") {
  return "[sweep]\nname = \"xnor\"\nseed = 3\n"
         "[workload]\nin_features = 48\nout_features = 12\nbatch = 3\n"
         "weight_range = [-0.5, 0.5]\ninput_range = [-1.0, 1.0]\n"
         "[axes]\n" +
         axes + rest;
}

double mean_abs(const std::vector<double>& x) {
  double s = 0;
  for (double v : x) s += std::fabs(v);
  return s / static_cast<double>(x.size());
}

// ---- the grid ------------------------------------------------------------------------------

TEST(XnorGrid, ActivationUnitAndThresholdsApplyToXnorPe) {
  const SweepSpec s = parse_sweep(
      xnor_sweep_text("kind = [\"fx_mac\", \"binary\", \"xnor\"]\n"
                      "activation = [\"fixed<8,1,RND_CONV,SAT>\", \"fixed<6,1,RND_CONV,SAT>\"]\n"
                      "activation_unit = [\"bn_act\", \"threshold\"]\nthresholds = [1, 3]\n"
                      "bn = [\"none\", \"fixed\"]\n",
                      "[bn]\nactivation = \"relu\"\n"),
      "g.toml");
  // fx_mac: 2 activations x 2 bn (no activation_unit); binary: bn_act 2 x 2 bn, threshold
  // 2 activations x 2 T (no bn); xnor: no activation axis, bn_act 2 bn, threshold 2 T.
  EXPECT_EQ(grid_size(s), 4u + 8u + 4u);
  const std::vector<DesignPoint> p = expand_sweep(s);
  ASSERT_EQ(p.size(), 16u);
  for (const DesignPoint& q : p) EXPECT_TRUE(q.valid()) << q.key << ": " << q.invalid;
  EXPECT_EQ(p[4].params.activation_unit, ActivationUnit::BN_ACT);
  EXPECT_EQ(p[8].params.activation_unit, ActivationUnit::THRESHOLD);
  EXPECT_EQ(p[9].params.thresholds, 3);
  EXPECT_EQ(p[10].params.activation.width, 6);
  EXPECT_EQ(p[8].params.bn, BnScaleKind::NONE);
  EXPECT_EQ(p[13].params.bn, BnScaleKind::FIXED);
  EXPECT_EQ(p[4].key,
            "kind=binary weight=binary k=0 activation=fixed<8,1,RND_CONV,SAT,0> "
            "accumulator=default output=accumulator pe=8 simd=8 mac_stages=2 bn=none clock_ns=4 "
            "family=xc7");
  EXPECT_EQ(p[14].key,
            "kind=xnor weight=binary k=0 activation=binary accumulator=default "
            "output=accumulator pe=8 simd=8 mac_stages=2 bn=none clock_ns=4 family=xc7 "
            "activation_unit=threshold thresholds=1");
  // xnor, threshold T = 1: 48 terms of +-1: |acc| <= 48 < 2^6, 7 bits, no fraction (scale 1).
  const engine::EngineConfig& t = p[14].cfg();
  EXPECT_EQ(t.kind, engine::EngineKind::XNOR);
  EXPECT_TRUE(t.binary_activation);
  EXPECT_EQ(t.activation.str(), "ufixed<1,1,TRN,WRAP,0>");
  EXPECT_EQ(t.bipolar->str(), "binary");
  EXPECT_EQ(t.accumulator.str(), "fixed<7,7,TRN,WRAP,0>");
  ASSERT_TRUE(t.threshold.has_value());
  EXPECT_EQ(t.threshold->thresholds, 1);
  EXPECT_EQ(t.threshold->stages, 2);
  EXPECT_FALSE(t.bn.has_value());
  EXPECT_EQ(t.final_output().str(), "ufixed<1,1,TRN,WRAP,0>");
  EXPECT_EQ(p[15].cfg().threshold->thresholds, 3);
  EXPECT_EQ(p[15].cfg().final_output().width, 2);
  // xnor with bn: the engine scale is 2^ceil(log2(alpha beta)), alpha = mean |w|, beta =
  // mean |x| of the float layer, computed here.
  const FloatLayer f = make_float_layer(s.workload, s.bn, s.seed);
  const int e = static_cast<int>(std::ceil(std::log2(mean_abs(f.weights) * mean_abs(f.input))));
  ASSERT_LT(e, 0);
  const engine::EngineConfig& b = p[13].cfg();
  EXPECT_EQ(b.bipolar->scale, std::ldexp(1.0, e));
  EXPECT_EQ(b.accumulator.width, 7);
  EXPECT_EQ(b.accumulator.frac_bits(), -e);
  ASSERT_TRUE(b.bn.has_value());
  EXPECT_EQ(p[12].cfg().bipolar->scale, 1.0);
  // binary threshold: 48 x 128 raw: 14 bits, 7 fraction bits (as without threshold).
  EXPECT_EQ(p[8].cfg().accumulator.str(), "fixed<14,7,TRN,WRAP,0>");
  EXPECT_EQ(p[8].cfg().kind, engine::EngineKind::BINARY);
}

// Sweeps without the new axes keep their grids and keys (the axes default to bn_act, T 1).
TEST(XnorGrid, ThresholdsAloneChangeNothing) {
  const SweepSpec s = parse_sweep(
      xnor_sweep_text("kind = [\"fx_mac\", \"binary\"]\nthresholds = [1, 3, 7]\n"), "t.toml");
  EXPECT_EQ(grid_size(s), 2u);
}

// ---- refusals ------------------------------------------------------------------------------

TEST(XnorSweepFile, BadKeysAreRefusedExactly) {
  EXPECT_EQ(parse_error(xnor_sweep_text("activation_unit = [\"bn_act\", \"relu\"]\n")),
            "e.toml:11:30: axes.activation_unit: \"relu\" is not one of bn_act, threshold");
  EXPECT_EQ(parse_error(xnor_sweep_text("thresholds = [1, 0]\n")),
            "e.toml:11:18: axes.thresholds: expected an integer in 1..255, got 0");
  EXPECT_EQ(parse_error(xnor_sweep_text("thresholds = 256\n")),
            "e.toml:11:14: axes.thresholds: expected an integer in 1..255, got 256");
  EXPECT_EQ(parse_error(xnor_sweep_text("activation_unit = 1\n")),
            "e.toml:11:19: axes.activation_unit: expected a string, one of bn_act, threshold, "
            "found a integer");
}

TEST(XnorSweepFile, NetworkAndModelWorkloadsRefuseXnorPoints) {
  const std::string dir = std::string(FXSIM_SOURCE_DIR) + "/docs/examples";
  const std::string text = "[sweep]\nname = \"n\"\n[workload]\nkind = \"network\"\nnetwork = \"" +
                           dir + "/network_cnn.toml\"\n[axes]\nkind = [\"fx_mac\", \"xnor\"]\n";
  try {
    parse_sweep(text, dir + "/n.toml");
    FAIL() << "a network sweep took xnor points";
  } catch (const SweepFileError& e) {
    EXPECT_EQ(std::string(e.what()),
              dir +
                  "/n.toml:7:19: axes.kind: \"xnor\" (binary weight and activation) points are "
                  "not built for kind = \"network\" workloads yet; expected fx_mac, fx_mac_lut, "
                  "khot or spt (an xnor layer: kind = \"random\" or \"layer\")");
  }
  const std::string net = "[sweep]\nname = \"n\"\n[workload]\nkind = \"network\"\nnetwork = \"" +
                          dir + "/network_cnn.toml\"\n[axes]\nthresholds = 3\n";
  try {
    parse_sweep(net, dir + "/n.toml");
    FAIL() << "a network sweep took a thresholds axis";
  } catch (const SweepFileError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(dir + "/n.toml:7:1: axes.thresholds: unknown key", 0), 0u)
        << e.what();
  }
}

// An xnor point whose SIMD does not divide in_features is pruned with the engine's reason.
TEST(XnorSweepFile, XnorNeedsSimdDividingInFeatures) {
  const std::vector<DesignPoint> p =
      expand_sweep(parse_sweep(xnor_sweep_text("kind = \"xnor\"\nsimd = [8, 5]\n"), "s.toml"));
  ASSERT_EQ(p.size(), 2u);
  EXPECT_TRUE(p[0].valid()) << p[0].invalid;
  ASSERT_FALSE(p[1].valid());
  EXPECT_EQ(p[1].invalid,
            "axes.simd: layer.in_features: 48 is not a multiple of engine.simd = 5; expected "
            "whole beats with engine.kind = \"xnor\" (a padded lane counts as (-1) x (-1) = +1)");
  EXPECT_EQ(p[1].invalid_at.rfind("s.toml:12:12: axes.simd: ", 0), 0u) << p[1].invalid_at;
}

// ---- accuracy against plain loops ------------------------------------------------------------

// The float layer y = W x and, written out here:
//   xnor      v = +1 (w >= 0) else -1, alpha = mean |w|; a = +1 (x >= 0) else -1,
//             beta = mean |x| (batch x in); out = alpha beta sum_k v_k a_k
//   binary    the same v and alpha; raw = clamp(round-half-even(x 2^7), -128, 127) of
//             fixed<8,1,RND_CONV,SAT>; out = alpha 2^-7 sum_k v_k raw_k
//   threshold levels l_k = y_min + (k + 1)(y_max - y_min) / (T + 1) over every y; the float
//             reference #{k : y >= l_k}, the point's #{k : out >= l_k}
// SQNR = 10 log10(sum ref^2 / sum (ref - out)^2).
struct Plain {
  std::vector<double> y, out;
};

Plain plain_outputs(const FloatLayer& f, bool xnor) {
  const double alpha = mean_abs(f.weights), beta = mean_abs(f.input);
  Plain p;
  for (int b = 0; b < f.batch; ++b) {
    for (int o = 0; o < f.out_features; ++o) {
      double y = 0;
      long long acc = 0;
      for (int k = 0; k < f.in_features; ++k) {
        const double x = f.input[b * f.in_features + k];
        const double w = f.weights[o * f.in_features + k];
        y += w * x;
        const int v = w >= 0 ? 1 : -1;
        if (xnor) {
          acc += v * (x >= 0 ? 1 : -1);
        } else {
          acc += v * static_cast<long long>(
                         std::min(127.0, std::max(-128.0, std::nearbyint(std::ldexp(x, 7)))));
        }
      }
      p.y.push_back(y);
      p.out.push_back(xnor ? static_cast<double>(acc) * (alpha * beta)
                           : std::ldexp(static_cast<double>(acc), -7) * alpha);
    }
  }
  return p;
}

Plain plain_levels(const Plain& p, int t) {
  const double lo = *std::min_element(p.y.begin(), p.y.end());
  const double hi = *std::max_element(p.y.begin(), p.y.end());
  Plain q;
  for (std::size_t i = 0; i < p.y.size(); ++i) {
    int r = 0, s = 0;
    for (int k = 0; k < t; ++k) {
      const double level = lo + (k + 1) * (hi - lo) / (t + 1);
      r += p.y[i] >= level ? 1 : 0;
      s += p.out[i] >= level ? 1 : 0;
    }
    q.y.push_back(r);
    q.out.push_back(s);
  }
  return q;
}

double sqnr(const Plain& p) {
  double signal = 0, noise = 0;
  for (std::size_t i = 0; i < p.y.size(); ++i) {
    signal += p.y[i] * p.y[i];
    noise += (p.y[i] - p.out[i]) * (p.y[i] - p.out[i]);
  }
  return noise == 0 ? std::numeric_limits<double>::infinity() : 10 * std::log10(signal / noise);
}

void expect_sqnr(double got, double want, const std::string& what) {
  if (std::isinf(want)) {
    EXPECT_EQ(got, want) << what;
  } else {
    EXPECT_NEAR(got, want, 1e-9) << what;
  }
}

TEST(XnorAccuracy, SqnrOfXnorAndThresholdPointsIsThePlainLoops) {
  const auto dir = temp_dir();
  const std::string text = xnor_sweep_text(
      "kind = [\"binary\", \"xnor\"]\nactivation = \"fixed<8,1,RND_CONV,SAT>\"\npe = 4\n"
      "activation_unit = [\"bn_act\", \"threshold\"]\nthresholds = [1, 3]\n");
  const std::string file = write_file(dir, "a.toml", text);
  const SweepOutcome r = sweep_test::run_small(file, dir / "out", 2);
  // binary: bn_act, T 1, T 3; xnor: the same.
  EXPECT_EQ(r.ok, 6);
  const auto rows = sweep_test::all_rows(dir / "out");
  ASSERT_EQ(rows.size(), 6u);
  const SweepSpec s = parse_sweep(text, file);
  const FloatLayer f = make_float_layer(s.workload, s.bn, s.seed);
  const int t_of[] = {0, 1, 3, 0, 1, 3};
  for (std::size_t i = 0; i < 6; ++i) {
    const traces::ResultRow row(rows[i]);
    ASSERT_EQ(row.text("status"), "ok") << row.text("error");
    const bool xnor = i >= 3;
    EXPECT_EQ(row.text("kind"), xnor ? "xnor" : "binary");
    EXPECT_EQ(row.text("weight_type"), "binary");
    EXPECT_EQ(row.integer("model_mismatches"), 0);
    EXPECT_EQ(row.integer("dsp"), 0);
    EXPECT_NEAR(row.real("weight_scale"), mean_abs(f.weights), 1e-15);
    if (xnor) {
      EXPECT_EQ(row.text("activation_type"), "binary");
      EXPECT_EQ(row.integer("activation_bits"), 1);
      EXPECT_NEAR(row.real("activation_scale"), mean_abs(f.input), 1e-15);
    } else {
      EXPECT_TRUE(row.is_null("activation_scale"));
    }
    const Plain plain = plain_outputs(f, xnor);
    if (t_of[i] == 0) {
      EXPECT_TRUE(row.is_null("thresholds"));
      expect_sqnr(row.real("sqnr_db"), sqnr(plain), row.text("point_key"));
      // 48 x 12 x 3 layer, PE 4, SIMD 8: NF 3 x SF 6 beats per vector x 3 + MAC_STAGES 2 + 1.
      EXPECT_EQ(row.integer("cycles"), 3 * 3 * 6 + 3);
    } else {
      EXPECT_EQ(row.integer("thresholds"), t_of[i]);
      expect_sqnr(row.real("sqnr_db"), sqnr(plain_levels(plain, t_of[i])), row.text("point_key"));
      // + threshold's STAGES 2 + 1.
      EXPECT_EQ(row.integer("cycles"), 3 * 3 * 6 + 3 + 3);
    }
  }
}

// ---- one sweep, every kind, Pareto flags by brute force --------------------------------------

TEST(XnorSweepRun, EveryKindInOneParetoTable) {
  const auto dir = temp_dir();
  const std::string file = write_file(
      dir, "all.toml",
      "[sweep]\nname = \"all\"\nseed = 5\n"
      "[workload]\nin_features = 32\nout_features = 8\nbatch = 4\n"
      "weight_range = [-0.25, 0.25]\ninput_range = [-1.0, 1.0]\n"
      "[axes]\nkind = [\"fx_mac\", \"khot\", \"int\", \"binary\", \"ternary\", \"xnor\"]\n"
      "weight = \"fixed<8,0,RND_CONV,SAT>\"\nk = [2]\n"
      "activation = \"fixed<8,1,RND_CONV,SAT>\"\noutput = \"fixed<12,3,RND_CONV,SAT>\"\n"
      "output_rounding = [\"RND_CONV\", \"RND_STOCH\"]\n"
      "activation_unit = [\"bn_act\", \"threshold\"]\nthresholds = 3\npe = [2, 8]\nsimd = [8]\n");
  const SweepOutcome r = sweep_test::run_small(file, dir / "out", 2);
  // fx_mac and khot: 2 roundings x 2 pe each; int 2 pe; binary, ternary, xnor: 2 units x 2 pe.
  EXPECT_EQ(r.ok, 8 + 2 + 12);
  EXPECT_EQ(r.failed, 0);
  const auto rows = sweep_test::all_rows(dir / "out");
  ASSERT_EQ(rows.size(), 22u);
  std::vector<traces::ResultRow> x;
  for (const auto& row : rows) x.emplace_back(row);
  const sweep_test::ParetoFlags pareto = sweep_test::brute_force_pareto(x);
  const std::vector<std::int64_t>& acc_flags = pareto.accuracy;
  const std::vector<std::int64_t>& dsp_flags = pareto.dsp;
  int stochastic = 0, xnor = 0, threshold = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    EXPECT_EQ(x[i].text("status"), "ok") << x[i].text("error");
    EXPECT_EQ(x[i].integer("model_mismatches"), 0);
    EXPECT_EQ(x[i].integer("pareto_accuracy_latency_lut"), acc_flags[i]) << x[i].text("point_key");
    EXPECT_EQ(x[i].integer("pareto_dsp_lut"), dsp_flags[i]) << x[i].text("point_key");
    stochastic += x[i].text("rounding") == "RND_STOCH" ? 1 : 0;
    xnor += x[i].text("kind") == "xnor" ? 1 : 0;
    threshold += x[i].is_null("thresholds") ? 0 : 1;
  }
  EXPECT_EQ(stochastic, 4);
  EXPECT_EQ(xnor, 4);
  EXPECT_EQ(threshold, 6);
}

// ---- the RTL check ---------------------------------------------------------------------------

TEST(XnorSweepRun, RtlCheckOfXnorAndThresholdPointsPasses) {
  const auto dir = temp_dir();
  const std::string text =
      "[sweep]\nname = \"rtl\"\nseed = 9\nrtl_check = \"all\"\n"
      "[workload]\nin_features = 24\nout_features = 8\nbatch = 2\n"
      "input_range = [-1.0, 1.0]\n"
      "[axes]\nkind = [\"binary\", \"xnor\"]\nactivation = \"fixed<8,1,RND_CONV,SAT>\"\n"
      "activation_unit = [\"bn_act\", \"threshold\"]\nthresholds = [1, 3]\n"
      "pe = 4\nsimd = 8\nbn = [\"none\", \"fixed\"]\n[bn]\nactivation = \"relu\"\n";
  const std::string file = write_file(dir, "rtl.toml", text);
  const SweepOutcome r = sweep_test::run_small(file, dir / "out", 2);
  // binary and xnor: 2 bn + 2 T each.
  EXPECT_EQ(r.ok, 8);
  int thresholds = 0;
  for (const auto& row : sweep_test::all_rows(dir / "out")) {
    const traces::ResultRow x(row);
    EXPECT_EQ(x.text("status"), "ok") << x.text("error");
    EXPECT_EQ(x.text("rtl_status"), "pass") << x.text("point_key") << ": " << x.text("error");
    EXPECT_EQ(x.integer("rtl_mismatches"), 0);
    EXPECT_EQ(x.integer("rtl_cycles"), x.integer("cycles"));
    thresholds += x.is_null("thresholds") ? 0 : 1;
  }
  EXPECT_EQ(thresholds, 4);
}

}  // namespace
}  // namespace fxsim::explore
