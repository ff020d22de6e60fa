#include "models/streaming/dma_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace fxsim::streaming {

InputDmaControl::InputDmaControl(const InputDmaConfig& cfg, std::size_t beats)
    : cfg_(cfg), beats_(beats) {
  reset();
}

void InputDmaControl::reset() {
  sent_ = fetched_ = 0;
  held_ = 0;
  credit_ = 0;
  cycle_ = full_ = empty_ = 0;
}

void InputDmaControl::edge(bool out_ready) {
  if (held_ > 0 && out_ready) {
    ++sent_;
    --held_;
  }
  const bool started = cycle_ >= static_cast<std::uint64_t>(cfg_.start_latency);
  ++cycle_;
  if (!started || fetched_ == beats_) return;
  if (held_ >= cfg_.buffer_beats) {
    ++full_;
    return;
  }
  if (held_ == 0) ++empty_;
  credit_ += cfg_.bytes;
  const std::int64_t cost = static_cast<std::int64_t>(cfg_.beat_bytes) * cfg_.cycles;
  while (credit_ >= cost && held_ < cfg_.buffer_beats && fetched_ < beats_) {
    credit_ -= cost;
    ++fetched_;
    ++held_;
  }
  // A full buffer idles the bus: what it delivered beyond the beat in flight is not banked.
  // This changes no fetch (the stream takes at most a beat an edge, so a bus of a beat an edge
  // or more refills the one free slot from any credit, and a slower one never holds a beat's
  // worth), but it keeps the state finite, so that a timing model can see it repeat.
  if (held_ == cfg_.buffer_beats) credit_ = std::min(credit_, cost - 1);
}

void InputDmaControl::append_state(std::vector<std::int64_t>* out) const {
  out->push_back(held_);
  out->push_back(credit_);
  out->push_back(static_cast<std::int64_t>(
      std::min<std::uint64_t>(cycle_, static_cast<std::uint64_t>(cfg_.start_latency))));
}

void InputDmaControl::skip(std::uint64_t cycles, std::size_t beats, std::uint64_t full,
                           std::uint64_t empty) {
  if (fetched_ + beats >= beats_) {
    throw std::logic_error("input DMA: a skip must leave beats to fetch");
  }
  cycle_ += cycles;
  sent_ += beats;
  fetched_ += beats;
  full_ += full;
  empty_ += empty;
}

InputDmaModel::InputDmaModel(const InputDmaConfig& cfg, std::vector<Lanes> beats)
    : control_(cfg, beats.size()), beats_(std::move(beats)) {}

OutputSinkControl::OutputSinkControl(double stall, std::uint64_t seed)
    : stall_(stall), seed_(seed) {
  // P(draw < threshold) = stall for a uniform 53-bit draw.
  threshold_ = static_cast<std::uint64_t>(std::ldexp(stall_, 53));
  reset();
}

bool OutputSinkControl::draw() { return (rng_() >> 11) >= threshold_; }

void OutputSinkControl::reset() {
  rng_.seed(seed_);
  arrival_.clear();
  cycle_ = 0;
  ready_ = draw();
}

bool OutputSinkControl::edge(bool in_valid) {
  ++cycle_;
  const bool take = in_valid && ready_;
  if (take) arrival_.push_back(cycle_);
  // Without stalls every draw is "ready": skip the generator (its state then matters to nothing).
  ready_ = threshold_ == 0 || draw();
  return take;
}

void OutputSinkControl::skip(std::uint64_t cycles, std::uint64_t period, std::size_t first) {
  if (stalls() || period == 0 || cycles % period != 0) {
    throw std::logic_error("output DMA: only whole periods of a stall-free sink can be skipped");
  }
  const std::size_t end = arrival_.size();
  for (std::uint64_t shift = period; shift <= cycles; shift += period) {
    for (std::size_t i = first; i < end; ++i) arrival_.push_back(arrival_[i] + shift);
  }
  cycle_ += cycles;
}

}  // namespace fxsim::streaming
