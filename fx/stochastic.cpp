#include "fx/stochastic.hpp"

#include <climits>
#include <cmath>
#include <string>

namespace fxsim::fx {
namespace {

const FxType& require_stochastic(const FxType& t) {
  if (!is_stochastic(t.rounding)) {
    throw FxTypeError("fx::StochasticCaster: type " + t.str() + " rounds by " +
                      std::string(to_string(t.rounding)) +
                      ", not RND_STOCH: use the deterministic casts (fx/cast.hpp)");
  }
  return t;
}

}  // namespace

StochasticCaster::StochasticCaster(const FxType& to, Lfsr& lfsr)
    : type_(require_stochastic(to)),
      lfsr_(&lfsr),
      overflow_(to),
      // Signed: -2^(W-1) + 1 (SAT_SYM overflows at -2^(W-1)); unsigned W = 64 caps at INT64_MAX.
      in_lo_(to.is_signed ? to.raw_min() + 1 : 0),
      in_hi_(!to.is_signed && to.width == 64 ? INT64_MAX : to.raw_max()) {}

int64_t StochasticCaster::cast_shifted(int64_t raw, int shift, int bits, CastFlags& f) {
  const int64_t fl = raw >> shift;
  const int64_t rem = raw & ((int64_t{1} << shift) - 1);
  f.inexact = rem != 0;
  f.tie = rem == (int64_t{1} << (shift - 1));
  const bool up = static_cast<int64_t>(lfsr_->next_bits(bits)) < (rem >> (shift - bits));
  const int64_t v = fl + (up ? 1 : 0);  // no overflow: shift >= 1
  if (v >= in_lo_ && v <= in_hi_) return v;
  return overflow_.apply(v, fl, f);
}

// `bits` random bits decide against the top `bits` bits of the remainder (s.dropped >= bits),
// or against the remainder scaled up to `bits` bits (a double's d is always 28).
int64_t StochasticCaster::round_up_maybe(const detail::LsbSplit& s, int bits, CastFlags& f) {
  f.inexact = s.rem != 0;
  f.tie = s.dropped > 0 && s.rem == (detail::i128{1} << (s.dropped - 1));
  const uint64_t u = lfsr_->next_bits(bits);
  const detail::i128 r =
      s.dropped >= bits ? s.rem >> (s.dropped - bits) : s.rem << (bits - s.dropped);
  const bool up = static_cast<detail::i128>(u) < r;
  return overflow_.apply(s.floor + (up ? 1 : 0), s.floor, f);
}

int64_t StochasticCaster::cast_from_raw(int64_t raw, int src_frac_bits, CastFlags* flags) {
  CastFlags f;
  const long long shift = static_cast<long long>(src_frac_bits) - type_.frac_bits();
  const int bits = stochastic_bits_per_cast(shift);
  const int64_t r = shift > 0 && shift < 62
                        ? cast_shifted(raw, static_cast<int>(shift), bits, f)
                        : round_up_maybe(detail::split_raw(raw, shift), bits, f);
  if (flags) *flags = f;
  return r;
}

int64_t StochasticCaster::cast_from_double(double x, CastFlags* flags) {
  CastFlags f;
  const int64_t r =
      round_up_maybe(detail::split_double(x, type_.frac_bits()), kStochasticMaxBits, f);
  if (std::isinf(x)) f.inexact = true;  // as the deterministic casts flag it
  if (flags) *flags = f;
  return r;
}

void StochasticCaster::cast_array_from_raw(const int64_t* in, size_t n, int src_frac_bits,
                                           int64_t* out, CastStats* stats) {
  const long long shift = static_cast<long long>(src_frac_bits) - type_.frac_bits();
  const int bits = stochastic_bits_per_cast(shift);
  const bool narrow = shift > 0 && shift < 62;
  for (size_t i = 0; i < n; ++i) {
    CastFlags f;
    out[i] = narrow ? cast_shifted(in[i], static_cast<int>(shift), bits, f)
                    : round_up_maybe(detail::split_raw(in[i], shift), bits, f);
    if (stats) stats->add(f);
  }
}

}  // namespace fxsim::fx
