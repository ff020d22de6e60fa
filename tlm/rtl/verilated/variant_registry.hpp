// The Verilated units of this process: looked up by (unit, resolved parameters, trace format),
// taken from the on-disk cache or built on first use (variant_builder.hpp), loaded once and kept
// for the life of the process. Every parameter set is built this way, for fxsim, its tests and
// its benchmarks alike: there is no list of built-in variants to keep in step with anything.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "models/units/unit_registry.hpp"
#include "tlm/rtl/verilated/rtl_errors.hpp"
#include "tlm/rtl/verilated/variant_sources.hpp"
#include "tlm/rtl/verilated/verilated_unit.hpp"

namespace fxsim::verilated {

template <typename Model>
struct Variant {
  // The unit and its parameters as a reader names them (units::summarize_params), e.g.
  // "fx_mac_pe SIMD=8 A=fixed<8,4> W=fixed<8,2> ACC_W=24 ACC_O=WRAP
  // OUT=fixed<8,4,RND_CONV,SAT> STAGES=2"; the cache key names its files, not this.
  std::string name;
  std::string unit;        // the unit of units::all_units() it is built from
  units::ParamMap params;  // resolved: every parameter of the unit
  TraceFormat trace = TraceFormat::VCD;
  std::function<std::unique_ptr<Model>(const char* instance)> make;  // instance: trace scope
};
using PeVariant = Variant<PeModel>;
using BnVariant = Variant<BnModel>;
using PortVariant = Variant<PortModel>;

// The variant of `unit` (fx_mac_pe, khot_pe) / bn_act with exactly these resolved parameters,
// traceable in `trace`'s format. Throws RtlVariantError naming the parameters when it is not in
// the cache and builds are off, RtlToolchainError when it cannot be built here, RtlBuildError
// when the build fails.
const PeVariant& find_pe_variant(const std::string& unit, const units::ParamMap& resolved,
                                 TraceFormat trace = TraceFormat::VCD);
const BnVariant& find_bn_variant(const units::ParamMap& resolved,
                                 TraceFormat trace = TraceFormat::VCD);
// Any unit, or a test wrapper around one (request.wrapper), driven port by port (testbenches).
// request.kind is taken as AdapterKind::PORTS.
const PortVariant& find_port_variant(VariantRequest request);

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
