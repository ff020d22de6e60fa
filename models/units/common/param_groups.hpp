// Parameter groups and width rules several units share: a (W, FRAC, SIGNED) format, the output
// requantizer's format and modes, the pipeline depth, and the 62-bit limit that keeps every
// intermediate of the reference arithmetic in an int64.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fx/fx_type.hpp"
#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {

inline constexpr std::int64_t kMaxWorkWidth = 62;

// <P>_W, <P>_FRAC, <P>_SIGNED of `what`.
std::vector<ParamSpec> format_group(const std::string& prefix, std::int64_t w, std::int64_t frac,
                                    std::int64_t min_w, std::int64_t max_w, std::int64_t frac_range,
                                    const std::string& what);
// OUT_W, OUT_FRAC, OUT_SIGNED, Q, O, N, AP of a unit's output requantizer (max_w its widest
// output). AP = 1 selects ap_fixed semantics (fx::Semantics::AP_FIXED), 0 SystemC's.
std::vector<ParamSpec> output_params(std::int64_t max_w = 62, std::int64_t q_default = 4,
                                     std::int64_t o_default = 0,
                                     const std::string& what = "output");
ParamSpec stages_param();

// Value names of the mode parameters, in fx::Rounding / fx::Overflow order (Q, O, ACC_O).
std::vector<std::string> rounding_value_names();
std::vector<std::string> overflow_value_names();

template <typename... Lists>
std::vector<ParamSpec> concat(Lists&&... lists) {
  std::vector<ParamSpec> all;
  (all.insert(all.end(), lists.begin(), lists.end()), ...);
  return all;
}

// A format given as Verilog parameters (W, FRAC, SIGNED) with the cast modes of the destination
// and its semantics (ap = 1: ap_fixed, spelled ap_fixed<...>; 0: SystemC, fixed<...>).
fx::FxType format_from_params(std::int64_t width, std::int64_t frac, std::int64_t is_signed,
                              fx::Rounding q = fx::Rounding::TRN,
                              fx::Overflow o = fx::Overflow::WRAP, std::int64_t n = 0,
                              std::int64_t ap = 0);
// OUT_*, Q, O, N, AP.
fx::FxType output_format(const ParamMap& resolved);
// The AP parameter of a requantizer into t: 1 for ap_fixed semantics.
std::int64_t ap_param(const fx::FxType& t);

// O = WRAP_SM needs a signed output (sign-magnitude wrap).
void check_output(const UnitSpec& unit, const ParamMap& resolved);
// Throws when `width` bits of `what` exceed kMaxWorkWidth.
void check_width(const UnitSpec& unit, const std::string& what, std::int64_t width);

// Width of the exact sum of `simd` lanes of products `product_w` bits wide (signed).
std::int64_t beat_width(std::int64_t product_w, std::int64_t simd);
// Width of a K-term shift-add product of an a_w-bit operand with sh_w-bit shifts (signed).
std::int64_t khot_product_width(std::int64_t a_w, std::int64_t sh_w, std::int64_t k);

// Cycles from an accepted beat to its result of the pipelined units: STAGES.
int stages_latency(const ParamMap& resolved);

}  // namespace fxsim::units
