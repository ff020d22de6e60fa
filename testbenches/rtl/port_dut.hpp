// A Verilated unit (or a test wrapper around one) driven port by port, the way the rtl suites
// drove the V-classes they used to compile in: `m.in_valid = 1; m.eval(); if (m.out_valid) ...`.
// The model comes from tlm/rtl/verilated (built on first use, cached, as every Verilated unit of
// fxsim); each port is a member named like the RTL port. Inputs are staged and handed to the
// model by eval(); outputs are read from it when converted.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "models/units/unit_registry.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

namespace fxsim::rtl_test {

inline std::uint64_t low_mask(int width) {
  return width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
}

// The raw integer of a width-bit field: sign-extended when is_signed.
inline std::int64_t to_raw(std::uint64_t bits, int width, bool is_signed) {
  bits &= low_mask(width);
  if (is_signed && width < 64 && ((bits >> (width - 1)) & 1)) bits |= ~low_mask(width);
  return static_cast<std::int64_t>(bits);
}

class Dut;

// One port: assign an integer to an input; convert an output (or input) to an integer (the low
// 64 bits); put_bits / get_bits for a field of a wide port. A port the unit does not have is
// absent: using it fails the test.
class Port {
 public:
  Port& operator=(std::uint64_t value);
  operator std::uint64_t() const;  // NOLINT(google-explicit-constructor): reads like the V-class
  bool present() const { return index_ >= 0; }
  int width() const { return width_; }

 private:
  friend class Dut;
  friend void put_bits(Port& port, int lsb, int width, std::uint64_t value);
  friend std::uint64_t get_bits(const Port& port, int lsb, int width);
  void bind(Dut* dut, int index, int width, bool is_input);
  void check(const char* what) const;
  void read(std::uint32_t* words) const;

  Dut* dut_ = nullptr;
  const char* name_ = "";
  int index_ = -1, width_ = 0;
  bool input_ = false, dirty_ = false;
  std::vector<std::uint32_t> image_;                // staged value of an input
  mutable std::vector<std::uint32_t> read_buffer_;  // the model's words, on a read
};

void put_bits(Port& port, int lsb, int width, std::uint64_t value);
std::uint64_t get_bits(const Port& port, int lsb, int width);
inline std::ostream& operator<<(std::ostream& os, const Port& p) {
  return os << static_cast<std::uint64_t>(p);
}

class Dut {
 public:
  // `unit` at `overrides` (resolved here); with a wrapper, its top module instead.
  Dut(const std::string& unit, const units::ParamMap& overrides,
      std::optional<verilated::TopWrapper> wrapper = std::nullopt);
  Dut(const Dut&) = delete;
  Dut& operator=(const Dut&) = delete;

  void eval();  // hands every changed input to the model, then evaluates it
  bool has(const char* port) const;
  void trace(const verilated::TraceTarget& target) { model_->trace(target); }
  const verilated::PortVariant& variant() const { return *variant_; }

  // The ports of fx_mac_pe / khot_pe, bn_act, fx_requant_grid and the streaming units (absent
  // where a unit has none).
  Port clk, rst_n, in_valid, in_ready, out_valid, out_ready;
  Port in_start, in_last, in_a, in_w, out_data, out_overflow;
  Port in_x, in_scale, in_bias, out_y;
  Port din, dout, flags;
  Port run, wr_en, wr_addr, wr_data;  // weight_mem
  Port in_data, count;                // the streaming units: a beat of SIMD lanes; FIFO occupancy
  Port bn_wr_en, bn_wr_addr, bn_wr_data;  // mvau's scale / bias write port (BN = 1)
  Port lfsr_seed;                         // Q = 7: the LFSR state the PE / bn_act loads in reset
  Port rnd;                               // fx_requant's random bits (Q = 7)

 private:
  friend class Port;
  const verilated::PortVariant* variant_;
  std::unique_ptr<verilated::PortModel> model_;
};

// A Dut of fx_requant_grid.sv (this folder): one fx_requant per rounding / overflow pair.
verilated::TopWrapper requant_grid_wrapper();

}  // namespace fxsim::rtl_test
