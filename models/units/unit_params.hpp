// Parameter schema of every RTL unit in rtl/: the Verilog parameter names, their defaults, legal
// ranges and the cross-constraints between them. One table serves the Verilated test variants,
// the resource reports (`fxsim synth`) and the C++ references, so a parameter set that one of
// them accepts is accepted by all (see docs/rtl_units.md for the arithmetic of each unit).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fxsim::units {

using ParamMap = std::map<std::string, std::int64_t>;  // Verilog parameter name -> value

struct ParamSpec {
  std::string name;
  std::int64_t default_value, min, max;
  std::string doc;
};

struct UnitSpec {
  std::string name;
  std::string top_module;
  std::vector<std::string> rtl_files;  // file names under rtl/, in dependency order
  std::vector<ParamSpec> params;
};

// Bad unit name or parameter set; the message names the parameter and what was expected.
struct UnitParamError : std::runtime_error {
  using runtime_error::runtime_error;
};

// fx_requant, fx_mac_pe, khot_pe, bn_act (in that order).
const std::vector<UnitSpec>& all_units();

// Throws UnitParamError listing the known units for an unknown name.
const UnitSpec& find_unit(std::string_view name);

// Every parameter of the unit: the overrides, defaults for the rest. Throws UnitParamError for an
// unknown parameter name, a value outside [min, max], or a violated cross-constraint (e.g.
// WRAP_SM on an unsigned output, intermediate widths beyond 62 bits).
ParamMap resolve_params(const UnitSpec& unit, const ParamMap& overrides);

// Cycles from an accepted input beat to its result: STAGES for the pipelined units, 0 for the
// combinational fx_requant.
int latency_cycles(const UnitSpec& unit, const ParamMap& resolved);

// The value of `name` in a resolved map; throws UnitParamError when it is missing.
std::int64_t param(const ParamMap& resolved, const std::string& name);

// "SIMD=8 A_W=8 ..." in the unit's parameter order (for messages and logs).
std::string format_params(const UnitSpec& unit, const ParamMap& resolved);

}  // namespace fxsim::units
