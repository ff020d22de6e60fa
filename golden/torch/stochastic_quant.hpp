// Stochastic rounding in training (docs/golden.md, "Stochastic rounding"): the fake quantizers
// of QAT round weights and / or activations up with probability remainder / LSB in training
// forward passes, and the gradients leaving every fake quantizer can be quantized (nearest or
// stochastically) to a per-tensor fixed-point format. Training runs on float tensors, so the
// random numbers come from a torch generator (the hardware's LFSR is for the integer
// inference, golden/stochastic_dense.hpp). Include from golden/ translation units only.
#pragma once

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include "fx/fx_type.hpp"
#include "golden/stochastic_config.hpp"

namespace fxsim::golden {

// What a fake quantizer quantizes: the MAC weights, an activation (a MAC output or a bn_act
// output), or another parameter (BN scale and bias: always deterministic).
enum class QuantRole { WEIGHT, ACTIVATION, PARAMETER };

// Raw int64 tensor of x quantized to t, rounding up with probability (x 2^F - floor(x 2^F)):
// one uniform double u in [0, 1) from `gen` per element, up iff u < remainder (P(up) = the
// remainder to 2^-53); then t's overflow mode as every cast does (t's own rounding is ignored).
// NaN gives 0. `overflow` as in quantize_raw. Values need |x 2^F| < 2^52 (larger ones are
// integers at this F already and saturate in every format of <= 52 bits).
torch::Tensor stochastic_quantize_raw(const torch::Tensor& x, const fx::FxType& t,
                                      at::Generator& gen, torch::Tensor* overflow = nullptr);

// The gradient format: signed fixed<bits, I> with the smallest I whose range holds max |g|
// (2^(I-1) > max |g|: a power-of-two scale per tensor and step), `rounding` (RND_STOCH: by
// stochastic_quantize_raw), SAT. An all-zero gradient stays zero.
fx::FxType gradient_format(const torch::Tensor& g, int bits, fx::Rounding rounding);
torch::Tensor quantize_gradient(const torch::Tensor& g, int bits, fx::Rounding rounding,
                                at::Generator& gen);

// While a scope lives, the fake quantizers of this thread (fake_quant_as) round as `s` says,
// drawing from `gen`. Training forward passes open one (train.cpp); evaluation passes do not, so
// they stay deterministic. Scopes do not nest.
class StochasticTrainingScope {
 public:
  StochasticTrainingScope(const StochasticRounding& s, at::Generator gen);
  ~StochasticTrainingScope();
  StochasticTrainingScope(const StochasticTrainingScope&) = delete;
  StochasticTrainingScope& operator=(const StochasticTrainingScope&) = delete;
};

// The fake quantizer of a tensor in role `role`: x quantized to t (F = round(frac_bits) of `t`'s
// width when frac_bits is defined: a learned binary point), straight-through gradients as
// fake_quant / fake_quant_learned (golden/torch/qfx.hpp). Inside a StochasticTrainingScope:
// stochastic rounding when the scope's settings name the role, and the gradient for x quantized
// by quantize_gradient when they set gradient_bits (RND_STOCH when they name "gradients", else
// the scope's deterministic rounding). Outside a scope: exactly fake_quant / fake_quant_learned.
torch::Tensor fake_quant_as(const torch::Tensor& x, const fx::FxType& t,
                            const torch::Tensor& frac_bits, QuantRole role);

// The generator of a variant's stochastic rounding: torch's CPU generator (mt19937) seeded with
// seed XOR fnv1a64(variant name) XOR 0x53544f43484153ULL ("STOCHAS"), independent of the
// variant's batch order.
at::Generator stochastic_generator(std::uint64_t seed, const std::string& variant);

}  // namespace fxsim::golden
