// The testbench's own checks: the scoreboard reports corrupted outputs exactly, runs are
// deterministic, a point without Verilated variants is rejected with the list of variants,
// traces are written, and the JSON summary carries the values of the run.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "testbenches/engine/engine_points.hpp"
#include "testbenches/engine/engine_test_util.hpp"
#include "testbenches/engine/run_point.hpp"
#include "testbenches/engine/scoreboard.hpp"
#include "testbenches/engine/summary_report.hpp"
#include "tlm/rtl/variant_registry.hpp"

namespace fxsim::engine_test {
namespace {

using engine_tb::Backends;
using engine_tb::RunSummary;

TEST(Scoreboard, ListsIndexExpectedGot) {
  const auto r = engine_tb::check_outputs({1, 2, 3, 4, 5}, {1, 7, 3, 4, -5});
  EXPECT_EQ(r.checked, 5u);
  EXPECT_EQ(r.mismatch_count, 2u);
  ASSERT_EQ(r.first.size(), 2u);
  EXPECT_EQ(r.first[0].index, 1u);
  EXPECT_EQ(r.first[0].expected, 2);
  EXPECT_EQ(r.first[0].got, 7);
  EXPECT_EQ(r.first[1].index, 4u);
  EXPECT_EQ(r.first[1].got, -5);
  // A short output counts the missing elements.
  EXPECT_EQ(engine_tb::check_outputs({1, 2, 3}, {1}).mismatch_count, 2u);
}

TEST(Scoreboard, CycleErrorPercent) {
  const auto c = engine_tb::compare_cycles(99, 100);
  EXPECT_EQ(c.difference, 1);
  EXPECT_DOUBLE_EQ(c.error_percent, 1.0);
  EXPECT_FALSE(c.exact());
  EXPECT_TRUE(engine_tb::compare_cycles(1574, 1574).exact());
}

TEST(EngineChecks, CorruptedOutputIsReported) {
  PointSpec p;
  p.pe = 4;
  p.in_features = 24;
  p.out_features = 8;
  p.batch = 2;
  const engine::EngineConfig cfg = make_point(p);
  const RunSummary good = engine_tb::run_point(cfg, Backends::MODEL);
  const RunSummary bad =
      engine_tb::run_point(cfg, Backends::MODEL, with_model<CorruptOutputBackend>(std::size_t{11}));
  ASSERT_EQ(bad.runs.size(), 1u);
  EXPECT_EQ(bad.mismatches(), 1u);
  ASSERT_EQ(bad.runs[0].scoreboard.first.size(), 1u);
  const engine_tb::Mismatch& m = bad.runs[0].scoreboard.first[0];
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
  const RunSummary a = engine_tb::run_point(cfg, Backends::BOTH);
  const RunSummary b = engine_tb::run_point(cfg, Backends::BOTH);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(a.runs[i].output, b.runs[i].output);
    EXPECT_EQ(a.runs[i].cycles, b.runs[i].cycles);
    EXPECT_EQ(a.runs[i].load_cycles, b.runs[i].load_cycles);
  }
  EXPECT_EQ(engine_tb::summary_json(a, "p").dump(), engine_tb::summary_json(b, "p").dump());
  engine_tb::RunOptions other_seed;
  other_seed.seed = 2;
  const RunSummary c = engine_tb::run_point(cfg, Backends::MODEL, other_seed);
  EXPECT_EQ(c.seed, 2u);
  EXPECT_NE(c.runs[0].output, a.runs[0].output);
  EXPECT_TRUE(c.passed());
}

TEST(EngineChecks, PointWithoutVariantListsTheVariants) {
  engine::EngineConfig cfg = make_point(PointSpec{});
  cfg.simd = 16;  // no eng_* variant has SIMD 16
  // Without on-demand builds (engine_ondemand_test.cpp covers those) the point is rejected.
  tlm_rtl::set_ondemand_builds(false);
  struct Restore {
    ~Restore() { tlm_rtl::set_ondemand_builds(std::nullopt); }
  } restore;
  try {
    engine_tb::run_point(cfg, Backends::RTL);
    FAIL() << "expected RtlVariantError";
  } catch (const tlm_rtl::RtlVariantError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("SIMD=16"), std::string::npos) << what;
    EXPECT_NE(what.find("eng_mac8 (fx_mac_pe: SIMD=8"), std::string::npos) << what;
    EXPECT_NE(what.find("eng_mac4"), std::string::npos) << what;
  }
  // The model backend runs any valid point.
  EXPECT_TRUE(engine_tb::run_point(cfg, Backends::MODEL).passed());
}

TEST(EngineChecks, RegistryHasEveryVariant) {
  std::vector<std::string> names;
  for (const auto& v : tlm_rtl::pe_variants()) names.push_back(v.name);
  for (const auto& v : tlm_rtl::bn_variants()) names.push_back(v.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"eng_mac8", "eng_mac4", "eng_khot1", "eng_khot2", "eng_khot3",
                                      "eng_spt2", "eng_bn_relu", "eng_bn_tanh"}));
  // Every grid family maps to its variant.
  PointSpec p;
  p.bn_family = BnFamily::TANH;
  const auto v = tlm_rtl::find_engine_variants(make_point(p));
  EXPECT_EQ(v.pe->name, "eng_mac8");
  EXPECT_EQ(v.bn->name, "eng_bn_tanh");
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(EngineChecks, RtlTraceHasEverySignal) {
  if (tlm_rtl::variant_trace_format() != tlm_rtl::TraceFormat::VCD) GTEST_SKIP();
  PointSpec p;
  p.pe = 2;
  p.bn_family = BnFamily::RELU;
  engine_tb::RunOptions o;
  o.vcd_path = ::testing::TempDir() + "engine_rtl_trace.vcd";
  std::remove(o.vcd_path.c_str());
  EXPECT_TRUE(engine_tb::run_point(make_point(p), Backends::RTL, o).passed());
  const std::string vcd = read_file(o.vcd_path);
  for (const char* s : {"$scope module pe0", "$scope module pe1", "$scope module bn1", "in_ready",
                        "out_valid", "out_data", "out_y", "acc"}) {
    EXPECT_NE(vcd.find(s), std::string::npos) << s;
  }
}

TEST(EngineChecks, ModelTraceHasTransactionSignals) {
  PointSpec p;
  p.pe = 2;
  engine_tb::RunOptions o;
  o.vcd_path = ::testing::TempDir() + "engine_model_trace.vcd";
  std::remove(o.vcd_path.c_str());
  EXPECT_TRUE(engine_tb::run_point(make_point(p), Backends::MODEL, o).passed());
  const std::string vcd = read_file(o.vcd_path);
  EXPECT_NE(vcd.find("busy"), std::string::npos);
  EXPECT_NE(vcd.find("irq"), std::string::npos);
}

TEST(EngineChecks, JsonSummaryCarriesTheRun) {
  PointSpec p;
  p.pe = 2;
  p.in_features = 16;
  p.out_features = 4;
  const RunSummary s = engine_tb::run_point(make_point(p), Backends::BOTH);
  const auto j = engine_tb::summary_json(s, "small.toml");
  EXPECT_EQ(j["point"]["source"], "small.toml");
  EXPECT_EQ(j["formula_cycles"], 7);
  EXPECT_EQ(j["runs"][0]["backend"], "model");
  EXPECT_EQ(j["runs"][1]["backend"], "rtl");
  EXPECT_EQ(j["runs"][1]["rtl_variants"]["pe"], "eng_mac8");
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

}  // namespace
}  // namespace fxsim::engine_test
