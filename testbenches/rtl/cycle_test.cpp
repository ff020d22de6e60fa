// Cycle-level behaviour, with exact cycle counts written out by hand from the contract
// (docs/rtl_units.md): latency == STAGES for STAGES 1..5, II = 1 back to back, a stall freezes
// the result, and reset empties the pipeline and clears the accumulator.
#include <gtest/gtest.h>
#include <verilated_vcd_c.h>

#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "testbenches/rtl/port_dut.hpp"
#include "testbenches/rtl/rtl_variants.hpp"
#include "testbenches/rtl/stream_check.hpp"
#include "testbenches/rtl/test_env.hpp"

namespace {

using namespace fxsim::rtl_test;

// Offers one beat (a single-beat dot product where the unit has start/last) and returns the
// latency in the contract's sense: the beat is taken on edge t, its result can be taken on edge
// t + latency (out_valid rises after edge t + latency - 1).
int measured_latency(Dut& m) {
  reset(m);
  m.in_valid = 1;
  m.out_ready = 1;
  if (m.has("in_x")) {  // bn_act: every beat gives a result
    m.in_x = 3;
  } else {
    m.in_start = 1;
    m.in_last = 1;
  }
  m.eval();
  tick(m);  // edge t takes the beat
  m.in_valid = 0;
  m.eval();
  int latency = 1;
  while (!m.out_valid && latency < 20) {
    tick(m);
    ++latency;
  }
  return latency + (inject("latency") ? 1 : 0);
}

TEST(Cycle, LatencyIsStagesExactly) {
  namespace v = fxsim::rtl_variants;
  Dut s1(v::mac_s1::kUnit, v::mac_s1::overrides());
  Dut s2(v::mac_s2::kUnit, v::mac_s2::overrides());
  Dut s3(v::khot_k3::kUnit, v::khot_k3::overrides());
  Dut s4(v::mac_s4::kUnit, v::mac_s4::overrides());
  Dut s5(v::bn_none::kUnit, v::bn_none::overrides());
  EXPECT_EQ(measured_latency(s1), 1);
  EXPECT_EQ(measured_latency(s2), 2);
  EXPECT_EQ(measured_latency(s3), 3);
  EXPECT_EQ(measured_latency(s4), 4);
  EXPECT_EQ(measured_latency(s5), 5);
  // The variant table carries the same numbers the models were built with.
  EXPECT_EQ(fxsim::rtl_variants::mac_s1::STAGES, 1);
  EXPECT_EQ(fxsim::rtl_variants::mac_s2::STAGES, 2);
  EXPECT_EQ(fxsim::rtl_variants::khot_k3::STAGES, 3);
  EXPECT_EQ(fxsim::rtl_variants::mac_s4::STAGES, 4);
  EXPECT_EQ(fxsim::rtl_variants::bn_none::STAGES, 5);
}

// mac_s2 (SIMD 8, A 4 frac, W 6 frac, out 4 frac RND WRAP): lane 0 a = k, w = 64 (1.0): the
// result is k (k / 16 in, k / 16 out). Ten single-beat dot products back to back: out_valid is
// high on exactly the ten cycles after edges 2..11, carrying 1..10 in order.
TEST(Cycle, BackToBackOneResultPerCycle) {
  Dut m("fx_mac_pe", fxsim::rtl_variants::mac_s2::overrides());
  reset(m);
  m.out_ready = 1;
  m.in_start = 1;
  m.in_last = 1;
  std::string valid_pattern;
  std::vector<int> values;
  for (int cycle = 0; cycle < 16; ++cycle) {
    m.in_valid = cycle < 10;
    m.in_a = static_cast<std::uint64_t>(cycle + 1);
    m.in_w = 64;
    m.eval();
    EXPECT_EQ(m.in_ready, 1) << "cycle " << cycle;
    valid_pattern += m.out_valid ? '1' : '0';
    if (m.out_valid) values.push_back(static_cast<std::int8_t>(m.out_data));
    tick(m);
  }
  EXPECT_EQ(valid_pattern, "0011111111110000");
  EXPECT_EQ(values, (std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
}

// With out_ready low the first result stays on out_data and in_ready drops; nothing is lost.
TEST(Cycle, StallHoldsResultAndBlocksInput) {
  Dut m("fx_mac_pe", fxsim::rtl_variants::mac_s2::overrides());
  reset(m);
  m.in_start = 1;
  m.in_last = 1;
  m.in_w = 64;
  m.out_ready = 0;
  std::vector<int> accepted;
  for (int cycle = 0; cycle < 8; ++cycle) {
    m.in_valid = 1;
    m.in_a = static_cast<std::uint64_t>(cycle + 1);
    m.eval();
    if (m.in_ready) accepted.push_back(cycle + 1);
    if (cycle >= 2) {
      EXPECT_EQ(m.out_valid, 1);
      EXPECT_EQ(m.out_data, 1) << "cycle " << cycle;  // the first result, held
    }
    tick(m);
  }
  // Cycles 0 and 1 fill the two stages; from cycle 2 on out_valid && !out_ready stalls it all.
  EXPECT_EQ(accepted, (std::vector<int>{1, 2}));
  m.in_valid = 0;
  m.out_ready = 1;
  std::vector<int> drained;
  for (int cycle = 0; cycle < 4; ++cycle) {
    m.eval();
    if (m.out_valid) drained.push_back(m.out_data);
    tick(m);
  }
  EXPECT_EQ(drained, (std::vector<int>{1, 2}));
}

// Reset in the middle of a stalled stream: afterwards out_valid = 0, in_ready = 1, and the
// accumulator is 0 (a beat without in_start gives just that beat's value).
TEST(Cycle, ResetEmptiesPipelineAndClearsAccumulator) {
  Dut m("fx_mac_pe",
        fxsim::rtl_variants::mac_s4::overrides());  // SIMD 3, A unsigned 2 frac, W 4 frac, out
                                                    // unsigned 3 frac, STAGES 4
  reset(m);
  m.out_ready = 0;
  m.in_start = 1;
  m.in_last = 0;  // an accumulation left open
  m.in_a = 40;
  m.in_w = 8;
  m.in_valid = 1;
  for (int i = 0; i < 6; ++i) {
    m.eval();
    tick(m);
  }
  m.rst_n = 0;
  tick(m);
  m.rst_n = 1;
  m.in_valid = 0;
  m.out_ready = 1;
  m.eval();
  EXPECT_EQ(m.out_valid, 0);
  EXPECT_EQ(m.in_ready, 1);
  // a = 4 (1.0), w = 8 (0.5) in lane 0: 0.5 -> out raw 4 (3 frac bits), with in_start = 0.
  m.in_start = 0;
  m.in_last = 1;
  m.in_a = 4;
  m.in_w = 8;
  m.in_valid = 1;
  m.eval();
  tick(m);
  m.in_valid = 0;
  int edges = 1;
  for (; edges < 10 && !m.out_valid; ++edges) {
    m.eval();
    if (m.out_valid) break;
    tick(m);
  }
  EXPECT_EQ(m.out_valid, 1);
  EXPECT_EQ(m.out_data, 4);
}

// Every variant is built with --trace: a VCD names the ports and records values.
TEST(Cycle, VcdTrace) {
  const std::string path = "mac_s4_trace.vcd";
  {
    Verilated::traceEverOn(true);
    Dut m("fx_mac_pe", fxsim::rtl_variants::mac_s4::overrides());
    VerilatedVcdC vcd;
    m.trace({&vcd, nullptr});
    vcd.open(path.c_str());
    reset(m);
    std::uint64_t t = 0;
    for (int i = 0; i < 10; ++i) {
      m.in_valid = 1;
      m.in_start = 1;
      m.in_last = 1;
      m.out_ready = 1;
      m.clk = 1;
      m.eval();
      vcd.dump(t++);
      m.clk = 0;
      m.eval();
      vcd.dump(t++);
    }
    vcd.close();
  }
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  EXPECT_NE(s.str().find("out_valid"), std::string::npos);
  EXPECT_NE(s.str().find("#19"), std::string::npos);
}

}  // namespace
