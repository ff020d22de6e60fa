// What a design point costs before it runs: the analytical resources of the whole engine
// (PE x the PE unit + PE x bn_act; models/resources) and the formula cycles. The sweep's
// constraints are checked on these, so a pruned point never starts a simulation.
#pragma once

#include <optional>
#include <string>

#include "explore/design_points.hpp"
#include "models/resources/estimate.hpp"

namespace fxsim::explore {

// engine::engine_cost of every engine of the point (one, or a model's layers), on the point's
// family, without DSPs for fx_mac_lut. (cycles / latency_ns constraints: the engines' cycles
// summed.)
resources::ResourceEstimate estimate_engine(const DesignPoint& point);

// The value of a constraint metric (constraint_metrics()) for the point.
double constraint_metric(const DesignPoint& point, const resources::ResourceEstimate& est,
                         const std::string& metric);

// The first constraint the point violates, as written in the sweep file; nullopt when none.
std::optional<std::string> violated_constraint(const SweepSpec& spec, const DesignPoint& point,
                                               const resources::ResourceEstimate& est);

}  // namespace fxsim::explore
