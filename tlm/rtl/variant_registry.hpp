// The Verilated variants built into fxsim for the layer engine (defined in tlm/rtl/CMakeLists.txt,
// registered by the generated engine_rtl_variants.cpp), and the lookup of the variants a design
// point needs: by unit and resolved parameter map, exactly (a model is one parameter set).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/engine/engine_config.hpp"
#include "models/units/unit_params.hpp"
#include "tlm/rtl/unit_models.hpp"

namespace fxsim::tlm_rtl {

template <typename Model>
struct Variant {
  std::string name;        // the fxsim_add_rtl_variant NAME (class V<name>)
  std::string unit;        // fx_mac_pe, khot_pe or bn_act
  units::ParamMap params;  // resolved: every parameter of the unit
  std::function<std::unique_ptr<Model>(const char* instance)> make;  // instance: trace scope
};
using PeVariant = Variant<PeModel>;
using BnVariant = Variant<BnModel>;

// Filled by the generated registry (engine_rtl_variants.cpp).
const std::vector<PeVariant>& pe_variants();
const std::vector<BnVariant>& bn_variants();
TraceFormat variant_trace_format();    // FXSIM_ENGINE_RTL_TRACE of the build
const char* to_string(TraceFormat f);  // "VCD", "FST"

// A design point the rtl backend cannot run.
struct RtlVariantError : std::runtime_error {
  using runtime_error::runtime_error;
};
// On-demand builds (tlm/rtl/ondemand/) cannot run here: verilator or the compiler is missing, or
// verilator is not the version this executable's Verilator runtime came from.
struct RtlToolchainError : RtlVariantError {
  using RtlVariantError::RtlVariantError;
};
// An on-demand build failed; the full log stays at log_path (named in the message).
struct RtlBuildError : RtlVariantError {
  RtlBuildError(const std::string& what, std::string log) : RtlVariantError(what), log_path(log) {}
  std::string log_path;
};

// The variant of `unit` whose resolved parameters equal `resolved`: a built-in one, else (when
// on-demand builds are enabled) one built on demand or loaded from the cache (docs/engine.md,
// "On-demand variants"). Throws RtlVariantError naming the point's parameters and listing every
// built-in variant of the unit when there is none and on-demand builds are off or impossible
// (RtlToolchainError's reason appended); RtlBuildError when an on-demand build fails.
const PeVariant& find_pe_variant(const std::string& unit, const units::ParamMap& resolved);
const BnVariant& find_bn_variant(const units::ParamMap& resolved);

struct EngineVariants {
  const PeVariant* pe = nullptr;
  const BnVariant* bn = nullptr;  // null without [bn]
};
// Both lookups for a design point (engine::pe_params / bn_params).
EngineVariants find_engine_variants(const engine::EngineConfig& cfg);

// On-demand builds: enabled unless the environment has FXSIM_RTL_ONDEMAND=0; the switch below
// overrides the environment for this process (std::nullopt: back to the environment).
void set_ondemand_builds(std::optional<bool> enabled);
bool ondemand_builds_enabled();
// The cache directory of on-demand variants (they live under <dir>/rtl/): the one set here, else
// FXSIM_CACHE_DIR, XDG_CACHE_HOME/fxsim or ~/.cache/fxsim (as `fxsim synth`). Empty: back to
// the environment.
void set_ondemand_cache_dir(const std::filesystem::path& dir);
std::filesystem::path ondemand_cache_dir();

// One line per built-in variant: "eng_mac8  fx_mac_pe  SIMD=8 A_W=8 ..." (for --help and errors).
std::string describe_variants();

}  // namespace fxsim::tlm_rtl
