#include "models/streaming/sliding_window_model.hpp"

#include <algorithm>

namespace fxsim::streaming {

SlidingWindowControl::SlidingWindowControl(const units::SlidingWindowConfig& cfg)
    : cfg_(cfg),
      cb_(cfg.beats_per_pixel()),
      ho_(cfg.out_h()),
      wo_(cfg.out_w()),
      rows_(cfg.rows()),
      wb_(cfg.w * cfg.beats_per_pixel()),
      kb_(cfg.k * cfg.beats_per_pixel()),
      depth_(cfg.depth()) {
  reset();
}

void SlidingWindowControl::reset() {
  wr_addr_ = wr_off_ = wr_row_ = ahead_ = 0;
  oy_ = ox_ = ky_ = bo_ = 0;
  wy_ = iy_ = -cfg_.pad;
  wx_ = -cfg_.pad * cb_;
  // The slot of row -PAD: rows are numbered on from image to image, slot = row mod R.
  top_base_ = row_base_ = ((rows_ - cfg_.pad % rows_) % rows_) * wb_;
  out_valid_ = false;
}

void SlidingWindowControl::append_state(std::vector<std::int64_t>* out) const {
  // Not the line buffer's addresses (wr_addr_, top_base_, row_base_): they place the data and
  // decide no handshake, and they rotate through the buffer from image to image.
  for (const int v :
       {wr_off_, wr_row_, ahead_, oy_, ox_, ky_, bo_, wy_, iy_, wx_, out_valid_ ? 1 : 0}) {
    out->push_back(v);
  }
}

SlidingWindowCore::SlidingWindowCore(const units::SlidingWindowConfig& cfg)
    : cfg_(cfg),
      control_(cfg),
      mem_(static_cast<std::size_t>(cfg.depth()), units::Beat(static_cast<std::size_t>(cfg.simd))),
      out_data_(static_cast<std::size_t>(cfg.simd), 0) {}

void SlidingWindowCore::reset() { control_.reset(); }

void SlidingWindowCore::edge(bool in_valid, const units::Beat& in_data, bool out_ready) {
  const SlidingWindowControl::Step s = control_.edge(in_valid, out_ready);
  if (s.issue) {  // the synchronous read sees the memory before this edge's write
    if (s.pad) {
      std::fill(out_data_.begin(), out_data_.end(), 0);
    } else {
      out_data_ = mem_[static_cast<std::size_t>(s.read_addr)];
    }
  }
  if (s.write) mem_[static_cast<std::size_t>(s.write_addr)] = in_data;
}

SlidingWindowModule::SlidingWindowModule(const sc_core::sc_module_name& name,
                                         const units::SlidingWindowConfig& cfg)
    : sc_core::sc_module(name), core_(cfg) {
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
  SC_METHOD(write_outputs);  // the one writer of the outputs: at the start and after each edge
  sensitive << edge_done_;
}

void SlidingWindowModule::on_clock() {
  if (!rst_n.read()) {
    core_.reset();
  } else {
    core_.edge(in_valid.read(), in_data.read().values, out_ready.read());
  }
  edge_done_.notify();
}

void SlidingWindowModule::write_outputs() {
  in_ready.write(core_.in_ready());
  out_valid.write(core_.out_valid());
  out_data.write(StreamData{core_.out_data()});
}

}  // namespace fxsim::streaming
