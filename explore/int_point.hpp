// Affine integer design points (kind = "int", docs/sweeps.md "Affine integer points"): the float
// layer quantized as PyTorch's post-training static quantization does it, into the operands of
// the layer engine with [requant] (the fx_mac array on integers, then int_requant):
//   weights      int<W>, symmetric (zero point 0), scale = max|w| / ((2^W - 1) / 2), per tensor
//                or per output channel (golden/affine_observer's MinMaxObserver rule)
//   activations  uint<W_a>, affine from the float inputs' min / max (the same rule)
//   outputs      uint<W_o>, affine from the min / max of the float layer's own outputs, observed on
//                the same batch the point runs (a calibration on the test data: the best case)
//   accumulator  int32; bias_c = quantize_bias(b_c, s_x, s_w_c) - z_x sum_k w_q[c][k] (the input
//                zero point's term folded into the bias, as int_requant takes it)
//   multiplier   M_c = float_multiplier(s_x, s_w_c, s_out) (PyTorch's float32 order), and for
//                the hardware fx::integer_multiplier(M_c, m0_bits)
// With bn = "fixed" the BN scale is folded into the float weights and the BN bias is the bias;
// a relu activation becomes int_requant's RELU. The arithmetic is fx/affine's; this file only
// wires the float layer into it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "explore/design_points.hpp"
#include "explore/float_layer.hpp"
#include "explore/sweep_spec.hpp"
#include "fx/affine.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::explore {

// What an int point asks of the quantization.
struct IntPointSpec {
  int weight_bits = 8, activation_bits = 8, output_bits = 8;
  AffineWeights weights = AffineWeights::PER_CHANNEL;
  bool fold_bn = false;  // bn = "fixed": BN scale into the weights, BN bias as the bias
  bool relu = false;     // the bn activation relu, fused into int_requant
  int m0_bits = 31;
};

// An int point's quantization: the widths of its weight, activation and output axes, its
// affine_weights, bn = "fixed" folded, relu from the sweep's [bn] activation, [requant] m0_bits.
IntPointSpec int_point_spec(const SweepSpec& spec, const PointParams& p);

// Why an int point of these bn settings cannot be built ("bn = \"khot\" ..."), or nullopt:
// int_requant has no K-hot scale (the scale is folded into the weights) and clamps at the zero
// point only (relu; no clip, hardtanh or sign).
std::optional<std::string> int_bn_problem(BnScaleKind bn, units::Activation activation);

// The quantized layer of an int point.
struct IntLayer {
  fx::AffineInt input_format, weight_format, output_format;
  fx::AffineParams input, weight, output;  // input / output per tensor
  std::vector<double> reference;           // batch x out: the float outputs (accuracy, observer)
  std::vector<std::int64_t> weight_q;      // out x in
  std::vector<std::int64_t> input_q;       // batch x in
  std::vector<std::int32_t> bias_q;        // PyTorch's bias rule of the (folded) float bias
  std::vector<std::int64_t> folded_bias;   // bias_q - z_x sum_k w_q: int_requant's bias, 32 bits
  std::vector<float> multiplier;           // float_multiplier(s_x, s_w_c, s_out)
  std::vector<fx::IntegerMultiplier> integer;  // integer_multiplier(multiplier, m0_bits)
  bool relu = false;
  // The largest left shift (-n) of the integer multipliers, 0 when every n >= 0.
  int lshift_max() const;
};

// The float layer's outputs an int point is measured against: y = W x (`products`), with
// fold_bn scale * y + bias, with relu max(y, 0). batch x out.
std::vector<double> int_float_reference(const FloatLayer& f, const std::vector<double>& products,
                                        const IntPointSpec& s);

IntLayer quantize_int_layer(const FloatLayer& f, const std::vector<double>& products,
                            const IntPointSpec& s);

// The [requant] table of the point's engine: output uint<W_o> at the observed zero point, the
// knobs of the sweep's [requant], LSHIFT_MAX as the multipliers need it, bias_width 32.
engine::RequantConfig int_requant_config(const IntLayer& l, const RequantSpec& r);

// The engine's buffers: weights and inputs as their integers (fixed<W,W> / ufixed<W,W> raws),
// BN_PARAMS = N_out multiplier words (engine::requant_multiplier_word; bn_scale and
// bn_scale_words), then N_out folded biases (bn_bias).
engine::Stimulus int_stimulus(const IntLayer& l);

// Requantization method `float` on the accumulators (the MAC output raws, batch x out, without
// the bias): y = requantize_float(wrap32(acc + bias_c), M_c, z_out), clamped at z_out with relu.
std::vector<std::int64_t> requantize_float_outputs(const IntLayer& l,
                                                   const std::vector<std::int64_t>& acc);

// Outputs as values: (q - z_out) s_out (fx::dequantize, float32).
std::vector<double> dequantize_outputs(const IntLayer& l, const std::vector<std::int64_t>& q);

}  // namespace fxsim::explore
