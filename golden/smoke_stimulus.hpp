// Stimulus for the toolchain smoke test, drawn from LibTorch so the smoke binary proves that
// LibTorch links next to SystemC and a Verilated model. Plain C++ interface: no torch header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fxsim::golden {

// `count` uniformly random signed 16-bit values (each in [-32768, 32767]) from a LibTorch CPU
// generator seeded with `seed`: the same seed gives the same values on every run.
std::vector<int32_t> smoke_stimulus(std::size_t count, uint64_t seed);

}  // namespace fxsim::golden
