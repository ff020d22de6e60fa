// The on-demand variants of this process: looked up by (unit, resolved parameters, trace
// format), built or taken from the cache (variant_builder.hpp), loaded once and kept. The
// returned references stay valid for the life of the process, like the built-in variants'.
// The switches (set_ondemand_builds, set_ondemand_cache_dir) are declared in
// variant_registry.hpp next to the lookups that use them.
#pragma once

#include <string>

#include "models/units/unit_params.hpp"
#include "tlm/rtl/variant_registry.hpp"

namespace fxsim::tlm_rtl::ondemand {

// Throws like ensure_variant (variant_builder.hpp), and RtlBuildError when the shared object
// cannot be loaded.
const PeVariant& pe_variant(const std::string& unit, const units::ParamMap& resolved,
                            TraceFormat trace);
const BnVariant& bn_variant(const units::ParamMap& resolved, TraceFormat trace);

// What this process did, for tests and logs: timing-free evidence of a cache hit.
struct Stats {
  int builds = 0;       // verilator + compiler runs (including builds that lost a race)
  int cache_loads = 0;  // entries found complete in the cache and loaded
  int reused = 0;       // lookups answered by an already loaded variant
};
Stats stats();

}  // namespace fxsim::tlm_rtl::ondemand
