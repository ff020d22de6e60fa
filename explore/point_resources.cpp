#include "explore/point_resources.hpp"

#include <stdexcept>

#include "explore/network_workload.hpp"
#include "models/engine/latency.hpp"
#include "models/engine/network_folding.hpp"

namespace fxsim::explore {

namespace {

// Compute cycles of the point: its engines one after the other (one, or a model's layers).
double point_cycles(const DesignPoint& point) {
  double cycles = 0;
  for (const engine::Elaboration& e : point.engines) {
    cycles += static_cast<double>(engine::compute_cycles(e.point, e.point.batch));
  }
  return cycles;
}

// A network point's analytical metrics: its interval (network_folding's cycles an image) stands
// for `cycles`, the first MVAU block's PE for `pe`, the input stream's lanes for `simd`.
double network_metric(const NetworkPoint& n, const std::string& metric) {
  const engine::Folding f = engine::folding_of(n.plan, n.family, n.use_dsp);
  if (metric == "cycles") return static_cast<double>(f.interval);
  if (metric == "latency_ns") return static_cast<double>(f.interval) * n.plan.config.clock_ns;
  if (metric == "simd") return n.plan.input().lanes;
  for (const engine::BlockPlan& b : n.plan.blocks) {
    if (b.mvau && metric == "pe") return b.mvau->pe;
  }
  throw std::invalid_argument("no constraint metric named '" + metric + "'");
}

}  // namespace

resources::ResourceEstimate estimate_engine(const DesignPoint& point) {
  if (point.network) return point.network->cost.total;
  // A model workload: one engine per layer, all on the device at once.
  resources::ResourceEstimate total;
  for (const engine::Elaboration& e : point.engines) {
    total += engine::engine_cost(e, point.params.family, point.use_dsp());
  }
  return total;
}

double constraint_metric(const DesignPoint& point, const resources::ResourceEstimate& est,
                         const std::string& metric) {
  if (metric == "lut") return est.lut;
  if (metric == "ff") return est.ff;
  if (metric == "carry") return est.carry;
  if (metric == "dsp") return est.dsp;
  if (metric == "lut_equivalent") return est.lut_equivalent;
  if (point.network) return network_metric(*point.network, metric);
  const double cycles = point_cycles(point);
  if (metric == "cycles") return cycles;
  if (metric == "latency_ns") return cycles * point.cfg().clock_ns;
  if (metric == "pe") return point.cfg().pe;
  if (metric == "simd") return point.cfg().simd;
  throw std::invalid_argument("no constraint metric named '" + metric + "'");
}

std::optional<std::string> violated_constraint(const SweepSpec& spec, const DesignPoint& point,
                                               const resources::ResourceEstimate& est) {
  for (const Constraint& c : spec.constraints) {
    const double v = constraint_metric(point, est, c.metric);
    bool ok = true;
    if (c.op == "<=") ok = v <= c.value;
    if (c.op == "<") ok = v < c.value;
    if (c.op == ">=") ok = v >= c.value;
    if (c.op == ">") ok = v > c.value;
    if (c.op == "==") ok = v == c.value;
    if (c.op == "!=") ok = v != c.value;
    if (!ok) return c.text;
  }
  return std::nullopt;
}

}  // namespace fxsim::explore
