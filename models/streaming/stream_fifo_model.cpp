#include "models/streaming/stream_fifo_model.hpp"

#include <algorithm>

namespace fxsim::streaming {

StreamFifoModel::StreamFifoModel(const units::StreamFifoConfig& cfg) : cfg_(cfg) { reset(); }

void StreamFifoModel::reset() {
  memory_.clear();
  valid_ = false;
  stats_ = FifoStats{};
}

bool StreamFifoModel::read_enable(bool out_ready) const {
  return !memory_.empty() && (!valid_ || out_ready);
}

bool StreamFifoModel::in_ready(bool out_ready) const {
  switch (cfg_.depth) {
    case 0:
      return out_ready;
    case 1:
      return !valid_ || out_ready;
    default:  // a full memory takes a word only while one leaves it
      return static_cast<int>(memory_.size()) != cfg_.memory_words() || read_enable(out_ready);
  }
}

bool StreamFifoModel::out_valid(bool in_valid) const { return cfg_.depth == 0 ? in_valid : valid_; }

const StreamData& StreamFifoModel::out_data(const StreamData& in_data) const {
  return cfg_.depth == 0 ? in_data : data_;
}

int StreamFifoModel::count() const {
  return static_cast<int>(memory_.size()) + (cfg_.depth >= 1 && valid_ ? 1 : 0);
}

void StreamFifoModel::edge(bool in_valid, const StreamData& in_data, bool out_ready) {
  ++stats_.cycles;
  stats_.occupancy_sum += static_cast<std::uint64_t>(count());
  stats_.max_count = std::max(stats_.max_count, count());
  if (cfg_.depth == 0) return;
  const bool write = in_valid && in_ready(out_ready);
  if (cfg_.depth == 1) {
    if (in_ready(out_ready)) valid_ = in_valid;
    if (write) data_ = in_data;
    return;
  }
  // The output register takes the oldest word (read-old-data when the same edge writes its
  // slot), then the new word enters the memory.
  if (read_enable(out_ready)) {
    data_ = memory_.front();
    memory_.pop_front();
    valid_ = true;
  } else if (out_ready) {
    valid_ = false;
  }
  if (write) memory_.push_back(in_data);
}

StreamFifoModule::StreamFifoModule(const sc_core::sc_module_name& name,
                                   const units::StreamFifoConfig& cfg)
    : sc_core::sc_module(name), model_(cfg) {
  SC_HAS_PROCESS(StreamFifoModule);
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
  SC_METHOD(drive);
  sensitive << in_valid << in_data << out_ready << state_changed_;
}

void StreamFifoModule::on_clock() {
  if (!rst_n.read()) {
    model_.reset();
  } else {
    model_.edge(in_valid.read(), in_data.read(), out_ready.read());
  }
  state_changed_.notify(sc_core::SC_ZERO_TIME);
}

void StreamFifoModule::drive() {
  in_ready.write(model_.in_ready(out_ready.read()));
  out_valid.write(model_.out_valid(in_valid.read()));
  out_data.write(model_.out_data(in_data.read()));
  count.write(model_.count());
}

}  // namespace fxsim::streaming
