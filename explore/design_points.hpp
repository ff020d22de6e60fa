// The design points of a sweep: the grid of its axes (or a seeded random sample of it), each
// built as an engine::EngineConfig and validated before anything runs. A point the engine cannot
// build (K above the weight's magnitude bits, a refusal of engine::validate, ...) is kept with
// its id and the reason, and recorded as pruned (docs/sweeps.md, "Invalid points"), unless
// the sweep is strict.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "explore/sweep_spec.hpp"
#include "fx/bipolar.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"

namespace fxsim::explore {

// One value of every axis (an axis that does not apply to a point takes its neutral value: k = 0
// for fixed-point weights).
struct PointParams {
  UnitKind kind = UnitKind::FX_MAC;
  fx::FxType weight;  // the fixed<W,I> of the weight axis
  int k = 0;
  // int points only (neutral values for the other kinds): the weights' scales and the
  // requantization method.
  AffineWeights affine_weights = AffineWeights::PER_CHANNEL;
  RequantMethod requant = RequantMethod::INTEGER;
  fx::FxType activation;
  std::optional<fx::FxType> accumulator;  // nullopt: the exact default
  fx::FxType output;                      // with the rounding / overflow axes applied
  // The output_rounding axis: its mode for the bn output too (nullopt: [bn] output's own).
  std::optional<fx::Rounding> bn_rounding;
  int pe = engine::Hardware{}.pe, simd = engine::EngineConfig{}.simd;
  int mac_stages = engine::Hardware{}.mac_stages;
  BnScaleKind bn = BnScaleKind::NONE;
  // binary / ternary / xnor points: threshold = the [threshold] unit of `thresholds` (T) levels
  // after the array (bn none); bn_act (T 0) for every other point.
  ActivationUnit activation_unit = ActivationUnit::BN_ACT;
  int thresholds = 0;
  double clock_ns = engine::Hardware{}.clock_ns;
  resources::Family family = resources::Family::xc7;
};

struct NetworkPoint;  // explore/network_workload.hpp

struct DesignPoint {
  std::int64_t id = 0;  // index in the expanded sweep: grid order, or the sorted random sample
  PointParams params;
  // Every engine of the point, elaborated once: the one engine, or for kind = "model" the engine
  // of every layer (model_workload.hpp). Resources, runs, yosys and the row read these.
  std::vector<engine::Elaboration> engines;
  bool per_layer = false;  // kind = "model": one engine per layer of the model
  // kind = "network": the network a valid point runs (its plan and resources); `engines` empty.
  std::shared_ptr<const NetworkPoint> network;
  std::string key;  // canonical "name=value ..." of every parameter (results column point_key)
  // Empty for a valid point. Else why the point cannot run, as `axes.<axis>: <what>` (e.g.
  // "axes.k: K = 4 is larger than the 3 magnitude bits of weight fixed<4,1,TRN,WRAP,0>"): the
  // sweep records it as pruned with this reason and never elaborates it (`engines` is empty).
  std::string invalid;
  // The same, located in the sweep file: `FILE:LINE:COLUMN: axes.<axis>: <what> (point <key>)`,
  // the error of --strict.
  std::string invalid_at;
  // An invalid point's engine configurations when they could be built (not validated; for its
  // row's parameter columns); empty otherwise.
  std::vector<engine::EngineConfig> unchecked;
  bool valid() const { return invalid.empty(); }
  // The point's engine (model workloads: the first layer's). Valid points only.
  const engine::EngineConfig& cfg() const { return engines.front().point; }
  // synth_xilinx -nodsp for fx_mac_lut.
  bool use_dsp() const { return params.kind != UnitKind::FX_MAC_LUT; }
};

// Number of points of the full grid (k counted only for khot / spt kinds; affine_weights and
// requant only for int points, which take no accumulator, rounding or overflow axis; kind =
// "network": network_grid_size).
std::uint64_t grid_size(const SweepSpec& spec);

struct ExpandOptions {
  // Refuse the sweep at its first invalid point (the located error) instead of pruning it.
  bool strict = false;
};

// Every point of the sweep, ids 0..n-1, each validated (engine::validate plus the sweep's own
// rules: K no larger than the weight's magnitude bits, SPT weights signed):
//   grid sampling: every grid point, id = its grid position; invalid ones are kept, marked
//     (DesignPoint::invalid), so that ids never depend on which points are valid;
//   random sampling: `samples` distinct valid points, drawn by a seeded permutation of the grid
//     that skips (and keeps, marked) the invalid points it meets, numbered in grid order; when
//     the grid has fewer valid points, every grid point.
// Throws SweepFileError naming the axis value's line and column and the point: with
// options.strict at the first invalid point (in id order); always when no point is valid, or
// when [traces] points names an invalid point or one the sweep does not have.
std::vector<DesignPoint> expand_sweep(const SweepSpec& spec, const ExpandOptions& options = {});

// Points with DesignPoint::valid().
std::size_t valid_points(const std::vector<DesignPoint>& points);

struct IntLayer;      // explore/int_point.hpp
struct BipolarLayer;  // explore/bipolar_point.hpp

// The engine configuration of one parameter set (not validated). An int point's depends on its
// quantized layer (the output zero point, the multipliers' left shifts): `int_layer` is required
// for kind = "int" (std::invalid_argument without it) and ignored otherwise; likewise
// `bipolar_layer` (its engine scale 2^e) for kind = "binary" / "ternary".
engine::EngineConfig make_config(const SweepSpec& spec, const PointParams& p,
                                 const IntLayer* int_layer = nullptr,
                                 const BipolarLayer* bipolar_layer = nullptr);

// fx's format of a binary / ternary point's kind.
fx::Bipolar bipolar_kind(UnitKind k);

// The K-hot / SPT weight type of a khot or spt point, unvalidated (K may exceed the magnitude
// bits of an invalid point).
fx::KhotType weight_khot(const PointParams& p);

// The ids of points checked on RTL: all, none, or a seeded sample of `rtl_samples` of them
// (independent of sharding: drawn over every point of the sweep).
std::vector<bool> rtl_selection(const SweepSpec& spec, std::size_t points);
// The same over `points`, the sample drawn among the valid ones (invalid points never run):
// a seeded permutation of the ids, the first `rtl_samples` valid ones in it. Equal to the
// overload above when every point is valid.
std::vector<bool> rtl_selection(const SweepSpec& spec, const std::vector<DesignPoint>& points);

}  // namespace fxsim::explore
