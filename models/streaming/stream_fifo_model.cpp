#include "models/streaming/stream_fifo_model.hpp"

#include <algorithm>

namespace fxsim::streaming {

StreamFifoControl::StreamFifoControl(const units::StreamFifoConfig& cfg)
    : depth_(cfg.depth), words_(cfg.memory_words()) {
  reset();
}

void StreamFifoControl::reset() {
  held_ = 0;
  valid_ = false;
  stats_ = FifoStats{};
}

void StreamFifoControl::append_state(std::vector<std::int64_t>* out) const {
  out->push_back(held_);
  out->push_back(valid_ ? 1 : 0);
}

StreamFifoModel::StreamFifoModel(const units::StreamFifoConfig& cfg) : cfg_(cfg), control_(cfg) {
  reset();
}

void StreamFifoModel::reset() {
  control_.reset();
  memory_.clear();
}

bool StreamFifoModel::in_ready(bool out_ready) const { return control_.in_ready(out_ready); }

bool StreamFifoModel::out_valid(bool in_valid) const { return control_.out_valid(in_valid); }

const StreamData& StreamFifoModel::out_data(const StreamData& in_data) const {
  return cfg_.depth == 0 ? in_data : data_;
}

int StreamFifoModel::count() const { return control_.count(); }

void StreamFifoModel::edge(bool in_valid, const StreamData& in_data, bool out_ready) {
  const StreamFifoControl::Step s = control_.edge(in_valid, out_ready);
  if (cfg_.depth == 1) {
    if (s.write) data_ = in_data;
    return;
  }
  if (s.read) {
    data_ = std::move(memory_.front());
    memory_.pop_front();
  }
  if (s.write) memory_.push_back(in_data);
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
