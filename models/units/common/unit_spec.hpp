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
  // An enumerated parameter (a rounding or overflow mode, an activation, a scale kind): the
  // name of each value min, min + 1, ..., max (e.g. Q: RND, RND_ZERO, ...); empty otherwise.
  std::vector<std::string> value_names = {};
};

// A port of a streaming unit beyond clk, rst_n and its two streams (a FIFO's occupancy, an MVAU's
// weight write port and run): a stitched top (models/engine/stitch_plan.hpp) routes it to a
// top-level port named <instance>_<name>.
struct ExtraPort {
  std::string name;
  bool is_input = true;
  int width = 1;
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
  // Optional: is parameter `name` without effect at this resolved set (bn_act's K with a
  // fixed-point scale, CLIP without relu_clip)? summarize_params leaves such parameters out.
  bool (*ignored)(const std::string& name, const ParamMap& resolved) = nullptr;
  // Streaming units only (null elsewhere): the bits of in_data and out_data at a resolved set
  // (ports in_valid / in_ready / in_data, out_valid / out_ready / out_data, docs/rtl_units.md),
  // and the unit's other ports, in declaration order. A stitched chain checks with these that
  // one stage's out_data is as wide as the next one's in_data.
  int (*in_data_width)(const ParamMap& resolved) = nullptr;
  int (*out_data_width)(const ParamMap& resolved) = nullptr;
  std::vector<ExtraPort> (*extra_ports)(const ParamMap& resolved) = nullptr;
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

// "SIMD=8 A_W=8 ... Q=RND_CONV O=SAT ..." in the unit's parameter order (for messages and logs):
// enumerated parameters by their value names, which parse_param_value reads back.
std::string format_params(const UnitSpec& unit, const ParamMap& resolved);

// The value of `text` for parameter `name` of `unit`: a decimal integer (optional sign), or for
// an enumerated parameter one of its value names, case-insensitive, modes with or without the
// SC_ / AP_ prefix ("RND_CONV", "sc_rnd_conv", "AP_SAT", "relu_clip", "khot"). Throws
// UnitParamError for an unknown parameter or a value that is neither (naming the choices).
// Ranges are resolve_params's business.
std::int64_t parse_param_value(const UnitSpec& unit, const std::string& name,
                               const std::string& text);

// The parameters as a reader names them, shorter than format_params: each format group
// <P>_W / <P>_FRAC (/ <P>_SIGNED, signed when absent) as one type, the output's with its modes
// ("A=fixed<8,4> OUT=fixed<8,4,RND_CONV,SAT>"; N only when not 0), the other parameters as
// NAME=value (enumerated ones by name); parameters the set ignores (UnitSpec::ignored) are left
// out. For labels such as the Verilated variants' names.
std::string summarize_params(const UnitSpec& unit, const ParamMap& resolved);

// "0 RND, 1 RND_ZERO, ..." of an enumerated parameter (empty for the others).
std::string describe_value_names(const ParamSpec& spec);

}  // namespace fxsim::units
