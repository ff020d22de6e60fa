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

bool SlidingWindowControl::in_ready() const {
  const int rel = std::max(wy_, 0);  // rows below the reader's first window row are free
  if (ahead_ < 0) return true;
  if (ahead_ == 0) return wr_row_ < rel + rows_;
  return wr_row_ + cfg_.h < rel + rows_;
}

bool SlidingWindowControl::pad() const {
  return iy_ < 0 || iy_ >= cfg_.h || offset() < 0 || offset() >= wb_;
}

bool SlidingWindowControl::written() const {
  if (ahead_ > 0) return true;
  if (ahead_ < 0) return false;
  return iy_ < wr_row_ || (iy_ == wr_row_ && offset() < wr_off_);
}

void SlidingWindowControl::step_reader() {
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

SlidingWindowControl::Step SlidingWindowControl::edge(bool in_valid, bool out_ready) {
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

void SlidingWindowControl::append_state(std::vector<std::int64_t>* out) const {
  for (const int v : {wr_addr_, wr_off_, wr_row_, ahead_, oy_, ox_, ky_, bo_, wy_, iy_, wx_,
                      top_base_, row_base_, out_valid_ ? 1 : 0}) {
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
