// A network through the verification environment (docs/network.md): the operands drawn from the
// network's seed, the SystemC network model run, every output checked against the network
// reference (the first mismatch located: block, image, pixel, channel), the per-block activity
// and the analytical resources; and the summary as text (what `fxsim run --network` prints) and
// as JSON (--json; every field in docs/network.md).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "models/engine/network_cost.hpp"
#include "models/engine/network_plan.hpp"
#include "models/network/network_model.hpp"
#include "testbenches/env/network_rtl.hpp"

namespace fxsim::env {

// Where an output differs from the reference: the last block's map, image, pixel (y, x), channel.
struct NetworkMismatch {
  int image = 0, y = 0, x = 0, c = 0;
  std::int64_t expected = 0, got = 0;
};

struct NetworkBackendRun {
  std::string backend;  // "model" or "rtl"
  network::NetworkRunResult result;
  std::uint64_t mismatches = 0;
  std::optional<NetworkMismatch> first_mismatch;
  double seconds = 0.0;
};

struct NetworkSummary {
  engine::NetworkPlan plan;
  int images = 0;
  std::vector<NetworkBackendRun> runs;
  engine::NetworkCost cost;                  // analytical
  std::optional<engine::NetworkCost> yosys;  // with NetworkRunOptions::yosys
  std::string family = "xc7";
  // With both backends: cycles, latency and interval equal (the RTL run has no per-block
  // activity: the stitched top shows only its ends).
  bool cycles_agree() const;
  bool passed() const;
};

enum class NetworkBackends { MODEL, RTL, BOTH };

struct NetworkRunOptions {
  NetworkBackends backends = NetworkBackends::MODEL;
  std::optional<int> images;  // default: the file's [network] images
  resources::Family family = resources::Family::xc7;
  std::string vcd_path;           // the model's per-block state and FIFO occupancy VCD
  std::string activity_csv_path;  // the model's per-block state stretches as CSV
  bool yosys = false;             // also the yosys resources (network_yosys.hpp)
};

// The CSV of activity segments: block,kind,state,first_cycle,last_cycle,cycles (docs/network.md).
std::string activity_csv(const engine::NetworkPlan& plan,
                         const std::vector<network::ActivitySegment>& segments);

NetworkSummary run_network(const engine::NetworkPlan& plan, const NetworkRunOptions& options = {});

std::string network_summary_text(const NetworkSummary& s, const std::string& source);
nlohmann::ordered_json network_summary_json(const NetworkSummary& s, const std::string& source);

}  // namespace fxsim::env
