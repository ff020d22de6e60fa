#include "models/streaming/max_pool_model.hpp"

#include <algorithm>

namespace fxsim::streaming {

MaxPoolControl::MaxPoolControl(const units::MaxPoolConfig& cfg)
    : cfg_(cfg),
      keep_w_(cfg.out_w() * cfg.pool),
      keep_h_(cfg.out_h() * cfg.pool),
      cbs_(cfg.beats_per_pixel()) {
  reset();
}

void MaxPoolControl::reset() {
  cb_ = kx_ = ky_ = x_ = y_ = base_ = 0;
  valid_ = false;
}

void MaxPoolControl::append_state(std::vector<std::int64_t>* out) const {
  // Not base_: the row word of the partial maxima places data and decides no handshake.
  for (const int v : {cb_, kx_, ky_, x_, y_, valid_ ? 1 : 0}) out->push_back(v);
}

MaxPoolModel::MaxPoolModel(const units::MaxPoolConfig& cfg) : cfg_(cfg), control_(cfg) { reset(); }

void MaxPoolModel::reset() {
  control_.reset();
  row_.assign(static_cast<std::size_t>(std::max(cfg_.row_words(), 1)),
              Lanes(static_cast<std::size_t>(cfg_.simd), 0));
  out_.assign(static_cast<std::size_t>(cfg_.simd), 0);
}

void MaxPoolModel::edge(bool in_valid, const Lanes& in, bool out_ready) {
  const MaxPoolControl::Step s = control_.edge(in_valid, out_ready);
  if (!s.fire || !s.keep) return;
  Lanes& partial = row_.at(static_cast<std::size_t>(s.word));
  Lanes best = in;
  if (!s.first) {
    for (int i = 0; i < cfg_.simd; ++i) {
      best[static_cast<std::size_t>(i)] =
          std::max(best[static_cast<std::size_t>(i)], partial[static_cast<std::size_t>(i)]);
    }
  }
  if (s.last) {
    // The zero-lane rule: the channels beyond C of a pixel's last beat leave as zero.
    for (int i = 0; i < cfg_.simd; ++i) {
      if (s.cb * cfg_.simd + i >= cfg_.c) best[static_cast<std::size_t>(i)] = 0;
    }
    out_ = best;
  } else {
    partial = best;
  }
}

std::uint64_t MaxPoolModel::stall_free_cycles(const units::MaxPoolConfig& cfg) {
  // Beat i is accepted at edge i. The last window closes with beat L, the last channel beat of
  // input pixel (HOUT * POOL - 1, WOUT * POOL - 1); its result leaves kMaxPoolLatency edges
  // later. The dropped rows and columns after it still take a cycle per beat.
  const std::uint64_t cb = static_cast<std::uint64_t>(cfg.beats_per_pixel());
  const std::uint64_t last_pixel =
      static_cast<std::uint64_t>(cfg.out_h() * cfg.pool - 1) * static_cast<std::uint64_t>(cfg.w) +
      static_cast<std::uint64_t>(cfg.out_w() * cfg.pool - 1);
  const std::uint64_t last_beat = last_pixel * cb + cb - 1;
  const std::uint64_t beats = static_cast<std::uint64_t>(cfg.h) * cfg.w * cb;
  return std::max(beats, last_beat + 1 + static_cast<std::uint64_t>(units::kMaxPoolLatency));
}

MaxPoolModule::MaxPoolModule(const sc_core::sc_module_name& name, const units::MaxPoolConfig& cfg)
    : sc_core::sc_module(name), model_(cfg) {
  SC_HAS_PROCESS(MaxPoolModule);
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
  SC_METHOD(drive);
  sensitive << out_ready << state_changed_;
}

void MaxPoolModule::on_clock() {
  if (!rst_n.read()) {
    model_.reset();
  } else {
    model_.edge(in_valid.read(), in_data.read().values, out_ready.read());
  }
  state_changed_.notify(sc_core::SC_ZERO_TIME);
}

void MaxPoolModule::drive() {
  in_ready.write(model_.in_ready(out_ready.read()));
  out_valid.write(model_.out_valid());
  out_data.write(StreamData{model_.out_data()});
}

}  // namespace fxsim::streaming
