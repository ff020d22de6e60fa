#include "explore/point_resources.hpp"

#include <stdexcept>

namespace fxsim::explore {

namespace {

resources::ResourceEstimate estimate_one(const DesignPoint& point,
                                         const engine::EngineConfig& cfg) {
  const resources::Family family = point.params.family;
  const resources::ResourceEstimate pe =
      units::estimate(engine::pe_unit_name(cfg), engine::pe_params(cfg), family, point.use_dsp());
  resources::ResourceEstimate bn;
  if (cfg.bn) bn = units::estimate("bn_act", engine::bn_params(cfg), family, point.use_dsp());
  resources::ResourceEstimate total;
  total.lut = cfg.pe * (pe.lut + bn.lut);
  total.ff = cfg.pe * (pe.ff + bn.ff);
  total.carry = cfg.pe * (pe.carry + bn.carry);
  total.dsp = cfg.pe * (pe.dsp + bn.dsp);
  total.bram = cfg.pe * (pe.bram + bn.bram);
  total.lut_equivalent = total.lut + 55 * total.dsp;
  return total;
}

// Compute cycles of the point: one engine, or the model's layers one after the other.
double point_cycles(const DesignPoint& point) {
  if (point.layers.empty()) {
    return static_cast<double>(engine::compute_cycles(point.cfg, point.cfg.batch));
  }
  double cycles = 0;
  for (const engine::EngineConfig& c : point.layers) {
    cycles += static_cast<double>(engine::compute_cycles(c, c.batch));
  }
  return cycles;
}

}  // namespace

resources::ResourceEstimate estimate_engine(const DesignPoint& point) {
  if (point.layers.empty()) return estimate_one(point, point.cfg);
  // A model workload: one engine per layer, all on the device at once.
  resources::ResourceEstimate total;
  for (const engine::EngineConfig& c : point.layers) {
    const resources::ResourceEstimate e = estimate_one(point, c);
    total.lut += e.lut;
    total.ff += e.ff;
    total.carry += e.carry;
    total.dsp += e.dsp;
    total.bram += e.bram;
  }
  total.lut_equivalent = total.lut + 55 * total.dsp;
  return total;
}

double constraint_metric(const DesignPoint& point, const resources::ResourceEstimate& est,
                         const std::string& metric) {
  if (metric == "lut") return est.lut;
  if (metric == "ff") return est.ff;
  if (metric == "carry") return est.carry;
  if (metric == "dsp") return est.dsp;
  if (metric == "lut_equivalent") return est.lut_equivalent;
  const double cycles = point_cycles(point);
  if (metric == "cycles") return cycles;
  if (metric == "latency_ns") return cycles * point.cfg.clock_ns;
  if (metric == "pe") return point.cfg.pe;
  if (metric == "simd") return point.cfg.simd;
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
