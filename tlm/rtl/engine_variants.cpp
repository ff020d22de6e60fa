#include "tlm/rtl/engine_variants.hpp"

namespace fxsim::tlm_rtl {

EngineVariants find_engine_variants(const engine::EngineConfig& cfg, verilated::TraceFormat trace) {
  EngineVariants v;
  v.pe = &verilated::find_pe_variant(engine::pe_unit_name(cfg), engine::pe_params(cfg), trace);
  if (cfg.bn) v.bn = &verilated::find_bn_variant(engine::bn_params(cfg), trace);
  return v;
}

}  // namespace fxsim::tlm_rtl
