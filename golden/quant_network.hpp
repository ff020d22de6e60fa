// A quantized network as the hardware runs it: plain C++ (no torch), shared by the exporter, the
// model-file loader and `fxsim verify`. Every layer is one design point of docs/engine.md: a dense
// PE x SIMD MAC array (exact products, accumulator wrap/saturate per beat, requant to out_type),
// then optionally one bn_act per output (t = x * scale + bias exact, requant, activation).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"
#include "fx/type_parser.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"

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

struct QuantNetwork {
  fx::FxType input_type;
  std::vector<DenseLayer> layers;
};

// Checks shapes, chaining (a layer's input type is the previous output type), the accumulator's
// fraction bits, that every raw is a value of its type (K-hot: representable), and that the
// integer sums fit 62 bits. Throws ModelError.
void validate(const QuantNetwork& model);
void validate(const DenseLayer& layer);

// The models/units configurations of a layer (what the SystemC/RTL units are built from).
units::MacPeConfig mac_config(const DenseLayer& layer);
units::BnActConfig bn_config(const DenseLayer& layer);

// Reference integer inference through models/units (mac_dot, bn_act), one input vector of raws
// of layer.input_type; returns raws of layer.output_type(). Slow and obviously right.
std::vector<std::int64_t> reference_dense(const DenseLayer& layer,
                                          const std::vector<std::int64_t>& input);
std::vector<std::int64_t> reference_forward(const QuantNetwork& model,
                                            const std::vector<std::int64_t>& input);

using units::activation_name;                               // models/units: one list of names
units::Activation parse_activation(std::string_view name);  // throws std::invalid_argument

}  // namespace fxsim::golden
