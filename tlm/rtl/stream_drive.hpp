// Drives one valid/ready stream device edge by edge (a stitched Verilated top, or a chain of cycle
// models): a source offers a list of input beats, a sink takes the output beats, each with a
// pattern that says in which cycles it is willing. An offered beat is held until accepted
// (valid never drops, nor depends on ready); the sink's ready is drawn every cycle. Written once
// so that RTL and model runs see the very same handshake patterns (same seeds, same rules).
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>

namespace fxsim::tlm_rtl {

// When a source starts offering its next beat, or when a sink is ready.
class StreamPattern {
 public:
  // Every cycle.
  static StreamPattern always() { return StreamPattern(Kind::ALWAYS); }
  // In each cycle with probability p (a seeded std::mt19937_64: reproducible).
  static StreamPattern random(double p, std::uint64_t seed) {
    if (!(p > 0.0 && p <= 1.0)) {
      throw std::invalid_argument("stream pattern: probability " + std::to_string(p) +
                                  " is out of range, expected 0 < p <= 1");
    }
    StreamPattern s(Kind::RANDOM);
    s.p_ = std::bernoulli_distribution(p);
    s.rng_.seed(seed);
    return s;
  }
  // A bandwidth limit: at most `beats` transfers in each window of `period` cycles (cycles
  // [k * period, (k + 1) * period)), as a DMA of beats / period beats per cycle would deliver.
  static StreamPattern bandwidth(int beats, int period) {
    if (period < 1 || beats < 1 || beats > period) {
      throw std::invalid_argument("stream pattern: bandwidth " + std::to_string(beats) + " / " +
                                  std::to_string(period) +
                                  " is out of range, expected 1 <= beats <= period");
    }
    StreamPattern s(Kind::BANDWIDTH);
    s.beats_ = beats;
    s.period_ = static_cast<std::uint64_t>(period);
    return s;
  }
  // Whatever fn(cycle) says.
  static StreamPattern callback(std::function<bool(std::uint64_t cycle)> fn) {
    StreamPattern s(Kind::CALLBACK);
    s.fn_ = std::move(fn);
    return s;
  }

  // Whether the source offers (the sink is ready) in `cycle`; called at most once per cycle.
  bool draw(std::uint64_t cycle) {
    switch (kind_) {
      case Kind::ALWAYS:
        return true;
      case Kind::RANDOM:
        return p_(rng_);
      case Kind::BANDWIDTH:
        if (cycle / period_ != window_) {
          window_ = cycle / period_;
          used_ = 0;
        }
        return used_ < beats_;
      case Kind::CALLBACK:
        return fn_(cycle);
    }
    return true;
  }
  // A beat moved in `cycle` (after draw of the same cycle).
  void transferred(std::uint64_t cycle) {
    if (kind_ != Kind::BANDWIDTH) return;
    if (cycle / period_ != window_) {
      window_ = cycle / period_;
      used_ = 0;
    }
    ++used_;
  }

 private:
  enum class Kind { ALWAYS, RANDOM, BANDWIDTH, CALLBACK };
  explicit StreamPattern(Kind k) : kind_(k) {}
  Kind kind_;
  std::bernoulli_distribution p_;
  std::mt19937_64 rng_;
  int beats_ = 1, used_ = 0;
  std::uint64_t period_ = 1, window_ = 0;
  std::function<bool(std::uint64_t)> fn_;
};

// The handshake of one cycle, as settled before its rising edge.
struct EdgeInfo {
  std::uint64_t cycle = 0;  // 0 is the first edge after reset
  bool in_valid = false, in_ready = false, out_valid = false, out_ready = false;
};
using EdgeCallback = std::function<void(const EdgeInfo&)>;

struct StreamRun {
  std::uint64_t cycles = 0;       // edges until every input was taken and every output given
  std::uint64_t last_output = 0;  // edges until (and with) the last output transfer
  std::size_t inputs_taken = 0, outputs = 0;
  std::size_t extra_outputs = 0;  // beats given after the expected `outputs`: a wrong device
  bool complete = false;          // every input taken and every output given within the cycle limit
};

// Runs `inputs` beats into `device` (reset first) until `outputs` beats came out and every input
// was taken, or `max_cycles` edges. Device: reset(); settle(in_valid, beat index, out_ready)
// (inputs applied, clock low, combinational outputs settled); in_ready(); out_valid(); collect()
// (keeps the current out_data as the next output); rise() (the rising edge).
template <typename Device>
StreamRun run_stream(Device& device, std::size_t inputs, std::size_t outputs, StreamPattern valid,
                     StreamPattern ready, const EdgeCallback& on_edge, std::uint64_t max_cycles) {
  StreamRun run;
  device.reset();
  bool pending = false;
  std::uint64_t cycle = 0;
  while ((run.outputs < outputs || run.inputs_taken < inputs) && cycle < max_cycles) {
    if (!pending && run.inputs_taken < inputs && valid.draw(cycle)) pending = true;
    const bool r = ready.draw(cycle);
    // While in_valid is low in_data still carries a beat of the list: it must be ignored.
    const std::size_t beat = run.inputs_taken < inputs ? run.inputs_taken : 0;
    device.settle(pending, beat, r);
    const EdgeInfo e{cycle, pending, device.in_ready(), device.out_valid(), r};
    if (e.out_valid && r && run.outputs == outputs) ++run.extra_outputs;
    if (e.out_valid && r && run.outputs < outputs) {
      device.collect();
      ++run.outputs;
      run.last_output = cycle + 1;
      ready.transferred(cycle);
    }
    if (pending && e.in_ready) {
      pending = false;
      ++run.inputs_taken;
      valid.transferred(cycle);
    }
    if (on_edge) on_edge(e);
    device.rise();
    ++cycle;
  }
  run.cycles = cycle;
  run.complete = run.outputs == outputs && run.inputs_taken == inputs && run.extra_outputs == 0;
  return run;
}

}  // namespace fxsim::tlm_rtl
