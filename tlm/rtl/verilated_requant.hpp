// The rtl backend's int_requant ([requant], docs/engine.md "Affine integer layers"): ONE Verilated
// int_requant (rtl/int_requant.sv) of PE lanes after the PE array, driven through its ports by
// the shared lane-unit driver (verilated_lane_unit.hpp says why a port model); this class only
// packs the parameter words.
#pragma once

#include <cstdint>

#include "models/units/int_requant/int_requant.hpp"
#include "tlm/rtl/verilated_lane_unit.hpp"

namespace fxsim::tlm_rtl {

class VerilatedRequant {
 public:
  // `instance` is the trace scope. Throws std::invalid_argument when the variant lacks a port of
  // int_requant.
  VerilatedRequant(const verilated::PortVariant& variant, const units::IntRequantConfig& cfg,
                   const char* instance);

  void reset() { lanes_.reset(); }  // VerilatedLaneUnit::reset
  void trace(const verilated::TraceTarget& target) { lanes_.trace(target); }

  // Writes the parameter memory through wr_*: word f, lane p = channel f * PE + p as
  // {bias, n, m0} (units::IntRequantConfig::bias_lsb / shift_lsb), from the job's N_out multiplier
  // words ({n, m0}: exactly the word's bits below bias_lsb) and N_out biases; channels past
  // `channels` are zero (VerilatedLaneUnit::write_words).
  void load(const std::int64_t* multipliers, const std::int64_t* biases, int channels);

  // Lane p = acc[p] (its low ACC_W bits) in, out[p] (OUT_W bits) out: VerilatedLaneUnit::step.
  verilated::UnitSample step(bool valid, const std::uint64_t* acc, std::uint64_t* out) {
    return lanes_.step(valid, acc, out);
  }
  void rise() { lanes_.rise(); }

 private:
  units::IntRequantConfig cfg_;
  VerilatedLaneUnit lanes_;
};

}  // namespace fxsim::tlm_rtl
