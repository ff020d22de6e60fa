// The Verilated units a design point of the layer engine needs: its PE unit and, with [bn], its
// bn_act, each at the parameters the point elaborates to (engine::pe_params / bn_params).
#pragma once

#include "models/engine/engine_config.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

namespace fxsim::tlm_rtl {

struct EngineVariants {
  const verilated::PeVariant* pe = nullptr;
  const verilated::BnVariant* bn = nullptr;  // null without [bn]
};

// Throws what verilated::find_pe_variant / find_bn_variant throw.
EngineVariants find_engine_variants(const engine::EngineConfig& cfg,
                                    verilated::TraceFormat trace = verilated::TraceFormat::VCD);

}  // namespace fxsim::tlm_rtl
