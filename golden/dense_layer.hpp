// One dense layer of a quantized network and its batch-norm + activation (plain C++, no torch):
// a dense PE x SIMD MAC array (exact products, accumulator wrap/saturate per beat, requant to
// out_type), then optionally one bn_act per output (t = x * scale + bias exact, requant,
// activation). Its own header so that golden/conv_layer.hpp (a conv output pixel is one dense
// layer over its window) and golden/quant_network.hpp (which holds both kinds) can share it.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"
#include "fx/type_parser.hpp"
#include "models/units/bn_act/bn_act.hpp"

namespace fxsim::golden {

// An inconsistent model; what() names the layer and the field ("fc2.bn.scale: ...").
class ModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BnActLayer {
  fx::NumType scale_type;  // FxType (fixed multiplier) or KhotType (shift-add, khot/ukhot/spt)
  fx::FxType bias_type;
  fx::FxType out_type;
  units::Activation act = units::Activation::NONE;
  std::int64_t clip_raw = 0;            // RELU_CLIP upper bound, a raw of out_type
  std::vector<std::int64_t> scale_raw;  // one per channel
  std::vector<std::int64_t> bias_raw;   // one per channel

  bool khot_scale() const { return std::holds_alternative<fx::KhotType>(scale_type); }
  int scale_frac() const;
};

struct DenseLayer {
  std::string name;
  int in_features = 0;
  int out_features = 0;
  int simd = 8;  // beats of SIMD inputs: the order the accumulator wraps/saturates in
  fx::FxType input_type;
  fx::FxType weight_type;
  fx::FxType acc_type;                   // fraction bits = input F + weight F, TRN
  fx::FxType out_type;                   // requant of the accumulator (the MAC unit's output)
  std::vector<std::int64_t> weight_raw;  // out_features x in_features, row-major
  std::optional<BnActLayer> bn;

  const fx::FxType& output_type() const { return bn ? bn->out_type : out_type; }
};

// Shapes, the accumulator's fraction bits, raws of their types, 62-bit sums
// (golden/quant_network.cpp).
void validate(const DenseLayer& layer);

// The unit scale of a bias without batch norm: khot<2,2,1> (sign + one magnitude bit, no
// fraction bits), raw 1 = the single term +2^0. The shift-add bn_act then adds x << 0: no
// multiplier, no DSP, and t = x + bias exactly.
fx::KhotType unit_scale_type();

// A dense or conv layer's own bias without batch norm, as the bn_act hardware runs it: the unit
// scale (unit_scale_type, raw 1 per channel), the bias raws of bias_type (signed), output
// out_type (pass the layer's MAC output type: y = act(requant(x + bias)) to x's own type), the
// activation and its relu_clip bound (a raw of out_type). reference_forward, the integer
// inference, the engines and the model file then run it as any bn_act.
BnActLayer bias_only_bn(const fx::FxType& bias_type, std::vector<std::int64_t> bias_raw,
                        const fx::FxType& out_type, units::Activation act,
                        std::int64_t clip_raw = 0);

}  // namespace fxsim::golden
