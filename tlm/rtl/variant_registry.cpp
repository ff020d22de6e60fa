#include "tlm/rtl/variant_registry.hpp"

#include <sstream>
#include <type_traits>

#include "tlm/rtl/ondemand/ondemand_registry.hpp"

namespace fxsim::tlm_rtl {
namespace {

template <typename Model>
std::string describe(const Variant<Model>& v) {
  return v.name + " (" + v.unit + ": " + units::format_params(units::find_unit(v.unit), v.params) +
         ")";
}

// RtlVariantError naming the point's parameters and listing the built-in variants of `unit`;
// `why_not_ondemand` says why no variant was built on demand.
template <typename Model>
[[noreturn]] void no_variant(const std::vector<Variant<Model>>& variants, const std::string& unit,
                             const units::ParamMap& resolved, const std::string& why_not_ondemand) {
  std::ostringstream msg;
  msg << "the rtl backend has no Verilated " << unit << " built with this design point's "
      << "parameters (" << units::format_params(units::find_unit(unit), resolved) << "); ";
  int listed = 0;
  for (const Variant<Model>& v : variants) {
    if (v.unit != unit) continue;
    msg << (listed++ ? "; " : "available: ") << describe(v);
  }
  if (listed == 0) msg << "no " << unit << " variant is built";
  msg << " (variants are defined in tlm/rtl/CMakeLists.txt); " << why_not_ondemand;
  throw RtlVariantError(msg.str());
}

template <typename Model>
const Variant<Model>& find_variant(const std::vector<Variant<Model>>& variants,
                                   const std::string& unit, const units::ParamMap& resolved) {
  for (const Variant<Model>& v : variants) {
    if (v.unit == unit && v.params == resolved) return v;
  }
  if (!ondemand_builds_enabled()) {
    no_variant(variants, unit, resolved,
               "on-demand builds are off (FXSIM_RTL_ONDEMAND=0 or set_ondemand_builds(false))");
  }
  try {
    if constexpr (std::is_same_v<Model, BnModel>) {
      return ondemand::bn_variant(resolved, variant_trace_format());
    } else {
      return ondemand::pe_variant(unit, resolved, variant_trace_format());
    }
  } catch (const RtlToolchainError& e) {
    no_variant(variants, unit, resolved, std::string("no on-demand build possible: ") + e.what());
  }
}

}  // namespace

const char* to_string(TraceFormat f) { return f == TraceFormat::FST ? "FST" : "VCD"; }

const PeVariant& find_pe_variant(const std::string& unit, const units::ParamMap& resolved) {
  return find_variant(pe_variants(), unit, resolved);
}

const BnVariant& find_bn_variant(const units::ParamMap& resolved) {
  return find_variant(bn_variants(), "bn_act", resolved);
}

EngineVariants find_engine_variants(const engine::EngineConfig& cfg) {
  EngineVariants v;
  v.pe = &find_pe_variant(engine::pe_unit_name(cfg), engine::pe_params(cfg));
  if (cfg.bn) v.bn = &find_bn_variant(engine::bn_params(cfg));
  return v;
}

std::string describe_variants() {
  std::ostringstream out;
  for (const PeVariant& v : pe_variants()) out << "  " << describe(v) << "\n";
  for (const BnVariant& v : bn_variants()) out << "  " << describe(v) << "\n";
  return out.str();
}

}  // namespace fxsim::tlm_rtl
