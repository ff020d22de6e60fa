#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {

void fail(const UnitSpec& unit, const std::string& what) {
  throw UnitParamError(unit.name + ": " + what);
}

std::int64_t param(const ParamMap& resolved, const std::string& name) {
  const auto it = resolved.find(name);
  if (it == resolved.end()) throw UnitParamError("parameter " + name + " is not set");
  return it->second;
}

std::string format_params(const UnitSpec& unit, const ParamMap& resolved) {
  std::string s;
  for (const ParamSpec& spec : unit.params) {
    const auto it = resolved.find(spec.name);
    if (it == resolved.end()) continue;
    s += (s.empty() ? "" : " ") + spec.name + "=" + std::to_string(it->second);
  }
  return s;
}

}  // namespace fxsim::units
