// Autograd functions of qfx.hpp. The formats travel through the autograd context as their type
// strings (parsed back by fx's one parser) because saved_data holds IValues only.
#include "golden/torch/qfx.hpp"

#include <torch/csrc/autograd/custom_function.h>

#include <cmath>

#include "fx/type_parser.hpp"
#include "golden/torch/quantize.hpp"

namespace fxsim::golden {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

constexpr double kLn2 = 0.693147180559945309417232121458176568;

// Quantizes x to t; returns q (in x's dtype) and the gradient mask for x.
std::pair<torch::Tensor, torch::Tensor> quantize_with_mask(const torch::Tensor& x,
                                                           const fx::FxType& t) {
  torch::Tensor overflow;
  const torch::Tensor raw = quantize_raw(x.detach(), t, &overflow);
  const torch::Tensor q = dequantize(raw, t).to(x.scalar_type());
  const torch::Tensor saturated =
      saturates(t) ? overflow : torch::zeros_like(overflow, torch::kBool);
  return {q, saturated};
}

struct FakeQuantFn : torch::autograd::Function<FakeQuantFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                               const std::string& type) {
    const auto [q, saturated] = quantize_with_mask(x, fx::parse_fx_type(type));
    ctx->save_for_backward({saturated});
    return q;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad) {
    const torch::Tensor saturated = ctx->get_saved_variables()[0];
    return {torch::where(saturated, torch::zeros_like(grad[0]), grad[0]), torch::Tensor()};
  }
};

struct LearnedQuantFn : torch::autograd::Function<LearnedQuantFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& frac_bits, const std::string& base) {
    const fx::FxType t =
        with_frac_bits(fx::parse_fx_type(base), round_frac_bits(frac_bits.item<double>()));
    const auto [q, saturated] = quantize_with_mask(x, t);
    ctx->save_for_backward({x, q, saturated, frac_bits});
    return q;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor &x = saved[0], &q = saved[1], &saturated = saved[2], &f = saved[3];
    const torch::Tensor& g = grad[0];
    const torch::Tensor grad_x = torch::where(saturated, torch::zeros_like(g), g);
    const torch::Tensor dq_df = torch::where(saturated, -kLn2 * q, kLn2 * (x - q));
    const torch::Tensor grad_f = (g * dq_df).sum().to(f.scalar_type()).reshape(f.sizes());
    return {grad_x, grad_f, torch::Tensor()};
  }
};

struct FakeKhotFn : torch::autograd::Function<FakeKhotFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                               const std::string& type) {
    const fx::KhotType t = fx::parse_khot_type(type);
    const double max_value = khot_to_double(static_cast<int64_t>(t.max_magnitude()), t);
    torch::Tensor saturated = torch::gt(torch::abs(x.detach()), max_value);
    if (t.kind == fx::KhotKind::UKHOT) {
      saturated = torch::logical_or(saturated, torch::lt(x.detach(), 0));
    }
    ctx->save_for_backward({saturated});
    return khot_quantize(x.detach(), t);
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad) {
    const torch::Tensor saturated = ctx->get_saved_variables()[0];
    return {torch::where(saturated, torch::zeros_like(grad[0]), grad[0]), torch::Tensor()};
  }
};

}  // namespace

bool saturates(const fx::FxType& t) {
  switch (t.overflow) {
    case fx::Overflow::SAT:
    case fx::Overflow::SAT_ZERO:
    case fx::Overflow::SAT_SYM:
      return true;
    case fx::Overflow::WRAP:
    case fx::Overflow::WRAP_SM:
      return t.sat_bits >= t.width;
  }
  return true;
}

int round_frac_bits(double f) { return static_cast<int>(std::lround(f)); }

fx::FxType with_frac_bits(const fx::FxType& base, int frac_bits) {
  fx::FxType t = base;  // keeps the spelling, and so the semantics
  t.int_bits = base.width - frac_bits;
  t.validate();
  return t;
}

torch::Tensor fake_quant(const torch::Tensor& x, const fx::FxType& t) {
  return FakeQuantFn::apply(x, t.str());
}

torch::Tensor fake_quant_learned(const torch::Tensor& x, const torch::Tensor& frac_bits,
                                 const fx::FxType& base) {
  return LearnedQuantFn::apply(x, frac_bits, base.str());
}

torch::Tensor fake_khot(const torch::Tensor& x, const fx::KhotType& t) {
  return FakeKhotFn::apply(x, t.str());
}

}  // namespace fxsim::golden
