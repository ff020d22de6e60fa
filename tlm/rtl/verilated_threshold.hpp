// The rtl backend's threshold ([threshold], docs/engine.md "Binary and ternary layers"): ONE
// Verilated threshold (rtl/threshold.sv) of PE lanes after the xnor_pe array, driven through its
// ports by the shared lane-unit driver (verilated_lane_unit.hpp says why a port model: lanes of
// PE x X_W bits, memory words of PE x (T x (X_W + 1) + 1) bits, one per engine); this class only
// packs the threshold words.
#pragma once

#include <cstdint>

#include "models/units/threshold/threshold.hpp"
#include "tlm/rtl/verilated_lane_unit.hpp"

namespace fxsim::tlm_rtl {

class VerilatedThreshold {
 public:
  // `instance` is the trace scope. Throws std::invalid_argument when the variant lacks a port of
  // threshold.
  VerilatedThreshold(const verilated::PortVariant& variant, const units::ThresholdConfig& cfg,
                     const char* instance);

  void reset() { lanes_.reset(); }  // VerilatedLaneUnit::reset
  void trace(const verilated::TraceTarget& target) { lanes_.trace(target); }

  // Writes the threshold memory through wr_*: word f, lane p = channel c = f * PE + p as
  // {t_{T-1}, ..., t_0, d} (d = directions[c] bit 0, t_k = thresholds[c * T + k] in TH_W bits);
  // channels past `channels` are zero (VerilatedLaneUnit::write_words).
  void load(const std::int64_t* directions, const std::int64_t* thresholds, int channels);

  // Lane p = acc[p] (its low X_W bits) in, out[p] (OUT_W bits) out: VerilatedLaneUnit::step.
  verilated::UnitSample step(bool valid, const std::uint64_t* acc, std::uint64_t* out) {
    return lanes_.step(valid, acc, out);
  }
  void rise() { lanes_.rise(); }

 private:
  units::ThresholdConfig cfg_;
  VerilatedLaneUnit lanes_;
};

}  // namespace fxsim::tlm_rtl
