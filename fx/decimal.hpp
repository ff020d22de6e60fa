// Exact decimal text of a fixed-point value (raw * 2^-frac_bits). Every binary
// fraction has a finite decimal expansion, so nothing is rounded.
#pragma once

#include <cstdint>
#include <string>

#include "fx/fx_type.hpp"

namespace fxsim::fx {

// "-0.40625", "12", "0.000000059604644775390625". frac_bits may be negative.
// `is_unsigned_bits` reads raw as uint64_t (for unsigned 64-bit formats).
std::string exact_decimal(int64_t raw, int frac_bits, bool is_unsigned_bits = false);

// The exact decimal of a raw value of type t.
std::string exact_decimal(int64_t raw, const FxType& t);

}  // namespace fxsim::fx
