#include "explore/float_layer.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <variant>

#include "explore/layer_workload.hpp"
#include "fx/cast.hpp"
#include "fx/khot.hpp"
#include "fx/khot_codec.hpp"
#include "golden/model_file.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/memory_map.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::explore {

namespace {

constexpr std::uint64_t kWeightStream = 0x464C574549474854ull;
constexpr std::uint64_t kInputStream = 0x464C494E50555453ull;
constexpr std::uint64_t kScaleStream = 0x464C424E5343414Cull;
constexpr std::uint64_t kBiasStream = 0x464C424E42494153ull;

std::vector<double> draw(std::uint64_t seed, engine::Distribution d, double lo, double hi,
                         std::size_t n) {
  std::mt19937_64 rng(seed);
  auto unit = [&rng] { return std::ldexp(static_cast<double>(rng() >> 11), -53); };
  std::vector<double> v(n);
  for (double& x : v) {
    if (d == engine::Distribution::UNIFORM) {
      x = lo + (hi - lo) * unit();
    } else {
      double z = -6.0;  // Irwin-Hall: mean 6, variance 1
      for (int i = 0; i < 12; ++i) z += unit();
      x = (lo + hi) / 2 + z * (hi - lo) / 4;
    }
  }
  return v;
}

// K-hot values and their term words, one codec per type: table lookups, no allocation per value.
void quantize_khot(const double* x, std::size_t n, const fx::KhotType& t, std::int64_t* raw,
                   std::int64_t* words) {
  const fx::KhotCodec codec(t);
  codec.quantize(x, n, raw);
  const engine::TermWordEncoder encoder(codec, t.k, engine::khot_shift_bits(t));
  for (std::size_t i = 0; i < n; ++i) {
    words[i] = encoder.word(raw[i]);
  }
}

}  // namespace

FloatLayer make_float_layer(const Workload& w, const BnSpec& bn, std::uint64_t seed) {
  if (w.kind != WorkloadKind::RANDOM) {
    // A model workload's float layer is its first layer (model_workload.hpp has the others).
    if (!w.source) throw std::invalid_argument("a layer workload without its model (parse_sweep)");
    return layer_float_layer(*w.source);
  }
  FloatLayer f;
  f.in_features = w.in_features;
  f.out_features = w.out_features;
  f.batch = w.batch;
  const auto n_in = static_cast<std::size_t>(w.in_features);
  const auto n_out = static_cast<std::size_t>(w.out_features);
  f.weights = draw(seed ^ kWeightStream, w.distribution, w.weight_min, w.weight_max, n_out * n_in);
  f.input = draw(seed ^ kInputStream, w.distribution, w.input_min, w.input_max,
                 static_cast<std::size_t>(w.batch) * n_in);
  f.bn_scale =
      draw(seed ^ kScaleStream, engine::Distribution::UNIFORM, bn.scale_min, bn.scale_max, n_out);
  f.bn_bias =
      draw(seed ^ kBiasStream, engine::Distribution::UNIFORM, bn.bias_min, bn.bias_max, n_out);
  return f;
}

engine::Stimulus quantize_layer(const FloatLayer& f, const engine::EngineConfig& cfg) {
  if (f.in_features != cfg.in_features || f.out_features != cfg.out_features ||
      f.batch != cfg.batch) {
    throw std::invalid_argument("the float layer's shape differs from the design point's");
  }
  engine::Stimulus s;
  s.batch = cfg.batch;
  const std::size_t nw = f.weights.size();
  s.weights.resize(nw);
  if (cfg.kind == engine::EngineKind::FX_MAC) {
    fx::cast_array_from_double(f.weights.data(), nw, s.weights.data(), cfg.fx_weight());
    s.weight_words = s.weights;
  } else {
    s.weight_words.resize(nw);
    quantize_khot(f.weights.data(), nw, cfg.khot_weight(), s.weights.data(), s.weight_words.data());
  }
  if (cfg.bn) {
    const auto n = static_cast<std::size_t>(cfg.out_features);
    s.bn_scale.resize(n);
    s.bn_bias.resize(n);
    if (cfg.bn->khot_scale()) {
      s.bn_scale_words.resize(n);
      quantize_khot(f.bn_scale.data(), n, std::get<fx::KhotType>(cfg.bn->scale), s.bn_scale.data(),
                    s.bn_scale_words.data());
    } else {
      fx::cast_array_from_double(f.bn_scale.data(), n, s.bn_scale.data(),
                                 std::get<fx::FxType>(cfg.bn->scale));
      s.bn_scale_words = s.bn_scale;
    }
    fx::cast_array_from_double(f.bn_bias.data(), n, s.bn_bias.data(), cfg.bn->bias);
  }
  s.input.resize(f.input.size());
  fx::cast_array_from_double(f.input.data(), f.input.size(), s.input.data(), cfg.activation);
  return s;
}

FloatLayer stimulus_float_layer(const engine::Stimulus& s, const engine::EngineConfig& cfg) {
  FloatLayer f;
  f.in_features = cfg.in_features;
  f.out_features = cfg.out_features;
  f.batch = s.batch;
  const auto values = [](const std::vector<std::int64_t>& raw, const fx::NumType& t) {
    std::vector<double> v(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      v[i] = std::holds_alternative<fx::FxType>(t)
                 ? fx::to_double(raw[i], std::get<fx::FxType>(t))
                 : fx::khot_to_double(raw[i], std::get<fx::KhotType>(t));
    }
    return v;
  };
  f.weights = values(s.weights, cfg.weight);
  f.input = values(s.input, cfg.activation);
  if (cfg.bn) {
    f.bn_scale = values(s.bn_scale, cfg.bn->scale);
    f.bn_bias = values(s.bn_bias, cfg.bn->bias);
  }
  return f;
}

std::vector<double> float_products(const FloatLayer& f) {
  const auto n_in = static_cast<std::size_t>(f.in_features);
  const auto n_out = static_cast<std::size_t>(f.out_features);
  std::vector<double> y(static_cast<std::size_t>(f.batch) * n_out);
  for (std::size_t b = 0; b < static_cast<std::size_t>(f.batch); ++b) {
    const double* x = &f.input[b * n_in];
    for (std::size_t o = 0; o < n_out; ++o) {
      const double* w = &f.weights[o * n_in];
      double acc = 0;
      for (std::size_t i = 0; i < n_in; ++i) acc += w[i] * x[i];
      y[b * n_out + o] = acc;
    }
  }
  return y;
}

std::vector<double> float_reference(const FloatLayer& f, const std::vector<double>& products,
                                    const engine::EngineConfig& cfg) {
  const auto n_out = static_cast<std::size_t>(f.out_features);
  std::vector<double> y = products;
  if (!cfg.bn) return y;
  for (std::size_t j = 0; j < y.size(); ++j) {
    const std::size_t o = j % n_out;
    double acc = f.bn_scale[o] * y[j] + f.bn_bias[o];
    switch (cfg.bn->activation) {
      case units::Activation::RELU:
        acc = std::max(acc, 0.0);
        break;
      case units::Activation::RELU_CLIP:
        acc = std::clamp(acc, 0.0, cfg.bn->clip);
        break;
      case units::Activation::HARDTANH:
        acc = std::clamp(acc, -1.0, 1.0);
        break;
      case units::Activation::SIGN:
        acc = acc >= 0 ? 1.0 : (cfg.bn->output.is_signed ? -1.0 : 0.0);
        break;
      case units::Activation::NONE:
        break;
    }
    y[j] = acc;
  }
  return y;
}

std::vector<double> float_reference(const FloatLayer& f, const engine::EngineConfig& cfg) {
  return float_reference(f, float_products(f), cfg);
}

Accuracy compare_outputs(const std::vector<double>& ref, const std::vector<std::int64_t>& raw,
                         const fx::FxType& t) {
  std::vector<double> values(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) values[i] = fx::to_double(raw[i], t);
  return compare_values(ref, values);
}

Accuracy compare_values(const std::vector<double>& ref, const std::vector<double>& values) {
  if (ref.size() != values.size() || ref.empty()) {
    throw std::invalid_argument("compare_outputs: " + std::to_string(values.size()) +
                                " outputs against " + std::to_string(ref.size()) +
                                " reference values");
  }
  double signal = 0, noise = 0, max_err = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double e = ref[i] - values[i];
    signal += ref[i] * ref[i];
    noise += e * e;
    max_err = std::max(max_err, std::fabs(e));
  }
  Accuracy a;
  a.mse = noise / static_cast<double>(ref.size());
  a.sqnr_db =
      noise == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(signal / noise);
  a.max_abs_error = max_err;
  return a;
}

double top1_accuracy(const std::vector<std::int64_t>& raw, int classes,
                     const std::vector<std::int64_t>& labels) {
  if (classes <= 0 || labels.empty() ||
      raw.size() != labels.size() * static_cast<std::size_t>(classes)) {
    throw std::invalid_argument("top1_accuracy: " + std::to_string(raw.size()) + " outputs for " +
                                std::to_string(labels.size()) + " labels of " +
                                std::to_string(classes) + " classes");
  }
  const std::vector<int> predicted = golden::argmax_rows(raw, classes);
  std::size_t correct = 0;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    if (predicted[r] == labels[r]) ++correct;
  }
  return static_cast<double>(correct) / static_cast<double>(labels.size());
}

}  // namespace fxsim::explore
