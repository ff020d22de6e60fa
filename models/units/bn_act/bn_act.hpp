// bn_act (rtl/bn_act.sv): batch norm folded into a scale (a fixed-point multiplier or K-hot
// shift-add terms) and a bias, the output requantizer, then one of five activations. Its
// parameters, typed configuration, bit-exact reference and cost, and the activation names every
// file format of fxsim uses.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fx/khot.hpp"
#include "models/units/common/unit_spec.hpp"
#include "models/units/fx_requant/fx_requant.hpp"

namespace fxsim::units {

const UnitSpec& bn_act_spec();

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
  fx::FxType out;       // OUT_*, Q, O, N, AP
  Activation act = Activation::NONE;
  std::int64_t clip = 0;  // raw upper bound of RELU_CLIP
  int stages = 1;
  int product_frac() const { return x.frac_bits() + s_frac; }
  // Fraction bits of t = x * scale + bias: the larger of the product's and the bias's.
  int sum_frac() const { return std::max(product_frac(), bias.frac_bits()); }
  int term_width() const { return 2 + sh_w; }
  static BnActConfig from(const ParamMap& resolved);
};

struct BnActResult {
  std::int64_t t = 0;       // x * scale + bias, exact, cfg.sum_frac() fraction bits
  Requantized requantized;  // requant(t) to cfg.out
  std::int64_t y = 0;       // act(requantized.raw): out_y
};

// The scale is a raw of cfg.scale (SCALE_KIND 0) or terms (SCALE_KIND 1); the other is ignored.
// Q = 7 (RND_STOCH) draws from `lfsr`, the lane's generator (rtl/bn_act.sv's fx_lfsr: one
// rounding per element, in stream order); throws std::invalid_argument without one.
BnActResult bn_act(const BnActConfig& cfg, std::int64_t x, std::int64_t scale,
                   const fx::Terms& scale_terms, std::int64_t bias, fx::Lfsr* lfsr = nullptr);

// t = product + bias with both aligned to cfg.sum_frac() fraction bits (product: x * scale at
// cfg.product_frac(); bias: a raw of cfg.bias), exact: what bn_act requantizes.
// (Inline, as activate and raw_one: the engine's BnStage runs them once per output value.)
inline std::int64_t bn_sum(const BnActConfig& cfg, std::int64_t product, std::int64_t bias) {
  const int f = cfg.sum_frac();
  return product * (std::int64_t{1} << (f - cfg.product_frac())) +
         bias * (std::int64_t{1} << (f - cfg.bias.frac_bits()));
}

// Raw 1.0 in the output format, clamped to its range (0 for a negative OUT_FRAC).
inline std::int64_t raw_one(const fx::FxType& out) {
  const int f = out.frac_bits();
  if (f < 0) return 0;
  if (f >= out.width - (out.is_signed ? 1 : 0)) return out.raw_max();
  return std::int64_t{1} << f;
}

// The activation on a raw output value r (docs/rtl_units.md).
inline std::int64_t activate(const BnActConfig& cfg, std::int64_t r) {
  switch (cfg.act) {
    case Activation::RELU:
      return std::max<std::int64_t>(r, 0);
    case Activation::RELU_CLIP:
      return std::min(std::max<std::int64_t>(r, 0), cfg.clip);
    case Activation::HARDTANH:
      return std::clamp(r, -raw_one(cfg.out), raw_one(cfg.out));
    case Activation::SIGN:
      return r >= 0 ? raw_one(cfg.out) : (cfg.out.is_signed ? -raw_one(cfg.out) : 0);
    case Activation::NONE:
      break;
  }
  return r;
}

}  // namespace fxsim::units
