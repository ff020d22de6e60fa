// toolchain_smoke: proves the whole stack links and runs in one binary. LibTorch produces the
// stimulus (golden/), a Verilated SystemVerilog MAC (smoke_mac.sv) runs under the SystemC kernel,
// and plain C++ checks every output. Exits non-zero on any mismatch.
//
//   toolchain_smoke [--inject-mismatch]

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <systemc>
#include <vector>

#include "Vsmoke_mac.h"
#include "fxsim_version.hpp"
#include "golden/smoke_stimulus.hpp"
#include "testbenches/smoke/smoke_checker.hpp"

namespace {

using fxsim::smoke::MacVector;

constexpr std::size_t kRandomVectors = 1000;
constexpr uint64_t kSeed = 20240601;

// Extremes of the signed 16-bit range, where a zero- instead of sign-extension shows.
const std::vector<MacVector> kCornerVectors = {
    {0, 0, 0},
    {-1, -1, -1},
    {INT16_MIN, INT16_MIN, INT16_MAX},
    {INT16_MIN, INT16_MAX, INT16_MIN},
    {INT16_MAX, INT16_MAX, INT16_MAX},
    {INT16_MIN, 1, INT16_MIN},
};

std::vector<MacVector> make_vectors() {
  const std::vector<int32_t> values = fxsim::golden::smoke_stimulus(3 * kRandomVectors, kSeed);
  std::vector<MacVector> vectors = kCornerVectors;
  for (std::size_t i = 0; i + 2 < values.size(); i += 3) {
    vectors.push_back({values[i], values[i + 1], values[i + 2]});
  }
  return vectors;
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  bool inject_mismatch = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--inject-mismatch") == 0) {
      inject_mismatch = true;
    } else {
      std::fprintf(stderr, "usage: %s [--inject-mismatch]\n", argv[0]);
      return 2;
    }
  }

  const std::vector<MacVector> vectors = make_vectors();
  const sc_core::sc_time period(10, sc_core::SC_NS);

  sc_core::sc_clock clk("clk", period);
  sc_core::sc_signal<uint32_t> a("a"), b("b"), c("c"), y("y");

  Vsmoke_mac dut("dut");
  dut.clk(clk);
  dut.a(a);
  dut.b(b);
  dut.c(c);
  dut.y(y);

  fxsim::smoke::SmokeMacChecker checker("checker", vectors, inject_mismatch);
  checker.clk(clk);
  checker.a(a);
  checker.b(b);
  checker.c(c);
  checker.y(y);

  // One cycle per vector, one for the pipeline register, one spare: no sc_stop() needed.
  sc_core::sc_start(static_cast<double>(vectors.size() + 2) * period);

  std::printf("toolchain_smoke (fxsim %s): %zu vectors checked, %zu mismatches\n", FXSIM_VERSION,
              checker.vectors_checked(), checker.mismatches());
  if (!checker.finished() || checker.vectors_checked() != vectors.size()) {
    std::printf("toolchain_smoke: simulation ended before every vector was checked\n");
    return 1;
  }
  return checker.mismatches() == 0 ? 0 : 1;
}
