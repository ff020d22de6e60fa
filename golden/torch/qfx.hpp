// Fake quantization with gradients (torch::autograd::Function), for quantization-aware training.
// Forward: the exact golden quantizer (bit-identical to fx/). Backward (docs/golden.md,
// "Gradients"):
//  * x: straight-through estimator, 1 where the rounded value was inside the range; 0 outside for
//    the saturating modes (SAT, SAT_ZERO, SAT_SYM, and WRAP/WRAP_SM with N >= W). WRAP and WRAP_SM
//    pass the gradient everywhere: the wrapped function is x minus a piecewise-constant multiple of
//    2^I, so its derivative is 1 almost everywhere.
//  * the learnable binary point f (F = round(f) fraction bits, I = W - F), with q = Q(x; F):
//      inside the range:  dq/dF = ln2 * (x - q)      (STE through the rounding)
//      saturated (SAT*):  dq/dF = -ln2 * q           (q = c * 2^-F with a constant bound c)
//    and dF/df = 1 (STE through round(f)). Summed over the tensor: one binary point per tensor.
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"

namespace fxsim::golden {

// x quantized to t, straight-through gradient for x.
torch::Tensor fake_quant(const torch::Tensor& x, const fx::FxType& t);

// x quantized to `base` with F = round(frac_bits) (a 0-dim float tensor, usually a trainable
// parameter); W, signedness and the modes come from base. Gradients for x and frac_bits.
torch::Tensor fake_quant_learned(const torch::Tensor& x, const torch::Tensor& frac_bits,
                                 const fx::FxType& base);

// x quantized to a K-hot / SPT type; straight-through gradient, 0 where x saturates (beyond the
// largest magnitude, or negative for ukhot).
torch::Tensor fake_khot(const torch::Tensor& x, const fx::KhotType& t);

// base with F fraction bits (I = W - F), validated; F = round(f) half away from zero.
fx::FxType with_frac_bits(const fx::FxType& base, int frac_bits);
int round_frac_bits(double f);

// Whether out-of-range values saturate (zero STE gradient there) rather than wrap.
bool saturates(const fx::FxType& t);

}  // namespace fxsim::golden
