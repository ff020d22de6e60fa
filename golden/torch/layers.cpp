#include "golden/torch/layers.hpp"

#include <cmath>

#include "fx/width_rules.hpp"
#include "golden/torch/qfx.hpp"
#include "golden/torch/quantize.hpp"
#include "models/units/bn_act/bn_act.hpp"

namespace fxsim::golden {
namespace {

// Kaiming-uniform-like initialisation from an explicit generator (no global RNG state).
torch::Tensor uniform_init(c10::IntArrayRef shape, int fan_in, at::Generator& gen) {
  const double bound = std::sqrt(6.0 / fan_in) / std::sqrt(2.0);
  return (torch::rand(shape, gen, torch::kFloat32) * 2 - 1).mul_(bound).requires_grad_(true);
}

torch::Tensor param_clone(const torch::Tensor& t) {
  return t.detach().clone().requires_grad_(t.requires_grad());
}

}  // namespace

QFormat::QFormat(const fx::FxType& t, bool learn) : type_(t) {
  if (learn) {
    frac_ = torch::tensor(static_cast<double>(t.frac_bits()), torch::kFloat64)
                .reshape({})
                .requires_grad_(true);
  }
}

fx::FxType QFormat::type() const {
  if (!learned()) return type_;
  return with_frac_bits(type_, round_frac_bits(frac_.item<double>()));
}

torch::Tensor QFormat::apply(const torch::Tensor& x) const {
  return learned() ? fake_quant_learned(x, frac_, type_) : fake_quant(x, type_);
}

torch::Tensor QFormat::apply(const torch::Tensor& x, QuantRole role) const {
  return fake_quant_as(x, type_, frac_, role);
}

void QFormat::clamp_frac() {
  if (!learned()) return;
  torch::NoGradGuard no_grad;
  frac_.clamp_(-16.0, 48.0);
}

QFormat QFormat::clone() const {
  QFormat f;
  f.type_ = type_;
  if (learned()) f.frac_ = param_clone(frac_);
  return f;
}

torch::Tensor quant_weight(const torch::Tensor& w, const QFormat& fmt,
                           const std::optional<fx::KhotType>& khot) {
  return khot ? fake_khot(w, *khot) : fmt.apply(w, QuantRole::WEIGHT);
}

torch::Tensor weight_raws(const torch::Tensor& w, const QFormat& fmt,
                          const std::optional<fx::KhotType>& khot) {
  return khot ? khot_quantize_raw(w, *khot) : quantize_raw(w, fmt.type());
}

QuantLinear::QuantLinear(int in, int out, at::Generator& gen)
    : in_features(in), out_features(out), weight(uniform_init({out, in}, in, gen)) {}

QuantLinear QuantLinear::clone() const {
  QuantLinear c = *this;
  c.weight = param_clone(weight);
  c.weight_fmt = weight_fmt.clone();
  c.out_fmt = out_fmt.clone();
  return c;
}

torch::Tensor QuantLinear::forward(const torch::Tensor& x, Precision p) const {
  if (p == Precision::FLOAT) return torch::mm(x, weight.t());
  return out_fmt.apply(torch::mm(x, quant_weight(weight, weight_fmt, khot_weight).t()),
                       QuantRole::ACTIVATION);
}

QuantConv2d::QuantConv2d(int in_channels, int out_channels, int kernel, int pad, at::Generator& gen)
    : padding(pad),
      weight(uniform_init({out_channels, in_channels, kernel, kernel},
                          in_channels * kernel * kernel, gen)) {}

QuantConv2d QuantConv2d::clone() const {
  QuantConv2d c = *this;
  c.weight = param_clone(weight);
  c.weight_fmt = weight_fmt.clone();
  c.out_fmt = out_fmt.clone();
  return c;
}

torch::Tensor QuantConv2d::forward(const torch::Tensor& x, Precision p) const {
  if (p == Precision::FLOAT) return torch::conv2d(x, weight, {}, stride, padding);
  return out_fmt.apply(
      torch::conv2d(x, quant_weight(weight, weight_fmt, khot_weight), {}, stride, padding),
      QuantRole::ACTIVATION);
}

ConvLayer QuantConv2d::export_layer(const std::string& name, int height, int width,
                                    const fx::FxType& input_type, int simd) const {
  torch::NoGradGuard no_grad;
  ConvLayer l;
  l.name = name;
  l.shape.height = height;
  l.shape.width = width;
  l.out_channels = static_cast<int>(weight.size(0));
  l.shape.channels = static_cast<int>(weight.size(1));
  l.shape.kernel = static_cast<int>(weight.size(2));
  l.shape.stride = stride;
  l.shape.padding = padding;
  l.simd = simd;
  l.input_type = input_type;
  if (khot_weight) {
    l.weight_type = *khot_weight;
  } else {
    l.weight_type = weight_fmt.type();
  }
  l.acc_type =
      fx::accumulator_type(input_type, weight_container(l.weight_type),
                           l.shape.kernel * l.shape.kernel * l.shape.channels, fx::Overflow::SAT);
  l.out_type = out_fmt.type();
  const torch::Tensor raw = weight_raws(weight, weight_fmt, khot_weight).contiguous();  // OIHW
  l.weight_raw =
      window_order_weights(std::vector<std::int64_t>(raw.data_ptr<std::int64_t>(),
                                                     raw.data_ptr<std::int64_t>() + raw.numel()),
                           l.out_channels, l.shape.channels, l.shape.kernel, simd);
  validate(l);
  return l;
}

QuantBatchNorm::QuantBatchNorm(int channels)
    : gamma(torch::ones({channels}).requires_grad_(true)),
      beta(torch::zeros({channels}).requires_grad_(true)),
      running_mean(torch::zeros({channels})),
      running_var(torch::ones({channels})) {}

QuantBatchNorm QuantBatchNorm::clone() const {
  QuantBatchNorm c = *this;
  c.gamma = param_clone(gamma);
  c.beta = param_clone(beta);
  c.running_mean = running_mean.clone();
  c.running_var = running_var.clone();
  c.scale_fmt = scale_fmt.clone();
  c.bias_fmt = bias_fmt.clone();
  c.out_fmt = out_fmt.clone();
  return c;
}

torch::Tensor QuantBatchNorm::folded_scale() const {
  return gamma.detach() / torch::sqrt(running_var + eps);
}

torch::Tensor QuantBatchNorm::folded_bias() const {
  return beta.detach() - running_mean * folded_scale();
}

torch::Tensor QuantBatchNorm::forward(const torch::Tensor& x, Precision p, bool training) {
  if (x.dim() == 4) {  // a conv's [N, C, H, W]: per channel over N, H and W (as BatchNorm2d)
    const torch::Tensor rows = x.permute({0, 2, 3, 1}).reshape({-1, x.size(1)});
    return forward(rows, p, training)
        .reshape({x.size(0), x.size(2), x.size(3), x.size(1)})
        .permute({0, 3, 1, 2});
  }
  torch::Tensor mean, var;
  if (training) {
    mean = x.mean(0);
    var = x.var(0, /*unbiased=*/false);
    torch::NoGradGuard no_grad;
    const double n = static_cast<double>(x.size(0));
    running_mean.mul_(1 - momentum).add_(mean.detach(), momentum);
    running_var.mul_(1 - momentum).add_(var.detach() * (n / std::max(n - 1, 1.0)), momentum);
  } else {
    mean = running_mean;
    var = running_var;
  }
  torch::Tensor scale = gamma / torch::sqrt(var + eps);
  torch::Tensor bias = beta - mean * scale;
  if (p == Precision::FLOAT) return activation_float(x * scale + bias, act, clip);
  scale = khot_scale ? fake_khot(scale, *khot_scale) : scale_fmt.apply(scale);
  bias = bias_fmt.apply(bias);
  const fx::FxType out = out_fmt.type();
  return activation_quant(out_fmt.apply(x * scale + bias, QuantRole::ACTIVATION), act, clip, out);
}

torch::Tensor activation_float(const torch::Tensor& x, units::Activation act, double clip) {
  switch (act) {
    case units::Activation::RELU:
      return torch::relu(x);
    case units::Activation::RELU_CLIP:
      return torch::clamp(x, 0.0, clip);
    case units::Activation::HARDTANH:
      return torch::clamp(x, -1.0, 1.0);
    case units::Activation::SIGN: {
      const torch::Tensor h = torch::clamp(x, -1.0, 1.0);
      return h + (torch::where(torch::ge(x, 0), torch::ones_like(x), -torch::ones_like(x)) - h)
                     .detach();
    }
    case units::Activation::NONE:
      break;
  }
  return x;
}

torch::Tensor activation_quant(const torch::Tensor& r, units::Activation act, double clip,
                               const fx::FxType& out) {
  const double one = std::ldexp(static_cast<double>(units::raw_one(out)), -out.frac_bits());
  switch (act) {
    case units::Activation::RELU:
      return torch::relu(r);
    case units::Activation::RELU_CLIP: {
      // The hardware's clip is a raw of the output type.
      const double c =
          dequantize(quantize_raw(torch::tensor(clip, torch::kFloat64), out), out).item<double>();
      return torch::clamp(r, 0.0, c);
    }
    case units::Activation::HARDTANH:
      return torch::clamp(r, -one, one);
    case units::Activation::SIGN: {
      const torch::Tensor h = torch::clamp(r, -one, one);
      const torch::Tensor s = torch::where(torch::ge(r, 0), torch::full_like(r, one),
                                           torch::full_like(r, out.is_signed ? -one : 0.0));
      return h + (s - h).detach();
    }
    case units::Activation::NONE:
      break;
  }
  return r;
}

}  // namespace fxsim::golden
