// Design points of the engine tests, written as point files (so the parser is part of every
// test) for the Verilated variants of tlm/rtl/CMakeLists.txt.
#pragma once

#include <cstdint>
#include <string>

#include "models/engine/engine_config.hpp"

namespace fxsim::engine_test {

// The PE-side type set of one variant (tlm/rtl/CMakeLists.txt).
enum class PeFamily { MAC8, MAC4, KHOT1, KHOT2, KHOT3, SPT2 };
// The bn_act variant after it, if any.
enum class BnFamily { NONE, RELU, TANH };

struct PointSpec {
  PeFamily pe_family = PeFamily::MAC8;
  BnFamily bn_family = BnFamily::NONE;
  int pe = 8;
  int in_features = 16;
  int out_features = 8;
  int batch = 1;
  std::uint64_t seed = 1;
  bool normal = false;  // stimulus distribution
  double clock_ns = 4.0;
  int bus_bits = 64;
  std::string name() const;  // for test names: mac8_pe3_20x7_b1_relu
};

std::string point_toml(const PointSpec& spec);
engine::EngineConfig make_point(const PointSpec& spec);

}  // namespace fxsim::engine_test
