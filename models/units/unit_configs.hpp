// Typed views of a resolved parameter map: the fx:: formats each RTL unit works with, derived in
// one place from the Verilog parameters (FRAC -> FxType::int_bits = W - FRAC, mode numbers ->
// fx::Rounding / fx::Overflow). The C++ references in models/arith/ take these.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fx/fx_type.hpp"
#include "models/units/unit_params.hpp"

namespace fxsim::units {

// A format given as Verilog parameters (W, FRAC, SIGNED) with the cast modes of the destination.
fx::FxType format_from_params(std::int64_t width, std::int64_t frac, std::int64_t is_signed,
                              fx::Rounding q = fx::Rounding::TRN,
                              fx::Overflow o = fx::Overflow::WRAP, std::int64_t n = 0);

struct RequantConfig {
  fx::FxType in;   // IN_* (modes unused)
  fx::FxType out;  // OUT_*, Q, O, N
  static RequantConfig from(const ParamMap& resolved);
};

// fx_mac_pe and khot_pe share the stream, the accumulator and the output requantizer.
struct AccumulatorConfig {
  int simd = 8;
  fx::FxType a;    // activation format A_*
  int w_frac = 0;  // fraction bits of the weight
  fx::FxType acc;  // signed, ACC_W bits, fraction A_FRAC + W_FRAC, TRN, ACC_O
  fx::FxType out;  // OUT_*, Q, O, N
  int stages = 1;
  int product_frac() const { return a.frac_bits() + w_frac; }
};

struct MacPeConfig : AccumulatorConfig {
  fx::FxType w;  // weight format W_*
  static MacPeConfig from(const ParamMap& resolved);
};

struct KhotPeConfig : AccumulatorConfig {
  int k = 1;     // terms per weight
  int sh_w = 3;  // bits of a term's shift
  int term_width() const { return 2 + sh_w; }
  static KhotPeConfig from(const ParamMap& resolved);
};

enum class Activation { NONE = 0, RELU = 1, RELU_CLIP = 2, HARDTANH = 3, SIGN = 4 };

// "none", "relu", "relu_clip", "hardtanh", "sign": the names design-point, sweep and model
// files use.
std::string_view activation_name(Activation a);
// The same names, in ACT order: the one table every parser of those files reads.
const std::vector<std::pair<std::string, Activation>>& activation_names();

struct BnActConfig {
  fx::FxType x;         // X_*
  int scale_kind = 0;   // 0 fixed-point multiplier, 1 K-hot shift-add
  fx::FxType scale;     // S_* (scale_kind 0; for kind 1 only its fraction bits are meaningful)
  int s_frac = 0;       // S_FRAC (both kinds)
  int k = 1, sh_w = 3;  // K-hot scale (scale_kind 1)
  fx::FxType bias;      // signed B_W, B_FRAC
  fx::FxType out;       // OUT_*, Q, O, N
  Activation act = Activation::NONE;
  std::int64_t clip = 0;  // raw upper bound of RELU_CLIP
  int stages = 1;
  int product_frac() const { return x.frac_bits() + s_frac; }
  // Fraction bits of t = x * scale + bias: the larger of the product's and the bias's.
  int sum_frac() const;
  int term_width() const { return 2 + sh_w; }
  static BnActConfig from(const ParamMap& resolved);
};

}  // namespace fxsim::units
