// Analytical resource model of the RTL units: LUT, FF, CARRY, DSP and BRAM of one parameter set
// as yosys 0.23 `synth_xilinx` maps it (apps/synth/ measures the same thing by running yosys).
// No yosys, no allocation beyond the parameter lookups: about a microsecond per call, for sweeps.
// docs/resources.md lists every formula with its source and the model's error against yosys.
#pragma once

#include <string_view>

#include "models/resources/family.hpp"
#include "models/units/unit_params.hpp"

namespace fxsim::resources {

struct ResourceEstimate {
  int lut = 0;             // LUT1..LUT6 + INV + SRL, as `fxsim synth` counts them
  int ff = 0;              // FDRE / FDSE
  int carry = 0;           // CARRY4 (yosys 0.23 uses CARRY4 on xcup too)
  int dsp = 0;             // DSP48E1 (xc7) or DSP48E2 (xcup): exact, the rules of yosys's mul2dsp
  int bram = 0;            // block RAMs: no unit uses any
  int lut_equivalent = 0;  // lut + 55 x dsp (HGQ rule of thumb), as fxsim synth reports it
};

// The estimate for `unit` at the resolved parameters (units::resolve_params). use_dsp = false is
// synth_xilinx -nodsp. Throws units::UnitParamError when a parameter is missing.
ResourceEstimate estimate(const units::UnitSpec& unit, const units::ParamMap& resolved,
                          Family family, bool use_dsp);

// The same by unit name (units::find_unit).
ResourceEstimate estimate(std::string_view unit, const units::ParamMap& resolved, Family family,
                          bool use_dsp);

}  // namespace fxsim::resources
