// What every RTL unit folder under models/units/ declares about its unit: the Verilog parameter
// names with their defaults, legal ranges and meaning, the cross-constraints between them, the
// latency rule and the cost formula, side by side (one folder per unit, as MatchLib keeps them).
// The registry (models/units/unit_registry.hpp) lists the units; this header is what they share.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"

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
  // The cross-constraints of a parameter set whose every value is in range; throws
  // UnitParamError naming the parameter.
  void (*check)(const UnitSpec& unit, const ParamMap& resolved) = nullptr;
  // Cycles from an accepted input beat to its result.
  int (*latency)(const ParamMap& resolved) = nullptr;
  // The analytical resources of one instance (docs/resources.md); use_dsp = false is
  // synth_xilinx -nodsp.
  resources::ResourceEstimate (*cost)(const ParamMap& resolved, resources::Family family,
                                      bool use_dsp) = nullptr;
};

// Bad unit name or parameter set; the message names the parameter and what was expected.
struct UnitParamError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail(const UnitSpec& unit, const std::string& what);

// The value of `name` in a resolved map; throws UnitParamError when it is missing.
std::int64_t param(const ParamMap& resolved, const std::string& name);

// A resolved map's values by name, as int (every parameter fits): p("SIMD").
class Params {
 public:
  explicit Params(const ParamMap& p) : p_(p) {}
  int operator()(const char* name) const { return static_cast<int>(param(p_, name)); }

 private:
  const ParamMap& p_;
};

// "SIMD=8 A_W=8 ..." in the unit's parameter order (for messages and logs).
std::string format_params(const UnitSpec& unit, const ParamMap& resolved);

}  // namespace fxsim::units
