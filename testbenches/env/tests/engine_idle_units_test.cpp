// The rtl backend leaves an idle bn_act unclocked when nothing is traced (docs/engine.md, "The rtl
// backend's clock"): the same outputs and cycles as a traced run, which clocks every unit on every
// edge, and bn_act clocked only on the edges worked out by hand below.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <systemc>
#include <vector>

#include "models/engine/elaboration.hpp"
#include "models/engine/reference.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/common/engine_points.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "testbenches/env/tests/engine_test_util.hpp"
#include "tlm/rtl/rtl_backend.hpp"

namespace fxsim::engine_test {
namespace {

struct DirectRun {
  std::uint64_t cycles = 0, bn_edges = 0;
  std::vector<std::int64_t> output;
};

SC_MODULE(OneRun) {
  tlm_rtl::RtlBackend* backend = nullptr;
  engine::EngineJob* job = nullptr;
  std::uint64_t cycles = 0;
  SC_CTOR(OneRun) { SC_THREAD(drive); }
  void drive() { cycles = backend->run(*job); }
};

DirectRun run_direct(const engine::EngineConfig& cfg, const std::string& vcd) {
  const engine::Stimulus stim = engine::make_stimulus(cfg, cfg.seed, cfg.batch);
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  env::SimulationScope scope;
  tlm_rtl::RtlBackend backend("rtl", engine::elaborate(cfg), {vcd});
  DirectRun r;
  r.output.assign(static_cast<std::size_t>(cfg.batch) * cfg.out_features, 0);
  engine::EngineJob job;
  job.cfg = &cfg;
  job.batch = cfg.batch;
  job.weights = &stim.weight_words;
  job.input = &stim.input;
  job.output = &r.output;
  job.bn_scale = &stim.bn_scale_words;
  job.bn_bias = &stim.bn_bias;
  OneRun driver("driver");
  driver.backend = &backend;
  driver.job = &job;
  sc_core::sc_start();
  r.cycles = driver.cycles;
  r.bn_edges = backend.transactor().bn_edges_clocked();
  return r;
}

// fx_mac (MAC8: SIMD 8, MAC_STAGES 2), PE 2, 32 x 4, batch 2, bn relu (BN_STAGES 2): SF 4, NF 2,
// 16 beats, 16 + 3 + 3 = 22 cycles. Beat k transfers on edge k + 1, so result group g (the last
// beat of fold g, beat 4g + 3) enters the PEs on edge e = 4g + 4, leaves them into the bn slice
// on e + 2, enters bn_act on e + 3 (the bn slice is valid before it), is inside on e + 4 and
// leaves on e + 5 (bn_act holds it before both). bn_act is clocked on e + 3 .. e + 5: edges 7-9,
// 11-13, 15-17, 19-21: 12 of the 22.
TEST(EngineIdleUnits, IdleBnActIsNotClockedUntraced) {
  PointSpec spec;
  spec.pe = 2;
  spec.in_features = 32;
  spec.out_features = 4;
  spec.batch = 2;
  spec.bn_family = BnFamily::RELU;
  const engine::EngineConfig cfg = make_point(spec);
  ASSERT_EQ(expected_cycles(cfg, 2), 22u);
  const std::string vcd = ::testing::TempDir() + "idle_units.vcd";
  std::remove(vcd.c_str());

  const DirectRun untraced = run_direct(cfg, "");
  const DirectRun traced = run_direct(cfg, vcd);
  EXPECT_EQ(untraced.cycles, 22u);
  EXPECT_EQ(traced.cycles, 22u);
  EXPECT_EQ(untraced.bn_edges, 12u);
  EXPECT_EQ(traced.bn_edges, 22u);
  EXPECT_EQ(untraced.output, traced.output);
  const engine::Stimulus stim = engine::make_stimulus(cfg, cfg.seed, cfg.batch);
  EXPECT_EQ(untraced.output, engine::compute_reference(engine::elaborate(cfg), stim).output);
}

}  // namespace
}  // namespace fxsim::engine_test
