// The two ends of a streaming network (docs/network.md, "DMA"), cycle-accurate and shared by the
// SystemC model and the stitched-RTL driver, so both see the same beat arrive in the same cycle:
//
// InputDmaModel reads the input beats from memory: idle for `start_latency` cycles after reset,
// then `bytes` bytes every `cycles` cycles (an exact rational rate, accumulated as credit) into a
// buffer of `buffer_beats` beats; a beat of B bytes is fetched once B bytes of credit have built
// up. While the buffer is full the bus idles (no credit accrues). out_valid is "the buffer holds
// a beat" (a register: a beat fetched on edge t can leave on edge t + 1).
//
// OutputSinkModel takes the result beats: out_ready is false in a cycle with probability
// `stall`, drawn once every cycle from std::mt19937_64 with our own mapping of its words (not
// std::*_distribution), so the pattern depends on the seed only.
//
// Each is a control (InputDmaControl, OutputSinkControl: the timing, which beat moves on which
// edge) plus the beats it moves; a timing model uses the controls alone.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "models/streaming/feature_map_stream.hpp"

namespace fxsim::streaming {

struct InputDmaConfig {
  int beat_bytes = 1;       // bytes of one stream beat (its bits rounded up to bytes)
  std::int64_t bytes = 8;   // sustained bandwidth: `bytes` bytes ...
  std::int64_t cycles = 1;  // ... every `cycles` cycles
  int start_latency = 0;    // cycles after reset before the first byte
  int buffer_beats = 16;
};

class InputDmaControl {
 public:
  InputDmaControl(const InputDmaConfig& cfg, std::size_t beats);

  void reset();
  bool out_valid() const { return held_ > 0; }
  // A rising edge out of reset: the beat on the stream leaves if out_ready, then the bus fetches.
  void edge(bool out_ready);

  bool done() const { return sent_ == beats_; }
  std::size_t sent() const { return sent_; }
  std::size_t fetched() const { return fetched_; }
  std::size_t beats() const { return beats_; }
  std::uint64_t cycles() const { return cycle_; }
  // Edges on which the buffer was full and the bus could not fetch (the network too slow for
  // the bus), and on which it was empty while beats were left (the bus too slow).
  std::uint64_t full_cycles() const { return full_; }
  std::uint64_t empty_cycles() const { return empty_; }

  // The state that decides its later handshakes as long as beats are left to fetch (the
  // counters of beats and cycles excluded), for a timing model that detects a repeating state;
  // skip() moves it over `cycles` edges that repeat an earlier stretch which sent and fetched
  // `beats` beats and counted `full` / `empty` cycles.
  void append_state(std::vector<std::int64_t>* out) const;
  void skip(std::uint64_t cycles, std::size_t beats, std::uint64_t full, std::uint64_t empty);

 private:
  InputDmaConfig cfg_;
  std::size_t beats_;
  std::size_t sent_ = 0, fetched_ = 0;
  int held_ = 0;             // fetched, not sent
  std::int64_t credit_ = 0;  // in bytes x cycles units: + bytes each cycle, a beat costs
                             // beat_bytes x cycles
  std::uint64_t cycle_ = 0, full_ = 0, empty_ = 0;
};

class InputDmaModel {
 public:
  InputDmaModel(const InputDmaConfig& cfg, std::vector<Lanes> beats);

  void reset() { control_.reset(); }
  bool out_valid() const { return control_.out_valid(); }
  const Lanes& out_data() const { return beats_[control_.sent()]; }  // while out_valid
  void edge(bool out_ready) { control_.edge(out_ready); }

  bool done() const { return control_.done(); }
  std::size_t sent() const { return control_.sent(); }
  std::uint64_t cycles() const { return control_.cycles(); }
  std::uint64_t full_cycles() const { return control_.full_cycles(); }
  std::uint64_t empty_cycles() const { return control_.empty_cycles(); }

 private:
  InputDmaControl control_;
  std::vector<Lanes> beats_;
};

class OutputSinkControl {
 public:
  OutputSinkControl(double stall, std::uint64_t seed);

  void reset();
  bool out_ready() const { return ready_; }       // this cycle's ready
  bool stalls() const { return threshold_ > 0; }  // false: ready on every cycle
  // A rising edge: takes the beat (returns true) if in_valid && out_ready, then draws the next
  // cycle's ready.
  bool edge(bool in_valid);

  std::uint64_t cycles() const { return cycle_; }
  // The edge (counted from the first edge out of reset, 1-based) of each received beat.
  const std::vector<std::uint64_t>& arrival() const { return arrival_; }
  // Without stalls: `cycles` edges that repeat the stretch of `period` edges before them, which
  // took the beats of arrival() from `first` on (each again every `period` edges).
  void skip(std::uint64_t cycles, std::uint64_t period, std::size_t first);

 private:
  bool draw();

  double stall_;
  std::uint64_t seed_;
  std::mt19937_64 rng_;
  std::uint64_t threshold_ = 0;  // ready when the 53-bit draw is >= threshold
  bool ready_ = true;
  std::vector<std::uint64_t> arrival_;
  std::uint64_t cycle_ = 0;
};

class OutputSinkModel {
 public:
  OutputSinkModel(double stall, std::uint64_t seed) : control_(stall, seed) {}

  void reset() {
    control_.reset();
    received_.clear();
  }
  bool out_ready() const { return control_.out_ready(); }
  void edge(bool in_valid, const Lanes& data) {
    if (control_.edge(in_valid)) received_.push_back(data);
  }

  const std::vector<Lanes>& received() const { return received_; }
  std::uint64_t cycles() const { return control_.cycles(); }
  const std::vector<std::uint64_t>& arrival() const { return control_.arrival(); }

 private:
  OutputSinkControl control_;
  std::vector<Lanes> received_;
};

}  // namespace fxsim::streaming
