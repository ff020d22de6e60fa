#include "golden/quant_network.hpp"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "fx/width_rules.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"

namespace fxsim::golden {
namespace {

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw ModelError(where + ": " + what);
}

void check_raws(const std::vector<std::int64_t>& raws, const fx::FxType& t,
                const std::string& where) {
  for (std::size_t i = 0; i < raws.size(); ++i) {
    const bool ok = t.is_signed ? raws[i] >= t.raw_min() && raws[i] <= t.raw_max()
                                : raws[i] >= 0 && (t.width == 64 || raws[i] <= t.raw_max());
    if (!ok) {
      fail(where, "element " + std::to_string(i) + " = " + std::to_string(raws[i]) +
                      " is not a raw of " + t.str());
    }
  }
}

// Bits of the largest |value| of t, sign included (for the 62-bit sum checks).
int magnitude_bits(const fx::FxType& t) { return t.width - (t.is_signed ? 1 : 0); }

}  // namespace

int BnActLayer::scale_frac() const {
  if (const auto* k = std::get_if<fx::KhotType>(&scale_type)) return k->frac_bits();
  return std::get<fx::FxType>(scale_type).frac_bits();
}

fx::KhotType unit_scale_type() { return fx::KhotType::make(fx::KhotKind::KHOT, 2, 2, 1); }

BnActLayer bias_only_bn(const fx::FxType& bias_type, std::vector<std::int64_t> bias_raw,
                        const fx::FxType& out_type, units::Activation act, std::int64_t clip_raw) {
  BnActLayer b;
  b.scale_type = unit_scale_type();
  b.scale_raw.assign(bias_raw.size(), 1);
  b.bias_type = bias_type;
  b.bias_raw = std::move(bias_raw);
  b.out_type = out_type;
  b.act = act;
  b.clip_raw = clip_raw;
  return b;
}

units::Activation parse_activation(std::string_view name) {
  for (const auto& [known, a] : units::activation_names()) {
    if (known == name) return a;
  }
  throw std::invalid_argument("unknown activation '" + std::string(name) +
                              "': expected none, relu, relu_clip, hardtanh or sign");
}

void validate(const DenseLayer& l) {
  const std::string& n = l.name;
  if (l.in_features < 1 || l.out_features < 1) fail(n, "in/out features must be >= 1");
  if (l.simd < 1 || l.simd > 64) fail(n + ".simd", "expected 1..64");
  if (l.weight_raw.size() != static_cast<std::size_t>(l.in_features) * l.out_features) {
    fail(n + ".weights", "expected " + std::to_string(l.in_features * l.out_features) +
                             " elements, found " + std::to_string(l.weight_raw.size()));
  }
  check_raws(l.weight_raw, l.weight_type, n + ".weights");
  const int pf = l.input_type.frac_bits() + l.weight_type.frac_bits();
  if (!l.acc_type.is_signed || l.acc_type.frac_bits() != pf) {
    // The type that would be right: signed, the same integer bits, F_in + F_w fraction bits.
    const fx::FxType& a = l.acc_type;
    const int width = a.int_bits + pf;
    const std::string right =
        width >= 2 && width <= 62
            ? ": " +
                  fx::FxType::make_signed(width, a.int_bits, a.rounding, a.overflow, a.sat_bits)
                      .str() +
                  " (the same integer bits)"
            : "";
    fail(n + ".accumulator",
         "type " + a.str() +
             (a.is_signed ? " has " + std::to_string(a.frac_bits()) + " fraction bits"
                          : " is unsigned") +
             "; expected a signed fixed with F_acc = F_in + F_w = " +
             std::to_string(l.input_type.frac_bits()) + " + " +
             std::to_string(l.weight_type.frac_bits()) + " = " + std::to_string(pf) + right);
  }
  if (l.acc_type.width > 62) fail(n + ".accumulator", "at most 62 bits");
  const int beat_bits = magnitude_bits(l.input_type) + magnitude_bits(l.weight_type) +
                        fx::ceil_log2(static_cast<unsigned long long>(l.simd)) + 1;
  if (beat_bits > 62) fail(n + ".weight", "the beat sum needs more than 62 bits");
  if (!l.bn) return;
  const BnActLayer& b = *l.bn;
  const std::string bn = n + ".bn";
  if (b.scale_raw.size() != static_cast<std::size_t>(l.out_features) ||
      b.bias_raw.size() != static_cast<std::size_t>(l.out_features)) {
    fail(bn, "expected " + std::to_string(l.out_features) + " scales and biases");
  }
  if (const auto* k = std::get_if<fx::KhotType>(&b.scale_type)) {
    for (std::size_t i = 0; i < b.scale_raw.size(); ++i) {
      if (!fx::khot_representable(b.scale_raw[i], *k)) {
        fail(bn + ".scale", "element " + std::to_string(i) + " = " +
                                std::to_string(b.scale_raw[i]) + " is not a value of " + k->str());
      }
    }
  } else {
    check_raws(b.scale_raw, std::get<fx::FxType>(b.scale_type), bn + ".scale");
  }
  check_raws(b.bias_raw, b.bias_type, bn + ".bias");
  if (!b.bias_type.is_signed) fail(bn + ".bias", "the bias type must be signed");
  const int scale_width = std::visit([](const auto& t) { return t.width; }, b.scale_type);
  const int sum_frac = std::max(l.out_type.frac_bits() + b.scale_frac(), b.bias_type.frac_bits());
  const int product_bits = magnitude_bits(l.out_type) + scale_width +
                           (sum_frac - l.out_type.frac_bits() - b.scale_frac());
  const int bias_bits = b.bias_type.width + (sum_frac - b.bias_type.frac_bits());
  if (std::max(product_bits, bias_bits) + 1 > 61) {
    fail(bn + ".bias", "x * scale + bias needs more than 61 bits");
  }
  if (b.act == units::Activation::RELU_CLIP &&
      (b.clip_raw < 0 || b.clip_raw > b.out_type.raw_max())) {
    fail(bn + ".clip", "must be a raw of " + b.out_type.str() + " >= 0");
  }
}

const std::string& layer_name(const FeatureLayer& f) {
  return std::visit([](const auto& l) -> const std::string& { return l.name; }, f);
}

const char* layer_kind(const FeatureLayer& f) {
  return std::holds_alternative<ConvLayer>(f) ? "conv" : "max_pool";
}

MapShape input_shape(const FeatureLayer& f) {
  if (const auto* c = std::get_if<ConvLayer>(&f)) {
    return {c->shape.height, c->shape.width, c->shape.channels};
  }
  const auto& p = std::get<MaxPoolLayer>(f);
  return {p.height, p.width, p.channels};
}

MapShape output_shape(const FeatureLayer& f) {
  if (const auto* c = std::get_if<ConvLayer>(&f)) {
    return {c->shape.out_height(), c->shape.out_width(), c->out_channels};
  }
  const auto& p = std::get<MaxPoolLayer>(f);
  return {p.out_height(), p.out_width(), p.channels};
}

const fx::FxType& output_type(const FeatureLayer& f) {
  if (const auto* c = std::get_if<ConvLayer>(&f)) return c->output_type();
  return std::get<MaxPoolLayer>(f).type;
}

void validate(const MaxPoolLayer& p) {
  const std::string& n = p.name;
  if (p.size < 2 || p.size > 4) fail(n + ".size", std::to_string(p.size) + "; expected 2..4");
  if (p.channels < 1 || p.channels > 4096) {
    fail(n + ".channels", std::to_string(p.channels) + "; expected 1..4096");
  }
  const std::pair<const char*, int> sides[] = {{".height", p.height}, {".width", p.width}};
  for (const auto& [side, v] : sides) {
    if (v < p.size || v > 4096) {
      fail(n + side, std::to_string(v) + "; expected size..4096 = " + std::to_string(p.size) +
                         "..4096 (a full window)");
    }
  }
}

namespace {

std::string shape_str(const MapShape& s) {
  return std::to_string(s.height) + "x" + std::to_string(s.width) + "x" +
         std::to_string(s.channels);
}

const fx::FxType& input_type(const FeatureLayer& f) {
  if (const auto* c = std::get_if<ConvLayer>(&f)) return c->input_type;
  return std::get<MaxPoolLayer>(f).type;
}

}  // namespace

void validate(const QuantNetwork& m) {
  if (m.layers.empty()) {
    throw ModelError(m.features.empty() ? "model: no layers"
                                        : "model: no dense layer after the conv / max_pool layers "
                                          "(the logits come from a dense layer)");
  }
  fx::FxType prev = m.input_type;
  std::optional<MapShape> map;  // the previous feature layer's output map
  for (const FeatureLayer& f : m.features) {
    const std::string& name = layer_name(f);
    std::visit([](const auto& l) { validate(l); }, f);
    if (input_type(f) != prev) {
      fail(name + ".input", "type " + input_type(f).str() +
                                " does not match the previous output type " + prev.str());
    }
    if (map && !(input_shape(f) == *map)) {
      fail(name + ".shape", "input map " + shape_str(input_shape(f)) +
                                " does not match the previous layer's output map " +
                                shape_str(*map));
    }
    prev = output_type(f);
    map = output_shape(f);
  }
  int prev_features = -1;
  for (const DenseLayer& l : m.layers) {
    if (l.input_type != prev) {
      fail(l.name + ".input",
           "type " + l.input_type.str() + " does not match the previous output type " + prev.str());
    }
    if (prev_features >= 0 && l.in_features != prev_features) {
      fail(l.name + ".in_features", std::to_string(l.in_features) + " but the previous layer has " +
                                        std::to_string(prev_features) + " outputs");
    }
    if (prev_features < 0 && map && l.in_features != map->elements()) {
      fail(l.name + ".in_features", std::to_string(l.in_features) +
                                        " but the previous layer's output map " + shape_str(*map) +
                                        " flattens to " + std::to_string(map->elements()));
    }
    validate(l);
    prev = l.output_type();
    prev_features = l.out_features;
  }
}

void require_dense(const QuantNetwork& m, std::string_view runner) {
  if (m.dense_only()) return;
  throw ModelError("layer 0 is a " + std::string(layer_kind(m.features.front())) + " layer; " +
                   std::string(runner) + " runs dense models (CNNs: issue 17)");
}

units::MacPeConfig mac_config(const DenseLayer& l) {
  units::MacPeConfig c;
  c.simd = l.simd;
  c.a = l.input_type;
  c.w = l.weight_type;
  c.w_frac = l.weight_type.frac_bits();
  c.acc = l.acc_type;
  c.out = l.out_type;
  return c;
}

units::BnActConfig bn_config(const DenseLayer& l) {
  const BnActLayer& b = l.bn.value();
  units::BnActConfig c;
  c.x = l.out_type;
  c.s_frac = b.scale_frac();
  if (const auto* k = std::get_if<fx::KhotType>(&b.scale_type)) {
    c.scale_kind = 1;
    c.k = k->k;
    c.scale = fx::FxType::make(k->is_signed(), k->width, k->int_bits);  // only F matters
  } else {
    c.scale_kind = 0;
    c.scale = std::get<fx::FxType>(b.scale_type);
  }
  c.bias = b.bias_type;
  c.out = b.out_type;
  c.act = b.act;
  c.clip = b.clip_raw;
  return c;
}

std::vector<std::int64_t> reference_dense(const DenseLayer& l,
                                          const std::vector<std::int64_t>& input) {
  if (input.size() != static_cast<std::size_t>(l.in_features)) {
    fail(l.name, "input has " + std::to_string(input.size()) + " elements, expected " +
                     std::to_string(l.in_features));
  }
  const units::MacPeConfig mac = mac_config(l);
  std::vector<std::int64_t> out(l.out_features);
  std::vector<std::int64_t> row(l.in_features);
  std::optional<units::BnActConfig> bn;
  if (l.bn) bn = bn_config(l);
  for (int o = 0; o < l.out_features; ++o) {
    std::copy_n(l.weight_raw.begin() + static_cast<std::ptrdiff_t>(o) * l.in_features,
                l.in_features, row.begin());
    const std::int64_t x = units::mac_dot(mac, input, row).data;
    if (!bn) {
      out[o] = x;
      continue;
    }
    fx::Terms terms;
    if (const auto* k = std::get_if<fx::KhotType>(&l.bn->scale_type)) {
      terms = fx::khot_encode(l.bn->scale_raw[o], *k);
    }
    out[o] = units::bn_act(*bn, x, l.bn->scale_raw[o], terms, l.bn->bias_raw[o]).y;
  }
  return out;
}

namespace {

void check_map_input(const std::string& name, const MapShape& s,
                     const std::vector<std::int64_t>& input) {
  if (input.size() != static_cast<std::size_t>(s.elements())) {
    fail(name, "input has " + std::to_string(input.size()) + " elements, expected " + shape_str(s) +
                   " = " + std::to_string(s.elements()));
  }
}

}  // namespace

std::vector<std::int64_t> reference_conv(const ConvLayer& l,
                                         const std::vector<std::int64_t>& input) {
  const units::ConvShape& s = l.shape;
  check_map_input(l.name, {s.height, s.width, s.channels}, input);
  const DenseLayer pixel = window_layer(l);  // one output pixel: a dense layer over its window
  const int k = s.kernel, cp = l.padded_channels();
  std::vector<std::int64_t> window(pixel.in_features), out;
  out.reserve(static_cast<std::size_t>(s.out_height()) * s.out_width() * l.out_channels);
  for (int oy = 0; oy < s.out_height(); ++oy) {
    for (int ox = 0; ox < s.out_width(); ++ox) {
      std::fill(window.begin(), window.end(), 0);  // padding pixels and lanes c >= C: raw 0
      for (int ky = 0; ky < k; ++ky) {
        for (int kx = 0; kx < k; ++kx) {
          const int y = oy * s.stride - s.padding + ky, x = ox * s.stride - s.padding + kx;
          if (y < 0 || y >= s.height || x < 0 || x >= s.width) continue;
          for (int c = 0; c < s.channels; ++c) {
            window[(ky * k + kx) * cp + c] = input[(y * s.width + x) * s.channels + c];
          }
        }
      }
      const std::vector<std::int64_t> o = reference_dense(pixel, window);
      out.insert(out.end(), o.begin(), o.end());
    }
  }
  return out;
}

std::vector<std::int64_t> reference_pool(const MaxPoolLayer& p,
                                         const std::vector<std::int64_t>& input) {
  check_map_input(p.name, {p.height, p.width, p.channels}, input);
  std::vector<std::int64_t> out;
  for (int oy = 0; oy < p.out_height(); ++oy) {
    for (int ox = 0; ox < p.out_width(); ++ox) {
      for (int c = 0; c < p.channels; ++c) {
        std::int64_t m = input[((oy * p.size) * p.width + ox * p.size) * p.channels + c];
        for (int py = 0; py < p.size; ++py) {
          for (int px = 0; px < p.size; ++px) {
            const int y = oy * p.size + py, x = ox * p.size + px;
            m = std::max(m, input[(y * p.width + x) * p.channels + c]);
          }
        }
        out.push_back(m);
      }
    }
  }
  return out;
}

std::vector<std::int64_t> reference_forward(const QuantNetwork& m,
                                            const std::vector<std::int64_t>& input) {
  std::vector<std::int64_t> v = input;
  for (const FeatureLayer& f : m.features) {
    if (const auto* c = std::get_if<ConvLayer>(&f)) {
      v = reference_conv(*c, v);
    } else {
      v = reference_pool(std::get<MaxPoolLayer>(f), v);
    }
  }
  // v is the last map in stream order (y, x, c): the yxc flatten is the identity.
  for (const DenseLayer& l : m.layers) v = reference_dense(l, v);
  return v;
}

}  // namespace fxsim::golden
