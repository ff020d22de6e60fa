// The smoke test's expected values, computed without SystemC or Verilator so that a wrong model,
// a wrong port mapping or a wrong sign extension shows up as a mismatch.
#pragma once

#include <cstdint>

namespace fxsim::smoke {

// One input vector of smoke_mac.sv; each field holds a signed 16-bit value.
struct MacVector {
  int32_t a;
  int32_t b;
  int32_t c;
};

// y = a * b + c in 64-bit arithmetic, independent of the RTL's 32-bit datapath.
inline int64_t mac_reference(const MacVector& v) {
  return int64_t{v.a} * int64_t{v.b} + int64_t{v.c};
}

}  // namespace fxsim::smoke
