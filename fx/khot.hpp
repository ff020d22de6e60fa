// K-hot and signed-power-of-two (SPT) numbers: values whose multiplication is
// a handful of shifts and adds instead of a multiplier.
//
//  khot<W,I,K>  sign-magnitude; the magnitude has W-1 bits of which at most K are 1.
//  ukhot<W,I,K> unsigned; the magnitude has W bits of which at most K are 1.
//  spt<W,I,K>   a sum of at most K signed powers of two (each power at most once), within the W-1
//               magnitude bits of khot<W,I,K> (so values never exceed its range).
// In all three the LSB weighs 2^-(W-I), as in fixed<W,I>. A value is stored
// as its raw integer (value * 2^(W-I)), like an FxType.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fxsim::fx {

enum class KhotKind { KHOT, UKHOT, SPT };

struct KhotType {
  KhotKind kind = KhotKind::KHOT;
  int width = 8;     // W, 1..64 (2..64 for the signed kinds)
  int int_bits = 0;  // I, any integer
  int k = 1;         // K, 1..magnitude_bits()

  void validate() const;                                     // throws FxTypeError naming the field
  static KhotType make(KhotKind kind, int w, int i, int k);  // validated
  int frac_bits() const { return width - int_bits; }
  int magnitude_bits() const { return kind == KhotKind::UKHOT ? width : width - 1; }
  bool is_signed() const { return kind != KhotKind::UKHOT; }
  // The largest magnitude (raw): the K top magnitude bits set.
  uint64_t max_magnitude() const;
  std::string str() const;  // "khot<8,1,2>"

  friend bool operator==(const KhotType& a, const KhotType& b) {
    return a.kind == b.kind && a.width == b.width && a.int_bits == b.int_bits && a.k == b.k;
  }
};

// One shift-add term: (negative ? -1 : +1) * 2^shift in raw units, i.e. a
// value of +-2^(shift - F). `shift` is what the shift-add hardware consumes.
struct Term {
  bool negative = false;
  int shift = 0;
  friend bool operator==(const Term& a, const Term& b) {
    return a.negative == b.negative && a.shift == b.shift;
  }
};

// One K-hot / SPT value as the hardware gets it: at most K terms, most significant first.
using Terms = std::vector<Term>;

// Quantize a double to the type's raw value.
//  khot / ukhot: the representable value nearest to x; ties go to the larger
//    magnitude; beyond the largest magnitude it saturates (negative x gives 0 for ukhot).
//  spt: x is first clamped to +-max_magnitude, then greedily: each term is the
//    signed power of two (within the magnitude bits, and below the previous
//    term's power) nearest to the remaining residual, ties to the larger power;
//    a term is taken only if it reduces the residual's magnitude; at most K terms.
// NaN gives 0.
int64_t khot_quantize(double x, const KhotType& t);

// The terms of a raw value, most significant first: for khot/ukhot the set bits
// of the magnitude; for spt the greedy terms (signed digits). Throws
// FxTypeError if the raw value is not representable in t.
std::vector<Term> khot_encode(int64_t raw, const KhotType& t);

// Whether raw is a value of t (range and term count).
bool khot_representable(int64_t raw, const KhotType& t);

// Sum of terms in raw units.
int64_t terms_value(const std::vector<Term>& terms);

// a times the terms as shift-add hardware computes it: sum of +-(a << shift), in raw units of
// a's format plus F fraction bits. Exact while the result fits 63 bits (the units' width rules).
int64_t shift_add(int64_t a, const std::vector<Term>& terms);

// "+2^-1 -2^-4" (value exponents, i.e. shift - F); "0" for no terms.
std::string format_terms(const std::vector<Term>& terms, int frac_bits);

double khot_to_double(int64_t raw, const KhotType& t);

}  // namespace fxsim::fx
