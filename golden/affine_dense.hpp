// One dense layer in affine integer formats, as data, and its integer inference (plain C++):
//   acc[o] = sum_k (x[k] - zx)(w[o][k] - zw[o]) + bias_q[o]       (fx::accumulate, wraps)
//   y[o]   = requantize(acc[o], M[o] = sx * sw[o] / sy) + zy       (float or integer method)
//   y[o]   = max(y[o], zy)                                         (relu: the fused ReLU)
// with the input and output per tensor and the weights per tensor or per output channel. With
// the float method this is PyTorch's torch.ops.quantized.linear on the QNNPACK engine raw for
// raw (testbenches/golden/affine_dense_test.cpp); the integer method is what hardware builds.
// The arithmetic is fx/affine.hpp's; this file only wires it into a layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fx/affine.hpp"

namespace fxsim::golden {

enum class RequantMethod {
  FLOAT,    // float32 multiplier, PyTorch QNNPACK's rounding (fx::requantize_float)
  INTEGER,  // M0 x 2^-(B+n), gemmlowp / TFLite (fx::requantize_integer)
};

// "float" / "integer"; parse_requant_method throws std::invalid_argument naming the choices.
std::string to_string(RequantMethod m);
RequantMethod parse_requant_method(const std::string& name);

struct AffineDense {
  std::string name;
  int in_features = 0;
  int out_features = 0;
  fx::AffineType input_type;   // per tensor
  fx::AffineType weight_type;  // per tensor, or per channel along axis 0 (the output channel)
  fx::AffineType output_type;  // per tensor
  int acc_width = 32;          // 2..32, wraps
  std::vector<std::int64_t> weight_q;  // out_features x in_features, row-major
  std::vector<std::int32_t> bias_q;    // out_features (scale sx * sw[o], zero point 0) or empty
  RequantMethod method = RequantMethod::FLOAT;
  int multiplier_bits = 31;  // B of the integer method
  fx::IntegerRounding integer_rounding = fx::IntegerRounding::DOUBLE;
  // A ReLU fused into the requantization, as PyTorch's LinearReLU: the output clamped below at
  // its zero point (the integer of real 0), after the clamp to the output format.
  bool relu = false;
};

// Shapes, the types (and where each may be per channel), weights inside the weight format.
// Throws std::invalid_argument naming the layer and field ("fc1.weight_q: 12 values: ...").
void validate(const AffineDense& layer);

// PyTorch's bias rule per output channel: fx::quantize_bias(bias[o], sx, sw[o]).
std::vector<std::int32_t> quantize_bias(const std::vector<float>& bias,
                                        const fx::AffineType& input_type,
                                        const fx::AffineType& weight_type);

// The requantization of one output channel, derived once per layer.
struct ChannelRequant {
  float multiplier = 0;           // fx::float_multiplier(sx, sw[o], sy)
  fx::IntegerMultiplier integer;  // fx::integer_multiplier(multiplier, multiplier_bits)
};
std::vector<ChannelRequant> channel_requants(const AffineDense& layer);

// The accumulators (batch x out_features) of a batch of inputs (batch x in_features, integers
// of the input format).
std::vector<std::int32_t> affine_dense_accumulators(const AffineDense& layer,
                                                    const std::vector<std::int64_t>& x_q,
                                                    std::size_t batch);
// The outputs (batch x out_features, integers of the output format).
std::vector<std::int64_t> affine_dense_forward(const AffineDense& layer,
                                               const std::vector<std::int64_t>& x_q,
                                               std::size_t batch);

}  // namespace fxsim::golden
