// The sliding-window generator (rtl/sliding_window.sv) as a cycle-accurate model:
// SlidingWindowControl is the RTL's state machine without the data (the writer's and the reader's
// counters, the output register's valid), SlidingWindowCore adds the line buffer and the output
// word, one call per rising clock edge, so that the cycle of every handshake equals the RTL's
// under any stall pattern; SlidingWindowModule wraps it in an
// sc_module with the RTL's ports (the co-simulation tests of testbenches/rtl/ run it
// under sc_start next to the Verilated RTL). docs/rtl_units.md describes the unit.
#pragma once

#include <algorithm>
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

// Inline: the fast timing model (models/network/network_timing.hpp) steps these on every edge.

inline bool SlidingWindowControl::in_ready() const {
  const int rel = std::max(wy_, 0);  // rows below the reader's first window row are free
  if (ahead_ < 0) return true;
  if (ahead_ == 0) return wr_row_ < rel + rows_;
  return wr_row_ + cfg_.h < rel + rows_;
}

inline bool SlidingWindowControl::pad() const {
  return iy_ < 0 || iy_ >= cfg_.h || offset() < 0 || offset() >= wb_;
}

inline bool SlidingWindowControl::written() const {
  if (ahead_ > 0) return true;
  if (ahead_ < 0) return false;
  return iy_ < wr_row_ || (iy_ == wr_row_ && offset() < wr_off_);
}

inline void SlidingWindowControl::step_reader() {
  if (bo_ != kb_ - 1) {
    ++bo_;
    return;
  }
  bo_ = 0;
  if (ky_ != cfg_.k - 1) {  // next row of the window
    ++ky_;
    ++iy_;
    row_base_ = add_wrap(row_base_, wb_);
    return;
  }
  ky_ = 0;
  if (ox_ != wo_ - 1) {  // next window of the output row
    ++ox_;
    wx_ += cfg_.stride * cb_;
    iy_ = wy_;
    row_base_ = top_base_;
    return;
  }
  ox_ = 0;
  wx_ = -cfg_.pad * cb_;
  if (oy_ != ho_ - 1) {  // next output row
    ++oy_;
    wy_ += cfg_.stride;
    top_base_ = add_wrap(top_base_, (cfg_.stride % rows_) * wb_);
  } else {  // next image: its row -PAD follows the last window's first row by H - (HO-1)*STRIDE
    oy_ = 0;
    wy_ = -cfg_.pad;
    top_base_ = add_wrap(top_base_, ((cfg_.h - (ho_ - 1) * cfg_.stride) % rows_) * wb_);
  }
  iy_ = wy_;
  row_base_ = top_base_;
}

inline SlidingWindowControl::Step SlidingWindowControl::edge(bool in_valid, bool out_ready) {
  // Everything below reads the state before the edge, as the RTL's nonblocking assignments do.
  Step s;
  s.write = in_valid && in_ready();
  s.write_addr = wr_addr_;
  const bool can_read = pad() || written();
  const bool advance = !out_valid_ || out_ready;
  s.issue = advance && can_read;
  s.pad = pad();
  s.read_addr = row_base_ + offset();
  const bool rd_image_end =
      s.issue && bo_ == kb_ - 1 && ky_ == cfg_.k - 1 && ox_ == wo_ - 1 && oy_ == ho_ - 1;
  const bool wr_image_end = s.write && wr_off_ == wb_ - 1 && wr_row_ == cfg_.h - 1;

  if (advance) out_valid_ = can_read;
  if (s.issue) step_reader();

  if (s.write) {
    wr_addr_ = wr_addr_ == depth_ - 1 ? 0 : wr_addr_ + 1;
    if (wr_off_ == wb_ - 1) {
      wr_off_ = 0;
      wr_row_ = wr_row_ == cfg_.h - 1 ? 0 : wr_row_ + 1;
    } else {
      ++wr_off_;
    }
  }
  ahead_ += (wr_image_end ? 1 : 0) - (rd_image_end ? 1 : 0);
  return s;
}

}  // namespace fxsim::streaming
