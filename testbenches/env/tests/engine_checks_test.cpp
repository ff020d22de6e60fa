// The testbench's own checks: the scoreboard reports corrupted outputs exactly, runs are
// deterministic, a point whose Verilated units are not in the cache is refused when builds are
// off, traces are written (VCD and FST), and the JSON summary carries the values of the run.
// Prebuild.* builds every unit the engine suites use (the fixture rtl_variant_cache).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "testbenches/common/engine_points.hpp"
#include "testbenches/env/run_point.hpp"
#include "testbenches/env/scoreboard.hpp"
#include "testbenches/env/summary_report.hpp"
#include "testbenches/env/tests/engine_test_util.hpp"
#include "tlm/rtl/engine_variants.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

namespace fxsim::engine_test {
namespace {

using env::Backends;
using env::RunSummary;

TEST(Scoreboard, ListsIndexExpectedGot) {
  const auto r = env::check_outputs({1, 2, 3, 4, 5}, {1, 7, 3, 4, -5});
  EXPECT_EQ(r.checked, 5u);
  EXPECT_EQ(r.mismatch_count, 2u);
  ASSERT_EQ(r.first.size(), 2u);
  EXPECT_EQ(r.first[0].index, 1u);
  EXPECT_EQ(r.first[0].expected, 2);
  EXPECT_EQ(r.first[0].got, 7);
  EXPECT_EQ(r.first[1].index, 4u);
  EXPECT_EQ(r.first[1].got, -5);
  // A short output counts the missing elements.
  EXPECT_EQ(env::check_outputs({1, 2, 3}, {1}).mismatch_count, 2u);
}

TEST(Scoreboard, CycleErrorPercent) {
  const auto c = env::compare_cycles(99, 100);
  EXPECT_EQ(c.difference, 1);
  EXPECT_DOUBLE_EQ(c.error_percent, 1.0);
  EXPECT_FALSE(c.exact());
  EXPECT_TRUE(env::compare_cycles(1574, 1574).exact());
}

TEST(EngineChecks, CorruptedOutputIsReported) {
  PointSpec p;
  p.pe = 4;
  p.in_features = 24;
  p.out_features = 8;
  p.batch = 2;
  const engine::EngineConfig cfg = make_point(p);
  const RunSummary good = env::run_point(cfg, Backends::MODEL);
  const RunSummary bad =
      env::run_point(cfg, Backends::MODEL, with_model<CorruptOutputBackend>(std::size_t{11}));
  ASSERT_EQ(bad.runs.size(), 1u);
  EXPECT_EQ(bad.mismatches(), 1u);
  ASSERT_EQ(bad.runs[0].scoreboard.first.size(), 1u);
  const env::Mismatch& m = bad.runs[0].scoreboard.first[0];
  EXPECT_EQ(m.index, 11u);
  EXPECT_EQ(m.expected, good.runs[0].output[11]);
  EXPECT_EQ(m.got, good.runs[0].output[11] ^ 1);
  EXPECT_FALSE(bad.passed());
}

TEST(EngineChecks, DeterministicForASeed) {
  PointSpec p;
  p.pe_family = PeFamily::KHOT2;
  p.bn_family = BnFamily::TANH;
  p.pe = 4;
  p.in_features = 30;
  p.out_features = 12;
  p.batch = 3;
  const engine::EngineConfig cfg = make_point(p);
  const RunSummary a = env::run_point(cfg, Backends::BOTH);
  const RunSummary b = env::run_point(cfg, Backends::BOTH);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(a.runs[i].output, b.runs[i].output);
    EXPECT_EQ(a.runs[i].cycles, b.runs[i].cycles);
    EXPECT_EQ(a.runs[i].load_cycles, b.runs[i].load_cycles);
  }
  EXPECT_EQ(env::summary_json(a, "p").dump(), env::summary_json(b, "p").dump());
  env::RunOptions other_seed;
  other_seed.seed = 2;
  const RunSummary c = env::run_point(cfg, Backends::MODEL, other_seed);
  EXPECT_EQ(c.seed, 2u);
  EXPECT_NE(c.runs[0].output, a.runs[0].output);
  EXPECT_TRUE(c.passed());
}

TEST(EngineChecks, PointNotInTheCacheIsRefusedWithBuildsOff) {
  engine::EngineConfig cfg = make_point(PointSpec{});
  cfg.simd = 16;  // no test builds mac8 with SIMD 16
  // With builds off (engine_ondemand_test.cpp covers the builds) the point is rejected.
  verilated::set_ondemand_builds(false);
  struct Restore {
    ~Restore() { verilated::set_ondemand_builds(std::nullopt); }
  } restore;
  try {
    env::run_point(cfg, Backends::RTL);
    FAIL() << "expected RtlVariantError";
  } catch (const verilated::RtlVariantError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("no Verilated fx_mac_pe with these parameters (SIMD=16"), std::string::npos)
        << what;
    EXPECT_NE(what.find("builds are off"), std::string::npos) << what;
  }
  // The model backend runs any valid point.
  EXPECT_TRUE(env::run_point(cfg, Backends::MODEL).passed());
}

// Every PE and bn_act family of engine_points.hpp, built (or found in the cache) once; each
// variant is the unit the point names, at the point's parameters, and a second lookup gives
// the same loaded variant.
TEST(Prebuild, EngineRtlVariants) {
  for (PeFamily pe : {PeFamily::MAC8, PeFamily::MAC4, PeFamily::KHOT1, PeFamily::KHOT2,
                      PeFamily::KHOT3, PeFamily::SPT2}) {
    for (BnFamily bn : {BnFamily::NONE, BnFamily::RELU, BnFamily::TANH}) {
      PointSpec p;
      p.pe_family = pe;
      p.bn_family = bn;
      const engine::Elaboration e = engine::elaborate(make_point(p));
      const tlm_rtl::EngineVariants v = tlm_rtl::find_engine_variants(e);
      EXPECT_EQ(v.pe->unit, e.pe.unit->name) << p.name();
      EXPECT_EQ(v.pe->params, e.pe.params) << p.name();
      EXPECT_EQ(v.bn != nullptr, bn != BnFamily::NONE) << p.name();
      if (v.bn) {
        EXPECT_EQ(v.bn->params, e.bn->params) << p.name();
      }
      EXPECT_EQ(tlm_rtl::find_engine_variants(e).pe, v.pe) << p.name();
    }
  }
  // The ap_fixed point of EngineChecks.ApFixedSpellingsRunApFixedSemantics, and its SystemC
  // spelling.
  for (bool sc_spelling : {false, true}) {
    PointSpec p;
    p.pe_family = PeFamily::MAC_AP;
    p.bn_family = BnFamily::AP;
    const engine::Elaboration e = engine::elaborate(make_point(p, sc_spelling));
    const tlm_rtl::EngineVariants v = tlm_rtl::find_engine_variants(e);
    EXPECT_EQ(v.pe->params, e.pe.params) << p.name();
    EXPECT_EQ(v.bn->params, e.bn->params) << p.name();
  }
}

// A point whose output types are ap_ spellings elaborates to units with AP = 1, so the rtl
// backend builds (its own Verilated variants of) fx_requant with ap_fixed semantics, and both
// backends match the reference, which casts with ap_fixed's rules. The same point spelled
// sc_fixed elaborates to AP = 0 and other variants, and gives other outputs: the PE's unsigned
// WRAP output (N = 2) meets negative sums, where ap_fixed sets the top bits and SystemC clears
// them; the bn_act's 3-bit WRAP_SM output meets rounding carries into bit 3.
TEST(EngineChecks, ApFixedSpellingsRunApFixedSemantics) {
  PointSpec p;
  p.pe_family = PeFamily::MAC_AP;
  p.bn_family = BnFamily::AP;
  p.pe = 4;
  p.in_features = 24;
  p.out_features = 16;
  p.batch = 4;
  const engine::EngineConfig ap_cfg = make_point(p);
  const engine::EngineConfig sc_cfg = make_point(p, /*sc_spelling=*/true);
  EXPECT_EQ(ap_cfg.output.str(), "ap_ufixed<6,2,AP_RND,AP_WRAP,2>");
  EXPECT_EQ(sc_cfg.output.str(), "sc_ufixed<6,2,SC_RND,SC_WRAP,2>");
  const engine::Elaboration ap_e = engine::elaborate(ap_cfg);
  const engine::Elaboration sc_e = engine::elaborate(sc_cfg);
  EXPECT_EQ(ap_e.pe.params.at("AP"), 1);
  EXPECT_EQ(ap_e.bn->params.at("AP"), 1);
  EXPECT_EQ(sc_e.pe.params.at("AP"), 0);
  EXPECT_EQ(sc_e.bn->params.at("AP"), 0);
  units::ParamMap pe_params = ap_e.pe.params, bn_params = ap_e.bn->params;
  pe_params["AP"] = 0;
  bn_params["AP"] = 0;
  EXPECT_EQ(pe_params, sc_e.pe.params);  // AP is the only difference
  EXPECT_EQ(bn_params, sc_e.bn->params);

  const RunSummary ap = env::run_point(ap_cfg, Backends::BOTH);
  const RunSummary sc = env::run_point(sc_cfg, Backends::BOTH);
  EXPECT_TRUE(ap.passed());
  EXPECT_TRUE(sc.passed());
  ASSERT_EQ(ap.runs.size(), 2u);
  ASSERT_EQ(sc.runs.size(), 2u);
  EXPECT_EQ(ap.runs[0].output, ap.runs[1].output);
  EXPECT_NE(ap.runs[1].pe_variant, sc.runs[1].pe_variant);
  EXPECT_NE(ap.runs[1].bn_variant, sc.runs[1].bn_variant);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < ap.runs[1].output.size(); ++i) {
    differ += ap.runs[1].output[i] != sc.runs[1].output[i];
  }
  EXPECT_GT(differ, 0u) << "no output reached a corner where ap_fixed and SystemC differ";
}

// The example points of docs/examples/, which cli.run_summary runs on both backends.
TEST(Prebuild, ExamplePointRtlVariants) {
  for (const char* name : {"point_fx_mac.toml", "point_khot.toml"}) {
    const engine::Elaboration e =
        engine::elaborate(engine::load_point_file(std::string(FXSIM_EXAMPLES_DIR) + "/" + name));
    const tlm_rtl::EngineVariants v = tlm_rtl::find_engine_variants(e);
    EXPECT_EQ(v.pe->params, e.pe.params) << name;
    ASSERT_NE(v.bn, nullptr) << name;
    EXPECT_EQ(v.bn->params, e.bn->params) << name;
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(EngineChecks, RtlTraceHasEverySignal) {
  PointSpec p;
  p.pe = 2;
  p.bn_family = BnFamily::RELU;
  env::RunOptions o;
  o.vcd_path = ::testing::TempDir() + "engine_rtl_trace.vcd";
  std::remove(o.vcd_path.c_str());
  EXPECT_TRUE(env::run_point(make_point(p), Backends::RTL, o).passed());
  const std::string vcd = read_file(o.vcd_path);
  for (const char* s : {"$scope module pe0", "$scope module pe1", "$scope module bn1", "in_ready",
                        "out_valid", "out_data", "out_y", "acc"}) {
    EXPECT_NE(vcd.find(s), std::string::npos) << s;
  }
}

TEST(EngineChecks, ModelTraceHasTransactionSignals) {
  PointSpec p;
  p.pe = 2;
  env::RunOptions o;
  o.vcd_path = ::testing::TempDir() + "engine_model_trace.vcd";
  std::remove(o.vcd_path.c_str());
  EXPECT_TRUE(env::run_point(make_point(p), Backends::MODEL, o).passed());
  const std::string vcd = read_file(o.vcd_path);
  EXPECT_NE(vcd.find("busy"), std::string::npos);
  EXPECT_NE(vcd.find("irq"), std::string::npos);
}

TEST(EngineChecks, JsonSummaryCarriesTheRun) {
  PointSpec p;
  p.pe = 2;
  p.in_features = 16;
  p.out_features = 4;
  const RunSummary s = env::run_point(make_point(p), Backends::BOTH);
  const auto j = env::summary_json(s, "small.toml");
  EXPECT_EQ(j["point"]["source"], "small.toml");
  EXPECT_EQ(j["formula_cycles"], 7);
  EXPECT_EQ(j["runs"][0]["backend"], "model");
  EXPECT_EQ(j["runs"][1]["backend"], "rtl");
  // The variant named by its unit and parameters (units::summarize_params), not its cache key.
  EXPECT_EQ(j["runs"][1]["rtl_variants"]["pe"].get<std::string>().rfind("fx_mac_pe SIMD=8 A=", 0),
            0u);
  EXPECT_EQ(j["runs"][1]["cycles"], 7);
  EXPECT_EQ(j["runs"][1]["load_cycles"], 16);
  EXPECT_EQ(j["runs"][1]["readback_cycles"], 10);
  EXPECT_EQ(j["runs"][1]["end_to_end_cycles"], 33);
  EXPECT_DOUBLE_EQ(j["runs"][1]["latency_ns"].get<double>(), 28.0);
  // 4 outputs in 28 ns; 64 MACs in 28 ns.
  EXPECT_DOUBLE_EQ(j["runs"][1]["outputs_per_s"].get<double>(), 4 / 28e-9);
  EXPECT_DOUBLE_EQ(j["runs"][1]["macs_per_s"].get<double>(), 64 / 28e-9);
  EXPECT_EQ(j["cycle_comparison"]["difference"], 0);
  EXPECT_EQ(j["coverage"]["mac_requant"]["count"], 4);
  EXPECT_EQ(j["coverage"]["tlm_errors"], 0);
  EXPECT_EQ(j["mismatches"], 0);
  EXPECT_EQ(j["passed"], true);
}

// An affine integer layer ([requant], docs/examples/affine_dense.toml) through the verification
// environment on the model backend: the scoreboard passes it, the CYCLES register is the count
// by hand, the summary carries the requant stage, and a corrupted output is caught.
TEST(EngineChecks, RequantPointRunsOnTheModelBackend) {
  const engine::EngineConfig cfg =
      engine::load_point_file(std::string(FXSIM_EXAMPLES_DIR) + "/affine_dense.toml");
  const RunSummary s = env::run_point(cfg, Backends::MODEL);
  EXPECT_TRUE(s.passed());
  ASSERT_EQ(s.runs.size(), 1u);
  EXPECT_EQ(s.runs[0].cycles, 1574u);  // 98 * 16 beats + (2 + 1) + (2 + 1)
  EXPECT_EQ(s.runs[0].scoreboard.checked, 128u);
  const std::string text = env::summary_text(s, "affine_dense.toml");
  EXPECT_NE(text.find("requant uint<8> zp 128 double"), std::string::npos) << text;
  EXPECT_NE(text.find("  int requant         128"), std::string::npos) << text;
  const auto j = env::summary_json(s, "affine_dense.toml");
  EXPECT_EQ(j["point"]["requant"]["zero_point"], 128);
  EXPECT_EQ(j["point"]["requant"]["rounding"], "double");
  EXPECT_EQ(j["coverage"]["int_requant"]["count"], 128);
  EXPECT_TRUE(j["coverage"]["bn_requant"].is_null());
  const RunSummary bad =
      env::run_point(cfg, Backends::MODEL, with_model<CorruptOutputBackend>(std::size_t{5}));
  EXPECT_EQ(bad.mismatches(), 1u);
}

}  // namespace
}  // namespace fxsim::engine_test
