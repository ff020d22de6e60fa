// What every model of a network reports per block (docs/network.md, "Activity"), from the block's
// input and output handshakes only, so that the same numbers come from any implementation of the
// block: the per-edge SystemC model, the fast timing model, or (at the network's two ends) the
// stitched RTL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fxsim::network {

// What a block did on each cycle out of reset:
//   output_stall: out_valid && !out_ready (a result waits for the next block);
//   input_stall:  otherwise, in_ready && !in_valid (the block waits for data, including before
//                 the first beat and after the last);
//   busy:         every other cycle (moving beats, or computing with its input closed).
struct BlockActivity {
  std::string name;
  std::uint64_t busy = 0, input_stall = 0, output_stall = 0;
  std::uint64_t beats_in = 0, beats_out = 0;
  int fifo_max = 0;  // the largest occupancy of the FIFO in front of the block
};

// The state of a block on one edge, by the rules above.
enum class ActivityState { BUSY = 0, INPUT_STALL = 1, OUTPUT_STALL = 2 };
const char* to_string(ActivityState s);  // "busy", "input_stall", "output_stall"

inline ActivityState activity_state(bool in_valid, bool in_ready, bool out_valid, bool out_ready) {
  if (out_valid && !out_ready) return ActivityState::OUTPUT_STALL;
  if (in_ready && !in_valid) return ActivityState::INPUT_STALL;
  return ActivityState::BUSY;
}

// One edge of a block counted into its activity.
inline ActivityState count_edge(bool in_valid, bool in_ready, bool out_valid, bool out_ready,
                                BlockActivity* a) {
  a->beats_in += in_valid && in_ready ? 1 : 0;
  a->beats_out += out_valid && out_ready ? 1 : 0;
  const ActivityState s = activity_state(in_valid, in_ready, out_valid, out_ready);
  switch (s) {
    case ActivityState::OUTPUT_STALL:
      ++a->output_stall;
      break;
    case ActivityState::INPUT_STALL:
      ++a->input_stall;
      break;
    case ActivityState::BUSY:
      ++a->busy;
      break;
  }
  return s;
}

// The error of a run whose results did not all arrive within max_cycles (a deadlock, or a bound
// set too low): how many result beats arrived, and each block's beats in and out.
std::string incomplete_run_message(std::size_t results, std::uint64_t max_cycles,
                                   const std::vector<BlockActivity>& blocks);

// One stretch of cycles a block spent in one state, for traces.
struct ActivitySegment {
  int block = 0;
  ActivityState state = ActivityState::BUSY;
  std::uint64_t first = 0, last = 0;  // edges, inclusive (1 = the first edge out of reset)
};

}  // namespace fxsim::network
