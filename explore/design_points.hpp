// The design points of a sweep: the grid of its axes (or a seeded random sample of it), each
// built as an engine::EngineConfig and validated before anything runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "explore/sweep_spec.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"

namespace fxsim::explore {

// One value of every axis (an axis that does not apply to a point takes its neutral value: k = 0
// for fixed-point weights).
struct PointParams {
  UnitKind kind = UnitKind::FX_MAC;
  fx::FxType weight;  // the fixed<W,I> of the weight axis
  int k = 0;
  fx::FxType activation;
  std::optional<fx::FxType> accumulator;  // nullopt: the exact default
  fx::FxType output;                      // with the rounding / overflow axes applied
  int pe = engine::Hardware{}.pe, simd = engine::EngineConfig{}.simd;
  int mac_stages = engine::Hardware{}.mac_stages;
  BnScaleKind bn = BnScaleKind::NONE;
  double clock_ns = engine::Hardware{}.clock_ns;
  resources::Family family = resources::Family::xc7;
};

struct DesignPoint {
  std::int64_t id = 0;  // index in the expanded sweep: grid order, or the sorted random sample
  PointParams params;
  // Every engine of the point, elaborated once: the one engine, or for kind = "model" the engine
  // of every layer (model_workload.hpp). Resources, runs, yosys and the row read these.
  std::vector<engine::Elaboration> engines;
  bool per_layer = false;  // kind = "model": one engine per layer of the model
  std::string key;  // canonical "name=value ..." of every parameter (results column point_key)
  // The point's engine (model workloads: the first layer's).
  const engine::EngineConfig& cfg() const { return engines.front().point; }
  // synth_xilinx -nodsp for fx_mac_lut.
  bool use_dsp() const { return params.kind != UnitKind::FX_MAC_LUT; }
};

// Number of points of the full grid (k counted only for khot / spt kinds).
std::uint64_t grid_size(const SweepSpec& spec);

// Every point of the sweep, ids 0..n-1, each validated (engine::validate plus the sweep's own
// rules: K no larger than the weight's magnitude bits, SIMD dividing in_features). Throws
// SweepFileError naming the axis value's line and column and the point.
std::vector<DesignPoint> expand_sweep(const SweepSpec& spec);

// The engine configuration of one parameter set (not validated).
engine::EngineConfig make_config(const SweepSpec& spec, const PointParams& p);

// The ids of points checked on RTL: all, none, or a seeded sample of `rtl_samples` of them
// (independent of sharding: drawn over every point of the sweep).
std::vector<bool> rtl_selection(const SweepSpec& spec, std::size_t points);

}  // namespace fxsim::explore
