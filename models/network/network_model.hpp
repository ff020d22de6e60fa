// The SystemC model of a streaming dataflow network (docs/network.md, "The SystemC model"), with
// two engines that give the same cycles, activity and results:
// - EDGES: one sc_module per unit with its own clocked process, each the cycle-accurate model of
//   its RTL (models/streaming/), connected by valid/ready/data signals exactly as the stitched
//   RTL connects the units, so a stall anywhere propagates both ways through the same
//   handshakes. The input DMA reads the images from a memory behind a TLM-2.0 target socket and
//   streams them at the bus's sustained bandwidth; the output DMA writes the results through
//   another socket, back-pressuring with a seeded pattern (models/streaming/dma_model.hpp).
//   Every beat carries its data, so it can record traces and every block's stream (taps).
// - FAST (the default): the same images read and results written over the same sockets, the
//   values from the network's bit-exact reference arithmetic, the cycles from the same units'
//   control state machines stepped without data or SystemC events, skipping the stretches that
//   repeat (network_timing.hpp). A run that asks for a VCD, activity segments or taps runs the
//   per-edge engine.
//
// run_network_model elaborates and simulates in the current SystemC context: the caller gives
// each run a fresh one (testbenches/env/simulation_scope.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"
#include "models/network/network_activity.hpp"
#include "models/network/network_ends.hpp"
#include "models/streaming/dma_model.hpp"

namespace fxsim::network {

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
  // Which engine ran, the edges it stepped one by one (the per-edge engine: every one) and the
  // images whose every edge the fast engine skipped as a repeat.
  std::string engine;
  std::uint64_t stepped_cycles = 0;
  int skipped_images = 0;
};

enum class ModelEngine { FAST, EDGES };
const char* to_string(ModelEngine e);  // "fast", "edges"

struct NetworkModelOptions {
  std::uint64_t max_cycles = 0;  // 0: a bound from the plan (a deadlock fails instead of hanging)
  // A VCD of every block's state (<name>_state: 0 busy, 1 input stall, 2 output stall) and of
  // every FIFO's occupancy (<name>_fifo_count), one sample per clock edge; empty: none.
  std::string vcd_path;
  bool activity = false;  // fill NetworkRunResult::activity
  // Record every block's output stream and every BN block's MAC stream (block_maps, mac_maps):
  // for mismatch localisation only, so that the usual run keeps no beats.
  bool taps = false;
  // FAST gives way to EDGES when vcd_path, activity or taps ask for what only EDGES records.
  ModelEngine engine = ModelEngine::FAST;
};

// Throws std::runtime_error when the results do not all arrive within max_cycles (naming the
// blocks that still hold data).
NetworkRunResult run_network_model(const engine::NetworkPlan& plan,
                                   const engine::NetworkOperands& ops,
                                   const NetworkModelOptions& options = {});

}  // namespace fxsim::network
