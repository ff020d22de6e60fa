// The cycle-accurate model of max_pool (rtl/max_pool.sv): MaxPoolControl is its state machine
// without the data (the position counters and the output register's valid), MaxPoolModel adds the
// row of partial maxima and the output word, one edge() per rising clock edge; MaxPoolModule is
// the sc_module around it with the RTL's ports. A beat is SIMD lanes of raw values (signed or
// unsigned as the unit's IN_SIGNED says).
#pragma once

#include <cstdint>
#include <systemc>
#include <vector>

#include "models/streaming/feature_map_stream.hpp"
#include "models/streaming/stream_data.hpp"
#include "models/units/max_pool/max_pool.hpp"

namespace fxsim::streaming {

class MaxPoolControl {
 public:
  explicit MaxPoolControl(const units::MaxPoolConfig& cfg);

  void reset();
  bool in_ready(bool out_ready) const { return !valid_ || out_ready; }  // the global stall
  bool out_valid() const { return valid_; }
  // What an edge does with the input beat (`fire`): whether its pixel is inside a window
  // (`keep`), opens (`first`) or closes (`last`) it, the row word of its partial maximum and its
  // channel beat.
  struct Step {
    bool fire = false, keep = false, first = false, last = false;
    int word = 0, cb = 0;
  };
  Step edge(bool in_valid, bool out_ready);
  void append_state(std::vector<std::int64_t>* out) const;  // as StreamFifoControl's

 private:
  units::MaxPoolConfig cfg_;
  int keep_w_, keep_h_, cbs_;  // the columns and rows inside a window; beats a pixel
  int cb_ = 0, kx_ = 0, ky_ = 0, x_ = 0, y_ = 0, base_ = 0;  // where the next beat is
  bool valid_ = false;
};

class MaxPoolModel {
 public:
  explicit MaxPoolModel(const units::MaxPoolConfig& cfg);

  void reset();  // a rising edge with rst_n low
  bool in_ready(bool out_ready) const { return control_.in_ready(out_ready); }
  bool out_valid() const { return control_.out_valid(); }
  const Lanes& out_data() const { return out_; }
  // A rising edge out of reset with these inputs.
  void edge(bool in_valid, const Lanes& in, bool out_ready);

  // Cycles to pool a whole map streamed without stalls: every input beat takes a cycle and the
  // last result leaves kMaxPoolLatency cycles after the map's last window closes (docs).
  static std::uint64_t stall_free_cycles(const units::MaxPoolConfig& cfg);

 private:
  units::MaxPoolConfig cfg_;
  MaxPoolControl control_;
  std::vector<Lanes> row_;  // WOUT x CB words of partial maxima
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

// Inline: the fast timing model (models/network/network_timing.hpp) steps these on every edge.

inline MaxPoolControl::Step MaxPoolControl::edge(bool in_valid, bool out_ready) {
  const bool advance = in_ready(out_ready);
  Step s;
  s.fire = in_valid && advance;
  s.keep = x_ < keep_w_ && y_ < keep_h_;
  s.first = kx_ == 0 && ky_ == 0;
  s.last = kx_ == cfg_.pool - 1 && ky_ == cfg_.pool - 1;
  s.word = base_ + cb_;
  s.cb = cb_;
  if (advance) valid_ = s.fire && s.keep && s.last;
  if (!s.fire) return s;
  if (cb_ != cbs_ - 1) {
    ++cb_;
    return s;
  }
  cb_ = 0;
  if (x_ == cfg_.w - 1) {
    x_ = kx_ = base_ = 0;
    ky_ = y_ == cfg_.h - 1 || ky_ == cfg_.pool - 1 ? 0 : ky_ + 1;
    y_ = y_ == cfg_.h - 1 ? 0 : y_ + 1;
  } else {
    ++x_;
    if (kx_ == cfg_.pool - 1) base_ += cbs_;
    kx_ = kx_ == cfg_.pool - 1 ? 0 : kx_ + 1;
  }
  return s;
}

}  // namespace fxsim::streaming
