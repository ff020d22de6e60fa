// The SystemC model of a streaming dataflow network (docs/network.md, "The SystemC model"): one
// sc_module per unit with its own clocked process, each the cycle-accurate model of its RTL
// (models/streaming/), connected by valid/ready/data signals exactly as the stitched RTL
// connects the units, so a stall anywhere propagates both ways through the same handshakes.
// The input DMA reads the images from a memory behind a TLM-2.0 target socket and streams them
// at the bus's sustained bandwidth; the output DMA writes the results through another socket,
// back-pressuring with a seeded pattern (models/streaming/dma_model.hpp).
//
// run_network_model elaborates and simulates in the current SystemC context: the caller gives
// each run a fresh one (testbenches/env/simulation_scope.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"
#include "models/streaming/dma_model.hpp"

namespace fxsim::network {

// What a block did on each cycle out of reset, from its input and output handshakes only (so the
// same numbers come from any implementation of the block):
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

// One stretch of cycles a block spent in one state (ActivityState), for traces.
enum class ActivityState { BUSY = 0, INPUT_STALL = 1, OUTPUT_STALL = 2 };
const char* to_string(ActivityState s);  // "busy", "input_stall", "output_stall"
struct ActivitySegment {
  int block = 0;
  ActivityState state = ActivityState::BUSY;
  std::uint64_t first = 0, last = 0;  // edges, inclusive (1 = the first edge out of reset)
};

struct NetworkRunResult {
  std::vector<std::int64_t> output;       // images x H x W x C raws of the last block's map
  std::uint64_t cycles = 0;               // edges out of reset until the last result beat is taken
  std::vector<std::uint64_t> image_done;  // the edge each image's last result beat is taken
  std::uint64_t latency() const { return image_done.empty() ? 0 : image_done.front(); }
  // Cycles between the last two images' results (the steady-state initiation interval; 0 with
  // one image).
  std::uint64_t interval() const {
    return image_done.size() < 2 ? 0 : image_done.back() - image_done[image_done.size() - 2];
  }
  std::vector<BlockActivity> blocks;
  std::uint64_t dma_full_cycles = 0, dma_empty_cycles = 0;
  std::uint64_t sink_stall_cycles = 0;  // the output DMA refused a waiting result
  // What limits the throughput: the block with the most busy cycles, or "input DMA" when the
  // input DMA's empty cycles (the bus slower than the network) exceed them, or "output DMA" when
  // the output DMA's refusals do.
  std::string bottleneck;
  // With NetworkModelOptions::activity: every block's states over time, block by block, in
  // order of their first edge.
  std::vector<ActivitySegment> activity;
  // With taps (NetworkModelOptions::taps, or the RTL backend's tapped top): per block, its output
  // map (images x H x W x C raws, as the block's output stream carried it) and, for an MVAU
  // block with BN, the MAC array's map before bn_act (empty for the other blocks).
  std::vector<std::vector<std::int64_t>> block_maps;
  std::vector<std::vector<std::int64_t>> mac_maps;
};

struct NetworkModelOptions {
  std::uint64_t max_cycles = 0;  // 0: a bound from the plan (a deadlock fails instead of hanging)
  // A VCD of every block's state (<name>_state: 0 busy, 1 input stall, 2 output stall) and of
  // every FIFO's occupancy (<name>_fifo_count), one sample per clock edge; empty: none.
  std::string vcd_path;
  bool activity = false;  // fill NetworkRunResult::activity
  // Record every block's output stream and every BN block's MAC stream (block_maps, mac_maps):
  // for mismatch localisation only, so that the usual run keeps no beats.
  bool taps = false;
};

// What every backend of the network shares, so that they see the same stream ends: the input
// DMA's configuration, the output DMA (its stall pattern seeded from the network's seed), and a
// generous cycle bound (every beat of every stream a few times over, plus the DMA's own time).
streaming::InputDmaConfig input_dma_config(const engine::NetworkPlan& plan);
streaming::OutputSinkModel output_dma(const engine::NetworkPlan& plan);
std::uint64_t default_max_cycles(const engine::NetworkPlan& plan, int images);

// Throws std::runtime_error when the results do not all arrive within max_cycles (naming the
// blocks that still hold data).
NetworkRunResult run_network_model(const engine::NetworkPlan& plan,
                                   const engine::NetworkOperands& ops,
                                   const NetworkModelOptions& options = {});

}  // namespace fxsim::network
