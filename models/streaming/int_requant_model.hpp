// The cycle-accurate model of int_requant (rtl/int_requant.sv): IntRequantModel is its pipeline
// of STAGES slots under the global stall, the fold counter that picks each beat's channels and
// the parameter memory, one edge() per rising clock edge; IntRequantModule is the sc_module
// around it with the RTL's stream ports. A beat is PE lanes of raw accumulators in, PE raw
// outputs out; the arithmetic is the unit's reference (units::int_requant), computed when a beat
// enters (every stage is a pure function of it, so only when it leaves is modelled).
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "models/streaming/feature_map_stream.hpp"
#include "models/streaming/stream_data.hpp"
#include "models/units/int_requant/int_requant.hpp"

namespace fxsim::streaming {

class IntRequantModel {
 public:
  explicit IntRequantModel(const units::IntRequantConfig& cfg);

  void reset();  // a rising edge with rst_n low: the pipeline and the fold counter, not memory
  // A rising edge with wr_en high: parameter word `fold` (channels fold*PE .. fold*PE + PE - 1)
  // takes `lanes` (checked by units::check_channel), and the fold counter restarts.
  void write(int fold, const std::vector<units::IntRequantChannel>& lanes);
  bool in_ready(bool out_ready) const { return !out_valid() || out_ready; }  // the global stall
  bool out_valid() const { return slots_.back().valid; }
  const Lanes& out_data() const { return slots_.back().data; }
  // A rising edge out of reset with these inputs (wr_en low).
  void edge(bool in_valid, const Lanes& in, bool out_ready);

 private:
  struct Slot {
    bool valid = false;
    Lanes data;
  };
  units::IntRequantConfig cfg_;
  std::vector<units::IntRequantChannel> channels_;  // CH, channel c at [c]
  std::vector<Slot> slots_;                         // STAGES, the result register last
  int fold_ = 0;
};

class IntRequantModule : public sc_core::sc_module, public StreamPorts {
 public:
  IntRequantModule(const sc_core::sc_module_name& name, const units::IntRequantConfig& cfg);
  IntRequantModel& model() { return model_; }

 private:
  void on_clock();
  void drive();

  IntRequantModel model_;
  sc_core::sc_event state_changed_;
};

}  // namespace fxsim::streaming
