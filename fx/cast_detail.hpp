// The two halves of a cast that fx/cast.cpp owns, opened to the other casts of fx/ (the
// stochastic one, fx/stochastic.cpp) so that overflow handling and the exact split of a value
// at the target's LSB have one home. Not for use outside fx/.
#pragma once

#include <cstdint>
#include <memory>

#include "fx/cast.hpp"
#include "fx/fx_type.hpp"

namespace fxsim::fx::detail {

using i128 = __int128;

// A value times 2^F (F the target's fraction bits), split at the target's LSB:
//   value * 2^F = floor + rem * 2^-dropped,   0 <= rem < 2^dropped.
// dropped is 0 when nothing is dropped (floor is then the exact value, or a huge stand-in with
// the exact low 65 bits, as the deterministic casts use it), else min(dropped bits, 120): any
// larger shift of a 64-bit mantissa splits alike.
struct LsbSplit {
  i128 floor;
  i128 rem;
  int dropped;
};

// raw * 2^-shift split at the LSB (shift = source fraction bits - F).
LsbSplit split_raw(int64_t raw, long long shift);
// The exact binary value of x; NaN splits as 0, +-infinity as a value beyond every range.
LsbSplit split_double(double x, int frac_bits);

// The overflow step of every cast into `to` (its effective_overflow, its semantics), applied
// to a rounded value v whose floor before rounding was fl. Cheap to copy.
class OverflowStage {
 public:
  explicit OverflowStage(const FxType& to);
  int64_t apply(i128 v, i128 fl, CastFlags& f) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace fxsim::fx::detail
