#include "tlm/rtl/engine_variants.hpp"

namespace fxsim::tlm_rtl {

EngineVariants find_engine_variants(const engine::Elaboration& e, verilated::TraceFormat trace) {
  EngineVariants v;
  v.pe = &verilated::find_pe_variant(e.pe.unit->name, e.pe.params, trace);
  if (e.bn) v.bn = &verilated::find_bn_variant(e.bn->params, trace);
  if (e.requant) {
    v.requant = &verilated::find_port_variant(
        verilated::unit_request(e.requant->unit->name, e.requant->params, trace));
  }
  if (e.threshold) {
    v.threshold = &verilated::find_port_variant(
        verilated::unit_request(e.threshold->unit->name, e.threshold->params, trace));
  }
  return v;
}

}  // namespace fxsim::tlm_rtl
