// KhotCodec: K-hot / ukhot / SPT quantization and encoding at table speed, for loops that
// quantize many values of one type. Results are identical to fx::khot_quantize and
// fx::khot_encode (khot.hpp), which stay the reference algorithm.
//
// Why a table is exact: let s = |x| * 2^F be the scaled magnitude. Every decision threshold of
// the reference algorithms lies on the half-integer grid of s: khot / ukhot compare s with the
// midpoints of consecutive representable integers (ties to the larger); the SPT greedy compares
// |residual| (residual = s - an integer) with 2^q, 1.5 * 2^q and 0.5 * 2^p, p >= 0, and the
// residual's sign changes at integers. So the quantized magnitude depends only on h = floor(2s)
// and on whether 2s == h: it is the reference's result at s = h/2 (on the grid point) or at
// s = (2h+1)/4 (anywhere strictly between two grid points). The table holds the reference on the
// quarter grid, entry j = magnitude at s = j/4, and is looked up at j = 2h + (2s != h). From
// s = M (the largest magnitude) on, every kind gives the result at M (saturation; SPT clamps
// first), the last entry.
//
// Encoding: the terms of every representable value are distinct powers of two, most significant
// first, so a pair of bit masks (the positive and the negative powers) holds them; one pair per
// magnitude, read from the reference's khot_encode. A negative raw has the negated terms of its
// magnitude (khot: sign-magnitude; spt: the greedy is symmetric).
//
// The cap: tables are built for types of at most kMaxTableMagnitudeBits = 12 magnitude bits
// (W <= 13 for khot / spt, W <= 12 for ukhot): a quantize table of 2 x (4M + 1) 32-bit entries,
// at most 128 KiB, from 4M + 1 reference calls, and a digit table of M + 1 entries; at most a few
// milliseconds to build. Each magnitude bit more doubles both, so the cap keeps a codec cheap to
// make for a handful of values (a BN scale vector). Bigger types use the reference algorithm
// (uses_table() is false), with the same results and an allocation per encode.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fx/khot.hpp"

namespace fxsim::fx {

// The terms of one value held in place (no allocation): what KhotCodec::encode returns.
class FixedTerms {
 public:
  // ukhot<64,I,64> has the most terms of any type: 64.
  static constexpr std::size_t kCapacity = 64;

  FixedTerms() = default;
  explicit FixedTerms(const Terms& terms);  // at most kCapacity terms

  void push_back(const Term& t) { terms_[size_++] = t; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Term* data() const { return terms_.data(); }
  const Term* begin() const { return terms_.data(); }
  const Term* end() const { return terms_.data() + size_; }
  const Term& operator[](std::size_t i) const { return terms_[i]; }
  Terms to_vector() const { return Terms(begin(), end()); }

  friend bool operator==(const FixedTerms& a, const Terms& b);
  friend bool operator==(const Terms& a, const FixedTerms& b) { return b == a; }

 private:
  std::array<Term, kCapacity> terms_{};
  std::size_t size_ = 0;
};

// The terms of one value as two bit masks: bit p of `positive` is a +2^p term, of `negative` a
// -2^p term (raw units). The terms of a K-hot / SPT value are distinct powers of two, so the masks
// say everything; most significant first is the order of the set bits from the top.
struct SignedDigits {
  uint64_t positive = 0;
  uint64_t negative = 0;
};

class KhotCodec {
 public:
  static constexpr int kMaxTableMagnitudeBits = 12;

  explicit KhotCodec(const KhotType& t);  // validates t; builds the tables when t is in the cap

  const KhotType& type() const { return type_; }
  bool uses_table() const { return !quantize_table_.empty(); }

  // fx::khot_quantize(x, type()).
  int64_t quantize(double x) const;
  // The same for x[0..n) into raw[0..n); where SSE2 is available (every x86-64), the table path
  // computes the entries of two values at once.
  void quantize(const double* x, std::size_t n, int64_t* raw) const;
  // fx::khot_encode(raw, type()); throws FxTypeError for a raw that is not a value of the type.
  FixedTerms encode(int64_t raw) const;
  // The same terms as masks: what a loop packing term words wants (no array to fill).
  SignedDigits digits(int64_t raw) const;

 private:
  KhotType type_;
  // Entry 2j: the raw value at s = j/4 (j = 0..4M) for x >= 0; entry 2j + 1: for x < 0 (the
  // negated magnitude; 0 for ukhot).
  std::vector<int32_t> quantize_table_;
  std::vector<uint32_t> digit_table_;  // per magnitude: positive powers | negative powers << 16
  double twice_scale_ = 0;             // 2^(F+1): |x| * twice_scale_ = 2s, exact
  double twice_max_ = 0;               // 2M
};

inline int64_t KhotCodec::quantize(double x) const {
  if (quantize_table_.empty()) return khot_quantize(x, type_);
  // Selects and masks, not branches (some compilers branch on NaN and zero, both rare): random
  // signs and saturation would be unpredictable.
  const double y = std::fabs(x) * twice_scale_;                        // 2s, exact
  const double not_nan = y > 0.0 ? y : 0.0;                            // NaN: the entry of 0
  const double clamped = not_nan < twice_max_ ? not_nan : twice_max_;  // from M on: the last
  const auto h = static_cast<int64_t>(clamped);                        // floor: clamped >= 0
  const int64_t j = 2 * h + (clamped > static_cast<double>(h));
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof bits);
  return quantize_table_[static_cast<std::size_t>(2 * j) + (bits >> 63)];  // + the sign bit
}

}  // namespace fxsim::fx
