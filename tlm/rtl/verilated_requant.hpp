// The rtl backend's int_requant ([requant], docs/engine.md "Affine integer layers"): ONE Verilated
// int_requant (rtl/int_requant.sv) of PE lanes after the PE array, driven through its ports.
//
// It is the unit's port-by-port model (verilated::find_port_variant, the variant
// testbenches/rtl/int_requant_test.cpp uses, so the two share a cache entry), not a dedicated
// adapter like BnModel: its data ports are PE x ACC_W / PE x OUT_W / PE x WORD bits (hundreds for
// PE 8), which BnModel's 64-bit words cannot carry, and there is one of it per engine, so its
// ~10 virtual calls an edge cost little against the PE models' 2 x PE (measured, PE 8: no
// change at SF 98, where it idles unclocked; 1.3-1.6 against 2.1 M cycles/s at SF 1, a beat every
// edge). A new adapter kind would also change the embedded adapter headers, and so the cache key
// of every variant.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "models/units/int_requant/int_requant.hpp"
#include "tlm/rtl/verilated/port_image.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"
#include "tlm/rtl/verilated/verilated_unit.hpp"

namespace fxsim::tlm_rtl {

class VerilatedRequant {
 public:
  // `instance` is the trace scope. Throws std::invalid_argument when the variant lacks a port of
  // int_requant.
  VerilatedRequant(const verilated::PortVariant& variant, const units::IntRequantConfig& cfg,
                   const char* instance);

  // rst_n low over two rising edges, then high with clk low: pipeline empty, fold counter 0;
  // out_ready is high from here on (the engine's hand-off register always takes the result).
  void reset();
  void trace(const verilated::TraceTarget& target) { model_->trace(target); }

  // Writes the parameter memory through wr_*: word f, lane p = channel f * PE + p as
  // {bias, n, m0} (units::IntRequantConfig::bias_lsb / shift_lsb), from the job's N_out multiplier
  // words ({n, m0}: exactly the word's bits below bias_lsb) and N_out biases; channels past
  // `channels` are zero. One rising edge a word, with nothing offered on in_*; the last write
  // restarts the fold counter, so the next beat is channel group 0.
  void load(const std::int64_t* multipliers, const std::int64_t* biases, int channels);

  // The part of one edge before the rise: offers `valid` with lane p = acc[p] (its low ACC_W
  // bits), settles, and returns the handshake; out[p] = lane p of out_data (OUT_W bits,
  // zero-extended).
  verilated::UnitSample step(bool valid, const std::uint64_t* acc, std::uint64_t* out);
  void rise();  // clk = 1; eval

 private:
  void set_bit(int port, bool v) { model_->set(port, v ? &kOne : &kZero); }
  void clock();  // a full cycle: clk = 1, eval, clk = 0, eval

  static constexpr std::uint32_t kOne = 1, kZero = 0;
  units::IntRequantConfig cfg_;
  std::unique_ptr<verilated::PortModel> model_;
  int clk_ = -1, rst_n_ = -1, in_valid_ = -1, in_ready_ = -1, in_data_ = -1;
  int out_valid_ = -1, out_ready_ = -1, out_data_ = -1, wr_en_ = -1, wr_addr_ = -1, wr_data_ = -1;
  std::vector<std::uint32_t> in_words_, out_words_;  // images of in_data / out_data
  verilated::PortImages words_;                      // the parameter words of the last load
};

}  // namespace fxsim::tlm_rtl
