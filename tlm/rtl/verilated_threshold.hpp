// The rtl backend's threshold ([threshold], docs/engine.md "Binary and ternary layers"): ONE
// Verilated threshold (rtl/threshold.sv) of PE lanes after the xnor_pe array, driven through its
// ports, for the reasons verilated_requant.hpp gives for int_requant (lanes of PE x X_W bits,
// memory words of PE x (T x (X_W + 1) + 1) bits, one per engine).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/units/threshold/threshold.hpp"
#include "tlm/rtl/verilated/port_image.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"
#include "tlm/rtl/verilated/verilated_unit.hpp"

namespace fxsim::tlm_rtl {

class VerilatedThreshold {
 public:
  // `instance` is the trace scope. Throws std::invalid_argument when the variant lacks a port of
  // threshold.
  VerilatedThreshold(const verilated::PortVariant& variant, const units::ThresholdConfig& cfg,
                     const char* instance);

  // rst_n low over two rising edges, then high with clk low: pipeline empty, fold counter 0;
  // out_ready is high from here on.
  void reset();
  void trace(const verilated::TraceTarget& target) { model_->trace(target); }

  // Writes the threshold memory through wr_*: word f, lane p = channel c = f * PE + p as
  // {t_{T-1}, ..., t_0, d} (d = directions[c] bit 0, t_k = thresholds[c * T + k] in TH_W bits);
  // channels past `channels` are zero. One rising edge a word; the last write restarts the fold
  // counter, so the next beat is channel group 0.
  void load(const std::int64_t* directions, const std::int64_t* thresholds, int channels);

  // The part of one edge before the rise: offers `valid` with lane p = acc[p] (its low X_W bits),
  // settles, and returns the handshake; out[p] = lane p of out_data (OUT_W bits).
  verilated::UnitSample step(bool valid, const std::uint64_t* acc, std::uint64_t* out);
  void rise();  // clk = 1; eval

 private:
  void set_bit(int port, bool v) { model_->set(port, v ? &kOne : &kZero); }
  void clock();  // a full cycle: clk = 1, eval, clk = 0, eval

  static constexpr std::uint32_t kOne = 1, kZero = 0;
  units::ThresholdConfig cfg_;
  std::unique_ptr<verilated::PortModel> model_;
  int clk_ = -1, rst_n_ = -1, in_valid_ = -1, in_ready_ = -1, in_data_ = -1;
  int out_valid_ = -1, out_ready_ = -1, out_data_ = -1, wr_en_ = -1, wr_addr_ = -1, wr_data_ = -1;
  std::vector<std::uint32_t> in_words_, out_words_;  // images of in_data / out_data
  verilated::PortImages words_;                      // the memory words of the last load
};

}  // namespace fxsim::tlm_rtl
