// THE latency formula of the layer engine (docs/engine.md, "Latency"): both backends must
// produce exactly these cycle counts, and the tests hold them to it.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/engine_config.hpp"

namespace fxsim::engine {

// Cycle 1 is the first rising edge after CTRL.START and moves the first beat. Every unit adds its
// STAGES plus the one edge that hands its result on (to bn_act or into the output buffer):
//   beats  = batch * NF * SF          (one beat per edge: the transactor never inserts bubbles)
//   cycles = beats + (MAC_STAGES + 1) + (bn ? BN_STAGES + 1 : 0) + (requant ? STAGES + 1 : 0)
// e.g. 784x128, PE 8, SIMD 8, MAC_STAGES 2, BN_STAGES 2, batch 1: 98*16 + 3 + 3 = 1574.
// int_requant ([requant], never with [bn]) sits where bn_act would and adds the same kind of fill;
// so does threshold ([threshold], never with [bn] or [requant]): + (threshold ? STAGES + 1 : 0).
std::uint64_t fold_beats(const EngineConfig& cfg, int batch);  // batch * NF * SF
std::uint64_t pe_fill_cycles(const EngineConfig& cfg);         // MAC_STAGES + 1
std::uint64_t bn_fill_cycles(const EngineConfig& cfg);         // BN_STAGES + 1, or 0
std::uint64_t requant_fill_cycles(const EngineConfig& cfg);    // requant STAGES + 1, or 0
std::uint64_t threshold_fill_cycles(const EngineConfig& cfg);  // threshold STAGES + 1, or 0
std::uint64_t compute_cycles(const EngineConfig& cfg, int batch);
// One b_transport of `bytes` on a bus of bus_bits: one address cycle + ceil(8 * bytes / bus_bits).
std::uint64_t transfer_cycles(std::uint64_t bytes, int bus_bits);

}  // namespace fxsim::engine
