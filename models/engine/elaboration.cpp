#include "models/engine/elaboration.hpp"

#include <algorithm>
#include <cmath>

#include "fx/width_rules.hpp"

namespace fxsim::engine {
namespace {

void put_format(units::ParamMap* p, const std::string& prefix, const fx::FxType& t) {
  (*p)[prefix + "_W"] = t.width;
  (*p)[prefix + "_FRAC"] = t.frac_bits();
  (*p)[prefix + "_SIGNED"] = t.is_signed ? 1 : 0;
}

void put_output(units::ParamMap* p, const fx::FxType& t) {
  put_format(p, "OUT", t);
  (*p)["Q"] = static_cast<int>(t.rounding);
  (*p)["O"] = static_cast<int>(t.overflow);
  (*p)["N"] = t.sat_bits;
  (*p)["AP"] = t.ap_semantics() ? 1 : 0;  // the spelling's semantics: ap_fixed or SystemC
}

// The raw CLIP parameter: the clip value in output LSBs (point-file checks make it exact).
std::int64_t clip_raw(const BnConfig& bn) {
  return static_cast<std::int64_t>(std::ldexp(bn.clip, bn.output.frac_bits()));
}

}  // namespace

units::XnorMode xnor_mode(EngineKind kind) {
  return kind == EngineKind::XNOR     ? units::XnorMode::BINARY
         : kind == EngineKind::BINARY ? units::XnorMode::BINARY_WEIGHTS
                                      : units::XnorMode::TERNARY_WEIGHTS;
}

namespace {

// xnor_pe: integer lanes, the accumulator as its output (no requant).
UnitInstance xnor_pe_instance(const EngineConfig& cfg) {
  units::ParamMap p;
  p["SIMD"] = cfg.simd;
  p["MODE"] = static_cast<int>(xnor_mode(cfg.kind));
  if (cfg.kind != EngineKind::XNOR) {
    p["A_W"] = cfg.activation.width;
    p["A_SIGNED"] = cfg.activation.is_signed ? 1 : 0;
  }
  p["ACC_W"] = cfg.accumulator.width;
  p["ACC_O"] = static_cast<int>(cfg.accumulator.overflow);
  p["STAGES"] = cfg.mac_stages;
  const units::UnitSpec& unit = units::find_unit("xnor_pe");
  return {&unit, units::resolve_params(unit, p), cfg.pe};
}

}  // namespace

// The PE array's unit: fx_mac_pe for fixed-point weights, khot_pe for K-hot / SPT terms, xnor_pe
// for binary / ternary weights.
UnitInstance pe_instance(const EngineConfig& cfg) {
  if (cfg.is_bipolar()) return xnor_pe_instance(cfg);
  units::ParamMap p;
  p["SIMD"] = cfg.simd;
  put_format(&p, "A", cfg.activation);
  if (cfg.kind == EngineKind::FX_MAC) {
    put_format(&p, "W", cfg.fx_weight());
  } else {
    const fx::KhotType& w = cfg.khot_weight();
    p["K"] = w.k;
    p["SH_W"] = khot_shift_bits(w);
    p["W_FRAC"] = w.frac_bits();
  }
  p["ACC_W"] = cfg.accumulator.width;
  p["ACC_O"] = static_cast<int>(cfg.accumulator.overflow);
  put_output(&p, cfg.output);
  p["STAGES"] = cfg.mac_stages;
  const units::UnitSpec& unit =
      units::find_unit(cfg.kind == EngineKind::FX_MAC ? "fx_mac_pe" : "khot_pe");
  return {&unit, units::resolve_params(unit, p), cfg.pe};
}

// One bn_act per PE, fed the MAC output.
UnitInstance bn_instance(const EngineConfig& cfg) {
  const BnConfig& bn = *cfg.bn;
  units::ParamMap p;
  put_format(&p, "X", cfg.output);
  if (bn.khot_scale()) {
    const auto& s = std::get<fx::KhotType>(bn.scale);
    p["SCALE_KIND"] = 1;
    p["K"] = s.k;
    p["SH_W"] = khot_shift_bits(s);
    p["S_FRAC"] = s.frac_bits();
  } else {
    p["SCALE_KIND"] = 0;
    put_format(&p, "S", std::get<fx::FxType>(bn.scale));
  }
  p["B_W"] = bn.bias.width;
  p["B_FRAC"] = bn.bias.frac_bits();
  put_output(&p, bn.output);
  p["ACT"] = static_cast<int>(bn.activation);
  if (bn.activation == units::Activation::RELU_CLIP) p["CLIP"] = clip_raw(bn);
  p["STAGES"] = bn.stages;
  const units::UnitSpec& unit = units::find_unit("bn_act");
  return {&unit, units::resolve_params(unit, p), cfg.pe};
}

// One int_requant of PE lanes, fed the accumulators (the MAC output, ACC_W bits).
UnitInstance requant_instance(const EngineConfig& cfg) {
  const RequantConfig& r = *cfg.requant;
  units::ParamMap p;
  p["PE"] = cfg.pe;
  p["CH"] = cfg.neuron_fold() * cfg.pe;
  p["ACC_W"] = cfg.output.width;
  p["B_W"] = r.bias_width;
  p["M0_BITS"] = r.m0_bits;
  p["LSHIFT_MAX"] = r.lshift_max;
  p["ROUNDING"] = static_cast<int>(r.rounding);
  p["OUT_W"] = r.output.width;
  p["OUT_SIGNED"] = r.output.is_signed ? 1 : 0;
  p["ZP"] = r.zero_point;
  p["RELU"] = r.relu ? 1 : 0;
  p["STAGES"] = r.stages;
  const units::UnitSpec& unit = units::find_unit("int_requant");
  return {&unit, units::resolve_params(unit, p), 1};
}

// One threshold of PE lanes, fed the accumulators (the MAC output, ACC_W bits).
UnitInstance threshold_instance(const EngineConfig& cfg) {
  const ThresholdTable& t = *cfg.threshold;
  units::ParamMap p;
  p["PE"] = cfg.pe;
  p["CH"] = cfg.neuron_fold() * cfg.pe;
  p["X_W"] = cfg.output.width;
  p["T"] = t.thresholds;
  p["STAGES"] = t.stages;
  const units::UnitSpec& unit = units::find_unit("threshold");
  return {&unit, units::resolve_params(unit, p), 1};
}

int khot_shift_bits(const fx::KhotType& t) {
  return std::max(1, fx::ceil_log2(static_cast<unsigned long long>(t.magnitude_bits())));
}

Elaboration elaborate(const EngineConfig& cfg) {
  Elaboration e;
  e.point = cfg;
  e.pe = pe_instance(cfg);
  if (cfg.kind == EngineKind::FX_MAC) {
    e.pe_config = units::MacPeConfig::from(e.pe.params);
  } else if (cfg.is_bipolar()) {
    e.pe_config = units::XnorPeConfig::from(e.pe.params);
  } else {
    e.pe_config = units::KhotPeConfig::from(e.pe.params);
  }
  if (cfg.bn) {
    e.bn = bn_instance(cfg);
    e.bn_config = units::BnActConfig::from(e.bn->params);
  }
  if (cfg.requant) {
    e.requant = requant_instance(cfg);
    e.requant_config = units::IntRequantConfig::from(e.requant->params);
  }
  if (cfg.threshold) {
    e.threshold = threshold_instance(cfg);
    e.threshold_config = units::ThresholdConfig::from(e.threshold->params);
  }
  return e;
}

std::vector<const UnitInstance*> Elaboration::instances() const {
  std::vector<const UnitInstance*> all = {&pe};
  if (bn) all.push_back(&*bn);
  if (requant) all.push_back(&*requant);
  if (threshold) all.push_back(&*threshold);
  return all;
}

const units::AccumulatorConfig& Elaboration::accumulator() const {
  return std::visit([](const auto& c) -> const units::AccumulatorConfig& { return c; }, pe_config);
}

resources::ResourceEstimate engine_cost(const Elaboration& e, resources::Family family,
                                        bool use_dsp) {
  resources::ResourceEstimate total;
  for (const UnitInstance* u : e.instances()) {
    total += resources::times(u->count, units::estimate(*u->unit, u->params, family, use_dsp));
  }
  return total;
}

}  // namespace fxsim::engine
