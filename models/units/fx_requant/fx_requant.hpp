// fx_requant (rtl/fx_requant.sv): the one hardware rounding / overflow of fxsim, every SystemC
// mode with saturation bits (or ap_fixed's, AP = 1), combinational. Its parameters, its typed
// configuration, its bit-exact reference (through fx::convert: fx/ is the one software rounding)
// and its cost.
#pragma once

#include <cstdint>

#include "fx/cast.hpp"
#include "fx/lfsr.hpp"
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

// fx_requant: raw of cfg.in -> cfg.out. Q = 7 (RND_STOCH) draws its random bits from `lfsr`
// (the lane's generator, advanced by fx::stochastic_bits_per_cast(IN_FRAC - OUT_FRAC) bits: the
// rnd port is its low bits); throws std::invalid_argument without one.
Requantized requant(std::int64_t raw, const RequantConfig& cfg, fx::Lfsr* lfsr = nullptr);

}  // namespace fxsim::units
