// Synthesize one RTL unit with yosys and report its resources: the library behind `fxsim synth`
// and the sweeps. A result is cached on disk under a key of everything it depends on, so asking
// twice runs yosys once; a cached answer starts no process at all.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "models/resources/family.hpp"
#include "models/units/unit_registry.hpp"
#include "synth/synth_error.hpp"
#include "synth/synth_result.hpp"

namespace fxsim::synth {

struct SynthRequest {
  std::string unit;           // a name from units::all_units()
  units::ParamMap overrides;  // parameters to change from the defaults
  resources::Family family = resources::Family::xc7;
  bool use_dsp = true;  // false: synth_xilinx -nodsp, multipliers in LUTs
};

struct SynthOptions {
  std::string yosys;                // empty: default_yosys()
  std::filesystem::path rtl_dir;    // empty: units::default_rtl_dir()
  std::filesystem::path cache_dir;  // empty: util::resolve_cache_dir()
  bool use_cache = true;            // false: neither read nor write the cache
  // Receives warnings (a corrupt cache entry, a cache that cannot be written); empty: stderr.
  std::function<void(const std::string&)> warn;
  // Called just before yosys starts (the cache did not hold the result, or use_cache is false),
  // with one line saying what is synthesized and why yosys runs, e.g. "fx_mac_pe SIMD=8 ... on
  // xc7 (DSP48): not in the cache /home/u/.cache/fxsim/synth; running yosys". Empty: silent.
  std::function<void(const std::string&)> on_yosys_run;
};

// $FXSIM_YOSYS when set, else the yosys CMake found (FXSIM_YOSYS_EXECUTABLE).
std::string default_yosys();

// Resolves the parameters (units::UnitParamError for a bad unit, name or value), then returns
// the cached result or runs yosys. Throws SynthError when yosys is missing, fails (the work
// directory with the full log is kept and named in the error) or writes unreadable output.
SynthResult synthesize(const SynthRequest& request, const SynthOptions& options = {});

}  // namespace fxsim::synth
