// Lock-step co-simulation of a streaming unit: the Verilated RTL (a Dut) and its sc_module model
// (models/streaming/) get the same inputs every cycle, under random in_valid and out_ready stalls
// (MatchLib-style: an offered beat is held until accepted, out_ready drawn each cycle), and every
// cycle their handshakes (in_ready, out_valid, and count where the unit has it) and, while
// out_valid, their data must be equal. The beats the RTL delivers are returned for the test to
// check against its own brute force, with the cycle count and the occupancy seen on the RTL.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <systemc>
#include <utility>
#include <vector>

#include "models/streaming/stream_data.hpp"
#include "testbenches/rtl/port_dut.hpp"
#include "testbenches/rtl/stream_check.hpp"

namespace fxsim::rtl_test {

using streaming::StreamData;

// The signals an sc_module of models/streaming/ is bound to.
struct StreamSignals {
  sc_core::sc_signal<bool> clk{"clk"}, rst_n{"rst_n"}, in_valid{"in_valid"}, in_ready{"in_ready"},
      out_valid{"out_valid"}, out_ready{"out_ready"};
  sc_core::sc_signal<StreamData> in_data{"in_data"}, out_data{"out_data"};
  sc_core::sc_signal<int> count{"count"};

  template <typename Module>
  void bind(Module& m) {
    m.clk(clk);
    m.rst_n(rst_n);
    m.in_valid(in_valid);
    m.in_ready(in_ready);
    m.in_data(in_data);
    m.out_valid(out_valid);
    m.out_ready(out_ready);
    m.out_data(out_data);
  }
};

struct Stalls {
  double p_valid = 1.0;  // probability that a beat is offered in a cycle (then held until taken)
  double p_ready = 1.0;  // probability that out_ready is high in a cycle
  std::uint64_t seed = 1;
};

// The stall patterns every streaming suite runs: none, 0.5 / 0.5, sparse input with a ready
// sink, and a busy input into a mostly stalled sink.
inline std::vector<std::pair<double, double>> streaming_stall_patterns() {
  return {{1.0, 1.0}, {0.5, 0.5}, {0.2, 0.9}, {0.9, 0.2}};
}

struct CosimRun {
  std::vector<StreamData> outputs;  // as the RTL delivered them
  std::uint64_t cycles = 0;         // edges until every input was taken and every output given
  std::uint64_t mismatches = 0;     // RTL / model disagreements (each also reported)
  std::vector<int> rtl_count;       // the RTL's count port in every cycle (when it has one)
  std::vector<std::uint64_t> held;  // beats accepted minus beats delivered before each cycle
};

// Runs `beats` through both from reset until `expected_outputs` beats have left and every input
// was accepted. Pack(dut, data) drives in_data; Unpack(dut) reads out_data as StreamData.
template <typename Pack, typename Unpack>
CosimRun run_cosim(Dut& dut, StreamSignals& s, const std::vector<StreamData>& beats,
                   std::size_t expected_outputs, const Stalls& st, bool has_count, Pack pack,
                   Unpack unpack) {
  using sc_core::SC_NS;
  CosimRun run;
  std::mt19937_64 rng(st.seed);
  std::bernoulli_distribution offer(st.p_valid), ready(st.p_ready);
  auto settle = [] { sc_core::sc_start(1, SC_NS); };
  auto edge = [&] {
    tick(dut);
    s.clk.write(true);
    settle();
    s.clk.write(false);
    settle();
  };
  auto report = [&](const std::string& what) {
    if (++run.mismatches <= 5) ADD_FAILURE() << "cycle " << run.cycles << ": " << what;
  };
  // Reset: two edges with rst_n low on both (the RTL's held low through them too: a unit that
  // starts work on its own after reset, as mvau's weight prefetch does, must leave reset on the
  // same edge as its model).
  reset(dut);
  dut.rst_n = 0;
  s.rst_n.write(false);
  s.in_valid.write(false);
  s.out_ready.write(false);
  s.in_data.write(beats.empty() ? StreamData{} : beats.front());
  settle();
  edge();
  edge();
  dut.rst_n = 1;
  dut.eval();
  s.rst_n.write(true);
  settle();

  std::size_t next_in = 0;
  bool pending = false;
  std::uint64_t accepted = 0;
  const std::uint64_t limit =
      50 + 10 * (beats.size() + expected_outputs + 4) / std::max(0.01, st.p_valid * st.p_ready);
  while ((run.outputs.size() < expected_outputs || next_in < beats.size()) && run.cycles < limit) {
    if (!pending && next_in < beats.size() && offer(rng)) pending = true;
    const bool r = ready(rng);
    // While in_valid is low in_data carries another beat: it must be ignored.
    const StreamData& data = beats[pending ? next_in : rng() % beats.size()];
    pack(dut, data);
    dut.in_valid = pending;
    dut.out_ready = r;
    dut.eval();
    s.in_data.write(data);
    s.in_valid.write(pending);
    s.out_ready.write(r);
    settle();

    const bool rtl_in_ready = dut.in_ready != 0, rtl_out_valid = dut.out_valid != 0;
    if (rtl_in_ready != s.in_ready.read()) {
      report("in_ready: rtl " + std::to_string(rtl_in_ready) + ", model " +
             std::to_string(s.in_ready.read()));
    }
    if (rtl_out_valid != s.out_valid.read()) {
      report("out_valid: rtl " + std::to_string(rtl_out_valid) + ", model " +
             std::to_string(s.out_valid.read()));
    }
    run.held.push_back(accepted - run.outputs.size());
    if (has_count) {
      const int rtl_count = static_cast<int>(static_cast<std::uint64_t>(dut.count));
      run.rtl_count.push_back(rtl_count);
      if (rtl_count != s.count.read()) {
        report("count: rtl " + std::to_string(rtl_count) + ", model " +
               std::to_string(s.count.read()));
      }
    }
    if (rtl_out_valid) {
      const StreamData got = unpack(dut);
      if (got != s.out_data.read()) {
        std::ostringstream m;
        m << "out_data: rtl " << got << ", model " << s.out_data.read();
        report(m.str());
      }
      if (r) run.outputs.push_back(got);
    }
    if (pending && rtl_in_ready) {
      pending = false;
      ++next_in;
      ++accepted;
    }
    edge();
    ++run.cycles;
  }
  if (run.outputs.size() != expected_outputs || next_in != beats.size()) {
    report("after " + std::to_string(run.cycles) + " cycles: " + std::to_string(next_in) + " of " +
           std::to_string(beats.size()) + " inputs taken, " + std::to_string(run.outputs.size()) +
           " of " + std::to_string(expected_outputs) + " outputs given");
  }
  return run;
}

}  // namespace fxsim::rtl_test
