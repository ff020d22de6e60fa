// The stochastic fake quantizers of stochastic_quant.hpp. The rounding decision is drawn in
// double precision; the overflow step is quantize_raw's own (a TRN cast of the already rounded,
// exactly representable value), so every overflow mode and both semantics behave as in the
// deterministic casts.
#include "golden/torch/stochastic_quant.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cmath>
#include <memory>

#include "fx/type_parser.hpp"
#include "golden/model_file.hpp"
#include "golden/torch/qfx.hpp"
#include "golden/torch/qnet.hpp"
#include "golden/torch/quantize.hpp"

namespace fxsim::golden {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::tensor_list;

constexpr double kLn2 = 0.693147180559945309417232121458176568;
constexpr double kTwo52 = 4503599627370496.0;  // 2^52: doubles above are integers

struct ActiveScope {
  StochasticRounding settings;
  at::Generator gen;
};

// The scope of this thread (StochasticTrainingScope); training runs its forward and backward
// passes on the calling thread.
thread_local std::unique_ptr<ActiveScope> active_scope;

// The fake quantizer with stochastic rounding and / or quantized gradients. frac_bits is a 0-dim
// tensor: the learned binary point when `learned`, else unused.
struct StochasticQuantFn : torch::autograd::Function<StochasticQuantFn> {
  static torch::Tensor forward(AutogradContext* ctx, const torch::Tensor& x,
                               const torch::Tensor& frac_bits, const std::string& base,
                               bool learned, bool stochastic, int64_t gradient_bits,
                               int64_t gradient_rounding, at::Generator gen) {
    fx::FxType t = fx::parse_fx_type(base);
    if (learned) t = with_frac_bits(t, round_frac_bits(frac_bits.item<double>()));
    torch::Tensor overflow;
    const torch::Tensor raw = stochastic ? stochastic_quantize_raw(x.detach(), t, gen, &overflow)
                                         : quantize_raw(x.detach(), t, &overflow);
    const torch::Tensor q = dequantize(raw, t).to(x.scalar_type());
    const torch::Tensor saturated =
        saturates(t) ? overflow : torch::zeros_like(overflow, torch::kBool);
    ctx->save_for_backward({x, q, saturated, frac_bits});
    ctx->saved_data["learned"] = learned;
    ctx->saved_data["gradient_bits"] = gradient_bits;
    ctx->saved_data["gradient_rounding"] = gradient_rounding;
    ctx->saved_data["gen"] = gen;
    return q;
  }

  static tensor_list backward(AutogradContext* ctx, tensor_list grad) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor &x = saved[0], &q = saved[1], &saturated = saved[2], &f = saved[3];
    const torch::Tensor& g = grad[0];
    torch::Tensor grad_x = torch::where(saturated, torch::zeros_like(g), g);
    const int64_t bits = ctx->saved_data["gradient_bits"].toInt();
    if (bits > 0) {
      at::Generator gen = ctx->saved_data["gen"].toGenerator();
      grad_x = quantize_gradient(
          grad_x, static_cast<int>(bits),
          static_cast<fx::Rounding>(ctx->saved_data["gradient_rounding"].toInt()), gen);
    }
    torch::Tensor grad_f;
    if (ctx->saved_data["learned"].toBool()) {  // as fake_quant_learned (qfx.hpp)
      const torch::Tensor dq_df = torch::where(saturated, -kLn2 * q, kLn2 * (x - q));
      grad_f = (g * dq_df).sum().to(f.scalar_type()).reshape(f.sizes());
    }
    return {grad_x,          grad_f,          torch::Tensor(), torch::Tensor(),
            torch::Tensor(), torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

torch::Tensor stochastic_quantize_raw(const torch::Tensor& x_in, const fx::FxType& t,
                                      at::Generator& gen, torch::Tensor* overflow) {
  torch::Tensor x = x_in.to(torch::kFloat64);
  x = torch::where(torch::isnan(x), torch::zeros_like(x), x);
  const int f = t.frac_bits();
  // x * 2^F in two exact power-of-two steps (|F| <= 1064 in fx), clamped where every double is
  // an integer already.
  const int f1 = std::max(-1000, std::min(1000, f));
  torch::Tensor s = x * std::ldexp(1.0, f1);
  if (f != f1) s = s * std::ldexp(1.0, f - f1);
  s = torch::clamp(s, -kTwo52, kTwo52);
  const torch::Tensor floor = torch::floor(s);
  const torch::Tensor remainder = s - floor;  // exact: Sterbenz on |s| < 2^52
  const torch::Tensor u = torch::rand(s.sizes(), gen, torch::kFloat64);
  const torch::Tensor rounded = floor + torch::lt(u, remainder).to(torch::kFloat64);
  // The rounded value is a multiple of 2^-F: a TRN cast only applies the overflow mode.
  fx::FxType exact = t;
  exact.rounding = fx::Rounding::TRN;
  torch::Tensor v = rounded * std::ldexp(1.0, -f1);
  if (f != f1) v = v * std::ldexp(1.0, f1 - f);
  return quantize_raw(v, exact, overflow);
}

fx::FxType gradient_format(const torch::Tensor& g, int bits, fx::Rounding rounding) {
  const double m = g.detach().abs().max().item<double>();
  return fx::FxType::make_signed(bits, calibrated_int_bits(m, /*is_signed=*/true), rounding,
                                 fx::Overflow::SAT);
}

torch::Tensor quantize_gradient(const torch::Tensor& g, int bits, fx::Rounding rounding,
                                at::Generator& gen) {
  if (bits <= 0 || g.numel() == 0) return g;
  const double m = g.detach().abs().max().item<double>();
  if (!(m > 0) || !std::isfinite(m)) return g;  // all zero (or already broken): unchanged
  const fx::FxType t = gradient_format(g, bits, rounding);
  const torch::Tensor raw =
      fx::is_stochastic(rounding) ? stochastic_quantize_raw(g, t, gen) : quantize_raw(g, t);
  return dequantize(raw, t).to(g.scalar_type());
}

StochasticTrainingScope::StochasticTrainingScope(const StochasticRounding& s, at::Generator gen) {
  active_scope = std::make_unique<ActiveScope>(ActiveScope{s, std::move(gen)});
}

StochasticTrainingScope::~StochasticTrainingScope() { active_scope.reset(); }

torch::Tensor fake_quant_as(const torch::Tensor& x, const fx::FxType& t,
                            const torch::Tensor& frac_bits, QuantRole role) {
  const ActiveScope* a = active_scope.get();
  const bool stochastic = a && ((role == QuantRole::WEIGHT && a->settings.weights) ||
                                (role == QuantRole::ACTIVATION && a->settings.activations));
  const int gradient_bits = a && role != QuantRole::PARAMETER ? a->settings.gradient_bits : 0;
  const bool learned = frac_bits.defined();
  if (!stochastic && gradient_bits == 0) {
    return learned ? fake_quant_learned(x, frac_bits, t) : fake_quant(x, t);
  }
  const fx::Rounding grad_rounding =
      a->settings.gradients ? fx::Rounding::RND_STOCH : a->settings.deterministic;
  const torch::Tensor f =
      learned ? frac_bits
              : torch::scalar_tensor(static_cast<double>(t.frac_bits()), torch::kFloat64);
  return StochasticQuantFn::apply(x, f, t.str(), learned, stochastic,
                                  static_cast<int64_t>(gradient_bits),
                                  static_cast<int64_t>(grad_rounding), a->gen);
}

at::Generator stochastic_generator(std::uint64_t seed, const std::string& variant) {
  const std::uint64_t h =
      fnv1a64(reinterpret_cast<const unsigned char*>(variant.data()), variant.size());
  return at::make_generator<at::CPUGeneratorImpl>(seed ^ h ^ 0x53544f43484153ULL);
}

}  // namespace fxsim::golden
