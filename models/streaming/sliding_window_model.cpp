#include "models/streaming/sliding_window_model.hpp"

#include <algorithm>

namespace fxsim::streaming {

SlidingWindowCore::SlidingWindowCore(const units::SlidingWindowConfig& cfg)
    : cfg_(cfg),
      cb_(cfg.beats_per_pixel()),
      ho_(cfg.out_h()),
      wo_(cfg.out_w()),
      rows_(cfg.rows()),
      wb_(cfg.w * cfg.beats_per_pixel()),
      kb_(cfg.k * cfg.beats_per_pixel()),
      depth_(cfg.depth()),
      mem_(static_cast<std::size_t>(cfg.depth()), units::Beat(static_cast<std::size_t>(cfg.simd))),
      out_data_(static_cast<std::size_t>(cfg.simd), 0) {
  reset();
}

void SlidingWindowCore::reset() {
  wr_addr_ = wr_off_ = wr_row_ = ahead_ = 0;
  oy_ = ox_ = ky_ = bo_ = 0;
  wy_ = iy_ = -cfg_.pad;
  wx_ = -cfg_.pad * cb_;
  // The slot of row -PAD: rows are numbered on from image to image, slot = row mod R.
  top_base_ = row_base_ = ((rows_ - cfg_.pad % rows_) % rows_) * wb_;
  out_valid_ = false;
}

bool SlidingWindowCore::in_ready() const {
  const int rel = std::max(wy_, 0);  // rows below the reader's first window row are free
  if (ahead_ < 0) return true;
  if (ahead_ == 0) return wr_row_ < rel + rows_;
  return wr_row_ + cfg_.h < rel + rows_;
}

bool SlidingWindowCore::pad() const {
  return iy_ < 0 || iy_ >= cfg_.h || offset() < 0 || offset() >= wb_;
}

bool SlidingWindowCore::written() const {
  if (ahead_ > 0) return true;
  if (ahead_ < 0) return false;
  return iy_ < wr_row_ || (iy_ == wr_row_ && offset() < wr_off_);
}

void SlidingWindowCore::step_reader() {
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

void SlidingWindowCore::edge(bool in_valid, const units::Beat& in_data, bool out_ready) {
  // Everything below reads the state before the edge, as the RTL's nonblocking assignments do.
  const bool wr_fire = in_valid && in_ready();
  const bool can_read = pad() || written();
  const bool advance = !out_valid_ || out_ready;
  const bool issue = advance && can_read;
  const bool rd_image_end =
      issue && bo_ == kb_ - 1 && ky_ == cfg_.k - 1 && ox_ == wo_ - 1 && oy_ == ho_ - 1;
  const bool wr_image_end = wr_fire && wr_off_ == wb_ - 1 && wr_row_ == cfg_.h - 1;

  if (issue) {  // the synchronous read sees the memory before this edge's write
    out_data_ = pad() ? units::Beat(static_cast<std::size_t>(cfg_.simd), 0)
                      : mem_[static_cast<std::size_t>(row_base_ + offset())];
  }
  if (advance) out_valid_ = can_read;
  if (issue) step_reader();

  if (wr_fire) {
    mem_[static_cast<std::size_t>(wr_addr_)] = in_data;
    wr_addr_ = wr_addr_ == depth_ - 1 ? 0 : wr_addr_ + 1;
    if (wr_off_ == wb_ - 1) {
      wr_off_ = 0;
      wr_row_ = wr_row_ == cfg_.h - 1 ? 0 : wr_row_ + 1;
    } else {
      ++wr_off_;
    }
  }
  ahead_ += (wr_image_end ? 1 : 0) - (rd_image_end ? 1 : 0);
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
