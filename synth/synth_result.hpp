// The result of synthesizing one unit with yosys, and its JSON form: the same object is the
// cache entry's payload and the output of `fxsim synth --json` (docs/user_guide.md lists every
// field).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"
#include "models/units/unit_registry.hpp"
#include "synth/yosys_stat.hpp"

namespace fxsim::synth {

struct SynthResult {
  std::string unit;
  std::string top;
  units::ParamMap params;  // resolved: every parameter of the unit
  resources::Family family = resources::Family::xc7;
  bool use_dsp = true;
  ResourceCounts counts;
  std::optional<int> logic_depth;  // cells on the longest register-to-register path
  int latency_cycles = 0;          // units::latency_cycles
  std::string yosys_version;       // `yosys -V`
  double yosys_seconds = 0;        // wall time of the yosys run that produced the counts
  std::string cache_key;           // SHA-256 hex
  bool from_cache = false;         // not stored: set when the answer came from the cache

  int luts() const { return counts.luts(); }
  int lut_equivalent() const { return resources::lut_equivalent(counts.luts(), counts.dsp()); }
  // "yosys xc7 mapping": how every resource figure is labelled (never a vendor tool's name).
  std::string mapping() const;
};

// A JSON object that is not a SynthResult (missing or mistyped field).
struct ResultJsonError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

nlohmann::json to_json(const SynthResult& r);
SynthResult result_from_json(const nlohmann::json& j);  // throws ResultJsonError

}  // namespace fxsim::synth
