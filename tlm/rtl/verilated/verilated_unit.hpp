// A uniform view of the Verilated units, whatever parameter set (and so whatever V-class and port
// types) a variant was built with. fx_mac_pe and khot_pe share their ports (PeModel); bn_act has
// its own (BnModel). The concrete adapters are templates over the V-class (adapters.hpp),
// instantiated only in each variant's shared object, so code using these interfaces needs no
// Verilator header.
//
// Driving protocol (one rising edge): set the inputs with clk low, settle() (clk = 0, eval: the
// combinational in_ready follows out_ready), read in_ready / outputs, then rise() (clk = 1, eval).
#pragma once

#include <cstdint>

class VerilatedVcdC;
class VerilatedFstC;

namespace fxsim::verilated {

enum class TraceFormat { VCD, FST };

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

// fx_mac_pe / khot_pe: in_a is SIMD lanes of A_W bits, in_w SIMD lanes of W_W bits or K terms.
class PeModel : public UnitModel {
 public:
  // `a` / `w`: port images (port_image.hpp) of in_a / in_w.
  virtual void set_inputs(bool valid, bool start, bool last, const std::uint32_t* a,
                          const std::uint32_t* w) = 0;
  virtual std::uint64_t out_data() const = 0;  // OUT_W bits, zero-extended
  virtual bool out_overflow() const = 0;
};

// bn_act: in_x (X_W bits), in_scale (S_W bits or K terms), in_bias (B_W bits), all <= 64 bits.
class BnModel : public UnitModel {
 public:
  virtual void set_inputs(bool valid, std::uint64_t x, std::uint64_t scale, std::uint64_t bias) = 0;
  virtual std::uint64_t out_y() const = 0;  // OUT_W bits, zero-extended
};

}  // namespace fxsim::verilated
