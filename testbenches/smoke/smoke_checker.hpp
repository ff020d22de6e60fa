// Drives smoke_mac's inputs and checks its registered output, one vector per clock cycle.
//
// Timing: inputs change on the falling edge, the DUT registers on the rising edge, and the output
// is read on the next falling edge, so no read or write races the clock edge.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <systemc>
#include <utility>
#include <vector>

#include "testbenches/smoke/smoke_reference.hpp"

namespace fxsim::smoke {

class SmokeMacChecker : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk{"clk"};
  // Verilator maps ports of up to 32 bits to uint32_t: a 16-bit port carries its bit pattern in
  // the low bits.
  sc_core::sc_out<uint32_t> a{"a"};
  sc_core::sc_out<uint32_t> b{"b"};
  sc_core::sc_out<uint32_t> c{"c"};
  sc_core::sc_in<uint32_t> y{"y"};

  SC_HAS_PROCESS(SmokeMacChecker);

  // With `inject_mismatch`, the expected value of the first vector is off by one: used by the
  // test that proves a mismatch is caught.
  SmokeMacChecker(const sc_core::sc_module_name& name, std::vector<MacVector> vectors,
                  bool inject_mismatch)
      : sc_core::sc_module(name), vectors_(std::move(vectors)), inject_mismatch_(inject_mismatch) {
    SC_THREAD(run);
  }

  std::size_t vectors_checked() const { return checked_; }
  std::size_t mismatches() const { return mismatches_; }
  bool finished() const { return finished_; }

 private:
  void run() {
    for (std::size_t i = 0; i <= vectors_.size(); ++i) {
      wait(clk.negedge_event());
      if (i > 0) check(i - 1);
      if (i < vectors_.size()) drive(vectors_[i]);
    }
    finished_ = true;
  }

  void drive(const MacVector& v) {
    a.write(static_cast<uint16_t>(v.a));
    b.write(static_cast<uint16_t>(v.b));
    c.write(static_cast<uint16_t>(v.c));
  }

  void check(std::size_t index) {
    const MacVector& v = vectors_[index];
    int64_t expected = mac_reference(v);
    if (inject_mismatch_ && index == 0) expected += 1;
    const int32_t actual = static_cast<int32_t>(y.read());
    ++checked_;
    if (actual == expected) return;
    if (++mismatches_ <= kMaxReported) {
      std::printf("mismatch at vector %zu: %d * %d + %d: RTL %d, expected %lld\n", index, v.a, v.b,
                  v.c, actual, static_cast<long long>(expected));
    }
  }

  static constexpr std::size_t kMaxReported = 10;

  std::vector<MacVector> vectors_;
  bool inject_mismatch_;
  std::size_t checked_ = 0;
  std::size_t mismatches_ = 0;
  bool finished_ = false;
};

}  // namespace fxsim::smoke
