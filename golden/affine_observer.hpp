// PyTorch's MinMaxObserver rules (torch.ao.quantization.observer, _calculate_qparams, as in
// Debian's python3-torch 1.13) for the scale and zero point of a tensor from its observed range,
// in float32 as PyTorch computes them. Plain C++: `fxsim train`'s affine PTQ and QAT use them for
// weights and activations (golden/torch/affine_mlp.hpp); testbenches/golden/affine/ checks them
// against hand-worked values.
//
//   range       min- = min(min, 0), max+ = max(max, 0)          (the range always holds 0)
//   symmetric   scale = max(-min-, max+) / ((q_max - q_min) / 2), zero point 0 (int<B>): the
//               FULL range -2^(B-1)..2^(B-1)-1, not narrow, so max|w| maps to 2^(B-1) - 0.5
//               (ties to even: to -2^(B-1) for the negative extreme, clamped to 2^(B-1) - 1 for
//               the positive one); int<8>: max|w| / 127.5, int<4>: max|w| / 7.5
//   affine      scale = (max+ - min-) / (q_max - q_min),
//               zero point = clamp(q_min - round_half_even(min- / scale), q_min, q_max)
//   both        scale = max(scale, eps), eps = 2^-23 (float32's machine epsilon, the
//               observers' default), so an all-zero tensor gets scale 2^-23
#pragma once

#include <cstdint>
#include <vector>

#include "fx/affine.hpp"

namespace fxsim::golden {

inline constexpr float kObserverEps = 1.1920928955078125e-07f;  // 2^-23

// Per tensor, symmetric (zero point 0) from the largest magnitude; `format` signed.
fx::AffineParams symmetric_params(float max_abs, const fx::AffineInt& format);
// Per output channel (axis 0), symmetric, from each channel's largest magnitude.
fx::AffineParams symmetric_channel_params(const std::vector<float>& max_abs,
                                          const fx::AffineInt& format);
// Per tensor, affine, from the observed minimum and maximum (either format).
fx::AffineParams affine_params(float min, float max, const fx::AffineInt& format);

}  // namespace fxsim::golden
