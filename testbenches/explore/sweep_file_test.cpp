// The sweep file: every malformed input is rejected before any point runs, with
// FILE:LINE:COLUMN: key: message.
#include <gtest/gtest.h>

#include <string>

#include "explore/design_points.hpp"
#include "explore/sweep_spec.hpp"

namespace fxsim::explore {
namespace {

// The error message of parsing and expanding `text` as "s.toml" (empty when it is accepted).
std::string error_of(const std::string& text) {
  try {
    const SweepSpec spec = parse_sweep(text, "s.toml");
    expand_sweep(spec);
  } catch (const SweepFileError& e) {
    return e.what();
  }
  return "";
}

const char* kHead = "[sweep]\nname = \"t\"\n[workload]\nin_features = 64\nout_features = 8\n";

TEST(SweepFile, MinimalFileTakesTheDefaults) {
  const SweepSpec s = parse_sweep(kHead, "s.toml");
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.seed, 1u);
  EXPECT_EQ(s.sampling, Sampling::GRID);
  EXPECT_EQ(s.rtl_check, RtlCheckMode::NONE);
  EXPECT_FALSE(s.yosys);
  ASSERT_EQ(s.axes.kind.values.size(), 1u);
  EXPECT_EQ(s.axes.kind.values[0], UnitKind::FX_MAC);
  EXPECT_EQ(s.axes.pe.values, std::vector<int>{8});
  EXPECT_EQ(grid_size(s), 1u);
  EXPECT_EQ(s.sha256.size(), 64u);
}

TEST(SweepFile, TomlSyntaxErrorHasLineAndColumn) {
  const std::string e = error_of("[sweep]\nname = \"t\nseed = 1\n");
  EXPECT_EQ(e.rfind("s.toml:2:", 0), 0u) << e;
  EXPECT_NE(e.find(": toml: "), std::string::npos) << e;
}

TEST(SweepFile, UnknownKeys) {
  EXPECT_EQ(error_of(std::string(kHead) + "[axes]\npe = [4]\npes = [8]\n"),
            "s.toml:8:1: axes.pes: unknown key; expected one of kind, activation, weight, "
            "accumulator, output, k, affine_weights, requant, rounding, output_rounding, overflow, "
            "pe, simd, mac_stages, bn, activation_unit, thresholds, clock_ns, family");
  EXPECT_EQ(error_of(std::string(kHead) + "[sweeps]\n"),
            "s.toml:6:2: sweeps: unknown key; expected one of sweep, workload, axes, bn, "
            "requant, constraints, traces");
}

TEST(SweepFile, MissingTablesAndKeys) {
  EXPECT_EQ(error_of("[workload]\n"), "s.toml: sweep: missing; expected a [sweep] table");
  EXPECT_EQ(error_of("[sweep]\nseed = 3\n[workload]\n"),
            "s.toml:1:1: sweep.name: missing; expected a string");
  EXPECT_EQ(error_of("[sweep]\nname = \"t\"\nsampling = \"random\"\n[workload]\n"),
            "s.toml:1:1: sweep.samples: missing; random sampling needs samples = N");
}

TEST(SweepFile, WrongTypesAndValues) {
  EXPECT_EQ(error_of(std::string(kHead) + "[axes]\npe = [4, \"8\"]\n"),
            "s.toml:7:10: axes.pe: expected an integer in 1..1024, found a string");
  EXPECT_EQ(error_of(std::string(kHead) + "[axes]\npe = [4, 0]\n"),
            "s.toml:7:10: axes.pe: expected an integer in 1..1024, got 0");
  EXPECT_EQ(error_of(std::string(kHead) + "[axes]\nkind = [\"fx_mac\", \"dsp\"]\n"),
            "s.toml:7:19: axes.kind: \"dsp\" is not one of fx_mac, fx_mac_lut, khot, spt, int, "
            "binary, ternary, xnor");
  EXPECT_EQ(error_of(std::string(kHead) + "[axes]\nsimd = [4, 4]\n"),
            "s.toml:7:12: axes.simd: value listed twice");
  EXPECT_EQ(error_of(std::string(kHead) + "[axes]\nweight = \"fixed<8\"\n")
                .rfind("s.toml:7:10: axes.weight: \"fixed<8\" is not a fixed-point type: ", 0),
            0u);
  EXPECT_EQ(error_of("[sweep]\nname = \"t\"\nrtl_check = \"some\"\n[workload]\n"),
            "s.toml:3:13: sweep.rtl_check: expected \"none\", \"all\" or a number of points");
}

// The error message of expanding `text` with --strict (empty when it is accepted).
std::string strict_error_of(const std::string& text) {
  try {
    ExpandOptions strict;
    strict.strict = true;
    expand_sweep(parse_sweep(text, "s.toml"), strict);
  } catch (const SweepFileError& e) {
    return e.what();
  }
  return "";
}

TEST(SweepFile, StrictRejectsTheFirstInvalidPointBeforeAnyPointRuns) {
  // K larger than the weight's magnitude bits: fixed<4,1> has 3.
  const std::string khot =
      std::string(kHead) + "[axes]\nkind = \"khot\"\nweight = \"fixed<4,1>\"\nk = [1, 4]\n";
  const std::string k = strict_error_of(khot);
  EXPECT_EQ(k.rfind("s.toml:9:9: axes.k: K = 4 is larger than the 3 magnitude bits of weight "
                    "fixed<4,1,TRN,WRAP,0> (point kind=khot weight=fixed<4,1,TRN,WRAP,0> k=4 ",
                    0),
            0u)
      << k;
  // Without --strict the same sweep runs its valid point and keeps the other, marked.
  EXPECT_EQ(error_of(khot), "");
  // engine::validate's refusal, located on the axis value it is about.
  const std::string acc =
      std::string(kHead) + "[axes]\naccumulator = [\"default\", \"fixed<20,8>\"]\n";
  EXPECT_EQ(strict_error_of(acc).rfind("s.toml:7:27: axes.accumulator: ", 0), 0u)
      << strict_error_of(acc);
  EXPECT_EQ(error_of(acc), "");
}

TEST(SweepFile, AnySimdIsAcceptedAsByFxsimRun) {
  // 64 inputs, SIMD 6: 11 beats, the last with 4 zero lanes (docs/engine.md, "Folding").
  const SweepSpec s = parse_sweep(std::string(kHead) + "[axes]\nsimd = [8, 6]\n", "s.toml");
  ExpandOptions strict;
  strict.strict = true;
  const std::vector<DesignPoint> points = expand_sweep(s, strict);
  ASSERT_EQ(points.size(), 2u);
  EXPECT_TRUE(points[1].valid());
  EXPECT_EQ(points[1].cfg().simd, 6);
}

TEST(SweepFile, ASweepWithoutAValidPointIsAnError) {
  // One point, invalid: a mistake, not a pruned point (the located error, with or without
  // --strict).
  EXPECT_EQ(
      error_of(std::string(kHead) + "[axes]\nkind = \"khot\"\nweight = \"fixed<4,1>\"\nk = 4\n")
          .rfind("s.toml:9:5: axes.k: K = 4 is larger than the 3 magnitude bits", 0),
      0u);
  // Several points, all invalid: the first one's error, saying that every point is.
  const std::string all = error_of(std::string(kHead) +
                                   "[axes]\nkind = \"khot\"\nweight = \"fixed<4,1>\"\n"
                                   "k = [4, 5]\n");
  EXPECT_EQ(all.rfind("s.toml:9:6: axes.k: K = 4 is larger than the 3 magnitude bits", 0), 0u)
      << all;
  EXPECT_NE(all.find("; every point of the sweep is invalid (2): nothing to run"),
            std::string::npos)
      << all;
}

TEST(SweepFile, TracedPointsMustBeValidPointsOfTheSweep) {
  const std::string axes =
      std::string(kHead) + "[axes]\nkind = \"khot\"\nweight = \"fixed<4,1>\"\nk = [1, 4]\n";
  EXPECT_EQ(error_of(axes + "[traces]\npoints = [0, 1]\n"),
            "s.toml:11:14: traces.points: point 1 is invalid and cannot be traced: axes.k: K = 4 "
            "is larger than the 3 magnitude bits of weight fixed<4,1,TRN,WRAP,0> (point "
            "kind=khot weight=fixed<4,1,TRN,WRAP,0> k=4 activation=fixed<8,1,TRN,SAT,0> "
            "accumulator=default output=fixed<8,3,RND_CONV,SAT,0> pe=8 simd=8 mac_stages=2 bn=none "
            "clock_ns=4 family=xc7)");
  EXPECT_EQ(error_of(axes + "[traces]\npoints = [2]\n"),
            "s.toml:11:11: traces.points: point 2 does not exist; expected a point id 0..1");
  EXPECT_EQ(error_of(axes + "[traces]\npoints = [0]\n"), "");
}

TEST(SweepFile, Constraints) {
  const SweepSpec s = parse_sweep(
      std::string(kHead) + "[constraints]\nrequire = [\"lut_equivalent <= 20000\", \"dsp < 8\"]\n",
      "s.toml");
  ASSERT_EQ(s.constraints.size(), 2u);
  EXPECT_EQ(s.constraints[0].metric, "lut_equivalent");
  EXPECT_EQ(s.constraints[0].op, "<=");
  EXPECT_EQ(s.constraints[0].value, 20000);
  EXPECT_EQ(
      error_of(std::string(kHead) + "[constraints]\nrequire = [\"luts <= 3\"]\n"),
      "s.toml:7:12: constraints.require: \"luts <= 3\" is not METRIC OP NUMBER with METRIC one of "
      "lut, ff, carry, dsp, lut_equivalent, cycles, latency_ns, pe, simd and OP one of <=, "
      "<, >=, >, ==, !=");
  EXPECT_EQ(error_of(std::string(kHead) + "[constraints]\nrequire = [\"lut <= 3x\"]\n"),
            "s.toml:7:12: constraints.require: \"lut <= 3x\" is not METRIC OP NUMBER with METRIC "
            "one of lut, ff, carry, dsp, lut_equivalent, cycles, latency_ns, pe, simd and OP one "
            "of <=, <, >=, >, ==, !=");
}

TEST(SweepFile, WorkloadKinds) {
  EXPECT_EQ(error_of("[sweep]\nname = \"t\"\n[workload]\nkind = \"net\"\n"),
            "s.toml:4:8: workload.kind: \"net\" is not one of random, layer, model, network");
  // kind = "layer" and "model" are tested with a model file in layer_workload_test.cpp.
}

TEST(SweepFile, ExampleFilesAreValid) {
  for (const char* name : {"sweep_default.toml", "sweep_random.toml"}) {
    const SweepSpec s = load_sweep_file(std::string(FXSIM_SOURCE_DIR) + "/docs/examples/" + name);
    EXPECT_FALSE(expand_sweep(s).empty()) << name;
  }
}

}  // namespace
}  // namespace fxsim::explore
