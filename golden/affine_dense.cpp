#include "golden/affine_dense.hpp"

#include <stdexcept>
#include <string>

namespace fxsim::golden {
namespace {

[[noreturn]] void fail(const AffineDense& layer, const std::string& field,
                       const std::string& message) {
  throw std::invalid_argument((layer.name.empty() ? std::string("affine dense") : layer.name) +
                              "." + field + ": " + message);
}

void check_type(const AffineDense& layer, const std::string& field, const fx::AffineType& type,
                bool may_be_per_channel) {
  try {
    type.validate();
  } catch (const std::invalid_argument& e) {
    fail(layer, field, e.what());
  }
  if (!type.params.is_per_channel()) return;
  if (!may_be_per_channel) fail(layer, field, type.str() + ": expected per tensor");
  if (type.params.axis != 0 ||
      type.params.channels() != static_cast<std::size_t>(layer.out_features)) {
    fail(layer, field,
         type.str() + ": expected per channel along axis 0 with " +
             std::to_string(layer.out_features) + " channels (one per output)");
  }
}

}  // namespace

std::string to_string(RequantMethod m) { return m == RequantMethod::FLOAT ? "float" : "integer"; }

RequantMethod parse_requant_method(const std::string& name) {
  if (name == "float") return RequantMethod::FLOAT;
  if (name == "integer") return RequantMethod::INTEGER;
  throw std::invalid_argument("requantization method '" + name + "': expected float or integer");
}

void validate(const AffineDense& layer) {
  if (layer.in_features < 1 || layer.out_features < 1) {
    fail(layer, "shape",
         std::to_string(layer.in_features) + " inputs, " + std::to_string(layer.out_features) +
             " outputs: expected at least one of each");
  }
  check_type(layer, "input_type", layer.input_type, false);
  check_type(layer, "weight_type", layer.weight_type, true);
  check_type(layer, "output_type", layer.output_type, false);
  if (layer.acc_width < 2 || layer.acc_width > 32) {
    fail(layer, "acc_width", std::to_string(layer.acc_width) + ": expected 2..32");
  }
  if (layer.multiplier_bits < 2 || layer.multiplier_bits > 31) {
    fail(layer, "multiplier_bits", std::to_string(layer.multiplier_bits) + ": expected 2..31");
  }
  const std::size_t weights =
      static_cast<std::size_t>(layer.in_features) * static_cast<std::size_t>(layer.out_features);
  if (layer.weight_q.size() != weights) {
    fail(layer, "weight_q",
         std::to_string(layer.weight_q.size()) + " values: expected " + std::to_string(weights));
  }
  const fx::AffineInt& wf = layer.weight_type.format;
  for (std::size_t i = 0; i < weights; ++i) {
    if (layer.weight_q[i] < wf.q_min() || layer.weight_q[i] > wf.q_max()) {
      fail(layer, "weight_q",
           "value " + std::to_string(layer.weight_q[i]) + " at " + std::to_string(i) +
               ": outside " + wf.str());
    }
  }
  if (!layer.bias_q.empty() &&
      layer.bias_q.size() != static_cast<std::size_t>(layer.out_features)) {
    fail(layer, "bias_q",
         std::to_string(layer.bias_q.size()) + " values: expected none or " +
             std::to_string(layer.out_features));
  }
}

std::vector<std::int32_t> quantize_bias(const std::vector<float>& bias,
                                        const fx::AffineType& input_type,
                                        const fx::AffineType& weight_type) {
  std::vector<std::int32_t> q(bias.size());
  for (std::size_t o = 0; o < bias.size(); ++o) {
    q[o] = fx::quantize_bias(bias[o], input_type.params.scale(0), weight_type.params.scale(o));
  }
  return q;
}

std::vector<ChannelRequant> channel_requants(const AffineDense& layer) {
  std::vector<ChannelRequant> r(static_cast<std::size_t>(layer.out_features));
  const float sx = layer.input_type.params.scale(0);
  const float sy = layer.output_type.params.scale(0);
  for (std::size_t o = 0; o < r.size(); ++o) {
    r[o].multiplier = fx::float_multiplier(sx, layer.weight_type.params.scale(o), sy);
    if (layer.method == RequantMethod::INTEGER) {
      r[o].integer = fx::integer_multiplier(r[o].multiplier, layer.multiplier_bits);
    }
  }
  return r;
}

std::vector<std::int32_t> affine_dense_accumulators(const AffineDense& layer,
                                                    const std::vector<std::int64_t>& x_q,
                                                    std::size_t batch) {
  validate(layer);
  const auto in = static_cast<std::size_t>(layer.in_features);
  const auto out = static_cast<std::size_t>(layer.out_features);
  if (x_q.size() != batch * in) {
    fail(layer, "input",
         std::to_string(x_q.size()) + " values: expected " + std::to_string(batch) + " x " +
             std::to_string(in));
  }
  const std::int32_t zx = layer.input_type.params.zero_point(0);
  std::vector<std::int32_t> acc(batch * out);
  for (std::size_t b = 0; b < batch; ++b) {
    for (std::size_t o = 0; o < out; ++o) {
      const std::int32_t bias = layer.bias_q.empty() ? 0 : layer.bias_q[o];
      acc[b * out + o] =
          fx::accumulate(&x_q[b * in], zx, &layer.weight_q[o * in],
                         layer.weight_type.params.zero_point(o), in, bias, layer.acc_width);
    }
  }
  return acc;
}

std::vector<std::int64_t> affine_dense_forward(const AffineDense& layer,
                                               const std::vector<std::int64_t>& x_q,
                                               std::size_t batch) {
  const std::vector<std::int32_t> acc = affine_dense_accumulators(layer, x_q, batch);
  const std::vector<ChannelRequant> requant = channel_requants(layer);
  const auto out = static_cast<std::size_t>(layer.out_features);
  const std::int32_t zy = layer.output_type.params.zero_point(0);
  const fx::AffineInt& yf = layer.output_type.format;
  std::vector<std::int64_t> y(acc.size());
  for (std::size_t i = 0; i < acc.size(); ++i) {
    const ChannelRequant& r = requant[i % out];
    y[i] = layer.method == RequantMethod::FLOAT
               ? fx::requantize_float(acc[i], r.multiplier, zy, yf)
               : fx::requantize_integer(acc[i], r.integer, zy, yf, layer.integer_rounding);
    if (layer.relu && y[i] < zy) y[i] = zy;
  }
  return y;
}

}  // namespace fxsim::golden
