// The rtl backend clocks its units from its own loop, not from an sc_clock, yet must keep the
// clock's times (docs/engine.md, "The rtl backend's clock"): rising edges at k * clock_ns from
// time 0; a run's first edge the first one at or after the time it starts (one at exactly that
// time only when the run starts in that time's first delta cycle, and never one a previous run
// used); its last edge, the time run() returns at, first + (cycles - 1) * clock_ns; the fold
// indices the target traces change at the edge on which the fold's first beat transfers; the
// Verilated trace of edge k at its time and half a period before it. Worked out by hand here from
// the point's numbers and read back from both VCD files and from SystemC time.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <systemc>
#include <utility>
#include <vector>

#include "models/engine/elaboration.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/common/engine_points.hpp"
#include "testbenches/env/engine_initiator.hpp"
#include "testbenches/env/simulation_scope.hpp"
#include "testbenches/env/tests/engine_test_util.hpp"
#include "tlm/accelerator_target.hpp"
#include "tlm/rtl/rtl_backend.hpp"
#include "tlm/trace_signals.hpp"

namespace fxsim::engine_test {
namespace {

constexpr std::uint64_t kPs = 1;
constexpr std::uint64_t kNs = 1000 * kPs;

std::uint64_t ps(const sc_core::sc_time& t) {
  return static_cast<std::uint64_t>(t.to_seconds() * 1e12 + 0.5);
}

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The timestamps of a VCD file, in order.
std::vector<std::uint64_t> vcd_times(const std::string& path) {
  std::vector<std::uint64_t> times;
  for (const std::string& line : lines_of(path)) {
    if (!line.empty() && line[0] == '#') times.push_back(std::stoull(line.substr(1)));
  }
  return times;
}

// The value changes of one signal of a VCD file after its initial values: (time, value).
std::vector<std::pair<std::uint64_t, std::uint64_t>> vcd_changes(const std::string& path,
                                                                 const std::string& signal) {
  std::string id;
  std::uint64_t now = 0;
  bool after_dumpvars = false;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> changes;
  for (const std::string& line : lines_of(path)) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    if (w.empty()) continue;
    if (w[0] == "$var" && w.size() >= 5 && w[4] == signal) id = w[3];
    if (w[0][0] == '#') {
      now = std::stoull(w[0].substr(1));
      after_dumpvars = true;
      continue;
    }
    if (!after_dumpvars || id.empty()) continue;
    if (w[0][0] == 'b' && w.size() == 2 && w[1] == id) {
      changes.emplace_back(now, std::stoull(w[0].substr(1), nullptr, 2));
    } else if (w.size() == 1 && (w[0][0] == '0' || w[0][0] == '1') && w[0].substr(1) == id) {
      changes.emplace_back(now, w[0][0] == '1' ? 1 : 0);
    }
  }
  return changes;
}

// fx_mac (MAC8: SIMD 8, MAC_STAGES 2), PE 2, 16 x 4, batch 2, bn relu (BN_STAGES 2), clock 5 ns,
// bus 64 bits. SF = 2, NF = 2: beats 2 * 2 * 2 = 8, cycles 8 + 3 + 3 = 14.
// Loads (1 + ceil(8 * bytes / 64) each): weights 64 B: 9; BN_PARAMS 4 scales of 1 B + 4 biases
// of 2 B: 3; input 32 B: 5; BATCH, CTRL: 2 + 2. Total 21 cycles: START at 21 * 5 = 105 ns, which
// is a rising edge, and the target's thread wakes there in the first delta cycle (a timed
// notification): edge 1 at 105 ns, edge k at 105 + 5 (k - 1) ns, edge 14 at 170 ns.
// Fold (b, f) starts with beat (b * NF + f) * SF, on edge 1 + 2 (2b + f): folds at 105, 115,
// 125, 135 ns: fold_index 0 -> 1 at 115, -> 0 at 125, -> 1 at 135 ns; batch_index -> 1 at 125.
TEST(EngineEdgeTimes, TargetRunKeepsTheClockTimesInBothTraces) {
  PointSpec spec;
  spec.pe = 2;
  spec.in_features = 16;
  spec.out_features = 4;
  spec.batch = 2;
  spec.bn_family = BnFamily::RELU;
  spec.clock_ns = 5.0;
  const engine::EngineConfig cfg = make_point(spec);
  ASSERT_EQ(expected_cycles(cfg, 2), 14u);
  const std::string rtl_vcd = ::testing::TempDir() + "edge_times_rtl.vcd";
  const std::string sc_vcd = ::testing::TempDir() + "edge_times_sc.vcd";
  std::remove(rtl_vcd.c_str());
  std::remove(sc_vcd.c_str());

  const engine::Stimulus stim = engine::make_stimulus(cfg, cfg.seed, cfg.batch);
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  env::InitiatorResult result;
  {
    env::SimulationScope scope;
    tlm::AcceleratorTarget target("accelerator", cfg, nullptr, stim.batch);
    tlm_rtl::RtlBackend backend("rtl", engine::elaborate(cfg), {rtl_vcd});
    target.set_backend(&backend);
    env::EngineInitiator initiator("initiator", cfg, stim);
    initiator.socket.bind(target.socket);
    initiator.irq.bind(target.irq());
    sc_core::sc_trace_file* vcd = tlm::open_engine_vcd(sc_vcd, target.trace_signals());
    sc_core::sc_start();
    sc_core::sc_close_vcd_trace_file(vcd);
    result = initiator.result();
    EXPECT_EQ(target.transfers().write_cycles, 21u);
    EXPECT_EQ(backend.transactor().edges_seen(), 14u);
  }  // closes the Verilated trace

  ASSERT_TRUE(result.completed);
  EXPECT_EQ(result.cycles, 14u);
  EXPECT_EQ(ps(result.start_time), 105 * kNs);
  EXPECT_EQ(ps(result.done_time), 170 * kNs);  // irq at the last edge

  // The Verilated trace: edge k at 105 + 5 (k - 1) ns, and half a period before it.
  std::vector<std::uint64_t> want;
  for (std::uint64_t k = 1; k <= 14; ++k) {
    const std::uint64_t edge = 105 * kNs + (k - 1) * 5 * kNs;
    want.push_back(edge - 2500 * kPs);
    want.push_back(edge);
  }
  EXPECT_EQ(vcd_times(rtl_vcd), want);

  // The target's signals: fold and batch at the fold's first edge, busy / irq at the last one.
  using Changes = std::vector<std::pair<std::uint64_t, std::uint64_t>>;
  EXPECT_EQ(vcd_changes(sc_vcd, "fold_index"),
            (Changes{{115 * kNs, 1}, {125 * kNs, 0}, {135 * kNs, 1}}));
  EXPECT_EQ(vcd_changes(sc_vcd, "batch_index"), (Changes{{125 * kNs, 1}}));
  const Changes irq = vcd_changes(sc_vcd, "irq");
  ASSERT_FALSE(irq.empty());
  EXPECT_EQ(irq.back(), (std::pair<std::uint64_t, std::uint64_t>{170 * kNs, 1}));
  const Changes busy = vcd_changes(sc_vcd, "busy");
  ASSERT_FALSE(busy.empty());
  EXPECT_EQ(busy.back(), (std::pair<std::uint64_t, std::uint64_t>{170 * kNs, 0}));
}

// run() called directly from a thread at edge times and between them, in the first delta cycle
// of a time and after it, back to back: each run takes the edge the sc_clock gave it, returns at
// its last edge, calls on_fold at the fold's first edge, and counts the formula's cycles with
// the same outputs. fx_mac PE 2, 16 x 4, batch 2, no bn, clock 4 ns: SF 2, NF 2, 8 beats,
// 8 + 3 = 11 cycles, so a run starting at edge time T returns at T + 40 ns.
SC_MODULE(DirectRuns) {
  tlm_rtl::RtlBackend* backend = nullptr;
  engine::EngineJob* job = nullptr;
  std::vector<std::int64_t>* output = nullptr;
  struct Run {
    std::uint64_t called = 0, first_edge = 0, returned = 0, cycles = 0;
    std::vector<std::uint64_t> folds;  // times of on_fold
    std::vector<std::int64_t> output;
  };
  std::vector<Run> runs;
  std::vector<std::uint64_t> folds;
  SC_CTOR(DirectRuns) { SC_THREAD(drive); }
  void run() {
    Run r;
    r.called = ps(sc_core::sc_time_stamp());
    r.first_edge = ps(backend->transactor().first_edge());
    folds.clear();
    r.cycles = backend->run(*job);
    r.returned = ps(sc_core::sc_time_stamp());
    r.folds = folds;
    r.output = *output;
    runs.push_back(r);
  }
  void drive() {
    const sc_core::sc_time period(4, sc_core::SC_NS);
    run();                                 // 0: at time 0, initialization: edge 0 ns
    run();                                 // 1: at 40 ns, after edge 40 ns: edge 44 ns
    sc_core::wait(period * 0.3);           // 85.2 ns
    run();                                 // 2: edge 88 ns
    sc_core::wait(period * 3);             // 140 ns, timed: first delta cycle
    run();                                 // 3: edge 140 ns
    sc_core::wait(period * 2);             // 188 ns
    sc_core::wait(sc_core::SC_ZERO_TIME);  // a later delta cycle of 188 ns: that edge is gone
    run();                                 // 4: edge 192 ns
    sc_core::sc_stop();
  }
};

TEST(EngineEdgeTimes, DirectRunsTakeTheClocksNextEdge) {
  PointSpec spec;
  spec.pe = 2;
  spec.in_features = 16;
  spec.out_features = 4;
  spec.batch = 2;
  spec.clock_ns = 4.0;
  const engine::EngineConfig cfg = make_point(spec);
  const std::uint64_t cycles = expected_cycles(cfg, 2);
  ASSERT_EQ(cycles, 11u);
  const engine::Stimulus stim = engine::make_stimulus(cfg, cfg.seed, cfg.batch);
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  env::SimulationScope scope;
  tlm_rtl::RtlBackend backend("rtl", engine::elaborate(cfg));
  std::vector<std::int64_t> output(static_cast<std::size_t>(cfg.batch) * cfg.out_features);
  engine::EngineJob job;
  job.cfg = &cfg;
  job.batch = cfg.batch;
  job.weights = &stim.weight_words;
  job.input = &stim.input;
  job.output = &output;
  DirectRuns driver("driver");
  job.on_fold = [&](std::uint32_t, std::uint32_t) {
    driver.folds.push_back(ps(sc_core::sc_time_stamp()));
  };
  driver.backend = &backend;
  driver.job = &job;
  driver.output = &output;
  sc_core::sc_start();

  const std::vector<std::pair<std::uint64_t, std::uint64_t>> called_first = {
      {0, 0},
      {40 * kNs, 44 * kNs},
      {85200 * kPs, 88 * kNs},
      {140 * kNs, 140 * kNs},
      {188 * kNs, 192 * kNs}};
  ASSERT_EQ(driver.runs.size(), called_first.size());
  for (std::size_t i = 0; i < driver.runs.size(); ++i) {
    SCOPED_TRACE("run " + std::to_string(i));
    const DirectRuns::Run& r = driver.runs[i];
    const std::uint64_t first = called_first[i].second;
    EXPECT_EQ(r.called, called_first[i].first);
    EXPECT_EQ(r.first_edge, first);
    EXPECT_EQ(r.cycles, cycles);
    EXPECT_EQ(r.returned, first + (cycles - 1) * 4 * kNs);
    // Folds start on edges 1, 3, 5, 7.
    EXPECT_EQ(r.folds, (std::vector<std::uint64_t>{first, first + 8 * kNs, first + 16 * kNs,
                                                   first + 24 * kNs}));
    EXPECT_EQ(r.output, driver.runs[0].output);
  }
  EXPECT_EQ(backend.transactor().edges_seen(), 5 * cycles);
}

}  // namespace
}  // namespace fxsim::engine_test
