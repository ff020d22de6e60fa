// A streaming network as a sweep workload ([workload] kind = "network", docs/sweeps.md, "Network
// workloads"): a network description file (random weights from its seed) or a trained model
// file made a network by env::network_from_model (its weights, golden test images and logits).
// A point is the description with the point's axes applied (global ones to every MVAU block,
// [axes.layer.<name>] ones to one block) or, with a target interval, folded by
// engine::fold_network; it runs on the network model's fast engine (env::run_network) and its
// resources are network_cost's. parse_sweep loads and plans the network once (every error
// before any point runs); every worker gets the same one by parsing the same sweep file.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "explore/design_points.hpp"
#include "golden/model_file.hpp"
#include "models/engine/network_config.hpp"
#include "models/engine/network_cost.hpp"
#include "models/engine/network_plan.hpp"
#include "traces/results_schema.hpp"

namespace fxsim::explore {

struct NetworkSource {
  std::string path;  // the description or model file, resolved against the sweep file
  // The description: the file's, or for a model file network_from_model's (PE 1 everywhere, the
  // model's SIMD), naming the model file ([network] model) so that runs take its operands.
  engine::NetworkConfig config;
  // The model file the runs take their weights, images and golden logits from (`model`, or a
  // description's [network] model); then the point's formats must be the model's.
  std::optional<golden::ModelFile> model;
  int images = 2;  // images a point runs (the interval needs at least two)
  bool trained() const { return model.has_value(); }
};

// What a valid network point runs: its plan, the resources of its units, the goal it was folded
// for.
struct NetworkPoint {
  engine::NetworkPlan plan;
  bool use_dsp = true;  // false for kind = "fx_mac_lut" (multipliers in LUTs)
  resources::Family family = resources::Family::xc7;
  std::optional<std::int64_t> target_interval;
  engine::NetworkCost cost;
  // A trained network whose formats the point changes (weight, kind, k, bn axes): the model in
  // the point's formats (env::requantize_model; its golden results are recomputed when the point
  // runs); null when the point runs the model as trained.
  std::shared_ptr<const golden::QuantNetwork> requantized;
};

// Points of the network grid: kind, weight, k (only for khot / spt kinds when kind is given),
// pe, mac_stages, bn, clock_ns, family, input_simd, fifo_depth, target_interval, then every
// [axes.layer.<name>] in block order (pe, weight, k, bn), the last varying fastest.
std::uint64_t network_grid_size(const SweepSpec& spec);

// The point at grid position `position`: valid (DesignPoint::network set) or invalid with the
// axis and reason (a PE that does not divide a block's outputs, an infeasible target, a K larger
// than the weight's magnitude bits, a folding the model's accumulation order forbids, ...).
DesignPoint build_network_point(const SweepSpec& spec, std::uint64_t position);

// "conv0:pe4simd1,pool1,dense2:pe2simd8": every block at the plan's folding.
std::string folding_string(const engine::NetworkPlan& plan);

// The parameter and resource columns of a network point's row (valid or not).
void describe_network_point(const SweepSpec& spec, const DesignPoint& point,
                            traces::ResultRow* row);

// Runs the point (model backend, fast engine) and fills its metric columns: cycles, interval,
// latency, images/s, mismatches against the network reference and the golden logits, top-1
// accuracy, the bottleneck block. Throws when the run fails.
void evaluate_network_point(const SweepSpec& spec, const DesignPoint& point,
                            traces::ResultRow* row);

}  // namespace fxsim::explore
