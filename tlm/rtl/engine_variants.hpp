// The Verilated units an elaborated design point needs: its PE unit and, with [bn], its bn_act,
// with [requant], its int_requant (driven port by port: tlm/rtl/verilated_requant.hpp), with
// [threshold] its threshold (likewise: tlm/rtl/verilated_threshold.hpp), each at the
// parameters the point elaborates to.
#pragma once

#include "models/engine/elaboration.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

namespace fxsim::tlm_rtl {

struct EngineVariants {
  const verilated::PeVariant* pe = nullptr;
  const verilated::BnVariant* bn = nullptr;           // null without [bn]
  const verilated::PortVariant* requant = nullptr;    // null without [requant]
  const verilated::PortVariant* threshold = nullptr;  // null without [threshold]
};

// Throws what verilated::find_pe_variant / find_bn_variant / find_port_variant throw.
EngineVariants find_engine_variants(const engine::Elaboration& e,
                                    verilated::TraceFormat trace = verilated::TraceFormat::VCD);

}  // namespace fxsim::tlm_rtl
