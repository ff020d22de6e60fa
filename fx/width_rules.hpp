// Result formats of fixed-point arithmetic, as ap_fixed defines them: the
// smallest formats that hold every exact product / sum without overflow. They
// are spelled in the operands' library (ap_fixed<...> for ap_fixed / ap_int
// operands, sc_fixed<...> for sc_ ones), fixed<...> when the operands mix
// libraries; exact formats never round or overflow, so semantics cannot matter.
#pragma once

#include "fx/fx_type.hpp"

namespace fxsim::fx {

// a * b: W = W1 + W2, I = I1 + I2, signed if either is signed.
FxType product_type(const FxType& a, const FxType& b);

// a + b: F = max(F1, F2); I = max(I1', I2') + 1 where an unsigned operand mixed
// with a signed one counts one extra integer bit (it needs a sign bit);
// signed if either is signed.
FxType sum_type(const FxType& a, const FxType& b);

// Accumulator for a dot product of `length` terms of a * b: the product's
// format with ceil(log2(length)) more integer bits. Throws FxTypeError if the
// result would exceed 64 bits. `overflow` is the accumulator's overflow mode
// (irrelevant when nothing can overflow, but carried for the hardware).
FxType accumulator_type(const FxType& a, const FxType& b, long long length,
                        Overflow overflow = Overflow::WRAP);

// ceil(log2(n)) for n >= 1.
int ceil_log2(unsigned long long n);

}  // namespace fxsim::fx
