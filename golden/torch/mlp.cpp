#include "golden/torch/mlp.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <stdexcept>
#include <string>

namespace fxsim::golden {

QMlp::QMlp(const std::vector<int>& sizes, std::uint64_t seed, units::Activation act) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (std::size_t i = 0; i + 1 < sizes.size(); ++i) {
    linears_.emplace_back(sizes[i], sizes[i + 1], gen);
    bns_.emplace_back(sizes[i + 1]);
    bns_.back().act = i + 2 == sizes.size() ? units::Activation::NONE : act;  // logits: none
  }
}

std::unique_ptr<QNet> QMlp::clone() const {
  auto c = std::make_unique<QMlp>(*this);
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    c->linears_[i] = linears_[i].clone();
    c->bns_[i] = bns_[i].clone();
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
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    add_format_parameters(linears_[i].weight_fmt, linears_[i].out_fmt, bns_[i], p);
  }
  return p;
}

void QMlp::clamp_formats() {
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    clamp_layer_formats(linears_[i].weight_fmt, linears_[i].out_fmt, bns_[i]);
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
    r[i] = layer_ranges(linears_[i].weight, mac, bns_[i], v);
  }
  return r;
}

void QMlp::set_formats(const std::vector<LayerRanges>& ranges, const QuantSettings& s) {
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    set_layer_formats(linears_[i].weight_fmt, linears_[i].khot_weight, linears_[i].out_fmt, bns_[i],
                      ranges.at(i), s,
                      /*last=*/i + 1 == linears_.size());
  }
}

QuantNetwork QMlp::export_model(int simd) const {
  QuantNetwork m;
  m.input_type = input_type();
  fx::FxType prev = m.input_type;
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    m.layers.push_back(export_dense("fc" + std::to_string(i + 1), linears_[i], linears_[i].weight,
                                    bns_[i], prev, simd));
    prev = m.layers.back().output_type();
  }
  validate(m);
  return m;
}

std::string QMlp::describe_formats() const {
  std::string s;
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    s += describe_layer("fc" + std::to_string(i + 1), linears_[i].weight_fmt,
                        linears_[i].khot_weight, linears_[i].out_fmt, bns_[i]);
  }
  return s;
}

std::vector<FoldedDense> QMlp::folded_dense() const {
  torch::NoGradGuard no_grad;
  std::vector<FoldedDense> f;
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    const units::Activation act = bns_[i].act;
    if (act != units::Activation::NONE && act != units::Activation::RELU) {
      throw std::invalid_argument("fc" + std::to_string(i + 1) +
                                  ": affine layers fuse ReLU only, found another activation");
    }
    const torch::Tensor s = bns_[i].folded_scale();
    f.push_back({(linears_[i].weight.detach() * s.unsqueeze(1)).contiguous(),
                 bns_[i].folded_bias().contiguous(), act == units::Activation::RELU});
  }
  return f;
}

void QMlp::load_float(const FloatNetwork& net) {
  for (std::size_t i = 0; i < net.dense.size(); ++i) {
    load_mac_layer(net.dense[i], linears_.at(i).weight, bns_.at(i));
  }
}

void QMlp::fix_formats(const FloatNetwork& net) {
  int frac = input_type().frac_bits();
  for (std::size_t i = 0; i < net.dense.size(); ++i) {
    QuantLinear& d = linears_.at(i);
    frac = fix_layer_formats(net.dense[i], frac, d.weight_fmt, d.khot_weight, d.out_fmt, bns_[i]);
  }
}

}  // namespace fxsim::golden
