// Design points of the engine tests, written as point files (so the parser is part of every
// test) for the Verilated variants of tlm/rtl/CMakeLists.txt. sc_spelling() writes the same
// point with every ap_ type spelled as SystemC's (the same formats, SystemC semantics).
#pragma once

#include <cstdint>
#include <string>

#include "models/engine/engine_config.hpp"

namespace fxsim::engine_test {

// The PE-side type set of one variant (tlm/rtl/CMakeLists.txt). MAC_AP: mac8's formats spelled
// ap_fixed, with an ap_ufixed<...,AP_WRAP,2> output (ap_fixed semantics, AP = 1).
enum class PeFamily { MAC8, MAC4, KHOT1, KHOT2, KHOT3, SPT2, MAC_AP };
// The bn_act variant after it, if any. AP: an ap_fixed<...,AP_WRAP_SM> output (AP = 1).
enum class BnFamily { NONE, RELU, TANH, AP };

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

std::string point_toml(const PointSpec& spec, bool sc_spelling = false);
engine::EngineConfig make_point(const PointSpec& spec, bool sc_spelling = false);

}  // namespace fxsim::engine_test
