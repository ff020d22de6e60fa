// One design point evaluated: the SystemC model backend on the float layer quantized into the
// point's formats (cycles, latency, accuracy against float), resources from the analytical model
// and (optionally) yosys, the RTL check, and the traces asked for. Runs in a sweep worker
// process (SystemC simulation contexts are per process, see worker.hpp).
#pragma once

#include <filesystem>
#include <string>

#include "explore/design_points.hpp"
#include "explore/float_layer.hpp"
#include "models/resources/estimate.hpp"
#include "synth/synthesize.hpp"
#include "traces/results_schema.hpp"

namespace fxsim::explore {

// Column values every row has, whatever happens to the point: identity, parameters and the
// analytical resources (`est`, also the headline lut / dsp / lut_equivalent). status and error
// are left NULL, the metrics too.
traces::ResultRow describe_point(const SweepSpec& spec, const DesignPoint& point,
                                 const resources::ResourceEstimate& est);

// The row of an invalid point (DesignPoint::invalid): its parameters as far as they can be
// built, no resources or metrics, status "pruned", error "invalid: <reason>".
traces::ResultRow describe_invalid_point(const SweepSpec& spec, const DesignPoint& point);

struct EvaluateContext {
  const SweepSpec* spec = nullptr;
  const FloatLayer* layer = nullptr;
  // float_products(*layer), computed once per worker (nullptr: each point computes them).
  const std::vector<double>* layer_products = nullptr;
  std::filesystem::path trace_dir;  // DIR/traces
  synth::SynthOptions synth;        // yosys runs (spec->yosys)
};

struct EvaluateRequest {
  bool rtl = false;    // run the RTL check on this point
  bool trace = false;  // write its traces
};

// The full row with status "ok", or "failed" with the error message (an exception from any step
// is caught here and recorded; the sweep goes on).
traces::ResultRow evaluate_point(const EvaluateContext& ctx, const DesignPoint& point,
                                 const EvaluateRequest& request);

}  // namespace fxsim::explore
