#include "tlm/rtl/variant_registry.hpp"

#include <sstream>

namespace fxsim::tlm_rtl {
namespace {

template <typename Model>
std::string describe(const Variant<Model>& v) {
  return v.name + " (" + v.unit + ": " + units::format_params(units::find_unit(v.unit), v.params) +
         ")";
}

template <typename Model>
const Variant<Model>& find_variant(const std::vector<Variant<Model>>& variants,
                                   const std::string& unit, const units::ParamMap& resolved) {
  for (const Variant<Model>& v : variants) {
    if (v.unit == unit && v.params == resolved) return v;
  }
  std::ostringstream msg;
  msg << "the rtl backend has no Verilated " << unit << " built with this design point's "
      << "parameters (" << units::format_params(units::find_unit(unit), resolved) << "); ";
  int listed = 0;
  for (const Variant<Model>& v : variants) {
    if (v.unit != unit) continue;
    msg << (listed++ ? "; " : "available: ") << describe(v);
  }
  if (listed == 0) msg << "no " << unit << " variant is built";
  msg << " (variants are defined in tlm/rtl/CMakeLists.txt)";
  throw RtlVariantError(msg.str());
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
