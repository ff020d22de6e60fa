#include "golden/onnx/onnx_reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "fx/cast.hpp"

namespace fxsim::golden {
namespace {

constexpr int kMinOpset = 11;
// A batch-norm channel with a running variance below this times epsilon saw a constant input.
constexpr double kConstantVariance = 1e-3;
constexpr int kMaxOpset = 17;

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

// Values of constant tensors: initializers and Constant nodes, by tensor name.
class Constants {
 public:
  void add(const onnx::TensorProto& t, const std::string& name) { tensors_[name] = t; }
  bool has(const std::string& name) const { return tensors_.count(name) != 0; }
  const onnx::TensorProto& at(const std::string& name) const { return tensors_.at(name); }
  std::vector<std::int64_t> dims(const std::string& name) const {
    const onnx::TensorProto& t = at(name);
    return {t.dims().begin(), t.dims().end()};
  }

 private:
  std::map<std::string, onnx::TensorProto> tensors_;
};

std::vector<float> floats_of(const onnx::TensorProto& t) {
  std::int64_t n = 1;
  for (const std::int64_t d : t.dims()) n *= d;
  std::vector<float> v(static_cast<std::size_t>(n));
  if (t.data_type() == onnx::TensorProto::FLOAT) {
    if (t.has_raw_data()) {
      if (t.raw_data().size() != v.size() * sizeof(float)) return {};
      std::memcpy(v.data(), t.raw_data().data(), t.raw_data().size());
    } else {
      if (t.float_data_size() != n) return {};
      std::copy(t.float_data().begin(), t.float_data().end(), v.begin());
    }
    return v;
  }
  if (t.data_type() == onnx::TensorProto::DOUBLE) {
    if (t.has_raw_data()) {
      std::vector<double> d(v.size());
      if (t.raw_data().size() != d.size() * sizeof(double)) return {};
      std::memcpy(d.data(), t.raw_data().data(), t.raw_data().size());
      std::copy(d.begin(), d.end(), v.begin());
    } else {
      if (t.double_data_size() != n) return {};
      std::copy(t.double_data().begin(), t.double_data().end(), v.begin());
    }
    return v;
  }
  return {};
}

std::vector<std::int64_t> ints_of(const onnx::TensorProto& t) {
  std::int64_t n = 1;
  for (const std::int64_t d : t.dims()) n *= d;
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  if (t.data_type() != onnx::TensorProto::INT64) return {};
  if (t.has_raw_data()) {
    if (t.raw_data().size() != v.size() * sizeof(std::int64_t)) return {};
    std::memcpy(v.data(), t.raw_data().data(), t.raw_data().size());
  } else {
    if (t.int64_data_size() != n) return {};
    std::copy(t.int64_data().begin(), t.int64_data().end(), v.begin());
  }
  return v;
}

// The formats of one Quant / BipolarQuant node: per channel (one when per tensor), the channel of
// every element of a constant it quantizes (empty: per tensor), and the one format the tensor
// is stored in.
struct QuantFormats {
  std::vector<fx::FxType> per_channel;
  std::vector<std::size_t> channel;
  fx::FxType tensor;
};

// A batch norm that follows an activation (or a max-pool, or the input): y = scale x + shift per
// channel, carried down the chain to the next MAC layer, whose weights and bias absorb it.
struct CarriedAffine {
  std::string name;                  // the BatchNormalization node(s)
  std::vector<double> scale, shift;  // per channel
  std::int64_t spatial = 1;          // after a flatten: the features of one channel (H x W)
};

// The walk over the graph: the tensor the chain has reached, its shape, the layer being built.
class Walker {
 public:
  Walker(const std::string& path, int opset, bool approximate)
      : path_(path), opset_(opset), approximate_(approximate) {}

  [[noreturn]] void fail(const onnx::NodeProto& n, const std::string& why) const {
    throw OnnxImportError(
        fmt::format("{}: node '{}' ({}, opset {}): {}", path_, n.name(), n.op_type(), opset_, why));
  }
  [[noreturn]] void fail_file(const std::string& why) const {
    throw OnnxImportError(path_ + ": " + why);
  }

  Constants constants;
  std::string current;              // the tensor the chain has reached
  std::vector<std::int64_t> shape;  // its shape, batch first
  OnnxNetwork out;

  void node(const onnx::NodeProto& n);
  void finish(const std::string& output);

 private:
  const onnx::AttributeProto* attr(const onnx::NodeProto& n, const std::string& name) const {
    for (const auto& a : n.attribute()) {
      if (a.name() == name) return &a;
    }
    return nullptr;
  }
  std::int64_t int_attr(const onnx::NodeProto& n, const std::string& name, std::int64_t def) const {
    const auto* a = attr(n, name);
    return a ? a->i() : def;
  }
  std::vector<std::int64_t> ints_attr(const onnx::NodeProto& n, const std::string& name) const {
    const auto* a = attr(n, name);
    if (!a) return {};
    return {a->ints().begin(), a->ints().end()};
  }
  float float_attr(const onnx::NodeProto& n, const std::string& name, float def) const {
    const auto* a = attr(n, name);
    return a ? a->f() : def;
  }
  // The node's data input must be the chain's tensor; every other input a constant.
  void check_inputs(const onnx::NodeProto& n, int data_inputs = 1) const;
  std::vector<float> constant_floats(const onnx::NodeProto& n, int input,
                                     const std::string& what) const;
  FloatMacLayer* pending(const onnx::NodeProto& n, const std::string& what);
  void close_layer();

  void conv(const onnx::NodeProto& n);
  void dense(const onnx::NodeProto& n, bool gemm);
  void add(const onnx::NodeProto& n);
  void batch_norm(const onnx::NodeProto& n);
  void activation(const onnx::NodeProto& n, units::Activation act, double clip);
  void clip(const onnx::NodeProto& n);
  void max_pool(const onnx::NodeProto& n);
  void flatten(const onnx::NodeProto& n);
  QuantFormats quant_formats(const onnx::NodeProto& n, bool on_constant);
  void quant(const onnx::NodeProto& n);
  void carry(const onnx::NodeProto& n, const FloatBatchNorm& bn);
  void fold_carried(const onnx::NodeProto& n, FloatMacLayer& l);
  std::string carried_error() const {
    return "follows the batch norm '" + carried_->name +
           "', which sits after an activation or a max-pool; expected a Conv, Gemm or MatMul "
           "next, whose weights absorb the batch norm";
  }
  std::optional<fx::FxType> format_of(const std::string& constant) const {
    const auto it = quantized_.find(constant);
    return it == quantized_.end() ? std::nullopt : std::optional<fx::FxType>(it->second);
  }

  std::string path_;
  int opset_;
  bool approximate_;
  std::optional<FloatMacLayer> layer_;  // the MAC layer whose bias / BN / activation may follow
  std::vector<float> folded_bias_;      // what a carried batch norm adds to layer_'s bias
  std::optional<CarriedAffine> carried_;
  std::map<std::string, fx::FxType> quantized_;  // constants a Quant node made, and their format
  bool flattened_ = false;
  bool ended_ = false;  // a final Softmax was dropped: nothing may follow
};

void Walker::check_inputs(const onnx::NodeProto& n, int data_inputs) const {
  if (ended_) fail(n, "follows the final Softmax; expected the Softmax to be the last node");
  if (n.input_size() < data_inputs || n.input(0) != current) {
    fail(n, fmt::format("reads '{}', not '{}', the output of the node before it: the graph "
                        "branches, and fxsim imports chains only (residual adds and concatenations "
                        "are not supported by the network engine yet)",
                        n.input_size() ? n.input(0) : std::string("nothing"), current));
  }
  for (int i = data_inputs; i < n.input_size(); ++i) {
    if (!n.input(i).empty() && !constants.has(n.input(i))) {
      fail(n, fmt::format("input {} ('{}') is computed by the graph; expected an initializer or a "
                          "Constant (fxsim imports chains: one computed tensor per node)",
                          i, n.input(i)));
    }
  }
}

std::vector<float> Walker::constant_floats(const onnx::NodeProto& n, int input,
                                           const std::string& what) const {
  const std::vector<float> v = floats_of(constants.at(n.input(input)));
  if (v.empty()) fail(n, what + " ('" + n.input(input) + "'): expected a float32 tensor");
  return v;
}

FloatMacLayer* Walker::pending(const onnx::NodeProto& n, const std::string& what) {
  if (!layer_) {
    fail(n, what +
                " without a Conv, Gemm or MatMul before it; expected it right after one (a "
                "MAC layer, its bias, batch norm and activation, in this order)");
  }
  return &*layer_;
}

void Walker::close_layer() {
  if (!layer_) return;
  if (!folded_bias_.empty()) {
    if (layer_->bias.empty()) layer_->bias.assign(folded_bias_.size(), 0.0f);
    for (std::size_t o = 0; o < folded_bias_.size(); ++o) layer_->bias[o] += folded_bias_[o];
    folded_bias_.clear();
  }
  if (flattened_ || !layer_->conv) {
    out.network.dense.push_back(std::move(*layer_));
  } else {
    out.network.features.emplace_back(std::move(*layer_));
  }
  layer_.reset();
}

void Walker::conv(const onnx::NodeProto& n) {
  check_inputs(n);
  close_layer();
  if (flattened_) fail(n, "a convolution after the flatten; expected convolutions before it");
  if (shape.size() != 4) fail(n, "expected an N x C x H x W input");
  if (!constants.has(n.input(1))) fail(n, "the weights are not an initializer");
  const std::vector<std::int64_t> w = constants.dims(n.input(1));
  if (w.size() != 4 || w[2] != w[3]) fail(n, "expected square K x K kernels [OC, C, K, K]");
  if (int_attr(n, "group", 1) != 1) fail(n, "group != 1 (grouped / depthwise convolution)");
  std::vector<std::int64_t> strides = ints_attr(n, "strides");
  if (strides.empty()) strides = {1, 1};
  if (strides.size() != 2 || strides[0] != strides[1] || strides[0] < 1 || strides[0] > w[2]) {
    fail(n, fmt::format("strides [{}]; expected the same stride in both directions, 1 to the "
                        "kernel size {}",
                        fmt::join(strides, ", "), w[2]));
  }
  for (const std::int64_t d : ints_attr(n, "dilations")) {
    if (d != 1) fail(n, "dilation " + std::to_string(d) + "; expected 1");
  }
  const auto* ap = attr(n, "auto_pad");
  if (ap && ap->s() != "NOTSET") fail(n, "auto_pad " + ap->s() + "; expected explicit pads");
  std::vector<std::int64_t> pads = ints_attr(n, "pads");
  if (pads.empty()) pads = {0, 0, 0, 0};
  if (std::adjacent_find(pads.begin(), pads.end(), std::not_equal_to<>()) != pads.end()) {
    fail(n, "asymmetric padding; expected the same padding on every side");
  }
  FloatMacLayer l;
  l.name = n.name();
  l.conv = true;
  l.out = static_cast<int>(w[0]);
  l.in = static_cast<int>(w[1]);
  l.kernel = static_cast<int>(w[2]);
  l.padding = static_cast<int>(pads[0]);
  l.stride = static_cast<int>(strides[0]);
  if (l.in != shape[1]) fail(n, "weights for " + std::to_string(l.in) + " input channels");
  l.weight = constant_floats(n, 1, "weights");
  l.weight_format = format_of(n.input(1));
  if (n.input_size() > 2 && !n.input(2).empty()) {
    l.bias = constant_floats(n, 2, "bias");
    l.bias_format = format_of(n.input(2));
  }
  fold_carried(n, l);
  shape = {shape[0], l.out, (shape[2] + 2 * l.padding - l.kernel) / l.stride + 1,
           (shape[3] + 2 * l.padding - l.kernel) / l.stride + 1};
  layer_ = std::move(l);
}

void Walker::dense(const onnx::NodeProto& n, bool gemm) {
  check_inputs(n);
  close_layer();
  if (shape.size() != 2) {
    fail(n, "expects a flattened N x F input; expected a Flatten (or Reshape) before it");
  }
  if (!constants.has(n.input(1))) fail(n, "the weights are not an initializer");
  const std::vector<std::int64_t> b = constants.dims(n.input(1));
  if (b.size() != 2) fail(n, "expected 2-D weights");
  bool trans_b = false;
  if (gemm) {
    if (int_attr(n, "transA", 0) != 0) fail(n, "transA = 1; expected 0");
    if (float_attr(n, "alpha", 1.0f) != 1.0f || float_attr(n, "beta", 1.0f) != 1.0f) {
      fail(n, "alpha or beta other than 1");
    }
    trans_b = int_attr(n, "transB", 0) != 0;
  }
  FloatMacLayer l;
  l.name = n.name();
  l.in = static_cast<int>(trans_b ? b[1] : b[0]);
  l.out = static_cast<int>(trans_b ? b[0] : b[1]);
  if (l.in != shape[1]) {
    fail(n, fmt::format("weights for {} inputs; the input has {}", l.in, shape[1]));
  }
  const std::vector<float> v = constant_floats(n, 1, "weights");
  l.weight_format = format_of(n.input(1));
  l.weight.resize(v.size());
  for (int o = 0; o < l.out; ++o) {  // [out, in]
    for (int i = 0; i < l.in; ++i) {
      l.weight[static_cast<std::size_t>(o) * l.in + i] =
          trans_b ? v[static_cast<std::size_t>(o) * l.in + i]
                  : v[static_cast<std::size_t>(i) * l.out + o];
    }
  }
  if (gemm && n.input_size() > 2 && !n.input(2).empty()) {
    l.bias = constant_floats(n, 2, "bias");
    if (static_cast<int>(l.bias.size()) != l.out)
      fail(n, "expected a bias of one value per output");
  }
  fold_carried(n, l);
  shape = {shape[0], l.out};
  layer_ = std::move(l);
}

void Walker::add(const onnx::NodeProto& n) {
  check_inputs(n);
  FloatMacLayer* l = pending(n, "an Add");
  if (l->bn || l->act != units::Activation::NONE || !l->bias.empty()) {
    fail(n,
         "an Add after the layer's bias, batch norm or activation; expected a bias right "
         "after the Conv / MatMul");
  }
  std::vector<float> b = constant_floats(n, 1, "the added tensor");
  if (b.size() != static_cast<std::size_t>(l->out)) {
    fail(n, fmt::format("adds {} values; expected a bias of one value per output channel ({})",
                        b.size(), l->out));
  }
  l->bias = std::move(b);
  l->bias_format = format_of(n.input(1));
}

void Walker::batch_norm(const onnx::NodeProto& n) {
  check_inputs(n);
  if (int_attr(n, "training_mode", 0) != 0) fail(n, "training_mode = 1; expected inference");
  FloatBatchNorm bn;
  bn.name = n.name();
  bn.gamma = constant_floats(n, 1, "scale");
  bn.beta = constant_floats(n, 2, "B");
  bn.mean = constant_floats(n, 3, "mean");
  bn.var = constant_floats(n, 4, "var");
  bn.eps = float_attr(n, "epsilon", 1e-5f);
  const std::int64_t channels = shape.at(1);
  for (const auto* v : {&bn.gamma, &bn.beta, &bn.mean, &bn.var}) {
    if (static_cast<std::int64_t>(v->size()) != channels) {
      fail(n,
           fmt::format("{} values per parameter; expected {}, the channels", v->size(), channels));
    }
  }
  if (layer_ && !layer_->bn && layer_->act == units::Activation::NONE && !carried_) {
    layer_->bn = std::move(bn);  // the layer's own: bn_act's scale and bias
  } else {
    carry(n, bn);
  }
}

// y = gamma (x - mean) / sqrt(var + eps) + beta = s x + t, composed with a batch norm carried
// already (two in a row).
void Walker::carry(const onnx::NodeProto& n, const FloatBatchNorm& bn) {
  CarriedAffine c = carried_ ? *carried_ : CarriedAffine{};
  const std::size_t channels = bn.gamma.size();
  if (!carried_) {
    c.name = n.name();
    c.scale.assign(channels, 1.0);
    c.shift.assign(channels, 0.0);
  } else {
    c.name += "' and '" + n.name();
  }
  int constant = 0;
  for (std::size_t i = 0; i < channels; ++i) {
    double s = bn.gamma[i] / std::sqrt(static_cast<double>(bn.var[i]) + bn.eps);
    double t = bn.beta[i] - s * bn.mean[i];
    // A channel whose input was constant on the training data (variance ~0: a dead ReLU) has
    // the output beta; its s, gamma / sqrt(eps), would only multiply that constant input, yet
    // set the range of the next layer's weights and wreck their per-tensor format.
    if (bn.var[i] < kConstantVariance * bn.eps) {
      s = 0.0;
      t = bn.beta[i];
      ++constant;
    }
    c.scale[i] *= s;
    c.shift[i] = c.shift[i] * s + t;
  }
  carried_ = std::move(c);
  out.notes.push_back(fmt::format(
      "BatchNormalization '{}': not right after a layer; folded into the next layer's weights",
      n.name()));
  if (constant > 0) {
    out.notes.push_back(fmt::format(
        "BatchNormalization '{}': {} of {} channels had a variance below {} x epsilon (constant "
        "on the training data, e.g. dead ReLUs): they output their beta",
        n.name(), constant, channels, kConstantVariance));
  }
}

// The carried batch norm, folded into the layer that reads its output: W'[o, i] = W[o, i] s[c(i)]
// and b'[o] = b[o] + sum_i W[o, i] t[c(i)], c(i) the channel input i reads. Exact, except where
// a padded convolution reads zeros the batch norm never saw (refused when t != 0).
void Walker::fold_carried(const onnx::NodeProto& n, FloatMacLayer& l) {
  if (!carried_) return;
  const CarriedAffine c = std::move(*carried_);
  carried_.reset();
  if (l.weight_format) {
    fail(n, "weights quantized by a Quant node absorb the batch norm '" + c.name +
                "' before it, which changes their values; expected the batch norm folded into "
                "the weights before quantizing them (or right after a layer, into bn_act)");
  }
  const std::size_t per_output = l.weight.size() / static_cast<std::size_t>(l.out);
  const std::size_t per_channel =
      l.conv ? static_cast<std::size_t>(l.kernel * l.kernel) : static_cast<std::size_t>(c.spatial);
  if (per_output != c.scale.size() * per_channel) {
    fail(n, fmt::format("reads {} inputs an output; the batch norm '{}' before it has {} "
                        "channels",
                        per_output, c.name, c.scale.size()));
  }
  const bool shifts = std::any_of(c.shift.begin(), c.shift.end(), [](double t) { return t != 0; });
  if (l.conv && l.padding > 0 && shifts) {
    fail(n, "a padded convolution after the batch norm '" + c.name +
                "': it pads with zeros after the batch norm, so its shift cannot be folded into "
                "the weights; expected the batch norm before the activation (right after a "
                "layer) or an unpadded convolution");
  }
  folded_bias_.assign(static_cast<std::size_t>(l.out), 0.0f);
  for (std::size_t o = 0; o < static_cast<std::size_t>(l.out); ++o) {
    double b = 0.0;
    for (std::size_t i = 0; i < per_output; ++i) {
      float& w = l.weight[o * per_output + i];
      const std::size_t ch = i / per_channel;
      b += static_cast<double>(w) * c.shift[ch];
      w = static_cast<float>(w * c.scale[ch]);
    }
    folded_bias_[o] = static_cast<float>(b);
  }
  out.notes.push_back(
      fmt::format("BatchNormalization '{}': folded into '{}''s weights and bias", c.name, l.name));
}

void Walker::activation(const onnx::NodeProto& n, units::Activation act, double clip) {
  if (carried_) fail(n, carried_error());
  FloatMacLayer* l = pending(n, "an activation");
  if (l->act != units::Activation::NONE) fail(n, "a second activation on the same layer");
  l->act = act;
  l->clip = clip;
}

void Walker::clip(const onnx::NodeProto& n) {
  check_inputs(n);
  double lo = -3.4e38, hi = 3.4e38;
  if (opset_ < 11) {
    lo = float_attr(n, "min", -3.4e38f);
    hi = float_attr(n, "max", 3.4e38f);
  } else {
    if (n.input_size() > 1 && !n.input(1).empty()) lo = constant_floats(n, 1, "min").at(0);
    if (n.input_size() > 2 && !n.input(2).empty()) hi = constant_floats(n, 2, "max").at(0);
  }
  if (lo == 0.0 && hi > 0.0 && hi < 1e30) {
    activation(n, units::Activation::RELU_CLIP, hi);
  } else if (lo == -1.0 && hi == 1.0) {
    activation(n, units::Activation::HARDTANH, 0.0);
  } else if (lo == 0.0 && hi >= 1e30) {
    activation(n, units::Activation::RELU, 0.0);
  } else {
    fail(n, fmt::format("clips to [{}, {}]; expected [0, c] (a ReLU with a clip, e.g. ReLU6) or "
                        "[-1, 1] (hardtanh)",
                        lo, hi));
  }
}

void Walker::max_pool(const onnx::NodeProto& n) {
  check_inputs(n);
  close_layer();
  if (flattened_ || shape.size() != 4) fail(n, "a max-pool outside the convolution stage");
  const std::vector<std::int64_t> k = ints_attr(n, "kernel_shape");
  std::vector<std::int64_t> s = ints_attr(n, "strides");
  if (s.empty()) s = {1, 1};
  std::vector<std::int64_t> pads = ints_attr(n, "pads");
  const bool no_pad = std::all_of(pads.begin(), pads.end(), [](std::int64_t p) { return p == 0; });
  if (k.size() != 2 || k[0] != k[1] || s != k || !no_pad || int_attr(n, "ceil_mode", 0) != 0 ||
      k[0] < 2 || k[0] > 4) {
    fail(n,
         "expected square windows of 2, 3 or 4 with the stride of the window, no padding and "
         "ceil_mode 0 (max_pool2d(s))");
  }
  for (const std::int64_t d : ints_attr(n, "dilations")) {
    if (d != 1) fail(n, "dilation " + std::to_string(d) + "; expected 1");
  }
  if (carried_ &&
      std::any_of(carried_->scale.begin(), carried_->scale.end(), [](double s) { return s < 0; })) {
    fail(n, "a max-pool after the batch norm '" + carried_->name +
                "', which has negative scales (the maximum of s x is s times the minimum of x "
                "there); expected the batch norm after the max-pool, or right after a layer");
  }
  FloatPoolLayer p;
  p.name = n.name();
  p.size = static_cast<int>(k[0]);
  out.network.features.emplace_back(p);
  shape = {shape[0], shape[1], shape[2] / p.size, shape[3] / p.size};
}

void Walker::flatten(const onnx::NodeProto& n) {
  check_inputs(n);
  if (n.op_type() == "Flatten") {
    if (int_attr(n, "axis", 1) != 1) fail(n, "axis != 1; expected a flatten of all but the batch");
  } else {  // Reshape to [N or -1, features]
    const std::vector<std::int64_t> to = ints_of(constants.at(n.input(1)));
    std::int64_t features = 1;
    for (std::size_t i = 1; i < shape.size(); ++i) features *= shape[i];
    if (to.size() != 2 || (to[1] != -1 && to[1] != features)) {
      fail(n, "reshapes to something other than N x features; expected a flatten");
    }
  }
  close_layer();
  std::int64_t features = 1;
  for (std::size_t i = 1; i < shape.size(); ++i) features *= shape[i];
  if (carried_) carried_->spatial *= features / shape[1];
  shape = {shape[0], features};
  flattened_ = true;
}

// The channel of every element of a tensor of dims `x` that a per-channel parameter of dims `p`
// (numpy broadcasting: aligned from the right, one axis of size > 1) belongs to; empty when `p`
// has no axis of size > 1 (per tensor), nullopt when it does not broadcast that way.
std::optional<std::vector<std::size_t>> channels_of(const std::vector<std::int64_t>& x,
                                                    const std::vector<std::int64_t>& p) {
  if (p.size() > x.size()) return std::nullopt;
  int axis = -1;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const std::size_t a = x.size() - p.size() + i;
    if (p[i] == 1) continue;
    if (p[i] != x[a] || axis >= 0) return std::nullopt;
    axis = static_cast<int>(a);
  }
  if (axis < 0) return std::vector<std::size_t>{};
  std::int64_t inner = 1;
  for (std::size_t a = static_cast<std::size_t>(axis) + 1; a < x.size(); ++a) inner *= x[a];
  std::int64_t n = 1;
  for (const std::int64_t d : x) n *= d;
  std::vector<std::size_t> c(static_cast<std::size_t>(n));
  for (std::size_t i = 0; i < c.size(); ++i) {
    c[i] = static_cast<std::size_t>((static_cast<std::int64_t>(i) / inner) % x[axis]);
  }
  return c;
}

// QONNX Quant: y = (clamp(round(x / scale + zp), min, max) - zp) x scale, min / max of a
// (narrow) signed or unsigned bitwidth-bit integer. With scale = 2^-F and zp = 0 that is exactly
// a cast into fixed<W, W - F> (ufixed for unsigned) with the rounding mode's equivalent and SAT
// (narrow: SAT_SYM). Per-channel scales 2^-Fc quantize each channel into its own fixed<W, W - Fc>;
// on a constant (weights, bias) the values of all of them are values of the one format with the
// finest LSB and the most integer bits, W + max Fc - min Fc wide, which the layer then stores:
// exact. Anything else has no fixed-point format and is refused (or, with --approximate, noted
// and approximated).
QuantFormats Walker::quant_formats(const onnx::NodeProto& n, bool on_constant) {
  const bool bipolar = n.op_type() == "BipolarQuant";
  const int inputs = bipolar ? 2 : 4;
  if (n.input_size() != inputs) {
    fail(n, bipolar ? "expected 2 inputs (x, scale)"
                    : "expected 4 inputs (x, scale, zero point, bit width)");
  }
  for (int i = 1; i < inputs; ++i) {
    if (!constants.has(n.input(i))) {
      fail(n, fmt::format("input {} ('{}') is computed; expected a constant", i, n.input(i)));
    }
  }
  const std::vector<float> scales = floats_of(constants.at(n.input(1)));
  if (scales.empty()) fail(n, "expected a float32 scale");
  std::vector<float> zeros{0.0f};
  std::vector<float> bits{2.0f};  // BipolarQuant: -1 and +1 are raws of a 2-bit signed format
  if (!bipolar) {
    zeros = floats_of(constants.at(n.input(2)));
    bits = floats_of(constants.at(n.input(3)));
  }
  if (bits.size() != 1 || bits[0] != std::floor(bits[0]) || bits[0] < 2 || bits[0] > 32) {
    fail(n, "expected a bit width of 2 to 32");
  }
  const std::string approx = " (or --approximate: the nearest fixed-point format)";
  QuantFormats q;
  if (scales.size() != 1) {
    const std::vector<std::int64_t> x_dims =
        constants.has(n.input(0)) ? constants.dims(n.input(0)) : std::vector<std::int64_t>{};
    const auto channels = channels_of(x_dims, constants.dims(n.input(1)));
    if (!on_constant && !approximate_) {
      fail(n, fmt::format("{} scales (per channel) on an activation; expected one per tensor "
                          "(fxsim's activation formats are per tensor){}",
                          scales.size(), approx));
    }
    if (on_constant && (!channels || channels->empty())) {
      fail(n, fmt::format("{} scales that do not broadcast along one axis of '{}'", scales.size(),
                          n.input(0)));
    }
    if (channels) q.channel = *channels;
  }
  int width = static_cast<int>(bits[0]);
  bool is_signed = bipolar || int_attr(n, "signed", 1) != 0;
  if (zeros.empty() || std::any_of(zeros.begin(), zeros.end(), [](float z) { return z != 0.0f; })) {
    if (!approximate_) {
      fail(n, "a non-zero zero point; expected 0 (fixed-point formats are symmetric about 0)" +
                  approx);
    }
    // (q - zp) x scale spans a range shifted by zp: a signed format one bit wider covers it.
    out.notes.push_back(
        fmt::format("Quant '{}': zero point -> 0, {}-bit {} -> {}-bit signed "
                    "(--approximate)",
                    n.name(), width, is_signed ? "signed" : "unsigned", width + 1));
    width += 1;
    is_signed = true;
  }
  const bool narrow = !bipolar && int_attr(n, "narrow", 0) != 0;
  if (narrow && !is_signed) fail(n, "narrow range on an unsigned quantizer; expected signed");
  const auto* rm = attr(n, "rounding_mode");
  const std::string mode = rm ? rm->s() : "ROUND";
  fx::Rounding rounding;
  if (mode == "ROUND") {
    rounding = fx::Rounding::RND_CONV;  // half to even, as numpy.round
  } else if (mode == "ROUND_TO_ZERO") {
    rounding = fx::Rounding::TRN_ZERO;
  } else if (mode == "FLOOR") {
    rounding = fx::Rounding::TRN;
  } else {
    fail(n, "rounding_mode " + mode + "; expected ROUND, ROUND_TO_ZERO or FLOOR");
  }
  const fx::Overflow overflow = narrow ? fx::Overflow::SAT_SYM : fx::Overflow::SAT;
  std::vector<int> fracs;  // F of each scale 2^-F
  int approximated = 0;
  for (const float scale : scales) {
    int e = 0;
    if (std::frexp(static_cast<double>(scale), &e) != 0.5) {
      if (!approximate_ || scale <= 0) {
        fail(n, fmt::format("scale {} is not a power of two; expected 2^-F, the LSB of a "
                            "fixed-point format (a non-power-of-two scale has no exact "
                            "fixed-point equivalent){}",
                            scale, scale > 0 ? approx : ""));
      }
      const int p = static_cast<int>(std::lround(std::log2(static_cast<double>(scale))));
      if (scales.size() == 1) {
        out.notes.push_back(fmt::format("Quant '{}': scale {} -> 2^{} = {} (--approximate)",
                                        n.name(), scale, p, std::ldexp(1.0, p)));
      }
      e = p + 1;
      ++approximated;
    }
    fracs.push_back(1 - e);  // scale = 2^(e - 1)
  }
  for (const int f : fracs) {
    q.per_channel.push_back(fx::FxType::make(is_signed, width, width - f, rounding, overflow));
  }
  if (scales.size() != 1 && approximated > 0) {
    out.notes.push_back(
        fmt::format("Quant '{}': {} of {} per-channel scales -> the nearest power "
                    "of two (--approximate)",
                    n.name(), approximated, scales.size()));
  }
  const auto [lo, hi] = std::minmax_element(fracs.begin(), fracs.end());
  if (q.channel.empty() && scales.size() != 1) {
    // Per-channel scales on an activation (--approximate): the largest, one format.
    out.notes.push_back(fmt::format("Quant '{}': {} per-channel scales -> the largest, 2^{}",
                                    n.name(), scales.size(), -*lo));
    q.per_channel = {q.per_channel[static_cast<std::size_t>(lo - fracs.begin())]};
  } else if (scales.size() != 1) {
    out.notes.push_back(fmt::format(
        "Quant '{}': {} per-channel scales 2^-{} .. 2^-{} -> one {}-bit format holding every "
        "channel's values",
        n.name(), scales.size(), *lo, *hi, width + *hi - *lo));
  }
  q.tensor = fx::FxType::make(is_signed, width + *hi - *lo, width - *lo, rounding, overflow);
  return q;
}

void Walker::quant(const onnx::NodeProto& n) {
  const bool on_constant = constants.has(n.input(0));
  const QuantFormats f = quant_formats(n, on_constant);
  if (on_constant) {  // weights or a bias: quantized here, their format kept
    onnx::TensorProto q = constants.at(n.input(0));
    std::vector<float> v = floats_of(q);
    if (v.empty()) fail(n, "expected a float32 tensor to quantize");
    for (std::size_t i = 0; i < v.size(); ++i) {
      const fx::FxType& t = f.per_channel[f.channel.empty() ? 0 : f.channel[i]];
      if (n.op_type() == "BipolarQuant") {  // sign(x) x scale, with sign(0) = +1
        v[i] = static_cast<float>(v[i] >= 0.0f ? t.lsb() : -t.lsb());
      } else {
        v[i] = static_cast<float>(fx::to_double(fx::cast_from_double(v[i], t), t));
      }
    }
    q.clear_raw_data();
    q.clear_float_data();
    q.set_data_type(onnx::TensorProto::FLOAT);
    for (const float x : v) q.add_float_data(x);
    constants.add(q, n.output(0));
    quantized_[n.output(0)] = f.tensor;
    return;
  }
  check_inputs(n);
  if (n.op_type() == "BipolarQuant") {
    fail(n,
         "a BipolarQuant on an activation (binary activations): expected it on weights only; "
         "binary activations need a thresholding unit instead of bn_act (issue 20)");
  }
  const fx::FxType& t = f.tensor;
  if (carried_) fail(n, carried_error());
  if (layer_) {
    if (layer_->out_format) fail(n, "a second Quant on the same layer's output");
    layer_->out_format = t;
  } else if (out.network.features.empty() && out.network.dense.empty()) {
    if (t.str() != fx::FxType::make_unsigned(8, 0, t.rounding, t.overflow).str()) {
      fail(n, "an input quantizer of " + t.str() +
                  "; expected unsigned 8-bit with scale 2^-8, "
                  "fxsim's pixel input ufixed<8,0> (pass --input-divisor 256)");
    }
    out.notes.push_back("Quant '" + n.name() + "' on the input: ufixed<8,0>, fxsim's own input");
  } else {
    fail(n,
         "a Quant that does not follow a layer's activation; expected it right after a Conv / "
         "Gemm / MatMul layer (and its bias, batch norm, activation)");
  }
  current = n.output(0);
}

void Walker::node(const onnx::NodeProto& n) {
  const std::string& op = n.op_type();
  if (op == "Quant" || op == "BipolarQuant") {  // QONNX (qonnx.custom_op.general, ...)
    quant(n);
    return;
  }
  if (op == "Trunc") {
    fail(n,
         "a QONNX Trunc node; expected Quant or BipolarQuant (a truncating quantizer is "
         "not a fixed-point format of one tensor)");
  }
  if (!n.domain().empty() && n.domain() != "ai.onnx") {
    fail(n, "operator of domain '" + n.domain() + "'; expected the default ONNX domain (" +
                join(supported_onnx_operators()) + ")");
  }
  if (op == "Constant") {
    const auto* v = attr(n, "value");
    if (!v) fail(n, "expected a 'value' tensor attribute");
    constants.add(v->t(), n.output(0));
    return;
  }
  if (op == "Identity" || op == "Dropout") {
    check_inputs(n);
    current = n.output(0);
    out.notes.push_back(fmt::format("{} '{}': passed through (inference)", op, n.name()));
    return;
  }
  if (op == "Conv") {
    conv(n);
  } else if (op == "Gemm" || op == "MatMul") {
    dense(n, op == "Gemm");
  } else if (op == "Add") {
    add(n);
  } else if (op == "BatchNormalization") {
    batch_norm(n);
  } else if (op == "Relu") {
    check_inputs(n);
    activation(n, units::Activation::RELU, 0.0);
  } else if (op == "Clip") {
    clip(n);
  } else if (op == "MaxPool") {
    max_pool(n);
  } else if (op == "Flatten" || op == "Reshape") {
    flatten(n);
  } else if (op == "Shape") {
    fail(n,
         "a shape computation (x.view(x.size(0), -1) exports one); expected a constant "
         "flatten: use torch.flatten(x, 1) or nn.Flatten() before exporting");
  } else if (op == "Softmax" || op == "LogSoftmax") {
    check_inputs(n);
    if (carried_) fail(n, carried_error());
    ended_ = true;
    out.notes.push_back(op + " '" + n.name() + "': dropped (the logits' argmax is the same)");
  } else {
    fail(n, "unsupported operator; expected one of " + join(supported_onnx_operators()));
  }
  current = n.output(0);
}

void Walker::finish(const std::string& output) {
  if (output != current) {
    fail_file(
        fmt::format("the graph output '{}' is not the end of the chain ('{}')", output, current));
  }
  if (carried_) {
    fail_file("the batch norm '" + carried_->name +
              "' ends the graph after an activation; expected a layer after it (a batch norm "
              "right after a layer goes into its bn_act)");
  }
  close_layer();
  if (out.network.dense.empty()) {
    fail_file(
        "no dense layer (Gemm / MatMul) after the flatten; expected the logits to come "
        "from one");
  }
}

// The graph's one input that is not an initializer, with a fixed shape N x C x H x W or N x F.
void read_input(const onnx::GraphProto& g, Walker& w) {
  std::vector<const onnx::ValueInfoProto*> inputs;
  for (const auto& in : g.input()) {
    if (!w.constants.has(in.name())) inputs.push_back(&in);
  }
  if (inputs.size() != 1) {
    w.fail_file(fmt::format("{} graph inputs (besides initializers); expected one, the images",
                            inputs.size()));
  }
  const onnx::ValueInfoProto& in = *inputs[0];
  const auto& type = in.type().tensor_type();
  if (type.elem_type() != onnx::TensorProto::FLOAT) {
    w.fail_file("input '" + in.name() + "' is not float32; expected float32 images");
  }
  std::vector<std::int64_t> shape;
  for (int i = 0; i < type.shape().dim_size(); ++i) {
    const auto& d = type.shape().dim(i);
    if (i > 0 && !d.has_dim_value()) {
      w.fail_file(
          fmt::format("input '{}': dimension {} is dynamic ('{}'); expected fixed sizes "
                      "(only the batch dimension may be dynamic)",
                      in.name(), i, d.dim_param()));
    }
    shape.push_back(d.has_dim_value() ? d.dim_value() : 1);
  }
  if (shape.size() != 4 && shape.size() != 2) {
    w.fail_file(fmt::format("input '{}' has {} dimensions; expected N x C x H x W or N x F",
                            in.name(), shape.size()));
  }
  w.current = in.name();
  w.shape = shape;
  MapShape& m = w.out.network.input;
  if (shape.size() == 4) {
    m = MapShape{static_cast<int>(shape[2]), static_cast<int>(shape[3]),
                 static_cast<int>(shape[1])};
  } else {
    m = MapShape{1, 1, static_cast<int>(shape[1])};
  }
}

int default_opset(const onnx::ModelProto& m) {
  for (const auto& o : m.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") return static_cast<int>(o.version());
  }
  return 0;
}

}  // namespace

const std::vector<std::string>& supported_onnx_operators() {
  static const std::vector<std::string> ops = {"Conv",
                                               "Gemm",
                                               "MatMul",
                                               "Add",
                                               "BatchNormalization",
                                               "Relu",
                                               "Clip",
                                               "MaxPool",
                                               "Flatten",
                                               "Reshape",
                                               "Identity",
                                               "Dropout",
                                               "Softmax",
                                               "LogSoftmax",
                                               "Constant",
                                               "Quant (QONNX)",
                                               "BipolarQuant (QONNX)"};
  return ops;
}

OnnxNetwork read_onnx_network(const std::string& path, bool approximate) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw OnnxImportError(path + ": cannot open the file");
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&in) || !model.has_graph()) {
    throw OnnxImportError(path +
                          ": not an ONNX model (the file does not parse as an ONNX "
                          "ModelProto)");
  }
  const int opset = default_opset(model);
  if (opset < kMinOpset || opset > kMaxOpset) {
    throw OnnxImportError(
        fmt::format("{}: opset {}; expected {} to {} (torch.onnx.export's "
                    "opset_version)",
                    path, opset, kMinOpset, kMaxOpset));
  }
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    throw OnnxImportError(path + ": the ONNX checker refuses the model: " + e.what());
  }
  try {
    onnx::shape_inference::InferShapes(model);
  } catch (const std::exception& e) {
    throw OnnxImportError(path + ": shape inference failed: " + e.what());
  }
  Walker w(path, opset, approximate);
  w.out.opset = opset;
  w.out.producer = model.producer_name() + " " + model.producer_version();
  w.out.network.source = path;
  const onnx::GraphProto& g = model.graph();
  for (const auto& t : g.initializer()) w.constants.add(t, t.name());
  read_input(g, w);
  // A tensor read by two nodes is a branch (the chain reads each tensor once).
  std::map<std::string, int> readers;
  for (const auto& n : g.node()) {
    if (n.op_type() == "Shape") continue;  // reads no values: refused with its own hint below
    for (const auto& i : n.input()) {
      if (!i.empty() && !w.constants.has(i)) ++readers[i];
    }
  }
  for (const auto& n : g.node()) {
    for (const auto& i : n.input()) {
      if (!i.empty() && readers[i] > 1) {
        w.fail(n, fmt::format("'{}' is read by {} nodes: the graph branches, and fxsim imports "
                              "chains only (residual adds are not supported by the network "
                              "engine yet)",
                              i, readers[i]));
      }
    }
  }
  for (const auto& n : g.node()) w.node(n);
  if (g.output_size() != 1) {
    w.fail_file(fmt::format("{} graph outputs; expected one, the logits", g.output_size()));
  }
  w.finish(g.output(0).name());
  return std::move(w.out);
}

}  // namespace fxsim::golden
