// Stochastic rounding (RND_STOCH): round up with probability remainder / LSB, from a lane's
// LFSR (fx/lfsr.hpp). The rule, per cast into a type t with rounding RND_STOCH:
//   * split the value at t's LSB: value * 2^F = floor + r * 2^-d, 0 <= r < 2^d;
//   * draw k = min(d, 28) bits u from the LFSR (first bit out = bit 0 of u);
//   * round up iff u < r >> (d - k): P(up) = r / 2^d exactly for d <= 28 (for d > 28 the
//     remainder is truncated to its top 28 bits, a bias below 2^-28 LSB);
//   * then overflow as every cast does (t's overflow mode and semantics, fx/cast.hpp).
// How many bits a cast consumes never depends on the value, so a lane's generator stays in
// step with the hardware's: a raw -> raw cast with shift d = source fraction bits - F consumes
// min(max(d, 0), 28) bits (also when r = 0); a cast from a double consumes 28 bits always (the
// double is read as if truncated toward -infinity to F + 28 fraction bits, so its d is 28).
// K-hot / SPT formats have no rounding mode and no stochastic cast (docs/fixed_point.md).
#pragma once

#include <cstddef>
#include <cstdint>

#include "fx/cast.hpp"
#include "fx/cast_detail.hpp"
#include "fx/fx_type.hpp"
#include "fx/lfsr.hpp"

namespace fxsim::fx {

// The most random bits one rounding consumes (the default LFSR's bits per step).
inline constexpr int kStochasticMaxBits = 28;

// Bits one raw -> raw stochastic cast with this shift (source fraction bits - F) consumes.
constexpr int stochastic_bits_per_cast(long long shift) {
  return shift <= 0 ? 0
                    : (shift < kStochasticMaxBits ? static_cast<int>(shift) : kStochasticMaxBits);
}

// Casts into a type with rounding RND_STOCH, drawing from one lane's generator. The caster
// keeps a reference to the Lfsr: the caller owns it (one per lane) and it must outlive the
// caster. Every cast advances it.
class StochasticCaster {
 public:
  // Throws FxTypeError unless to.rounding is RND_STOCH.
  StochasticCaster(const FxType& to, Lfsr& lfsr);

  // From a raw integer with src_frac_bits fraction bits (an accumulator, a product).
  int64_t cast_from_raw(int64_t raw, int src_frac_bits, CastFlags* flags = nullptr);
  // From a double, by its exact binary value; NaN gives 0, +-infinity overflows.
  int64_t cast_from_double(double x, CastFlags* flags = nullptr);
  // out[i] = cast_from_raw(in[i], src_frac_bits) in order i = 0 .. n-1 (one lane's stream).
  void cast_array_from_raw(const int64_t* in, size_t n, int src_frac_bits, int64_t* out,
                           CastStats* stats = nullptr);

  const FxType& type() const { return type_; }

 private:
  int64_t round_up_maybe(const detail::LsbSplit& s, int bits, CastFlags& f);
  // The same for 0 < shift < 62 in 64-bit arithmetic (the accumulator -> output case).
  int64_t cast_shifted(int64_t raw, int shift, int bits, CastFlags& f);

  FxType type_;
  Lfsr* lfsr_;
  detail::OverflowStage overflow_;
  // Rounded values in [in_lo_, in_hi_] overflow under no mode: they are the result as they are.
  int64_t in_lo_;
  int64_t in_hi_;
};

}  // namespace fxsim::fx
