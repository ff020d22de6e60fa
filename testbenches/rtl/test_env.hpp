// Run-time knobs of the RTL suites, read from the environment so that ctest can run the same
// binary in the default run, the `regression` label and the deliberately failing checks:
//   FXSIM_RTL_VECTORS  random results checked per variant (default 100000)
//   FXSIM_RTL_SEED     base seed (default 1); every test derives its own from it
//   FXSIM_RTL_INJECT   "tie_lsb": the references add one LSB to every result whose final
//                      rounding was a tie; "latency": the cycle model expects STAGES + 1.
//                      Both must make the suites fail (ctest WILL_FAIL tests).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>

namespace fxsim::rtl_test {

inline std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

inline std::uint64_t vectors_per_variant() { return env_u64("FXSIM_RTL_VECTORS", 100000); }
inline std::uint64_t base_seed() { return env_u64("FXSIM_RTL_SEED", 1); }

inline bool inject(const char* what) {
  const char* v = std::getenv("FXSIM_RTL_INJECT");
  return v && std::string(v) == what;
}

// The deliberate one-LSB error on ties (see FXSIM_RTL_INJECT).
inline std::int64_t perturb_on_tie(std::int64_t expected, bool tie) {
  return expected + ((tie && inject("tie_lsb")) ? 1 : 0);
}

}  // namespace fxsim::rtl_test
