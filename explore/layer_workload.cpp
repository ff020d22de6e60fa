#include "explore/layer_workload.hpp"

#include <cmath>
#include <stdexcept>

#include "fx/cast.hpp"
#include "golden/idx.hpp"

namespace fxsim::explore {

namespace {

// A raw with `frac` fraction bits as a value: a power-of-two scaling, exact in a double for
// every raw of the model's types (at most 62 bits, and weights / BN parameters far fewer).
std::vector<double> values_of(const std::vector<std::int64_t>& raw, int frac) {
  std::vector<double> v(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i)
    v[i] = std::ldexp(static_cast<double>(raw[i]), -frac);
  return v;
}

}  // namespace

const golden::DenseLayer& LayerSource::dense() const {
  return file.model.layers.at(static_cast<std::size_t>(layer));
}

bool LayerSource::last_layer() const {
  return static_cast<std::size_t>(layer) + 1 == file.model.layers.size();
}

namespace {

// The logits of the layers after `s.layer` fed `count` outputs, the o-th of image img given by
// next(img * n_out + o) as a raw of the next layer's input type.
template <typename NextInput>
std::vector<std::int64_t> following_layers(const LayerSource& s, std::size_t count, const char* who,
                                           NextInput next) {
  const std::vector<golden::DenseLayer>& layers = s.file.model.layers;
  const auto n_out = static_cast<std::size_t>(s.dense().out_features);
  const auto classes = static_cast<std::size_t>(layers.back().out_features);
  if (count != static_cast<std::size_t>(s.images) * n_out) {
    throw std::invalid_argument(std::string(who) + ": " + std::to_string(count) +
                                " outputs, expected " + std::to_string(s.images) + " x " +
                                std::to_string(n_out));
  }
  std::vector<std::int64_t> logits;
  logits.reserve(static_cast<std::size_t>(s.images) * classes);
  std::vector<std::int64_t> x(n_out);
  for (std::size_t img = 0; img < static_cast<std::size_t>(s.images); ++img) {
    for (std::size_t o = 0; o < n_out; ++o) x[o] = next(img * n_out + o);
    std::vector<std::int64_t> y = x;
    for (std::size_t l = static_cast<std::size_t>(s.layer) + 1; l < layers.size(); ++l) {
      y = golden::reference_dense(layers[l], y);
    }
    logits.insert(logits.end(), y.begin(), y.end());
  }
  return logits;
}

}  // namespace

std::vector<std::int64_t> LayerSource::logits_from_layer_output(
    const std::vector<std::int64_t>& raw, const fx::FxType& raw_type) const {
  if (last_layer()) return raw;
  const fx::FxType& next_input = file.model.layers[static_cast<std::size_t>(layer) + 1].input_type;
  return following_layers(*this, raw.size(), "logits_from_layer_output",
                          [&](std::size_t i) { return fx::convert(raw[i], raw_type, next_input); });
}

std::vector<std::int64_t> LayerSource::logits_from_layer_values(
    const std::vector<double>& values) const {
  if (last_layer()) {
    throw std::logic_error("logits_from_layer_values: the last layer's outputs are the logits");
  }
  const fx::FxType& next_input = file.model.layers[static_cast<std::size_t>(layer) + 1].input_type;
  return following_layers(*this, values.size(), "logits_from_layer_values", [&](std::size_t i) {
    return fx::cast_from_double(values[i], next_input);
  });
}

std::vector<std::int64_t> layer_input_raws(const LayerSource& s) {
  const std::vector<golden::DenseLayer>& layers = s.file.model.layers;
  const auto n_pixels = static_cast<std::size_t>(layers.front().in_features);
  const auto n_in = static_cast<std::size_t>(s.dense().in_features);
  std::vector<std::int64_t> out(static_cast<std::size_t>(s.images) * n_in);
  for (std::size_t img = 0; img < static_cast<std::size_t>(s.images); ++img) {
    // The model's input type is ufixed<8,0>: raw = pixel byte (docs/golden.md).
    std::vector<std::int64_t> x(
        s.pixels.begin() + static_cast<std::ptrdiff_t>(img * n_pixels),
        s.pixels.begin() + static_cast<std::ptrdiff_t>((img + 1) * n_pixels));
    for (int l = 0; l < s.layer; ++l) {
      x = golden::reference_dense(layers[static_cast<std::size_t>(l)], x);
    }
    std::copy(x.begin(), x.end(), out.begin() + static_cast<std::ptrdiff_t>(img * n_in));
  }
  return out;
}

FloatLayer trained_float_layer(const golden::DenseLayer& l, int batch) {
  FloatLayer f;
  f.in_features = l.in_features;
  f.out_features = l.out_features;
  f.batch = batch;
  f.weights = values_of(l.weight_raw, l.weight_type.frac_bits());
  const auto n_out = static_cast<std::size_t>(l.out_features);
  if (l.bn) {
    f.bn_scale = values_of(l.bn->scale_raw, l.bn->scale_frac());
    f.bn_bias = values_of(l.bn->bias_raw, l.bn->bias_type.frac_bits());
  } else {
    f.bn_scale.assign(n_out, 1.0);
    f.bn_bias.assign(n_out, 0.0);
  }
  return f;
}

FloatLayer layer_float_layer(const LayerSource& s) {
  const golden::DenseLayer& l = s.dense();
  FloatLayer f = trained_float_layer(l, s.images);
  f.input = values_of(layer_input_raws(s), l.input_type.frac_bits());
  const std::vector<std::int64_t>& labels = s.file.golden->labels;
  f.labels.assign(labels.begin(), labels.begin() + s.images);
  return f;
}

}  // namespace fxsim::explore
