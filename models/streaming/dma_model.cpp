#include "models/streaming/dma_model.hpp"

#include <cmath>
#include <utility>

namespace fxsim::streaming {

InputDmaModel::InputDmaModel(const InputDmaConfig& cfg, std::vector<Lanes> beats)
    : cfg_(cfg), beats_(std::move(beats)) {
  reset();
}

void InputDmaModel::reset() {
  sent_ = fetched_ = 0;
  held_ = 0;
  credit_ = 0;
  cycle_ = full_ = empty_ = 0;
}

void InputDmaModel::edge(bool out_ready) {
  if (held_ > 0 && out_ready) {
    ++sent_;
    --held_;
  }
  const bool started = cycle_ >= static_cast<std::uint64_t>(cfg_.start_latency);
  ++cycle_;
  if (!started || fetched_ == beats_.size()) return;
  if (held_ >= cfg_.buffer_beats) {
    ++full_;
    return;
  }
  if (held_ == 0) ++empty_;
  credit_ += cfg_.bytes;
  const std::int64_t cost = static_cast<std::int64_t>(cfg_.beat_bytes) * cfg_.cycles;
  while (credit_ >= cost && held_ < cfg_.buffer_beats && fetched_ < beats_.size()) {
    credit_ -= cost;
    ++fetched_;
    ++held_;
  }
}

OutputSinkModel::OutputSinkModel(double stall, std::uint64_t seed) : stall_(stall), seed_(seed) {
  // P(draw < threshold) = stall for a uniform 53-bit draw.
  threshold_ = static_cast<std::uint64_t>(std::ldexp(stall_, 53));
  reset();
}

bool OutputSinkModel::draw() { return (rng_() >> 11) >= threshold_; }

void OutputSinkModel::reset() {
  rng_.seed(seed_);
  received_.clear();
  arrival_.clear();
  cycle_ = 0;
  ready_ = draw();
}

void OutputSinkModel::edge(bool in_valid, const Lanes& data) {
  ++cycle_;
  if (in_valid && ready_) {
    received_.push_back(data);
    arrival_.push_back(cycle_);
  }
  ready_ = draw();
}

}  // namespace fxsim::streaming
