// The Verilated variants built into fxsim for the layer engine (defined in tlm/rtl/CMakeLists.txt,
// registered by the generated engine_rtl_variants.cpp), and the lookup of the variants a design
// point needs: by unit and resolved parameter map, exactly (a model is one parameter set).
#pragma once

#include <functional>
#include <memory>
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

// The variant of `unit` whose resolved parameters equal `resolved`; throws RtlVariantError naming
// the point's parameters and listing every variant of the unit.
const PeVariant& find_pe_variant(const std::string& unit, const units::ParamMap& resolved);
const BnVariant& find_bn_variant(const units::ParamMap& resolved);

struct EngineVariants {
  const PeVariant* pe = nullptr;
  const BnVariant* bn = nullptr;  // null without [bn]
};
// Both lookups for a design point (engine::pe_params / bn_params).
EngineVariants find_engine_variants(const engine::EngineConfig& cfg);

// One line per variant: "eng_mac8  fx_mac_pe  SIMD=8 A_W=8 ..." (for --help and errors).
std::string describe_variants();

}  // namespace fxsim::tlm_rtl
