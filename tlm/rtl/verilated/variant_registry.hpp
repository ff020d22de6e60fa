// The Verilated units of this process: looked up by (unit, resolved parameters, trace format),
// taken from the on-disk cache or built on first use (variant_builder.hpp), loaded once and kept
// for the life of the process. Every parameter set is built this way, for fxsim, its tests and
// its benchmarks alike: there is no list of built-in variants to keep in step with anything.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "models/units/unit_params.hpp"
#include "tlm/rtl/verilated/verilated_unit.hpp"

namespace fxsim::verilated {

template <typename Model>
struct Variant {
  std::string name;        // <unit>-<first 12 hex digits of the cache key>
  std::string unit;        // fx_mac_pe, khot_pe or bn_act
  units::ParamMap params;  // resolved: every parameter of the unit
  TraceFormat trace = TraceFormat::VCD;
  std::function<std::unique_ptr<Model>(const char* instance)> make;  // instance: trace scope
};
using PeVariant = Variant<PeModel>;
using BnVariant = Variant<BnModel>;

const char* to_string(TraceFormat f);  // "VCD", "FST"

// A parameter set that cannot be run on Verilated RTL here.
struct RtlVariantError : std::runtime_error {
  using runtime_error::runtime_error;
};
// No build possible here: verilator or the compiler is missing, verilator is not the version
// this executable's Verilator runtime came from, or the RTL cannot be read.
struct RtlToolchainError : RtlVariantError {
  using RtlVariantError::RtlVariantError;
};
// A build failed; the full log stays at log_path (named in the message).
struct RtlBuildError : RtlVariantError {
  RtlBuildError(const std::string& what, std::string log) : RtlVariantError(what), log_path(log) {}
  std::string log_path;
};

// The variant of `unit` (fx_mac_pe, khot_pe) / bn_act with exactly these resolved parameters,
// traceable in `trace`'s format. Throws RtlVariantError naming the parameters when it is not in
// the cache and builds are off, RtlToolchainError when it cannot be built here, RtlBuildError
// when the build fails.
const PeVariant& find_pe_variant(const std::string& unit, const units::ParamMap& resolved,
                                 TraceFormat trace = TraceFormat::VCD);
const BnVariant& find_bn_variant(const units::ParamMap& resolved,
                                 TraceFormat trace = TraceFormat::VCD);

// Builds: enabled unless the environment has FXSIM_RTL_ONDEMAND=0, which keeps fxsim to the
// variants already in the cache (an offline machine, a shared read-only cache); the switch below
// overrides the environment for this process (std::nullopt: back to the environment).
void set_ondemand_builds(std::optional<bool> enabled);
bool ondemand_builds_enabled();
// The cache directory (entries under <dir>/rtl/): the one set here, else FXSIM_CACHE_DIR,
// XDG_CACHE_HOME/fxsim or ~/.cache/fxsim (util/cache_dir.hpp). Empty: back to the environment.
void set_ondemand_cache_dir(const std::filesystem::path& dir);
std::filesystem::path ondemand_cache_dir();

// What this process did, for tests and logs: timing-free evidence of a cache hit.
struct Stats {
  int builds = 0;       // verilator + compiler runs (including builds that lost a race)
  int cache_loads = 0;  // entries found complete in the cache and loaded
  int reused = 0;       // lookups answered by an already loaded variant
};
Stats stats();

}  // namespace fxsim::verilated
