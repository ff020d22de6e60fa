// The sliding-window generator (rtl/sliding_window.sv) as a cycle-accurate model:
// SlidingWindowControl is the RTL's state machine without the data (the writer's and the reader's
// counters, the output register's valid), SlidingWindowCore adds the line buffer and the output
// word, one call per rising clock edge, so that the cycle of every handshake equals the RTL's
// under any stall pattern; SlidingWindowModule wraps it in an
// sc_module with the RTL's ports (the co-simulation tests of testbenches/rtl/ run it
// under sc_start next to the Verilated RTL). docs/rtl_units.md describes the unit.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <systemc>
#include <vector>

#include "models/streaming/stream_data.hpp"
#include "models/units/sliding_window/sliding_window.hpp"

namespace fxsim::streaming {

class SlidingWindowControl {
 public:
  explicit SlidingWindowControl(const units::SlidingWindowConfig& cfg);

  void reset();  // the state after a cycle with rst_n low
  // The outputs of the current cycle: functions of the state only (valid never depends on ready).
  bool in_ready() const;
  bool out_valid() const { return out_valid_; }
  // What an edge does to the line buffer: `issue` loads the output register with a padding zero
  // (`pad`) or the word at `read_addr` (read before this edge's write), `write` stores the input
  // beat at `write_addr`.
  struct Step {
    bool issue = false, pad = false, write = false;
    int read_addr = 0, write_addr = 0;
  };
  Step edge(bool in_valid, bool out_ready);
  void append_state(std::vector<std::int64_t>* out) const;  // as StreamFifoControl's

 private:
  bool pad() const;
  bool written() const;
  int offset() const { return wx_ + bo_; }  // beat offset of the current beat in its row
  int add_wrap(int a, int step) const { return a + step >= depth_ ? a + step - depth_ : a + step; }
  void step_reader();

  units::SlidingWindowConfig cfg_;
  int cb_, ho_, wo_, rows_, wb_, kb_, depth_;
  // writer: address, beat in its row, row; ahead_ = writer's image - reader's image (-1, 0, 1)
  int wr_addr_ = 0, wr_off_ = 0, wr_row_ = 0, ahead_ = 0;
  // reader: output pixel, window row, beat in the window row, first window row and current row,
  // (ox * STRIDE - PAD) * CB, addresses of the slots of rows wy_ and iy_
  int oy_ = 0, ox_ = 0, ky_ = 0, bo_ = 0, wy_ = 0, iy_ = 0, wx_ = 0, top_base_ = 0, row_base_ = 0;
  bool out_valid_ = false;
};

class SlidingWindowCore {
 public:
  explicit SlidingWindowCore(const units::SlidingWindowConfig& cfg);

  void reset();  // the state after a cycle with rst_n low
  bool in_ready() const { return control_.in_ready(); }
  bool out_valid() const { return control_.out_valid(); }
  const units::Beat& out_data() const { return out_data_; }
  // One rising edge with rst_n high and these inputs.
  void edge(bool in_valid, const units::Beat& in_data, bool out_ready);

  const units::SlidingWindowConfig& config() const { return cfg_; }

 private:
  units::SlidingWindowConfig cfg_;
  SlidingWindowControl control_;
  std::vector<units::Beat> mem_;
  units::Beat out_data_;
};

class SlidingWindowModule : public sc_core::sc_module, public StreamPorts {
 public:
  SlidingWindowModule(const sc_core::sc_module_name& name, const units::SlidingWindowConfig& cfg);
  SC_HAS_PROCESS(SlidingWindowModule);

  const SlidingWindowCore& core() const { return core_; }

 private:
  void on_clock();
  void write_outputs();
  SlidingWindowCore core_;
  sc_core::sc_event edge_done_;
};

}  // namespace fxsim::streaming
