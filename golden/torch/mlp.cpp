#include "golden/torch/mlp.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <sstream>

#include "fx/width_rules.hpp"
#include "golden/torch/quantize.hpp"

namespace fxsim::golden {
namespace {

std::vector<std::int64_t> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.contiguous().to(torch::kInt64);
  return std::vector<std::int64_t>(c.data_ptr<std::int64_t>(),
                                   c.data_ptr<std::int64_t>() + c.numel());
}

double max_abs(const torch::Tensor& t) { return t.detach().abs().max().item<double>(); }

}  // namespace

int calibrated_int_bits(double m, bool is_signed) {
  if (!(m > 0)) m = 1.0;  // an all-zero tensor: any format; keep one of unit range
  const int magnitude_bits = static_cast<int>(std::floor(std::log2(m))) + 1;  // 2^bits > m
  return magnitude_bits + (is_signed ? 1 : 0);
}

fx::FxType QMlp::input_type() {
  return fx::FxType::make_unsigned(8, 0, fx::Rounding::RND_CONV, fx::Overflow::SAT);
}

QMlp::QMlp(const std::vector<int>& sizes, std::uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    linears_.emplace_back(sizes[i], sizes[i + 1], gen);
    bns_.emplace_back(sizes[i + 1]);
    if (i + 2 == sizes.size()) bns_.back().act = units::Activation::NONE;  // logits
  }
}

QMlp QMlp::clone() const {
  QMlp c = *this;
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    c.linears_[i] = linears_[i].clone();
    c.bns_[i] = bns_[i].clone();
  }
  return c;
}

torch::Tensor QMlp::forward(const torch::Tensor& x, Precision p, bool training) {
  torch::Tensor v = x;
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    v = bns_[i].forward(linears_[i].forward(v, p), p, training);
  }
  return v;
}

std::vector<torch::Tensor> QMlp::parameters() const {
  std::vector<torch::Tensor> p;
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    p.push_back(linears_[i].weight);
    p.push_back(bns_[i].gamma);
    p.push_back(bns_[i].beta);
  }
  return p;
}

std::vector<torch::Tensor> QMlp::format_parameters() const {
  std::vector<torch::Tensor> p;
  auto add = [&p](const QFormat& f) {
    if (f.learned()) p.push_back(f.frac());
  };
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    add(linears_[i].weight_fmt);
    add(linears_[i].out_fmt);
    add(bns_[i].scale_fmt);
    add(bns_[i].bias_fmt);
    add(bns_[i].out_fmt);
  }
  return p;
}

void QMlp::clamp_formats() {
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    linears_[i].weight_fmt.clamp_frac();
    linears_[i].out_fmt.clamp_frac();
    bns_[i].scale_fmt.clamp_frac();
    bns_[i].bias_fmt.clamp_frac();
    bns_[i].out_fmt.clamp_frac();
  }
}

std::vector<LayerRanges> QMlp::calibrate(const torch::Tensor& x) const {
  torch::NoGradGuard no_grad;
  std::vector<LayerRanges> r(linears_.size());
  torch::Tensor v = x;
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    const torch::Tensor mac = linears_[i].forward(v, Precision::FLOAT);
    QuantBatchNorm bn = bns_[i];  // shallow: eval mode does not touch the running statistics
    v = bn.forward(mac, Precision::FLOAT, /*training=*/false);
    r[i] = {max_abs(linears_[i].weight), max_abs(mac), max_abs(bns_[i].folded_scale()),
            max_abs(bns_[i].folded_bias()), max_abs(v)};
  }
  return r;
}

void QMlp::set_formats(const std::vector<LayerRanges>& ranges, const QuantSettings& s) {
  const fx::Rounding q = s.rounding;
  const fx::Overflow sat = fx::Overflow::SAT;
  auto fmt = [&](bool is_signed, int w, double m) {
    return QFormat(fx::FxType::make(is_signed, w, calibrated_int_bits(m, is_signed), q, sat),
                   s.learn_binary_point);
  };
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    const LayerRanges& r = ranges.at(i);
    const bool last = i + 1 == linears_.size();
    linears_[i].weight_fmt = fmt(true, s.weight_bits, r.weight);
    linears_[i].out_fmt = fmt(true, s.mac_bits, r.mac);
    QuantBatchNorm& bn = bns_[i];
    bn.khot_scale.reset();
    if (s.khot_k > 0) {
      bn.khot_scale = fx::KhotType::make(fx::KhotKind::KHOT, s.elementwise_bits,
                                         calibrated_int_bits(r.scale, true), s.khot_k);
    }
    bn.scale_fmt = fmt(true, s.elementwise_bits, r.scale);
    bn.bias_fmt = fmt(true, s.elementwise_bits, r.bias);
    // Hidden outputs follow a ReLU: unsigned, so all of the bits carry magnitude.
    bn.out_fmt = last ? fmt(true, s.logit_bits, r.out) : fmt(false, s.elementwise_bits, r.out);
  }
}

QuantNetwork QMlp::export_model(int simd) const {
  torch::NoGradGuard no_grad;
  QuantNetwork m;
  m.input_type = input_type();
  fx::FxType prev = m.input_type;
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    const QuantLinear& lin = linears_[i];
    const QuantBatchNorm& bn = bns_[i];
    DenseLayer l;
    l.name = "fc" + std::to_string(i + 1);
    l.in_features = lin.in_features;
    l.out_features = lin.out_features;
    l.simd = simd;
    l.input_type = prev;
    l.weight_type = lin.weight_fmt.type();
    l.acc_type =
        fx::accumulator_type(l.input_type, l.weight_type, l.in_features, fx::Overflow::SAT);
    l.out_type = lin.out_fmt.type();
    l.weight_raw = to_vector(quantize_raw(lin.weight, l.weight_type));
    BnActLayer b;
    if (bn.khot_scale) {
      b.scale_type = *bn.khot_scale;
      b.scale_raw = to_vector(khot_quantize_raw(bn.folded_scale(), *bn.khot_scale));
    } else {
      const fx::FxType st = bn.scale_fmt.type();
      b.scale_type = st;
      b.scale_raw = to_vector(quantize_raw(bn.folded_scale(), st));
    }
    b.bias_type = bn.bias_fmt.type();
    b.bias_raw = to_vector(quantize_raw(bn.folded_bias(), b.bias_type));
    b.out_type = bn.out_fmt.type();
    b.act = bn.act;
    if (b.act == units::Activation::RELU_CLIP) {
      b.clip_raw =
          quantize_raw(torch::tensor(bn.clip, torch::kFloat64), b.out_type).item<int64_t>();
    }
    l.bn = b;
    prev = l.output_type();
    m.layers.push_back(std::move(l));
  }
  validate(m);
  return m;
}

std::string QMlp::describe_formats() const {
  std::ostringstream s;
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    const QuantBatchNorm& bn = bns_[i];
    s << "  fc" << i + 1 << ": weight " << linears_[i].weight_fmt.type().str() << ", mac "
      << linears_[i].out_fmt.type().str() << ", scale "
      << (bn.khot_scale ? bn.khot_scale->str() : bn.scale_fmt.type().str()) << ", bias "
      << bn.bias_fmt.type().str() << ", out " << bn.out_fmt.type().str() << "\n";
  }
  return s.str();
}

}  // namespace fxsim::golden
