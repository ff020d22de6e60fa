#include "golden/torch/bipolar_mlp.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <sstream>
#include <string>

#include "fx/cast.hpp"
#include "fx/type_parser.hpp"
#include "golden/torch/bipolar_quant.hpp"
#include "golden/torch/int_inference.hpp"
#include "golden/torch/qfx.hpp"
#include "golden/torch/qnet.hpp"

namespace fxsim::golden {

fx::FxType BipolarSettings::activation_type() const {
  return fx::FxType::make_unsigned(activation_bits, activation_int_bits, rounding,
                                   fx::Overflow::SAT);
}

BipolarMlp::BipolarMlp(const std::vector<int>& sizes, const BipolarSettings& s, std::uint64_t seed)
    : s_(s) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(sizes[i]));
    torch::Tensor w = torch::empty({sizes[i + 1], sizes[i]}, torch::kFloat32);
    w.uniform_(-bound, bound, gen);
    w_.push_back(w.requires_grad_(true));
    gamma_.push_back(torch::ones({sizes[i + 1]}).requires_grad_(true));
    beta_.push_back(torch::zeros({sizes[i + 1]}).requires_grad_(true));
    mean_.push_back(torch::zeros({sizes[i + 1]}));
    var_.push_back(torch::ones({sizes[i + 1]}));
  }
}

torch::Tensor BipolarMlp::forward(const torch::Tensor& x, bool training) {
  torch::Tensor v = x;
  const fx::FxType act = s_.activation_type();
  for (std::size_t i = 0; i < w_.size(); ++i) {
    const torch::Tensor h = v.matmul(bipolar_weight_ste(w_[i], s_.weight_kind()).t());
    const torch::Tensor y = torch::batch_norm(h, gamma_[i], beta_[i], mean_[i], var_[i], training,
                                              0.1, kEps, /*cudnn_enabled=*/false);
    if (i + 1 == w_.size()) return y;
    // ufixed saturates negative values to 0: fake_quant is the ReLU and the output format.
    v = s_.kind == BipolarVariantKind::BNN ? sign_ste(y) : fake_quant(y, act);
  }
  return v;
}

std::vector<torch::Tensor> BipolarMlp::parameters() const {
  std::vector<torch::Tensor> p;
  for (std::size_t i = 0; i < w_.size(); ++i) {
    p.push_back(w_[i]);
    p.push_back(gamma_[i]);
    p.push_back(beta_[i]);
  }
  return p;
}

void BipolarMlp::clip_weights() {
  torch::NoGradGuard no_grad;
  for (torch::Tensor& w : w_) w.clamp_(-1.0, 1.0);
}

namespace {

std::vector<double> doubles_of(const torch::Tensor& t) {
  const torch::Tensor d = t.detach().to(torch::kFloat64).contiguous();
  return std::vector<double>(d.data_ptr<double>(), d.data_ptr<double>() + d.numel());
}

// A signed type of `bits` whose integer bits hold the largest |value| (RND / SAT per settings).
fx::FxType calibrated(const std::vector<double>& values, int bits, fx::Rounding q) {
  double m = 0;
  for (double v : values) m = std::max(m, std::fabs(v));
  return fx::FxType::make_signed(bits, calibrated_int_bits(m, true), q, fx::Overflow::SAT);
}

std::vector<std::int64_t> raws_of(const std::vector<double>& values, const fx::FxType& t) {
  std::vector<std::int64_t> r(values.size());
  fx::cast_array_from_double(values.data(), values.size(), r.data(), t);
  return r;
}

}  // namespace

BipolarNetwork BipolarMlp::export_network(const torch::Tensor& calibration) const {
  torch::NoGradGuard no_grad;
  double logit_max = 0;
  {
    BipolarMlp self = *this;  // forward is non-const (BN buffers); eval mode changes nothing
    logit_max = self.forward(calibration, false).abs().max().item<double>();
  }
  BipolarNetwork net;
  net.input_type = pixel_input_type();
  for (std::size_t i = 0; i < w_.size(); ++i) {
    const bool last = i + 1 == w_.size();
    BipolarDense l;
    l.name = "fc" + std::to_string(i + 1);
    l.out_features = static_cast<int>(w_[i].size(0));
    l.in_features = static_cast<int>(w_[i].size(1));
    l.simd = s_.simd;
    l.binary_input = i > 0 && s_.kind == BipolarVariantKind::BNN;
    if (!l.binary_input) l.input_type = i == 0 ? net.input_type : net.layers.back().bn->out_type;
    const fx::BipolarTensor q = fx::quantize_bipolar(s_.weight_kind(), doubles_of(w_[i]));
    l.weight_type = q.type;
    l.weight_v = q.v;
    l.acc_type = bipolar_acc_type(l.binary_input ? nullptr : &l.input_type, l.in_features);
    // BN(h) = h * s + b with s = gamma / sqrt(var + eps), b = beta - mean * s, in float64; the
    // MAC value h = scale x (accumulator raw x 2^-F_in).
    const std::vector<double> gamma = doubles_of(gamma_[i]), beta = doubles_of(beta_[i]),
                              mean = doubles_of(mean_[i]), var = doubles_of(var_[i]);
    std::vector<double> s(l.out_features), b(l.out_features);
    for (int c = 0; c < l.out_features; ++c) {
      s[c] = gamma[c] / std::sqrt(var[c] + kEps);
      b[c] = beta[c] - mean[c] * s[c];
    }
    if (!last && s_.kind == BipolarVariantKind::BNN) {
      const double lsb = q.type.scale * std::ldexp(1.0, -l.input_frac());
      for (int c = 0; c < l.out_features; ++c) {
        l.thresholds.push_back(
            units::thresholds_from_batch_norm(s[c], b[c], lsb, {0.0}, l.acc_type.width));
      }
    } else {
      std::vector<double> scale(l.out_features);
      for (int c = 0; c < l.out_features; ++c) scale[c] = s[c] * q.type.scale;
      BnActLayer bn;
      const fx::FxType st = calibrated(scale, s_.bn_bits, s_.rounding);
      bn.scale_type = st;
      bn.scale_raw = raws_of(scale, st);
      bn.bias_type = calibrated(b, s_.bn_bits, s_.rounding);
      bn.bias_raw = raws_of(b, bn.bias_type);
      if (last) {
        bn.out_type = fx::FxType::make_signed(s_.logit_bits, calibrated_int_bits(logit_max, true),
                                              s_.rounding, fx::Overflow::SAT);
        bn.act = units::Activation::NONE;
      } else {
        bn.out_type = s_.activation_type();
        bn.act = units::Activation::RELU;
      }
      l.bn = bn;
    }
    net.layers.push_back(std::move(l));
  }
  return net;
}

std::string BipolarMlp::describe(const BipolarNetwork& net) {
  std::ostringstream o;
  for (const BipolarDense& l : net.layers) {
    o << "  " << l.name << ": " << l.weight_type.str() << " x "
      << (l.binary_input ? std::string("binary") : l.input_type.str()) << ", acc "
      << l.acc_type.str() << ", "
      << (l.bn ? "bn_act scale " + fx::type_str(l.bn->scale_type) + " -> " + l.bn->out_type.str()
               : std::string("thresholds -> binary"))
      << "\n";
  }
  return o.str();
}

torch::Tensor forward_bipolar_integer(const BipolarNetwork& net, const torch::Tensor& input_raw) {
  torch::NoGradGuard no_grad;
  torch::Tensor x = input_raw.to(torch::kInt64);
  for (const BipolarDense& l : net.layers) {
    const torch::Tensor a = l.binary_input ? 2 * x - 1 : x;
    const torch::Tensor v =
        torch::tensor(std::vector<std::int64_t>(l.weight_v.begin(), l.weight_v.end()),
                      torch::kInt64)
            .reshape({l.out_features, l.in_features});
    const torch::Tensor acc =
        a.to(torch::kFloat64).matmul(v.to(torch::kFloat64).t()).to(torch::kInt64);
    if (l.bn) {
      x = bn_act_integer(bn_stage_layer(l), acc);
      continue;
    }
    std::vector<std::int64_t> t, d;
    for (const units::ThresholdChannel& c : l.thresholds) {
      t.push_back(c.thresholds.at(0));
      d.push_back(c.descending ? 1 : 0);
    }
    const torch::Tensor tt = torch::tensor(t, torch::kInt64);
    const torch::Tensor dd = torch::tensor(d, torch::kInt64).to(torch::kBool);
    x = torch::where(dd, acc <= tt, acc >= tt).to(torch::kInt64);
  }
  return x;
}

}  // namespace fxsim::golden
