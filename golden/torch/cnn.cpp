#include "golden/torch/cnn.hpp"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <string>

namespace fxsim::golden {

torch::Tensor yxc_columns(const torch::Tensor& weight, const MapShape& m) {
  return weight.reshape({weight.size(0), m.channels, m.height, m.width})
      .permute({0, 2, 3, 1})
      .reshape({weight.size(0), m.elements()});
}

QCnn::QCnn(const std::vector<LayerSpec>& layers, const MapShape& input, units::Activation act,
           std::uint64_t seed)
    : input_(input) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  MapShape map = input;
  int features = -1;  // inputs of the next dense layer
  for (const LayerSpec& l : layers) {
    switch (l.kind) {
      case LayerSpec::Kind::CONV:
        features_.push_back({static_cast<int>(convs_.size()), 0});
        convs_.emplace_back(map.channels, l.outputs, l.kernel, l.padding, gen);
        convs_.back().stride = l.stride;
        conv_bns_.emplace_back(l.outputs);
        conv_bns_.back().act = act;
        map = {(map.height + 2 * l.padding - l.kernel) / l.stride + 1,
               (map.width + 2 * l.padding - l.kernel) / l.stride + 1, l.outputs};
        break;
      case LayerSpec::Kind::POOL:
        features_.push_back({-1, l.size});
        map = {map.height / l.size, map.width / l.size, map.channels};
        break;
      case LayerSpec::Kind::DENSE:
        if (features < 0) features = map.elements();
        linears_.emplace_back(features, l.outputs, gen);
        bns_.emplace_back(l.outputs);
        bns_.back().act = act;
        features = l.outputs;
        break;
    }
  }
  bns_.back().act = units::Activation::NONE;  // the logits
}

std::unique_ptr<QNet> QCnn::clone() const {
  auto c = std::make_unique<QCnn>(*this);
  for (std::size_t i = 0; i < convs_.size(); ++i) {
    c->convs_[i] = convs_[i].clone();
    c->conv_bns_[i] = conv_bns_[i].clone();
  }
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    c->linears_[i] = linears_[i].clone();
    c->bns_[i] = bns_[i].clone();
  }
  return c;
}

torch::Tensor QCnn::run(const torch::Tensor& x, Precision p, bool training,
                        std::vector<LayerRanges>* ranges) {
  // The pixels are channels-fastest (y, x, c), as the hardware streams them; torch's NCHW.
  torch::Tensor v =
      x.reshape({x.size(0), input_.height, input_.width, input_.channels}).permute({0, 3, 1, 2});
  for (const Feature& f : features_) {
    if (f.conv < 0) {
      v = torch::max_pool2d(v, f.pool, f.pool);
      continue;
    }
    const torch::Tensor mac = convs_[f.conv].forward(v, p);
    v = conv_bns_[f.conv].forward(mac, p, training);
    if (ranges) ranges->push_back(layer_ranges(convs_[f.conv].weight, mac, conv_bns_[f.conv], v));
  }
  v = v.flatten(1);  // torch's order (c, y, x); the export reorders the weights to (y, x, c)
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    const torch::Tensor mac = linears_[i].forward(v, p);
    v = bns_[i].forward(mac, p, training);
    if (ranges) ranges->push_back(layer_ranges(linears_[i].weight, mac, bns_[i], v));
  }
  return v;
}

torch::Tensor QCnn::forward(const torch::Tensor& x, Precision p, bool training) {
  return run(x, p, training, nullptr);
}

std::vector<torch::Tensor> QCnn::parameters() const {
  std::vector<torch::Tensor> p;
  for (std::size_t i = 0; i < convs_.size(); ++i) {
    p.insert(p.end(), {convs_[i].weight, conv_bns_[i].gamma, conv_bns_[i].beta});
  }
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    p.insert(p.end(), {linears_[i].weight, bns_[i].gamma, bns_[i].beta});
  }
  return p;
}

std::vector<torch::Tensor> QCnn::format_parameters() const {
  std::vector<torch::Tensor> p;
  for (std::size_t i = 0; i < convs_.size(); ++i) {
    add_format_parameters(convs_[i].weight_fmt, convs_[i].out_fmt, conv_bns_[i], p);
  }
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    add_format_parameters(linears_[i].weight_fmt, linears_[i].out_fmt, bns_[i], p);
  }
  return p;
}

void QCnn::clamp_formats() {
  for (std::size_t i = 0; i < convs_.size(); ++i) {
    clamp_layer_formats(convs_[i].weight_fmt, convs_[i].out_fmt, conv_bns_[i]);
  }
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    clamp_layer_formats(linears_[i].weight_fmt, linears_[i].out_fmt, bns_[i]);
  }
}

std::vector<LayerRanges> QCnn::calibrate(const torch::Tensor& x) const {
  torch::NoGradGuard no_grad;
  QCnn net = *this;  // shallow: eval mode does not touch the running statistics
  std::vector<LayerRanges> r;
  net.run(x, Precision::FLOAT, /*training=*/false, &r);
  return r;
}

void QCnn::set_formats(const std::vector<LayerRanges>& ranges, const QuantSettings& s) {
  std::size_t k = 0;  // ranges: the conv layers, then the dense layers
  for (std::size_t i = 0; i < convs_.size(); ++i, ++k) {
    set_layer_formats(convs_[i].weight_fmt, convs_[i].khot_weight, convs_[i].out_fmt, conv_bns_[i],
                      ranges.at(k), s,
                      /*last=*/false);
  }
  for (std::size_t i = 0; i < linears_.size(); ++i, ++k) {
    set_layer_formats(linears_[i].weight_fmt, linears_[i].khot_weight, linears_[i].out_fmt, bns_[i],
                      ranges.at(k), s,
                      /*last=*/i + 1 == linears_.size());
  }
}

QuantNetwork QCnn::export_model(int simd) const {
  torch::NoGradGuard no_grad;
  QuantNetwork m;
  m.input_type = pixel_input_type();
  fx::FxType prev = m.input_type;
  MapShape map = input_;
  int pools = 0;
  for (const Feature& f : features_) {
    if (f.conv < 0) {
      MaxPoolLayer p;
      p.name = "pool" + std::to_string(++pools);
      p.height = map.height;
      p.width = map.width;
      p.channels = map.channels;
      p.size = f.pool;
      p.type = prev;
      m.features.emplace_back(p);
    } else {
      ConvLayer c = convs_[f.conv].export_layer("conv" + std::to_string(f.conv + 1), map.height,
                                                map.width, prev, std::min(simd, map.channels));
      c.bn = export_bn(conv_bns_[f.conv]);
      m.features.emplace_back(std::move(c));
    }
    prev = output_type(m.features.back());
    map = output_shape(m.features.back());
  }
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    const torch::Tensor w =
        i == 0 ? yxc_columns(linears_[i].weight.detach(), map) : linears_[i].weight.detach();
    m.layers.push_back(
        export_dense("fc" + std::to_string(i + 1), linears_[i], w, bns_[i], prev, simd));
    prev = m.layers.back().output_type();
  }
  validate(m);
  return m;
}

std::string QCnn::describe_formats() const {
  std::string s;
  for (std::size_t i = 0; i < convs_.size(); ++i) {
    s += describe_layer("conv" + std::to_string(i + 1), convs_[i].weight_fmt, convs_[i].khot_weight,
                        convs_[i].out_fmt, conv_bns_[i]);
  }
  for (std::size_t i = 0; i < linears_.size(); ++i) {
    s += describe_layer("fc" + std::to_string(i + 1), linears_[i].weight_fmt,
                        linears_[i].khot_weight, linears_[i].out_fmt, bns_[i]);
  }
  return s;
}

void QCnn::load_float(const FloatNetwork& net) {
  std::size_t conv = 0;
  for (const FloatFeature& f : net.features) {
    if (const auto* l = std::get_if<FloatMacLayer>(&f)) {
      load_mac_layer(*l, convs_.at(conv).weight, conv_bns_.at(conv));
      ++conv;
    }
  }
  for (std::size_t i = 0; i < net.dense.size(); ++i) {
    load_mac_layer(net.dense[i], linears_.at(i).weight, bns_.at(i));
  }
}

void QCnn::fix_formats(const FloatNetwork& net) {
  int frac = pixel_input_type().frac_bits();
  std::size_t conv = 0;
  for (const FloatFeature& f : net.features) {
    if (const auto* l = std::get_if<FloatMacLayer>(&f)) {
      QuantConv2d& c = convs_.at(conv);
      frac = fix_layer_formats(*l, frac, c.weight_fmt, c.khot_weight, c.out_fmt, conv_bns_[conv]);
      ++conv;
    }
  }
  for (std::size_t i = 0; i < net.dense.size(); ++i) {
    QuantLinear& d = linears_.at(i);
    frac = fix_layer_formats(net.dense[i], frac, d.weight_fmt, d.khot_weight, d.out_fmt, bns_[i]);
  }
}

}  // namespace fxsim::golden
