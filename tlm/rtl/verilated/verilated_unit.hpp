// A uniform view of the Verilated units, whatever parameter set (and so whatever V-class and port
// types) a variant was built with. fx_mac_pe and khot_pe share their ports (PeModel); bn_act has
// its own (BnModel). The concrete adapters are templates over the V-class (adapters.hpp),
// instantiated only in each variant's shared object, so code using these interfaces needs no
// Verilator header.
//
// Driving protocol (one rising edge): set the inputs with clk low, settle() (clk = 0, eval: the
// combinational in_ready follows out_ready), read in_ready / outputs, then rise() (clk = 1, eval).
// PeModel::step / BnModel::step do the part before rise() in one call: the engine's clock loop
// makes two virtual calls per unit and edge instead of seven.
#pragma once

#include <cstdint>

class VerilatedVcdC;
class VerilatedFstC;

namespace fxsim::verilated {

enum class TraceFormat { VCD, FST };
inline const char* to_string(TraceFormat f) { return f == TraceFormat::FST ? "FST" : "VCD"; }

// The open trace file: VCD or FST (the other pointer is null).
struct TraceTarget {
  VerilatedVcdC* vcd = nullptr;
  VerilatedFstC* fst = nullptr;
};

class UnitModel {
 public:
  virtual ~UnitModel() = default;
  // rst_n low over two rising edges, then rst_n high and clk low: pipelines empty.
  virtual void reset() = 0;
  virtual void set_out_ready(bool ready) = 0;
  virtual void settle() = 0;  // clk = 0; eval()
  virtual void rise() = 0;    // clk = 1; eval()
  virtual bool in_ready() const = 0;
  virtual bool out_valid() const = 0;
  // Registers every signal of the model with the trace file (before it is opened).
  virtual void trace(const TraceTarget& target) = 0;
};

// What a unit shows before a rising edge: its handshake and its (registered) result.
struct UnitSample {
  bool in_ready = false;
  bool out_valid = false;
  std::uint64_t out = 0;  // PeModel: out_data; BnModel: out_y
};

// fx_mac_pe / khot_pe: in_a is SIMD lanes of A_W bits, in_w SIMD lanes of W_W bits or K terms.
class PeModel : public UnitModel {
 public:
  // `a` / `w`: port images (port_image.hpp) of in_a / in_w.
  virtual void set_inputs(bool valid, bool start, bool last, const std::uint32_t* a,
                          const std::uint32_t* w) = 0;
  virtual std::uint64_t out_data() const = 0;  // OUT_W bits, zero-extended
  virtual bool out_overflow() const = 0;
  // The lfsr_seed port (Q = 7: the LFSR state loaded in reset; set it before reset()). A unit
  // without the port ignores it.
  virtual void set_lfsr_seed(std::uint32_t state) = 0;
  // set_inputs, set_out_ready, settle, then in_ready / out_valid / out_data.
  virtual UnitSample step(bool valid, bool start, bool last, const std::uint32_t* a,
                          const std::uint32_t* w, bool out_ready) = 0;
};

// Any Verilated top module, port by port: a unit or a test wrapper around one, driven by a
// testbench (testbenches/rtl/) that sets and reads ports by name. A virtual call per port access:
// for tests, not for the engine's hot loop (which uses PeModel / BnModel). Port words are in
// Verilator's layout (port_image.hpp): bit i of the port is bit i % 32 of word i / 32.
class PortModel {
 public:
  virtual ~PortModel() = default;
  virtual int port_count() const = 0;  // ports in declaration order: 0 .. port_count() - 1
  virtual const char* port_name(int port) const = 0;
  virtual int port_width(int port) const = 0;
  virtual bool port_is_input(int port) const = 0;
  virtual void set(int port, const std::uint32_t* words) = 0;  // an input port
  virtual void get(int port, std::uint32_t* words) const = 0;  // any port
  virtual void eval() = 0;
  virtual void trace(const TraceTarget& target) = 0;
};

// bn_act: in_x (X_W bits), in_scale (S_W bits or K terms), in_bias (B_W bits), all <= 64 bits.
class BnModel : public UnitModel {
 public:
  virtual void set_inputs(bool valid, std::uint64_t x, std::uint64_t scale, std::uint64_t bias) = 0;
  virtual std::uint64_t out_y() const = 0;              // OUT_W bits, zero-extended
  virtual void set_lfsr_seed(std::uint32_t state) = 0;  // as PeModel's
  // set_inputs, set_out_ready, settle, then in_ready / out_valid / out_y.
  virtual UnitSample step(bool valid, std::uint64_t x, std::uint64_t scale, std::uint64_t bias,
                          bool out_ready) = 0;
};

}  // namespace fxsim::verilated
