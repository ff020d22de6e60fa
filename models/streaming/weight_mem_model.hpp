// The cycle-accurate model of rtl/weight_mem.sv: WeightMemModel is its state machine (one call
// per rising edge, no SystemC), WeightMemModule the sc_module around it that a SystemC
// simulation clocks. Both follow the RTL register by register: out_valid, the fold counter
// rd_addr and the read data register q (the memory's registered read), loaded on
// advance && run with advance = !out_valid || out_ready; the memory is written on wr_en after
// the read of the same edge (read-first).
#pragma once

#include <cstdint>
#include <systemc>

#include "models/units/weight_mem/weight_mem.hpp"

namespace fxsim::streaming {

// The inputs the unit samples on one rising edge.
struct WeightMemInputs {
  bool rst_n = true;
  bool run = false;
  bool wr_en = false;
  int wr_addr = 0;
  units::WeightBeat wr_data;  // PE x SIMD words (read when wr_en)
  bool out_ready = false;
};

class WeightMemModel {
 public:
  explicit WeightMemModel(const units::WeightMemConfig& cfg);

  bool out_valid() const { return valid_; }
  const units::WeightBeat& out_data() const { return q_; }  // meaningful while out_valid
  // The rising edge: registers take their next values from `in` and the current state.
  void clock(const WeightMemInputs& in);

  std::int64_t beats_sent() const { return sent_; }  // edges with out_valid && out_ready
  std::int64_t cycles() const { return cycles_; }    // edges clocked
  const units::WeightImage& memory() const { return mem_; }

 private:
  units::WeightMemConfig cfg_;
  units::WeightImage mem_;
  bool valid_ = false;
  int rd_addr_ = 0;
  units::WeightBeat q_;
  std::int64_t sent_ = 0, cycles_ = 0;
};

// WeightMemModel as a SystemC module: on each rising edge of clk it samples its inputs, clocks
// the model and drives out_valid / out_data (one std::uint64_t signal per word, word
// p * SIMD + s as in the RTL's out_data).
class WeightMemModule : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<bool> rst_n;
  sc_core::sc_in<bool> run;
  sc_core::sc_in<bool> wr_en;
  sc_core::sc_in<int> wr_addr;
  sc_core::sc_vector<sc_core::sc_in<std::uint64_t>> wr_data;
  sc_core::sc_out<bool> out_valid;
  sc_core::sc_in<bool> out_ready;
  sc_core::sc_vector<sc_core::sc_out<std::uint64_t>> out_data;

  WeightMemModule(const sc_core::sc_module_name& name, const units::WeightMemConfig& cfg);
  const WeightMemModel& model() const { return model_; }

 private:
  void on_clock();
  WeightMemModel model_;
  WeightMemInputs in_;
};

}  // namespace fxsim::streaming
