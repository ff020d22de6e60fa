#include "golden/torch/qnet.hpp"

#include <cmath>
#include <sstream>

#include "fx/width_rules.hpp"
#include "golden/torch/quantize.hpp"

namespace fxsim::golden {
namespace {

double max_abs(const torch::Tensor& t) { return t.detach().abs().max().item<double>(); }

}  // namespace

std::vector<std::int64_t> to_int64_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous().to(torch::kInt64);
  return std::vector<std::int64_t>(c.data_ptr<std::int64_t>(),
                                   c.data_ptr<std::int64_t>() + c.numel());
}

int calibrated_int_bits(double m, bool is_signed) {
  if (!(m > 0)) m = 1.0;  // an all-zero tensor: any format; keep one of unit range
  const int magnitude_bits = static_cast<int>(std::floor(std::log2(m))) + 1;  // 2^bits > m
  return magnitude_bits + (is_signed ? 1 : 0);
}

fx::FxType pixel_input_type() {
  return fx::FxType::make_unsigned(8, 0, fx::Rounding::RND_CONV, fx::Overflow::SAT);
}

void set_layer_formats(QFormat& weight_fmt, std::optional<fx::KhotType>& khot_weight,
                       QFormat& out_fmt, QuantBatchNorm& bn, const LayerRanges& r,
                       const QuantSettings& s, bool last) {
  auto fmt = [&s](bool is_signed, int w, double m) {
    return QFormat(fx::FxType::make(is_signed, w, calibrated_int_bits(m, is_signed), s.rounding,
                                    fx::Overflow::SAT),
                   s.learn_binary_point);
  };
  weight_fmt = fmt(true, s.weight_bits, r.weight);
  khot_weight.reset();
  if (s.weight_kind) {
    khot_weight = fx::KhotType::make(*s.weight_kind, s.weight_bits,
                                     calibrated_int_bits(r.weight, true), s.weight_k);
  }
  out_fmt = fmt(true, s.mac_bits, r.mac);
  bn.khot_scale.reset();
  if (s.khot_k > 0) {
    bn.khot_scale = fx::KhotType::make(fx::KhotKind::KHOT, s.elementwise_bits,
                                       calibrated_int_bits(r.scale, true), s.khot_k);
  }
  bn.scale_fmt = fmt(true, s.elementwise_bits, r.scale);
  bn.bias_fmt = fmt(true, s.elementwise_bits, r.bias);
  const bool hidden_signed = bn.act == units::Activation::HARDTANH;
  bn.out_fmt =
      last ? fmt(true, s.logit_bits, r.out) : fmt(hidden_signed, s.elementwise_bits, r.out);
}

void add_format_parameters(const QFormat& weight_fmt, const QFormat& out_fmt,
                           const QuantBatchNorm& bn, std::vector<torch::Tensor>& out) {
  for (const QFormat* f : {&weight_fmt, &out_fmt, &bn.scale_fmt, &bn.bias_fmt, &bn.out_fmt}) {
    if (f->learned()) out.push_back(f->frac());
  }
}

void clamp_layer_formats(QFormat& weight_fmt, QFormat& out_fmt, QuantBatchNorm& bn) {
  for (QFormat* f : {&weight_fmt, &out_fmt, &bn.scale_fmt, &bn.bias_fmt, &bn.out_fmt}) {
    f->clamp_frac();
  }
}

std::string describe_layer(const std::string& name, const QFormat& weight_fmt,
                           const std::optional<fx::KhotType>& khot_weight, const QFormat& out_fmt,
                           const QuantBatchNorm& bn) {
  std::ostringstream s;
  s << "  " << name << ": weight " << (khot_weight ? khot_weight->str() : weight_fmt.type().str())
    << ", mac " << out_fmt.type().str() << ", scale "
    << (bn.khot_scale ? bn.khot_scale->str() : bn.scale_fmt.type().str()) << ", bias "
    << bn.bias_fmt.type().str() << ", out " << bn.out_fmt.type().str() << "\n";
  return s.str();
}

LayerRanges layer_ranges(const torch::Tensor& weight, const torch::Tensor& mac,
                         const QuantBatchNorm& bn, const torch::Tensor& out) {
  return {max_abs(weight), max_abs(mac), max_abs(bn.folded_scale()), max_abs(bn.folded_bias()),
          max_abs(out)};
}

BnActLayer export_bn(const QuantBatchNorm& bn) {
  torch::NoGradGuard no_grad;
  BnActLayer b;
  if (bn.khot_scale) {
    b.scale_type = *bn.khot_scale;
    b.scale_raw = to_int64_vector(khot_quantize_raw(bn.folded_scale(), *bn.khot_scale));
  } else {
    const fx::FxType st = bn.scale_fmt.type();
    b.scale_type = st;
    b.scale_raw = to_int64_vector(quantize_raw(bn.folded_scale(), st));
  }
  b.bias_type = bn.bias_fmt.type();
  b.bias_raw = to_int64_vector(quantize_raw(bn.folded_bias(), b.bias_type));
  b.out_type = bn.out_fmt.type();
  b.act = bn.act;
  if (b.act == units::Activation::RELU_CLIP) {
    b.clip_raw = quantize_raw(torch::tensor(bn.clip, torch::kFloat64), b.out_type).item<int64_t>();
  }
  return b;
}

DenseLayer export_dense(const std::string& name, const QuantLinear& lin,
                        const torch::Tensor& weight, const QuantBatchNorm& bn,
                        const fx::FxType& input_type, int simd) {
  torch::NoGradGuard no_grad;
  DenseLayer l;
  l.name = name;
  l.in_features = lin.in_features;
  l.out_features = lin.out_features;
  l.simd = simd;
  l.input_type = input_type;
  l.weight_type = lin.khot_weight ? weight_container(*lin.khot_weight) : lin.weight_fmt.type();
  l.acc_type = fx::accumulator_type(l.input_type, l.weight_type, l.in_features, fx::Overflow::SAT);
  l.out_type = lin.out_fmt.type();
  l.weight_raw = to_int64_vector(weight_raws(weight, lin.weight_fmt, lin.khot_weight));
  l.bn = export_bn(bn);
  return l;
}

namespace {

torch::Tensor tensor_of(const std::vector<float>& v, c10::IntArrayRef shape) {
  return torch::tensor(v, torch::kFloat32).reshape(shape);
}

}  // namespace

std::optional<fx::KhotKind> weight_kind_of(const std::string& name) {
  if (name == "fixed") return std::nullopt;
  return name == "spt" ? fx::KhotKind::SPT : fx::KhotKind::KHOT;
}

void load_mac_layer(const FloatMacLayer& l, torch::Tensor& weight, QuantBatchNorm& bn) {
  torch::NoGradGuard no_grad;
  const torch::Tensor w = tensor_of(l.weight, weight.sizes());
  weight = w.clone().requires_grad_(true);
  const torch::Tensor bias = l.bias.empty() ? torch::zeros({l.out}) : tensor_of(l.bias, {l.out});
  if (l.bn) {
    bn.gamma = tensor_of(l.bn->gamma, {l.out}).clone().requires_grad_(true);
    bn.beta = tensor_of(l.bn->beta, {l.out}).clone().requires_grad_(true);
    bn.running_mean = tensor_of(l.bn->mean, {l.out}) - bias;
    bn.running_var = tensor_of(l.bn->var, {l.out});
    bn.eps = l.bn->eps;
  } else {
    bn.gamma = torch::ones({l.out}).requires_grad_(true);
    bn.beta = bias.clone().requires_grad_(true);
    bn.running_mean = torch::zeros({l.out});
    bn.running_var = torch::ones({l.out});
    bn.eps = 0.0;
  }
  bn.act = l.act;
  if (l.act == units::Activation::RELU_CLIP) bn.clip = l.clip;
}

int fix_layer_formats(const FloatMacLayer& l, int input_frac, QFormat& weight_fmt,
                      std::optional<fx::KhotType>& khot_weight, QFormat& mac_fmt,
                      QuantBatchNorm& bn) {
  if (l.weight_format) {
    weight_fmt = QFormat(*l.weight_format, false);
    khot_weight.reset();
  }
  if (l.bias_format) bn.bias_fmt = QFormat(*l.bias_format, false);
  if (l.out_format) {
    bn.out_fmt = QFormat(*l.out_format, false);
    const fx::FxType mac = mac_fmt.type();
    const int frac = input_frac + weight_fmt.type().frac_bits();
    if (mac.int_bits + frac <= 62) {
      mac_fmt = QFormat(fx::FxType::make_signed(mac.int_bits + frac, mac.int_bits, mac.rounding,
                                                fx::Overflow::SAT),
                        false);
    }
  }
  return bn.out_fmt.type().frac_bits();
}

}  // namespace fxsim::golden
