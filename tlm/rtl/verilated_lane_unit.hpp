// The port-level driver the rtl backend shares between its units of PE lanes after the PE array
// that take their per-channel parameters from a memory written through wr_* (int_requant for
// [requant], threshold for [threshold]): ONE Verilated unit, driven through its ports.
//
// It is the unit's port-by-port model (verilated::find_port_variant, the variant the unit's own
// RTL test uses, so the two share a cache entry), not a dedicated adapter like BnModel: its data
// ports are PE x IN_W / PE x OUT_W / PE x WORD bits (hundreds for PE 8), which BnModel's 64-bit
// words cannot carry, and there is one of it per engine, so its ~10 virtual calls an edge cost
// little against the PE models' 2 x PE (measured for int_requant, PE 8: no change at SF 98, where
// it idles unclocked; 1.3-1.6 against 2.1 M cycles/s at SF 1, a beat every edge). A new adapter
// kind would also change the embedded adapter headers, and so the cache key of every variant.
// What differs between the units is only how a channel's parameters pack into a memory word: the
// unit's class fills `words()` and calls write_words().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tlm/rtl/verilated/port_image.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"
#include "tlm/rtl/verilated/verilated_unit.hpp"

namespace fxsim::tlm_rtl {

// The port widths of a lane unit: PE lanes of in_w bits in, of out_w bits out; a parameter memory
// of `folds` words of PE x word_w bits.
struct LaneUnitShape {
  int pe = 1, in_w = 1, out_w = 1, folds = 1, word_w = 1;
};

class VerilatedLaneUnit {
 public:
  // `unit` names the RTL module in errors, `instance` is the trace scope. Throws
  // std::invalid_argument when the variant lacks one of the unit's ports.
  VerilatedLaneUnit(const verilated::PortVariant& variant, const char* unit,
                    const LaneUnitShape& shape, const char* instance);

  // rst_n low over two rising edges, then high with clk low: pipeline empty, fold counter 0;
  // out_ready is high from here on (the engine's hand-off register always takes the result).
  void reset();
  void trace(const verilated::TraceTarget& target) { model_->trace(target); }

  // The parameter words, cleared to `folds` zero words; the unit's class ORs a channel's fields
  // into word c / PE at lane c % PE (lsb (c % PE) x word_w).
  verilated::PortImages& fresh_words();
  // Writes the words through wr_*: one rising edge a word, with nothing offered on in_*; the
  // last write restarts the fold counter, so the next beat is channel group 0.
  void write_words();

  // The part of one edge before the rise: offers `valid` with lane p = in[p] (its low in_w
  // bits), settles, and returns the handshake; out[p] = lane p of out_data (out_w bits,
  // zero-extended).
  verilated::UnitSample step(bool valid, const std::uint64_t* in, std::uint64_t* out);
  void rise();  // clk = 1; eval

 private:
  void set_bit(int port, bool v) { model_->set(port, v ? &kOne : &kZero); }
  void clock();  // a full cycle: clk = 1, eval, clk = 0, eval

  static constexpr std::uint32_t kOne = 1, kZero = 0;
  LaneUnitShape shape_;
  std::unique_ptr<verilated::PortModel> model_;
  int clk_ = -1, rst_n_ = -1, in_valid_ = -1, in_ready_ = -1, in_data_ = -1;
  int out_valid_ = -1, out_ready_ = -1, out_data_ = -1, wr_en_ = -1, wr_addr_ = -1, wr_data_ = -1;
  std::vector<std::uint32_t> in_words_, out_words_;  // images of in_data / out_data
  verilated::PortImages words_;                      // the parameter words of the last load
};

}  // namespace fxsim::tlm_rtl
