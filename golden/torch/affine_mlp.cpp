#include "golden/torch/affine_mlp.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "golden/affine_observer.hpp"

namespace fxsim::golden {
namespace {

std::vector<float> to_float_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
  return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

torch::Tensor layer_forward(const FoldedDense& l, const torch::Tensor& x) {
  const torch::Tensor y = torch::addmm(l.bias, x, l.weight.t());
  return l.relu ? torch::relu(y) : y;
}

// Nearest rank: the smallest value with at least p% of the values at or below it.
float percentile_of(const torch::Tensor& sorted, double p) {
  const auto n = sorted.numel();
  auto rank = static_cast<std::int64_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
  rank = std::clamp<std::int64_t>(rank, 1, n);
  return sorted[rank - 1].item<float>();
}

torch::Tensor fake_quant(const torch::Tensor& x, const fx::AffineType& t) {
  const fx::AffineParams& p = t.params;
  if (!p.is_per_channel()) {
    return torch::fake_quantize_per_tensor_affine(x, p.scales[0], p.zero_points[0],
                                                  t.format.q_min(), t.format.q_max());
  }
  const torch::Tensor scales = torch::tensor(p.scales, torch::kFloat32);
  const torch::Tensor zps = torch::tensor(p.zero_points, torch::kInt32);  // PyTorch wants int32
  return torch::fake_quantize_per_channel_affine(x, scales, zps, p.axis, t.format.q_min(),
                                                 t.format.q_max());
}

std::string type_str(const fx::AffineType& t) {
  std::ostringstream s;
  s << t.format.str();
  if (t.params.is_per_channel()) {
    s << " per channel";
  } else {
    s << " " << t.params.scales[0] << "/" << t.params.zero_points[0];
  }
  return s.str();
}

}  // namespace

std::string to_string(AffineWeights w) {
  return w == AffineWeights::PER_TENSOR ? "per_tensor" : "per_channel";
}
std::string short_name(AffineWeights w) { return w == AffineWeights::PER_TENSOR ? "pt" : "pc"; }

fx::AffineType pixel_affine_type() {
  return {fx::AffineInt::make(false, 8), fx::AffineParams::per_tensor(1.0f / 256.0f, 0)};
}

std::vector<ValueRange> observe_outputs(const std::vector<FoldedDense>& layers,
                                        const torch::Tensor& x, const AffineSettings& s) {
  torch::NoGradGuard no_grad;
  std::vector<ValueRange> r;
  torch::Tensor v = x;
  for (const FoldedDense& l : layers) {
    v = layer_forward(l, v);
    if (s.calibration == AffineCalibration::MINMAX) {
      r.push_back({v.min().item<float>(), v.max().item<float>()});
    } else {
      const torch::Tensor sorted = std::get<0>(v.flatten().sort());
      r.push_back(
          {percentile_of(sorted, 100.0 - s.percentile), percentile_of(sorted, s.percentile)});
    }
  }
  return r;
}

std::vector<fx::AffineType> output_types(const std::vector<FoldedDense>& layers,
                                         const std::vector<ValueRange>& ranges, int bits) {
  std::vector<fx::AffineType> t;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const fx::AffineInt f = fx::AffineInt::make(/*is_signed=*/!layers[i].relu, bits);
    t.push_back({f, affine_params(ranges.at(i).min, ranges.at(i).max, f)});
  }
  return t;
}

fx::AffineType weight_type_of(const torch::Tensor& weight, const AffineSettings& s) {
  const fx::AffineInt f = fx::AffineInt::make(true, s.bits);
  const torch::Tensor a = weight.detach().abs();
  if (s.weights == AffineWeights::PER_TENSOR) {
    return {f, symmetric_params(a.max().item<float>(), f)};
  }
  return {f, symmetric_channel_params(to_float_vector(std::get<0>(a.max(1))), f)};
}

torch::Tensor fake_quant_forward(const std::vector<FoldedDense>& layers,
                                 const std::vector<fx::AffineType>& out_types,
                                 const AffineSettings& s, const torch::Tensor& x) {
  torch::Tensor v = x;  // the pixels are exact in the input type: nothing to quantize
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const FoldedDense& l = layers[i];
    const torch::Tensor w = fake_quant(l.weight, weight_type_of(l.weight, s));
    torch::Tensor y = torch::addmm(l.bias, v, w.t());
    if (l.relu) y = torch::relu(y);
    v = fake_quant(y, out_types.at(i));
  }
  return v;
}

std::vector<AffineDense> export_affine(const std::vector<FoldedDense>& layers,
                                       const std::vector<fx::AffineType>& out_types,
                                       const AffineSettings& s, RequantMethod method) {
  std::vector<AffineDense> out;
  fx::AffineType input = pixel_affine_type();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const FoldedDense& l = layers[i];
    AffineDense d;
    d.name = "fc" + std::to_string(i + 1);
    d.in_features = static_cast<int>(l.weight.size(1));
    d.out_features = static_cast<int>(l.weight.size(0));
    d.input_type = input;
    d.weight_type = weight_type_of(l.weight, s);
    d.output_type = out_types.at(i);
    d.weight_q = fx::quantize(
        to_float_vector(l.weight),
        {static_cast<std::size_t>(d.out_features), static_cast<std::size_t>(d.in_features)},
        d.weight_type);
    d.bias_q = quantize_bias(to_float_vector(l.bias), d.input_type, d.weight_type);
    d.method = method;
    d.relu = l.relu;
    validate(d);
    input = d.output_type;
    out.push_back(std::move(d));
  }
  return out;
}

torch::Tensor affine_forward_integer(const std::vector<AffineDense>& layers,
                                     const torch::Tensor& raw) {
  const torch::Tensor c = raw.to(torch::kInt64).contiguous();
  const auto batch = static_cast<std::size_t>(c.size(0));
  std::vector<std::int64_t> v(c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + c.numel());
  for (const AffineDense& l : layers) v = affine_dense_forward(l, v, batch);
  return torch::tensor(v, torch::kInt64).reshape({c.size(0), -1});
}

std::string describe_affine(const std::vector<AffineDense>& layers) {
  std::string s;
  for (const AffineDense& l : layers) {
    s += "  " + l.name + ": in " + type_str(l.input_type) + ", weight " + type_str(l.weight_type) +
         ", out " + type_str(l.output_type) + (l.relu ? ", relu" : "") + "\n";
  }
  return s;
}

}  // namespace fxsim::golden
