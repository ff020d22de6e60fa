// Binary / ternary quantizers on tensors and their straight-through estimators (docs/golden.md,
// "Binary and ternary networks"). The rules are fx/bipolar.hpp's, computed with tensor ops:
//   binary   v = sign(w) (sign(0) = +1), scale = mean |w|               (XNOR-Net's alpha)
//   ternary  delta = 0.7 mean |w|, v = +1 / -1 beyond +-delta else 0,
//            scale = mean of |w| over |w| > delta (1 when none is)      (TWN)
// a zero scale becomes 1. Means are taken in float64, so v and the scale rounded to float equal
// fx::quantize_bipolar's on the same values (bipolar_test checks it on random tensors).
// Include from golden/ translation units only (pulls in LibTorch).
#pragma once

#include <torch/types.h>

#include "fx/bipolar.hpp"

namespace fxsim::golden {

struct BipolarTensorQ {
  torch::Tensor v;     // w's shape, float32 values -1, 0, +1
  double scale = 1.0;  // in float64; the forward multiplies by (float) scale
};

BipolarTensorQ quantize_bipolar_tensor(const torch::Tensor& w, fx::Bipolar kind);

// Weights in the forward pass: v x scale (float32); backward: BinaryConnect's straight-through
// gradient, passed where |w| <= 1 and zero elsewhere (the latent weights are clipped to [-1, 1]
// after every step, so this only stops a weight that the step pushed beyond).
torch::Tensor bipolar_weight_ste(const torch::Tensor& w, fx::Bipolar kind);

// Binary activations: forward sign(x) in {-1, +1} with sign(0) = +1 (the hardware's
// thresholding y = x >= t); backward hardtanh's straight-through gradient, 1 where |x| <= 1.
torch::Tensor sign_ste(const torch::Tensor& x);

}  // namespace fxsim::golden
