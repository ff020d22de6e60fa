#include "fx/stochastic.hpp"

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
    : type_(require_stochastic(to)), lfsr_(&lfsr), overflow_(to) {}

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
  const int64_t r =
      round_up_maybe(detail::split_raw(raw, shift), stochastic_bits_per_cast(shift), f);
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
  for (size_t i = 0; i < n; ++i) {
    CastFlags f;
    out[i] = round_up_maybe(detail::split_raw(in[i], shift), bits, f);
    if (stats) stats->add(f);
  }
}

}  // namespace fxsim::fx
