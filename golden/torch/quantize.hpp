// Tensor quantizers bit-identical to fx/ (the type's semantics: SystemC sc_fix, or Xilinx ap_fixed
// for the ap_ spellings; docs/fixed_point.md), built from vectorized LibTorch ops: no per-element
// C++ loop. Include from golden/ translation units
// only (this header pulls in LibTorch).
//
// Exactness (docs/golden.md, "Tensor quantizers"): every intermediate is an exact integer or an
// exact dyadic double, so results equal fx::cast_from_double raw for raw:
//  * x * 2^F is a power-of-two scaling of a double (exact while the result is a normal double;
//    an input that underflows to a subnormal or to 0 is below half an LSB, which the rounding
//    step accounts for explicitly);
//  * rounding works on the magnitude a = |x| * 2^F: floor(a) and a - floor(a) are exact for
//    a >= 0 (Sterbenz), so ties are detected exactly;
//  * |x| * 2^F >= 2^62 (and +-inf) is "beyond every range of W <= 62": saturating modes see a
//    clamped value, the wrap modes read the low 64 bits of the exact integer, reconstructed from
//    the double's mantissa and exponent;
//  * formats wider than 62 bits are delegated to fx's array casts (exact, not torch-vectorized).
#pragma once

#include <torch/types.h>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"
#include "fx/type_parser.hpp"

namespace fxsim::golden {

// The widest format the torch path handles itself; wider ones go through fx/.
inline constexpr int kTorchMaxWidth = 62;

// Raw int64 tensor of x (any floating dtype; taken at its exact double value) cast to t.
// NaN gives 0. If `overflow` is given, it receives a bool tensor: the rounded value was outside
// t's range (for SAT_SYM signed: outside [-max, max], except a 1-bit ap_fixed, whose SAT_SYM is
// SAT, fx::effective_overflow); only for t.width <= 62.
torch::Tensor quantize_raw(const torch::Tensor& x, const fx::FxType& t,
                           torch::Tensor* overflow = nullptr);

// Raw int64 tensor of values raw * 2^-src_frac_bits cast to t, as fx::cast_from_raw.
// Requires |raw| < 2^61 (every accumulator of the hardware: units' widths are <= 62 bits).
torch::Tensor cast_raw(const torch::Tensor& raw, int src_frac_bits, const fx::FxType& t,
                       torch::Tensor* overflow = nullptr);

// Float64 values of raw int64 tensors (exact while |raw| < 2^53, as fx::to_double).
torch::Tensor dequantize(const torch::Tensor& raw, const fx::FxType& t);

// dequantize(quantize_raw(x, t)) in x's dtype (float32 holds every value of a <= 24-bit format).
torch::Tensor quantize(const torch::Tensor& x, const fx::FxType& t);

// K-hot / ukhot / SPT: identical to fx::khot_quantize element for element. W <= 62; SPT needs
// K <= 53 (its largest magnitude must be an exact double).
torch::Tensor khot_quantize_raw(const torch::Tensor& x, const fx::KhotType& t);
torch::Tensor khot_dequantize(const torch::Tensor& raw, const fx::KhotType& t);
torch::Tensor khot_quantize(const torch::Tensor& x, const fx::KhotType& t);

// Sorted int64 tensor of every magnitude (raw) a khot/ukhot value of t can have: the numbers of
// at most K set bits among the magnitude bits. Throws std::invalid_argument above 2^22 entries.
torch::Tensor khot_magnitude_table(const fx::KhotType& t);

// Either kind of number type.
torch::Tensor quantize_raw(const torch::Tensor& x, const fx::NumType& t);
torch::Tensor dequantize(const torch::Tensor& raw, const fx::NumType& t);

}  // namespace fxsim::golden
