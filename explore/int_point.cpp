#include "explore/int_point.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "golden/affine_observer.hpp"
#include "models/engine/memory_map.hpp"

namespace fxsim::explore {

namespace {

constexpr int kAccumulatorBits = 32;  // PyTorch's int32 accumulator

// The (folded) float weights and bias of the point, in float32 as PyTorch holds them.
void float_parameters(const FloatLayer& f, const IntPointSpec& s, std::vector<float>* w,
                      std::vector<float>* b) {
  const auto n_in = static_cast<std::size_t>(f.in_features);
  const auto n_out = static_cast<std::size_t>(f.out_features);
  w->resize(n_out * n_in);
  b->assign(n_out, 0.0f);
  for (std::size_t o = 0; o < n_out; ++o) {
    // Folding in double, one rounding to float32 (the fold's own product, not a second error).
    const double scale = s.fold_bn ? f.bn_scale[o] : 1.0;
    for (std::size_t k = 0; k < n_in; ++k) {
      (*w)[o * n_in + k] = static_cast<float>(scale * f.weights[o * n_in + k]);
    }
    if (s.fold_bn) (*b)[o] = static_cast<float>(f.bn_bias[o]);
  }
}

std::pair<float, float> min_max(const std::vector<double>& v) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return {static_cast<float>(*lo), static_cast<float>(*hi)};
}

}  // namespace

std::optional<std::string> int_bn_problem(BnScaleKind bn, units::Activation activation) {
  if (bn == BnScaleKind::KHOT) {
    return std::string(
        "bn = \"khot\": an int point folds the BN scale into its integer weights (there is no "
        "K-hot scale after int_requant); expected \"none\" or \"fixed\"");
  }
  if (bn == BnScaleKind::FIXED && activation != units::Activation::RELU &&
      activation != units::Activation::NONE) {
    return "bn activation " + std::string(units::activation_name(activation)) +
           ": int_requant clamps at the output zero point only; expected relu or none for an "
           "int point";
  }
  return std::nullopt;
}

IntPointSpec int_point_spec(const SweepSpec& spec, const PointParams& p) {
  IntPointSpec s;
  s.weight_bits = p.weight.width;
  s.activation_bits = p.activation.width;
  s.output_bits = p.output.width;
  s.weights = p.affine_weights;
  s.fold_bn = p.bn != BnScaleKind::NONE;
  s.relu = s.fold_bn && spec.bn.activation == units::Activation::RELU;
  s.m0_bits = spec.requant.m0_bits;
  return s;
}

int IntLayer::lshift_max() const {
  int m = 0;
  for (const fx::IntegerMultiplier& i : integer) m = std::max(m, -i.shift);
  return m;
}

std::vector<double> int_float_reference(const FloatLayer& f, const std::vector<double>& products,
                                        const IntPointSpec& s) {
  const auto n_out = static_cast<std::size_t>(f.out_features);
  std::vector<double> y = products;
  for (std::size_t j = 0; j < y.size(); ++j) {
    const std::size_t o = j % n_out;
    if (s.fold_bn) y[j] = f.bn_scale[o] * y[j] + f.bn_bias[o];
    if (s.relu) y[j] = std::max(y[j], 0.0);
  }
  return y;
}

IntLayer quantize_int_layer(const FloatLayer& f, const std::vector<double>& products,
                            const IntPointSpec& s) {
  const auto n_in = static_cast<std::size_t>(f.in_features);
  const auto n_out = static_cast<std::size_t>(f.out_features);
  if (f.input.empty() || products.size() != static_cast<std::size_t>(f.batch) * n_out) {
    throw std::invalid_argument("quantize_int_layer: a float layer without inputs or products");
  }
  IntLayer l;
  l.relu = s.relu;
  l.input_format = fx::AffineInt::make(false, s.activation_bits);
  l.weight_format = fx::AffineInt::make(true, s.weight_bits);
  l.output_format = fx::AffineInt::make(false, s.output_bits);

  // Weights: symmetric int<W> from the largest magnitude of the tensor or of each output row.
  std::vector<float> w, b;
  float_parameters(f, s, &w, &b);
  std::vector<float> row_max(n_out, 0.0f);
  for (std::size_t o = 0; o < n_out; ++o) {
    for (std::size_t k = 0; k < n_in; ++k) {
      row_max[o] = std::max(row_max[o], std::fabs(w[o * n_in + k]));
    }
  }
  if (s.weights == AffineWeights::PER_CHANNEL) {
    l.weight = golden::symmetric_channel_params(row_max, l.weight_format);
  } else {
    l.weight = golden::symmetric_params(*std::max_element(row_max.begin(), row_max.end()),
                                        l.weight_format);
  }
  l.weight_q.resize(w.size());
  for (std::size_t o = 0; o < n_out; ++o) {
    const float sw = l.weight.scale(o);
    for (std::size_t k = 0; k < n_in; ++k) {
      l.weight_q[o * n_in + k] = fx::quantize(w[o * n_in + k], sw, 0, l.weight_format);
    }
  }

  // Inputs: affine uint<W_a> from the batch's min / max.
  const auto [in_lo, in_hi] = min_max(f.input);
  l.input = golden::affine_params(in_lo, in_hi, l.input_format);
  const float sx = l.input.scale(0);
  const std::int32_t zx = l.input.zero_point(0);
  l.input_q.resize(f.input.size());
  for (std::size_t i = 0; i < f.input.size(); ++i) {
    l.input_q[i] = fx::quantize(static_cast<float>(f.input[i]), sx, zx, l.input_format);
  }

  // Outputs: affine uint<W_o> from the float layer's own outputs on the same batch.
  l.reference = int_float_reference(f, products, s);
  const auto [out_lo, out_hi] = min_max(l.reference);
  l.output = golden::affine_params(out_lo, out_hi, l.output_format);
  const float sy = l.output.scale(0);

  // Per channel: PyTorch's bias, the input zero point's term folded in, the multipliers.
  for (std::size_t o = 0; o < n_out; ++o) {
    const float sw = l.weight.scale(o);
    l.bias_q.push_back(fx::quantize_bias(b[o], sx, sw));
    std::int64_t sum_w = 0;
    for (std::size_t k = 0; k < n_in; ++k) sum_w += l.weight_q[o * n_in + k];
    l.folded_bias.push_back(fx::wrap_signed(
        static_cast<std::uint64_t>(std::int64_t{l.bias_q.back()} - std::int64_t{zx} * sum_w),
        kAccumulatorBits));
    l.multiplier.push_back(fx::float_multiplier(sx, sw, sy));
    l.integer.push_back(fx::integer_multiplier(l.multiplier.back(), s.m0_bits));
  }
  return l;
}

engine::RequantConfig int_requant_config(const IntLayer& l, const RequantSpec& r) {
  engine::RequantConfig c;
  c.output = l.output_format;
  c.zero_point = l.output.zero_point(0);
  c.rounding = r.rounding;
  c.m0_bits = r.m0_bits;
  c.lshift_max = l.lshift_max();
  c.bias_width = kAccumulatorBits;
  c.relu = l.relu;
  c.stages = r.stages;
  return c;
}

engine::Stimulus int_stimulus(const IntLayer& l) {
  engine::Stimulus s;
  s.batch = static_cast<int>(l.reference.size() / l.folded_bias.size());
  s.weights = l.weight_q;
  s.weight_words = l.weight_q;
  s.input = l.input_q;
  for (const fx::IntegerMultiplier& m : l.integer) {
    s.bn_scale.push_back(engine::requant_multiplier_word(m));
  }
  s.bn_scale_words = s.bn_scale;
  s.bn_bias = l.folded_bias;
  return s;
}

std::vector<std::int64_t> requantize_float_outputs(const IntLayer& l,
                                                   const std::vector<std::int64_t>& acc) {
  const std::size_t n_out = l.folded_bias.size();
  const std::int32_t zy = l.output.zero_point(0);
  std::vector<std::int64_t> y(acc.size());
  for (std::size_t j = 0; j < acc.size(); ++j) {
    const std::size_t o = j % n_out;
    const auto a = static_cast<std::int32_t>(
        fx::wrap_signed(static_cast<std::uint64_t>(acc[j] + l.folded_bias[o]), kAccumulatorBits));
    y[j] = fx::requantize_float(a, l.multiplier[o], zy, l.output_format);
    if (l.relu) y[j] = std::max<std::int64_t>(y[j], zy);
  }
  return y;
}

std::vector<double> dequantize_outputs(const IntLayer& l, const std::vector<std::int64_t>& q) {
  std::vector<double> v(q.size());
  const float sy = l.output.scale(0);
  const std::int32_t zy = l.output.zero_point(0);
  for (std::size_t i = 0; i < q.size(); ++i) v[i] = fx::dequantize(q[i], sy, zy);
  return v;
}

}  // namespace fxsim::explore
