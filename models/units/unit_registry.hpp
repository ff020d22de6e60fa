// The registry of the RTL units in rtl/: fx_requant, fx_mac_pe, khot_pe, bn_act, stream_fifo,
// max_pool, each declared in its own folder under models/units/ (parameter schema, typed
// configuration, reference arithmetic, cost formula). One table serves the Verilated variants,
// `fxsim synth`, the engine and the sweeps, so a parameter set one of them accepts is accepted by
// all (docs/rtl_units.md has the arithmetic of each unit).
#pragma once

#include <string_view>
#include <vector>

#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"
#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {

// fx_requant, fx_mac_pe, khot_pe, bn_act, stream_fifo, max_pool (in that order).
const std::vector<UnitSpec>& all_units();

// Throws UnitParamError listing the known units for an unknown name.
const UnitSpec& find_unit(std::string_view name);

// Every parameter of the unit: the overrides, defaults for the rest. Throws UnitParamError for an
// unknown parameter name, a value outside [min, max], or a violated cross-constraint (e.g.
// WRAP_SM on an unsigned output, intermediate widths beyond 62 bits).
ParamMap resolve_params(const UnitSpec& unit, const ParamMap& overrides);

// Cycles from an accepted input beat to its result: STAGES for the pipelined units, 0 for the
// combinational fx_requant.
int latency_cycles(const UnitSpec& unit, const ParamMap& resolved);

// The analytical resources of one instance of `unit` at resolved parameters, as yosys 0.23
// synth_xilinx maps it (use_dsp = false: -nodsp). About a microsecond per call: no yosys.
// docs/resources.md lists every formula with its source and its error against yosys.
resources::ResourceEstimate estimate(const UnitSpec& unit, const ParamMap& resolved,
                                     resources::Family family, bool use_dsp);
resources::ResourceEstimate estimate(std::string_view unit, const ParamMap& resolved,
                                     resources::Family family, bool use_dsp);

}  // namespace fxsim::units
