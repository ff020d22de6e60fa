// fx_requant (rtl/fx_requant.sv): the one hardware rounding / overflow of fxsim, every SystemC
// mode with saturation bits (or ap_fixed's, AP = 1), combinational. Its parameters, its typed
// configuration, its bit-exact reference (through fx::convert: fx/ is the one software rounding)
// and its cost.
#pragma once

#include <cstdint>

#include "fx/cast.hpp"
#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {

const UnitSpec& fx_requant_spec();

struct RequantConfig {
  fx::FxType in;   // IN_* (modes unused)
  fx::FxType out;  // OUT_*, Q, O, N, AP
  static RequantConfig from(const ParamMap& resolved);
};

// A requantized value and what happened on the way (fx_requant's dout and flags).
struct Requantized {
  std::int64_t raw = 0;
  fx::CastFlags flags;
};

// fx_requant: raw of cfg.in -> cfg.out.
Requantized requant(std::int64_t raw, const RequantConfig& cfg);

}  // namespace fxsim::units
