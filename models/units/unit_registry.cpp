#include "models/units/unit_registry.hpp"

#include <algorithm>

#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "models/units/fx_requant/fx_requant.hpp"
#include "models/units/int_requant/int_requant.hpp"
#include "models/units/khot_pe/khot_pe.hpp"
#include "models/units/max_pool/max_pool.hpp"
#include "models/units/mvau/mvau.hpp"
#include "models/units/sliding_window/sliding_window.hpp"
#include "models/units/stream_fifo/stream_fifo.hpp"
#include "models/units/threshold/threshold.hpp"
#include "models/units/weight_mem/weight_mem.hpp"
#include "models/units/xnor_pe/xnor_pe.hpp"

namespace fxsim::units {
namespace {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

const std::vector<UnitSpec>& all_units() {
  static const std::vector<UnitSpec> units = {
      fx_requant_spec(), fx_mac_pe_spec(),   khot_pe_spec(),  bn_act_spec(),
      weight_mem_spec(), stream_fifo_spec(), max_pool_spec(), sliding_window_spec(),
      mvau_spec(),       int_requant_spec(), xnor_pe_spec(),  threshold_spec()};
  return units;
}

const UnitSpec& find_unit(std::string_view name) {
  std::string known;
  for (const UnitSpec& u : all_units()) {
    if (u.name == name) return u;
    known += (known.empty() ? "" : ", ") + u.name;
  }
  throw UnitParamError("unknown unit " + quoted(std::string(name)) + "; known units: " + known);
}

ParamMap resolve_params(const UnitSpec& unit, const ParamMap& overrides) {
  for (const auto& [name, value] : overrides) {
    const bool known = std::any_of(unit.params.begin(), unit.params.end(),
                                   [&](const ParamSpec& s) { return s.name == name; });
    if (!known) {
      std::string names;
      for (const ParamSpec& s : unit.params) names += (names.empty() ? "" : ", ") + s.name;
      fail(unit, "unknown parameter " + quoted(name) + "; known parameters: " + names);
    }
  }
  ParamMap resolved;
  for (const ParamSpec& s : unit.params) {
    const auto it = overrides.find(s.name);
    const std::int64_t v = it == overrides.end() ? s.default_value : it->second;
    if (v < s.min || v > s.max) {
      fail(unit, "parameter " + s.name + " = " + std::to_string(v) + " is out of range, expected " +
                     std::to_string(s.min) + ".." + std::to_string(s.max) + " (" + s.doc + ")");
    }
    resolved[s.name] = v;
  }
  unit.check(unit, resolved);
  return resolved;
}

int latency_cycles(const UnitSpec& unit, const ParamMap& resolved) {
  return unit.latency(resolved);
}

resources::ResourceEstimate estimate(const UnitSpec& unit, const ParamMap& resolved,
                                     resources::Family family, bool use_dsp) {
  return unit.cost(resolved, family, use_dsp);
}

resources::ResourceEstimate estimate(std::string_view unit, const ParamMap& resolved,
                                     resources::Family family, bool use_dsp) {
  return estimate(find_unit(unit), resolved, family, use_dsp);
}

}  // namespace fxsim::units
