#include "golden/torch/bipolar_quant.hpp"

#include <torch/csrc/autograd/custom_function.h>

namespace fxsim::golden {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

// Passes the gradient where |x| <= 1: the straight-through estimator of both sign functions.
struct SteFn : torch::autograd::Function<SteFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& q) {
    ctx->save_for_backward({x.abs() <= 1});
    return q;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad) {
    const torch::Tensor inside = ctx->get_saved_variables()[0];
    return {torch::where(inside, grad[0], torch::zeros_like(grad[0])), torch::Tensor()};
  }
};

}  // namespace

BipolarTensorQ quantize_bipolar_tensor(const torch::Tensor& w, fx::Bipolar kind) {
  torch::NoGradGuard no_grad;
  const torch::Tensor a = w.detach().to(torch::kFloat64).abs();
  const auto n = static_cast<double>(std::max<std::int64_t>(a.numel(), 1));
  const double mean_abs = a.sum().item<double>() / n;
  BipolarTensorQ q;
  if (kind == fx::Bipolar::BINARY) {
    const torch::Tensor one = torch::ones(w.sizes(), torch::kFloat32);
    q.v = torch::where(w.detach() >= 0, one, -one);
    q.scale = mean_abs;
  } else {
    const double delta = 0.7 * mean_abs;
    const torch::Tensor wd = w.detach().to(torch::kFloat64);
    const torch::Tensor beyond = a > delta;
    q.v = (wd > delta).to(torch::kFloat32) - (wd < -delta).to(torch::kFloat32);
    const std::int64_t count = beyond.sum().item<std::int64_t>();
    q.scale = count == 0 ? 1.0 : a.masked_select(beyond).sum().item<double>() / count;
  }
  if (q.scale == 0) q.scale = 1.0;
  return q;
}

torch::Tensor bipolar_weight_ste(const torch::Tensor& w, fx::Bipolar kind) {
  const BipolarTensorQ q = quantize_bipolar_tensor(w, kind);
  return SteFn::apply(w, q.v * static_cast<float>(q.scale));
}

torch::Tensor sign_ste(const torch::Tensor& x) {
  torch::Tensor q;
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor one = torch::ones_like(x.detach());
    q = torch::where(x.detach() >= 0, one, -one);
  }
  return SteFn::apply(x, q);
}

}  // namespace fxsim::golden
