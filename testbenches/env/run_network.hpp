// A network through the verification environment (docs/network.md): the operands drawn from the
// network's seed (or taken from its model file, network_from_model.hpp, whose golden logits then
// check the outputs too), the SystemC network model run, every output checked against the network
// reference (the first mismatch located: block, image, pixel, channel), the per-block activity
// and the analytical resources; and the summary as text (what `fxsim run --network` prints) and
// as JSON (--json; every field in docs/network.md).
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "models/engine/network_cost.hpp"
#include "models/engine/network_localise.hpp"
#include "models/engine/network_plan.hpp"
#include "models/network/network_model.hpp"
#include "testbenches/env/network_from_model.hpp"
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
  // When an output differs, or with taps whenever a block's map differs (also a difference the
  // later blocks mask): where the run first departed from the reference (block, position, stage,
  // raws, the reference's rounding / overflow event), from the run's taps. A run with a location
  // does not pass.
  std::optional<engine::MismatchLocation> location;
  // A network from a model file with golden results ([network] model): the outputs against the
  // golden logits, and the top-1 counts. A logit that differs fails the run.
  std::optional<GoldenLogitCheck> golden;
  double seconds = 0.0;
};

struct NetworkSummary {
  engine::NetworkPlan plan;
  int images = 0;
  std::vector<NetworkBackendRun> runs;
  engine::NetworkCost cost;                  // analytical
  std::optional<engine::NetworkCost> yosys;  // with NetworkRunOptions::yosys
  std::string family = "xc7";
  std::string model;  // [network] model: the model file the operands came from ("" the seed)
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
  // The model to take the operands and golden results from instead of the file [network] model
  // names (a sweep point's requantized model, requantize_model.hpp); null: the file.
  const golden::ModelFile* model = nullptr;
  // The model's engine (network_model.hpp): FAST unless a VCD, an activity CSV, taps or a model
  // fault need the per-edge engine's records or unit models.
  network::ModelEngine model_engine = network::ModelEngine::FAST;
  // Mismatch localisation: a backend whose outputs differ from the reference is run again with
  // every block's stream recorded (its taps) and the mismatch localised; `taps` records them on
  // the first run already and checks every block's map, not only the outputs.
  bool taps = false;
  // Fault injection, for the tests of the localisation: the model (its per-edge engine, whose
  // units compute the values) runs on an edited copy of the plan, the RTL on an edited stitched
  // chain, the outputs are checked against an edited reference (the operands and the reference come
  // from the plan as given).
  std::function<void(engine::NetworkPlan&)> model_fault;
  std::function<void(engine::StitchPlan&)> rtl_fault;
  std::function<void(engine::NetworkReference&)> reference_fault;
};

// The CSV of activity segments: block,kind,state,first_cycle,last_cycle,cycles (docs/network.md).
std::string activity_csv(const engine::NetworkPlan& plan,
                         const std::vector<network::ActivitySegment>& segments);

// The folding column of the per-block tables (run and verify): "PE 4 SIMD 2", or "pool 2".
std::string block_folding_text(const engine::BlockPlan& b);
// A resource estimate in the JSON summaries (run and verify): lut, ff, dsp, bram18, bram36,
// lutram, lut_equivalent (docs/network.md).
nlohmann::ordered_json resources_json(const resources::ResourceEstimate& e);

NetworkSummary run_network(const engine::NetworkPlan& plan, const NetworkRunOptions& options = {});

std::string network_summary_text(const NetworkSummary& s, const std::string& source);
nlohmann::ordered_json network_summary_json(const NetworkSummary& s, const std::string& source);

}  // namespace fxsim::env
