// A design point elaborated, once, into what it implies (docs/architecture.md): the RTL units it
// instantiates with their resolved parameters and counts, and their typed configurations. The
// resource model, both backends, yosys runs and the sweep reports read this description, never
// the point's type fields again.
#pragma once

#include <optional>
#include <variant>
#include <vector>

#include "fx/khot.hpp"
#include "models/engine/engine_config.hpp"
#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "models/units/int_requant/int_requant.hpp"
#include "models/units/khot_pe/khot_pe.hpp"
#include "models/units/threshold/threshold.hpp"
#include "models/units/unit_registry.hpp"
#include "models/units/xnor_pe/xnor_pe.hpp"

namespace fxsim::engine {

// One kind of unit in the engine: which, at which resolved parameters, how many.
struct UnitInstance {
  const units::UnitSpec* unit = nullptr;
  units::ParamMap params;  // resolved (units::resolve_params)
  int count = 0;
};

struct Elaboration {
  EngineConfig point;
  // fx_mac_pe (FX_MAC), khot_pe (KHOT, SPT) or xnor_pe (BINARY, TERNARY, XNOR): PE of them
  UnitInstance pe;
  std::optional<UnitInstance> bn;  // bn_act, PE of them, with [bn]
  // int_requant with [requant]: one, of PE lanes, CH = NF x PE channels (those past N_out take
  // zero parameters and their outputs are dropped, as the PEs past N_out).
  std::optional<UnitInstance> requant;
  // threshold with [threshold]: one, of PE lanes, CH = NF x PE channels (as int_requant).
  std::optional<UnitInstance> threshold;
  std::variant<units::MacPeConfig, units::KhotPeConfig, units::XnorPeConfig> pe_config;
  std::optional<units::BnActConfig> bn_config;
  std::optional<units::IntRequantConfig> requant_config;
  std::optional<units::ThresholdConfig> threshold_config;

  std::vector<const UnitInstance*> instances() const;   // pe, then bn / requant when there is one
  const units::AccumulatorConfig& accumulator() const;  // of either PE
  const units::KhotPeConfig& khot_pe() const { return std::get<units::KhotPeConfig>(pe_config); }
  const units::XnorPeConfig& xnor_pe() const { return std::get<units::XnorPeConfig>(pe_config); }
};

// Throws units::UnitParamError ("<unit>: ..." naming the parameter) when a unit cannot take the
// point's formats. parse_point / validate map such an error to the point-file key.
Elaboration elaborate(const EngineConfig& cfg);
// Its two parts, for the point-file checks that report the PE's problems before [bn]'s.
UnitInstance pe_instance(const EngineConfig& cfg);
UnitInstance bn_instance(const EngineConfig& cfg);         // with [bn] only
UnitInstance requant_instance(const EngineConfig& cfg);    // with [requant] only
UnitInstance threshold_instance(const EngineConfig& cfg);  // with [threshold] only
// xnor_pe's MODE of a binary / ternary kind: XNOR 0, BINARY 1, TERNARY 2.
units::XnorMode xnor_mode(EngineKind kind);

// The analytical resources of the engine: each instance's unit cost (units::estimate) times its
// count, summed; the LUT-equivalent of the sums.
resources::ResourceEstimate engine_cost(const Elaboration& e, resources::Family family,
                                        bool use_dsp);

// SH_W of a K-hot type: bits that hold every shift 0..magnitude_bits-1 (at least 1).
int khot_shift_bits(const fx::KhotType& t);

}  // namespace fxsim::engine
