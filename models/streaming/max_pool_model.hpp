// The cycle-accurate model of max_pool (rtl/max_pool.sv): MaxPoolModel is its state machine, one
// edge() per rising clock edge (the position counters, the row of partial maxima, the output
// register); MaxPoolModule the sc_module around it with the RTL's ports. A beat is SIMD lanes of
// raw values (signed or unsigned as the unit's IN_SIGNED says).
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "models/streaming/feature_map_stream.hpp"
#include "models/streaming/stream_data.hpp"
#include "models/units/max_pool/max_pool.hpp"

namespace fxsim::streaming {

class MaxPoolModel {
 public:
  explicit MaxPoolModel(const units::MaxPoolConfig& cfg);

  void reset();  // a rising edge with rst_n low
  bool in_ready(bool out_ready) const { return !valid_ || out_ready; }  // the global stall
  bool out_valid() const { return valid_; }
  const Lanes& out_data() const { return out_; }
  // A rising edge out of reset with these inputs.
  void edge(bool in_valid, const Lanes& in, bool out_ready);

  // Cycles to pool a whole map streamed without stalls: every input beat takes a cycle and the
  // last result leaves kMaxPoolLatency cycles after the map's last window closes (docs).
  static std::uint64_t stall_free_cycles(const units::MaxPoolConfig& cfg);

 private:
  units::MaxPoolConfig cfg_;
  int cb_ = 0, kx_ = 0, ky_ = 0, x_ = 0, y_ = 0, base_ = 0;  // where the next beat is
  std::vector<Lanes> row_;                                   // WOUT x CB words of partial maxima
  bool valid_ = false;
  Lanes out_;
};

class MaxPoolModule : public sc_core::sc_module, public StreamPorts {
 public:
  MaxPoolModule(const sc_core::sc_module_name& name, const units::MaxPoolConfig& cfg);
  const MaxPoolModel& model() const { return model_; }

 private:
  void on_clock();
  void drive();

  MaxPoolModel model_;
  sc_core::sc_event state_changed_;
};

}  // namespace fxsim::streaming
