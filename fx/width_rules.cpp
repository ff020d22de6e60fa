#include "fx/width_rules.hpp"

#include <algorithm>
#include <string>

namespace fxsim::fx {

int ceil_log2(unsigned long long n) {
  int bits = 0;
  while (bits < 64 && (1ULL << bits) < n) ++bits;
  return bits;
}

namespace {
// Result formats are exact, so they carry the defaults (TRN, WRAP, N = 0):
// nothing is ever rounded or overflowed into them. They are spelled in the
// operands' library (ap_fixed<...> from ap_fixed / ap_int operands), or
// fixed<...> when the operands come from different ones.
FxType exact_result(const FxType& a, const FxType& b, bool is_signed, int width, int int_bits,
                    const char* what) {
  if (width > 64) {
    throw FxTypeError(std::string(what) + " needs " + std::to_string(width) +
                      " bits: more than the 64 an FxType holds");
  }
  const Spelling sa = fixed_spelling(a.spelling);
  const Spelling sb = fixed_spelling(b.spelling);
  FxType t{is_signed,
           width,
           int_bits,
           Rounding::TRN,
           Overflow::WRAP,
           0,
           sa == sb ? sa : Spelling::FIXED};
  t.validate();
  return t;
}
}  // namespace

FxType product_type(const FxType& a, const FxType& b) {
  return exact_result(a, b, a.is_signed || b.is_signed, a.width + b.width, a.int_bits + b.int_bits,
                      "the product");
}

FxType sum_type(const FxType& a, const FxType& b) {
  // An unsigned operand added to a signed one needs one more integer bit to
  // become signed without losing its top bit.
  const int ia = a.int_bits + ((b.is_signed && !a.is_signed) ? 1 : 0);
  const int ib = b.int_bits + ((a.is_signed && !b.is_signed) ? 1 : 0);
  const int int_bits = std::max(ia, ib) + 1;
  const int frac_bits = std::max(a.frac_bits(), b.frac_bits());
  return exact_result(a, b, a.is_signed || b.is_signed, int_bits + frac_bits, int_bits, "the sum");
}

FxType accumulator_type(const FxType& a, const FxType& b, long long length, Overflow overflow) {
  if (length < 1) throw FxTypeError("dot-product length must be >= 1");
  const FxType p = product_type(a, b);
  const int growth = ceil_log2(static_cast<unsigned long long>(length));
  FxType acc =
      exact_result(p, p, p.is_signed, p.width + growth, p.int_bits + growth, "the accumulator");
  acc.overflow = overflow;
  acc.validate();
  return acc;
}

}  // namespace fxsim::fx
