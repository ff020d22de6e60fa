// The cycle-accurate model of stream_fifo (rtl/stream_fifo.sv): StreamFifoControl is its state
// machine without the data (how many words it holds, the output register's valid: all its
// handshakes depend on), StreamFifoModel adds the words, one edge() per rising clock edge;
// StreamFifoModule is the sc_module around it, with the RTL's ports as SystemC ports. The control
// keeps the occupancy statistics (count per cycle, the largest count) that a dataflow model uses
// to size its FIFOs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <systemc>
#include <vector>

#include "models/streaming/stream_data.hpp"
#include "models/units/stream_fifo/stream_fifo.hpp"

namespace fxsim::streaming {

struct FifoStats {
  std::uint64_t cycles = 0;         // edges out of reset
  std::uint64_t occupancy_sum = 0;  // sum of count() over those cycles (mean = sum / cycles)
  int max_count = 0;
};

class StreamFifoControl {
 public:
  explicit StreamFifoControl(const units::StreamFifoConfig& cfg);

  void reset();
  bool in_ready(bool out_ready) const;
  bool out_valid(bool in_valid) const { return depth_ == 0 ? in_valid : valid_; }
  int count() const { return held_ + (depth_ >= 1 && valid_ ? 1 : 0); }
  // What an edge does to the words: `write` stores the input beat (DEPTH 1: into the output
  // register), `read` moves the oldest stored word into the output register (DEPTH >= 2).
  struct Step {
    bool write = false, read = false;
  };
  Step edge(bool in_valid, bool out_ready);

  const FifoStats& stats() const { return stats_; }
  FifoStats& stats() { return stats_; }
  // The state that decides every later handshake (not the statistics, nor what only places or
  // selects data), for a timing model that detects a repeating state.
  void append_state(std::vector<std::int64_t>* out) const;

 private:
  bool read_enable(bool out_ready) const { return held_ > 0 && (!valid_ || out_ready); }

  int depth_, words_;
  int held_ = 0;        // DEPTH >= 2: words in the memory (at most DEPTH - 1)
  bool valid_ = false;  // the output register
  FifoStats stats_;
};

class StreamFifoModel {
 public:
  explicit StreamFifoModel(const units::StreamFifoConfig& cfg);

  void reset();  // a rising edge with rst_n low
  // The outputs in the current cycle, from the state and this cycle's inputs (DEPTH 0 passes
  // them through; in_ready depends on out_ready for DEPTH >= 1, as in the RTL).
  bool in_ready(bool out_ready) const;
  bool out_valid(bool in_valid) const;
  const StreamData& out_data(const StreamData& in_data) const;
  int count() const;  // the `count` port: beats held (DEPTH 0: 0)
  // A rising edge out of reset with these inputs.
  void edge(bool in_valid, const StreamData& in_data, bool out_ready);

  const FifoStats& stats() const { return control_.stats(); }
  const units::StreamFifoConfig& config() const { return cfg_; }

 private:
  units::StreamFifoConfig cfg_;
  StreamFifoControl control_;
  std::deque<StreamData> memory_;  // DEPTH >= 2: at most DEPTH - 1 words
  StreamData data_;                // the output register's word
};

class StreamFifoModule : public sc_core::sc_module, public StreamPorts {
 public:
  sc_core::sc_out<int> count;

  StreamFifoModule(const sc_core::sc_module_name& name, const units::StreamFifoConfig& cfg);
  const StreamFifoModel& model() const { return model_; }

 private:
  void on_clock();  // the rising edge
  void drive();     // the outputs, whenever an input or the state changes

  StreamFifoModel model_;
  sc_core::sc_event state_changed_;
};

// Inline: the fast timing model (models/network/network_timing.hpp) steps these on every edge.

inline bool StreamFifoControl::in_ready(bool out_ready) const {
  switch (depth_) {
    case 0:
      return out_ready;
    case 1:
      return !valid_ || out_ready;
    default:  // a full memory takes a word only while one leaves it
      return held_ != words_ || read_enable(out_ready);
  }
}

inline StreamFifoControl::Step StreamFifoControl::edge(bool in_valid, bool out_ready) {
  const int n = count();
  ++stats_.cycles;
  stats_.occupancy_sum += static_cast<std::uint64_t>(n);
  stats_.max_count = std::max(stats_.max_count, n);
  Step s;
  if (depth_ == 0) return s;
  const bool ready = in_ready(out_ready);
  s.write = in_valid && ready;
  if (depth_ == 1) {
    if (ready) valid_ = in_valid;
    return s;
  }
  // The output register takes the oldest word (read-old-data when the same edge writes its
  // slot), then the new word enters the memory.
  s.read = read_enable(out_ready);
  if (s.read) {
    --held_;
    valid_ = true;
  } else if (out_ready) {
    valid_ = false;
  }
  if (s.write) ++held_;
  return s;
}

}  // namespace fxsim::streaming
