#include "golden/torch/stochastic_inference.hpp"

#include <stdexcept>
#include <string>

#include "golden/stochastic_dense.hpp"
#include "golden/torch/int_inference.hpp"

namespace fxsim::golden {
namespace {

std::vector<std::int64_t> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kInt64).contiguous();
  return std::vector<std::int64_t>(c.data_ptr<std::int64_t>(),
                                   c.data_ptr<std::int64_t>() + c.numel());
}

torch::Tensor from_vector(const std::vector<std::int64_t>& v, int64_t rows, int64_t cols) {
  return torch::tensor(v, torch::kInt64).reshape({rows, cols});
}

}  // namespace

torch::Tensor dense_integer_lanes(const DenseLayer& l, const torch::Tensor& input_raw, int pe,
                                  std::uint64_t seed, std::uint64_t layer_index) {
  if (!rounds_stochastically(l)) return dense_integer(l, input_raw);
  const StochasticLanes lanes{pe, seed, layer_index};
  const int64_t n = input_raw.size(0);
  // The exact accumulator: mac_integer's requant to the accumulator's own type changes nothing.
  DenseLayer acc_layer = l;
  acc_layer.out_type = l.acc_type;
  acc_layer.bn.reset();
  const std::vector<std::int64_t> acc = to_vector(mac_integer(acc_layer, input_raw));
  std::vector<std::int64_t> x(acc.size());
  lane_requant(acc.data(), static_cast<int>(n), l.out_features,
               l.input_type.frac_bits() + l.weight_type.frac_bits(), l.out_type, lanes, x.data());
  if (!l.bn) return from_vector(x, n, l.out_features);
  int sum_frac = 0;
  const std::vector<std::int64_t> t = bn_sums(l, x, &sum_frac);
  std::vector<std::int64_t> y(t.size());
  StochasticLanes bn_lanes = lanes;  // bn_act lanes PE .. 2 PE - 1 (golden/stochastic_dense.hpp)
  bn_lanes.first_lane = static_cast<std::uint64_t>(pe);
  lane_requant(t.data(), static_cast<int>(n), l.out_features, sum_frac, l.bn->out_type, bn_lanes,
               y.data());
  return activate_integer(from_vector(y, n, l.out_features), l.bn->act, l.bn->clip_raw,
                          l.bn->out_type);
}

torch::Tensor forward_integer_lanes(const QuantNetwork& m, const torch::Tensor& input_raw,
                                    const std::vector<int>& pe, std::uint64_t seed) {
  require_dense(m, "the stochastic integer inference");
  if (pe.size() != m.layers.size()) {
    throw std::invalid_argument("forward_integer_lanes: " + std::to_string(pe.size()) +
                                " PE values for " + std::to_string(m.layers.size()) + " layers");
  }
  torch::Tensor v = input_raw.to(torch::kInt64);
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    v = dense_integer_lanes(m.layers[i], v, pe[i], seed, i);
  }
  return v;
}

}  // namespace fxsim::golden
