#include "golden/torch/int_inference.hpp"

#include "fx/width_rules.hpp"
#include "golden/torch/quantize.hpp"
#include "models/units/bn_act/bn_act.hpp"

namespace fxsim::golden {
namespace {

int magnitude_bits(const fx::FxType& t) { return t.width - (t.is_signed ? 1 : 0); }

// a [B, n] x w [O, n]^T exactly. Double BLAS when every partial sum stays below 2^53 (integers
// below 2^53 add exactly in any order, so the result is also deterministic), int64 otherwise.
torch::Tensor exact_matmul(const torch::Tensor& a, const torch::Tensor& w, const DenseLayer& l) {
  const int n = static_cast<int>(a.size(1));
  const int bits = magnitude_bits(l.input_type) + magnitude_bits(l.weight_type) +
                   fx::ceil_log2(static_cast<unsigned long long>(std::max(n, 1)));
  if (bits < 53) {
    return torch::mm(a.to(torch::kFloat64), w.to(torch::kFloat64).t()).to(torch::kInt64);
  }
  return torch::mm(a, w.t());
}

// Whether no partial sum of the dot product can overflow the accumulator, or the accumulator
// wraps modulo 2^W (then wrapping once at the end equals wrapping after every beat).
bool accumulate_in_one_step(const DenseLayer& l) {
  const fx::FxType& acc = l.acc_type;
  if (acc.overflow == fx::Overflow::WRAP && acc.sat_bits == 0) return true;
  const fx::FxType need = fx::accumulator_type(l.input_type, l.weight_type, l.in_features);
  return acc.int_bits >= need.int_bits;
}

}  // namespace

torch::Tensor mac_integer(const DenseLayer& l, const torch::Tensor& input_raw) {
  const torch::Tensor a = input_raw.to(torch::kInt64);
  const torch::Tensor w =
      torch::tensor(l.weight_raw, torch::kInt64).reshape({l.out_features, l.in_features});
  const int pf = l.input_type.frac_bits() + l.weight_type.frac_bits();
  torch::Tensor acc;
  if (accumulate_in_one_step(l)) {
    acc = cast_raw(exact_matmul(a, w, l), pf, l.acc_type);
  } else {
    acc = torch::zeros({a.size(0), l.out_features}, torch::kInt64);
    for (int s = 0; s < l.in_features; s += l.simd) {  // one beat of SIMD lanes
      const int len = std::min(l.simd, l.in_features - s);
      const torch::Tensor beat = exact_matmul(a.narrow(1, s, len), w.narrow(1, s, len), l);
      acc = cast_raw(acc + beat, pf, l.acc_type);
    }
  }
  return cast_raw(acc, pf, l.out_type);
}

torch::Tensor activate_integer(const torch::Tensor& r, units::Activation act, std::int64_t clip_raw,
                               const fx::FxType& out) {
  const std::int64_t one = units::raw_one(out);
  switch (act) {
    case units::Activation::RELU:
      return torch::clamp_min(r, 0);
    case units::Activation::RELU_CLIP:
      return torch::clamp(r, 0, clip_raw);
    case units::Activation::HARDTANH:
      return torch::clamp(r, -one, one);
    case units::Activation::SIGN:
      return torch::where(torch::ge(r, 0), torch::scalar_tensor(one, torch::kInt64),
                          torch::scalar_tensor(out.is_signed ? -one : 0, torch::kInt64));
    case units::Activation::NONE:
      break;
  }
  return r;
}

torch::Tensor bn_act_integer(const DenseLayer& l, const torch::Tensor& x) {
  const BnActLayer& b = l.bn.value();
  const int product_frac = l.out_type.frac_bits() + b.scale_frac();
  const int f = std::max(product_frac, b.bias_type.frac_bits());
  // A K-hot scale's raw equals the value of its shift-add terms, so x * raw is the shift-add sum.
  const torch::Tensor scale = torch::tensor(b.scale_raw, torch::kInt64);
  const torch::Tensor bias = torch::tensor(b.bias_raw, torch::kInt64);
  const torch::Tensor t = torch::bitwise_left_shift(x * scale, f - product_frac) +
                          torch::bitwise_left_shift(bias, f - b.bias_type.frac_bits());
  return activate_integer(cast_raw(t, f, b.out_type), b.act, b.clip_raw, b.out_type);
}

torch::Tensor dense_integer(const DenseLayer& l, const torch::Tensor& input_raw) {
  const torch::Tensor x = mac_integer(l, input_raw);
  return l.bn ? bn_act_integer(l, x) : x;
}

torch::Tensor conv_windows(const ConvLayer& l, const torch::Tensor& input_raw) {
  TORCH_CHECK(input_raw.dim() == 4 && input_raw.size(1) == l.shape.height &&
                  input_raw.size(2) == l.shape.width && input_raw.size(3) == l.shape.channels,
              l.name, ": expected input [batch, ", l.shape.height, ", ", l.shape.width, ", ",
              l.shape.channels, "], got ", input_raw.sizes());
  const int p = l.shape.padding;
  const int cp = l.padded_channels();
  // Pads (last dimension first): channels to Cp, then P columns and P rows of zero raws.
  const torch::Tensor x = torch::constant_pad_nd(input_raw.to(torch::kInt64),
                                                 {0, cp - l.shape.channels, p, p, p, p}, 0);
  // [B, Hout, Wout, Cp, ky, kx] -> window order [B, Hout, Wout, ky, kx, Cp].
  const torch::Tensor w = x.unfold(1, l.shape.kernel, l.shape.stride)
                              .unfold(2, l.shape.kernel, l.shape.stride)
                              .permute({0, 1, 2, 4, 5, 3});
  return w.reshape({-1, l.window_size()});
}

torch::Tensor conv_integer(const ConvLayer& l, const torch::Tensor& input_raw) {
  const torch::Tensor y = dense_integer(window_layer(l), conv_windows(l, input_raw));
  return y.reshape({input_raw.size(0), l.shape.out_height(), l.shape.out_width(), l.out_channels});
}

torch::Tensor max_pool_integer(const torch::Tensor& input_raw, int pool, int stride) {
  TORCH_CHECK(input_raw.dim() == 4, "max_pool_integer: expected [batch, H, W, C], got ",
              input_raw.sizes());
  TORCH_CHECK(pool >= 1 && stride >= 1 && pool <= input_raw.size(1) && pool <= input_raw.size(2),
              "max_pool_integer: pool ", pool, " / stride ", stride, " on a ", input_raw.size(1),
              " x ", input_raw.size(2), " map");
  // [B, Hout, Wout, C, py, px]: the max over the last two dimensions, in int64.
  return input_raw.to(torch::kInt64).unfold(1, pool, stride).unfold(2, pool, stride).amax({4, 5});
}

namespace {

// The feature layers on [batch, H, W, C], flattened yxc ([batch, H, W, C] row-major).
torch::Tensor features_integer(const QuantNetwork& m, torch::Tensor v) {
  for (const FeatureLayer& f : m.features) {
    if (const auto* c = std::get_if<ConvLayer>(&f)) {
      v = conv_integer(*c, v);
    } else {
      const auto& p = std::get<MaxPoolLayer>(f);
      v = max_pool_integer(v, p.size, p.size);
    }
  }
  return v.reshape({v.size(0), -1});
}

}  // namespace

torch::Tensor forward_integer(const QuantNetwork& m, const torch::Tensor& input_raw) {
  torch::Tensor v = input_raw;
  if (!m.dense_only()) {
    const MapShape in = input_shape(m.features.front());
    v = v.reshape({-1, in.height, in.width, in.channels});
    // The window matrices take K * K * Cp raws per output pixel: a few hundred images at a time
    // keep them small (every image's result is independent of the others and exact).
    constexpr int64_t kChunk = 256;
    std::vector<torch::Tensor> parts;
    for (int64_t s = 0; s < v.size(0); s += kChunk) {
      parts.push_back(features_integer(m, v.narrow(0, s, std::min(kChunk, v.size(0) - s))));
    }
    v = parts.empty() ? torch::zeros({0, m.layers.front().in_features}, torch::kInt64)
                      : torch::cat(parts);
  }
  for (const DenseLayer& l : m.layers) v = dense_integer(l, v);
  return v;
}

}  // namespace fxsim::golden
