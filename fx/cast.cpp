// Casts into an FxType. Two layers:
//  * an exact path on 128-bit integers (round_shift, then apply_overflow) that
//    follows SystemC's scfx_rep quantization/overflow rules bit for bit, or
//    Xilinx ap_fixed's where the type has ap_fixed semantics (they differ only
//    in the overflow step, see apply_overflow and docs/fixed_point.md);
//  * array fast paths (double -> raw in double arithmetic, raw -> raw in
//    64-bit arithmetic) that are exact only inside a guarded range and hand
//    every other element to the exact path.
// The mode is a template parameter of every loop, so the dispatch happens once
// per call.
#include "fx/cast.hpp"

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <vector>

#include "fx/cast_detail.hpp"

namespace fxsim::fx {
namespace {

using i128 = __int128;

// Values whose magnitude reaches 2^kHuge stand for "beyond every 64-bit range";
// their bits 0..64 equal the true (shifted) value's, which is all overflow reads.
constexpr int kHuge = 100;
constexpr int kMaxRightShift = 120;  // any larger shift rounds like this one (|m| < 2^65)

// The format a cast lands in, precomputed once per call.
struct Target {
  bool is_signed;
  bool ap;  // ap_fixed semantics
  int width;
  int sat_bits;
  int frac_bits;
  i128 lo;        // smallest raw value
  i128 hi;        // largest raw value
  uint64_t mask;  // low `width` bits
  // [in_lo, in_hi]: int64 values that cannot overflow under any mode (SAT_SYM's signed lo
  // excluded), for a quick in-range test before apply_overflow.
  int64_t in_lo;
  int64_t in_hi;

  explicit Target(const FxType& t)
      : is_signed(t.is_signed),
        ap(t.ap_semantics()),
        width(t.width),
        sat_bits(t.sat_bits),
        frac_bits(t.frac_bits()) {
    mask = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
    if (is_signed) {
      lo = -(i128{1} << (width - 1));
      hi = (i128{1} << (width - 1)) - 1;
    } else {
      lo = 0;
      hi = (i128{1} << width) - 1;
    }
    in_lo = static_cast<int64_t>(lo + (is_signed ? 1 : 0));  // -2^(W-1) + 1 >= INT64_MIN + 1
    in_hi = hi > INT64_MAX ? INT64_MAX : static_cast<int64_t>(hi);
  }

  // The low `width` bits of a two's-complement pattern, read in this format.
  int64_t from_bits(uint64_t bits) const {
    bits &= mask;
    if (is_signed && width < 64 && ((bits >> (width - 1)) & 1)) bits |= ~mask;  // sign-extend
    return static_cast<int64_t>(bits);
  }
};

inline bool bit_of(i128 v, int k) { return ((v >> k) & 1) != 0; }

// Whether rounding by mode Q moves floor(value) up by one LSB, given the dropped
// part `rem` (0 <= rem < 2 * half) and the LSB weight half * 2. The one rounding
// rule of the software side: both the exact 128-bit path and the 64-bit raw fast
// path call it (rtl/fx_requant.sv is its hardware twin).
template <Rounding Q, class Int>
inline bool rounds_up(bool negative, Int rem, Int half, bool floor_is_odd) {
  const bool tie = rem == half;
  switch (Q) {
    case Rounding::TRN:
      return false;
    case Rounding::TRN_ZERO:
      return negative && rem != 0;
    case Rounding::RND:
      return rem >= half;
    case Rounding::RND_ZERO:
      return rem > half || (tie && negative);
    case Rounding::RND_MIN_INF:
      return rem > half;
    case Rounding::RND_INF:
      return rem > half || (tie && !negative);
    case Rounding::RND_CONV:
      return rem > half || (tie && floor_is_odd);
    case Rounding::RND_STOCH:  // never instantiated: dispatch refuses the mode
      return false;
  }
  return false;
}

// A value rounded to the target's LSB, and its floor (the value before rounding,
// truncated toward -infinity): ap_fixed's WRAP_SM reads a bit of the floor.
struct RoundedValue {
  i128 v;
  i128 floor;
};

// m * 2^-shift rounded to an integer by mode Q (shift > 0 drops bits; shift <= 0
// is exact). Mirrors scfx_rep::quantization: a "tie" is a dropped part of exactly
// one half LSB.
template <Rounding Q>
inline RoundedValue round_shift(i128 m, int shift, CastFlags& f) {
  if (shift <= 0) {
    const int s = -shift;
    if (m == 0) return {0, 0};
    if (s >= 64) {
      // Beyond every range. Overflow handling reads bits 0..64 of the value
      // (WRAP_SM looks at bit W for W = 64), so keep those exact: bit 64 is
      // m's lowest bit when s == 64, everything below is zero.
      const i128 huge = m < 0 ? -(i128{1} << kHuge) : (i128{1} << kHuge);
      const i128 v = s == 64 ? huge + ((m & 1) << 64) : huge;
      return {v, v};
    }
    const i128 v = m * (i128{1} << s);  // |m| < 2^64, so |m| * 2^63 < 2^127 fits
    return {v, v};
  }
  const int s = shift > kMaxRightShift ? kMaxRightShift : shift;
  const i128 fl = m >> s;  // floor
  const i128 rem = m - fl * (i128{1} << s);
  const i128 half = i128{1} << (s - 1);
  f.inexact = rem != 0;
  f.tie = rem == half;
  const bool up = rounds_up<Q>(m < 0, rem, half, (fl & 1) != 0);
  return {fl + (up ? 1 : 0), fl};
}

// Sets the top n bits of a width-bit pattern to the saturation pattern of the
// original sign (SystemC's o_set): negative -> 10..0 (signed) / 0..0 (unsigned);
// positive -> 01..1 (signed) / 1..1 (unsigned). The low width-n bits are kept.
inline uint64_t saturate_top_bits(uint64_t bits, const Target& t, int n, bool negative) {
  const int low = t.width - n;
  const uint64_t top = t.mask & ~((uint64_t{1} << low) - 1);  // low < 64 since n >= 1
  const uint64_t msb = uint64_t{1} << (t.width - 1);
  uint64_t pattern;
  if (t.is_signed) {
    pattern = negative ? msb : (top & ~msb);
  } else {
    pattern = negative ? 0 : top;
  }
  return (bits & ~top) | pattern;
}

// Overflow handling of a rounded value v, as scfx_rep::overflow (SystemC) or
// ap_fixed_base::overflow_adjust (ap_fixed). `fl` is the floor of the value
// before rounding. The two libraries agree on when a value overflows and on
// every result except in two corners (docs/fixed_point.md):
//  * signed WRAP_SM with N = 0: SystemC takes the result's sign from bit W of
//    the rounded value, ap_fixed from bit W of the floor (a rounding carry into
//    bit W does not count);
//  * unsigned WRAP with N > 0: SystemC fills the top N bits with the sign's
//    saturation pattern (0..0 below the range), ap_fixed with 1..1 on any
//    overflow (all W bits for N >= W).
// (The third difference, signed W = 1 SAT_SYM, is a change of mode: see
// effective_overflow.)
template <Overflow O>
inline int64_t apply_overflow(i128 v, i128 fl, const Target& t, CastFlags& f) {
  const bool negative = v < 0;
  const bool under = O == Overflow::SAT_SYM && t.is_signed ? v <= t.lo : v < t.lo;
  const bool over = v > t.hi;
  if (!under && !over) return static_cast<int64_t>(v);
  f.overflow = true;

  const i128 sat_lo = (O == Overflow::SAT_SYM && t.is_signed) ? -t.hi : t.lo;
  const i128 saturated = under ? sat_lo : t.hi;
  const uint64_t bits = static_cast<uint64_t>(v);
  const int n = t.sat_bits;
  switch (O) {
    case Overflow::SAT:
    case Overflow::SAT_SYM:
      return static_cast<int64_t>(saturated);
    case Overflow::SAT_ZERO:
      return 0;
    case Overflow::WRAP:
      if (n == 0) return t.from_bits(bits);
      if (t.ap && !t.is_signed) {
        if (n >= t.width) return static_cast<int64_t>(t.hi);
        return t.from_bits(saturate_top_bits(bits, t, n, false));
      }
      if (n >= t.width) return static_cast<int64_t>(under ? t.lo : t.hi);
      return t.from_bits(saturate_top_bits(bits, t, n, negative));
    case Overflow::WRAP_SM: {
      // Sign-magnitude wrap: the kept bits are inverted when the wrapped sign
      // would disagree with the intended one.
      if (n >= t.width) return static_cast<int64_t>(under ? t.lo : t.hi);
      bool flip;
      if (n == 0) {
        flip = bit_of(t.ap ? fl : v, t.width) != bit_of(v, t.width - 1);
      } else if (n == 1) {
        flip = negative != bit_of(v, t.width - 1);
      } else {
        flip = negative == bit_of(v, t.width - n);
      }
      uint64_t kept = flip ? ~bits : bits;
      if (n >= 2) kept = saturate_top_bits(kept, t, n, negative);
      return t.from_bits(kept);
    }
  }
  return 0;
}

// Calls fn(integral_constant<Rounding,Q>, integral_constant<Overflow,O>) for the
// runtime modes: one switch per call instead of one per element.
template <Rounding Q, class Fn>
decltype(auto) dispatch_overflow(Overflow o, Fn&& fn) {
  using RQ = std::integral_constant<Rounding, Q>;
  switch (o) {
    case Overflow::SAT:
      return fn(RQ{}, std::integral_constant<Overflow, Overflow::SAT>{});
    case Overflow::SAT_ZERO:
      return fn(RQ{}, std::integral_constant<Overflow, Overflow::SAT_ZERO>{});
    case Overflow::SAT_SYM:
      return fn(RQ{}, std::integral_constant<Overflow, Overflow::SAT_SYM>{});
    case Overflow::WRAP:
      return fn(RQ{}, std::integral_constant<Overflow, Overflow::WRAP>{});
    case Overflow::WRAP_SM:
      break;
  }
  return fn(RQ{}, std::integral_constant<Overflow, Overflow::WRAP_SM>{});
}

// Every deterministic cast goes through dispatch, so this is where RND_STOCH is refused.
[[noreturn]] void refuse_stochastic() {
  throw FxTypeError(
      "rounding mode RND_STOCH needs random bits: the deterministic casts (cast_from_double, "
      "cast_from_raw, convert, RawCaster, the array casts) refuse it; use "
      "fx::StochasticCaster (fx/stochastic.hpp) with the lane's fx::Lfsr");
}

template <class Fn>
decltype(auto) dispatch(Rounding q, Overflow o, Fn&& fn) {
  switch (q) {
    case Rounding::RND_STOCH:
      refuse_stochastic();
    case Rounding::RND:
      return dispatch_overflow<Rounding::RND>(o, fn);
    case Rounding::RND_ZERO:
      return dispatch_overflow<Rounding::RND_ZERO>(o, fn);
    case Rounding::RND_MIN_INF:
      return dispatch_overflow<Rounding::RND_MIN_INF>(o, fn);
    case Rounding::RND_INF:
      return dispatch_overflow<Rounding::RND_INF>(o, fn);
    case Rounding::RND_CONV:
      return dispatch_overflow<Rounding::RND_CONV>(o, fn);
    case Rounding::TRN:
      return dispatch_overflow<Rounding::TRN>(o, fn);
    case Rounding::TRN_ZERO:
      break;
  }
  return dispatch_overflow<Rounding::TRN_ZERO>(o, fn);
}

// A double as an exact integer mantissa m and shift so that x = m * 2^-src_frac.
struct ExactDouble {
  i128 mantissa;
  int src_frac;
  bool is_inf;
};

inline ExactDouble decompose(double x) {
  if (std::isinf(x)) return {x < 0 ? -1 : 1, 0, true};
  int e = 0;
  const double frac = std::frexp(x, &e);                      // x = frac * 2^e, 0.5 <= |frac| < 1
  const auto m = static_cast<int64_t>(std::ldexp(frac, 53));  // exact: 53 significant bits
  return {m, 53 - e, false};
}

template <Rounding Q, Overflow O>
inline int64_t exact_from_mantissa(i128 m, long long shift, const Target& t, CastFlags& f) {
  // Clamp so the int conversion is safe; beyond +-200 every shift behaves alike.
  const int s = shift > 200 ? 200 : (shift < -200 ? -200 : static_cast<int>(shift));
  const RoundedValue r = round_shift<Q>(m, s, f);
  return apply_overflow<O>(r.v, r.floor, t, f);
}

template <Rounding Q, Overflow O>
inline int64_t exact_from_double(double x, const Target& t, CastFlags& f) {
  if (std::isnan(x) || x == 0.0) return 0;
  const ExactDouble d = decompose(x);
  if (d.is_inf) {
    f.inexact = true;
    const i128 huge = d.mantissa * (i128{1} << kHuge);
    return apply_overflow<O>(huge, huge, t, f);
  }
  return exact_from_mantissa<Q, O>(d.mantissa, static_cast<long long>(d.src_frac) - t.frac_bits, t,
                                   f);
}

// ---- double fast path ------------------------------------------------------
//
// For |y| < 2^51 (y = x * 2^F, exact while y is a normal number or x is 0),
// r = (y + 1.5*2^52) - 1.5*2^52 is y rounded to nearest-even, and d = y - r is
// exact; every rounding mode is r corrected by +-1 from d. No libm calls, no
// branches: the compiler vectorizes the block loop.

constexpr double kMagic = 6755399441055744.0;      // 1.5 * 2^52
constexpr double kFastLimit = 2251799813685248.0;  // 2^51
constexpr size_t kBlock = 256;

template <Rounding Q>
inline double round_fast(double y) {
  const double r = (y + kMagic) - kMagic;
  const double d = y - r;
  switch (Q) {
    case Rounding::RND_CONV:
      return r;
    case Rounding::RND:
      return r + (d == 0.5 ? 1.0 : 0.0);
    case Rounding::RND_MIN_INF:
      return r - (d == -0.5 ? 1.0 : 0.0);
    case Rounding::RND_ZERO:
      return r + ((d == 0.5 && y < 0) ? 1.0 : 0.0) - ((d == -0.5 && y > 0) ? 1.0 : 0.0);
    case Rounding::RND_INF:
      return r + ((d == 0.5 && y > 0) ? 1.0 : 0.0) - ((d == -0.5 && y < 0) ? 1.0 : 0.0);
    case Rounding::TRN:
      return r - (d < 0 ? 1.0 : 0.0);
    case Rounding::TRN_ZERO:
      return y >= 0 ? r - (d < 0 ? 1.0 : 0.0) : r + (d > 0 ? 1.0 : 0.0);
    case Rounding::RND_STOCH:  // never instantiated
      break;
  }
  return r;
}

// Converts a rounded (integer-valued, |r| < 2^51) double to the raw result.
// Returns false when the exact path must decide (saturation-bit wrap modes on
// an out-of-range value).
template <Overflow O>
inline bool overflow_fast(double r, double lo, double hi, const Target& t, int64_t& out) {
  switch (O) {
    case Overflow::SAT:
      out = static_cast<int64_t>(r < lo ? lo : (r > hi ? hi : r));
      return true;
    case Overflow::SAT_SYM: {
      const double l = t.is_signed ? -hi : lo;
      out = static_cast<int64_t>(r < l ? l : (r > hi ? hi : r));
      return true;
    }
    case Overflow::SAT_ZERO:
      out = (r < lo || r > hi) ? 0 : static_cast<int64_t>(r);
      return true;
    case Overflow::WRAP:
      if (t.sat_bits == 0) {
        out = t.from_bits(static_cast<uint64_t>(static_cast<int64_t>(r)));
        return true;
      }
      [[fallthrough]];
    case Overflow::WRAP_SM:
      out = static_cast<int64_t>(r);
      return !(r < lo || r > hi);
  }
  return false;
}

// The bit pattern of a double, as an integer (a vectorizable reinterpretation).
inline int64_t double_bits(double x) {
  int64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// Saturating modes on a format with F >= 0 and W <= 50: clamping y to the range
// before rounding gives the same result as rounding then saturating (the bounds
// are integers), and keeps y inside the magic-number range, so there is no
// per-element fallback at all. x * 2^F is exact for F >= 0 (it can only
// overflow, to +-inf, which the clamp handles). The rounded integer is read
// straight from the bits of y + 1.5*2^52: no double -> int64 conversion, which
// SSE2 cannot vectorize.
bool saturating_fast_path_applies(const FxType& t) {
  return (t.overflow == Overflow::SAT || t.overflow == Overflow::SAT_SYM ||
          t.overflow == Overflow::SAT_ZERO) &&
         t.frac_bits() >= 0 && t.frac_bits() <= 1000 && t.width <= 50;
}

template <Rounding Q, Overflow O>
void cast_doubles_saturating(const double* in, size_t n, int64_t* out, const Target& t) {
  const double scale = std::ldexp(1.0, t.frac_bits);
  const double lo = static_cast<double>(t.lo);
  const double hi = static_cast<double>(t.hi);
  // SAT_ZERO clamps just outside the range so that out-of-range stays out of range.
  const double clamp_lo =
      O == Overflow::SAT_ZERO ? lo - 1 : (O == Overflow::SAT_SYM && t.is_signed ? -hi : lo);
  const double clamp_hi = O == Overflow::SAT_ZERO ? hi + 1 : hi;
  const int64_t magic_bits = double_bits(kMagic);
  const auto ilo = static_cast<int64_t>(t.lo);
  const auto ihi = static_cast<int64_t>(t.hi);
  for (size_t i = 0; i < n; ++i) {
    const double x = in[i];
    double y = x * scale;
    y = y < clamp_lo ? clamp_lo : y;
    y = y > clamp_hi ? clamp_hi : y;
    y = x == x ? y : 0.0;  // NaN -> 0
    const double sum = y + kMagic;
    const double d = y - (sum - kMagic);
    int64_t v = double_bits(sum) - magic_bits;  // y rounded to nearest-even
    switch (Q) {
      case Rounding::RND_CONV:
        break;
      case Rounding::RND:
        v += d == 0.5;
        break;
      case Rounding::RND_MIN_INF:
        v -= d == -0.5;
        break;
      case Rounding::RND_ZERO:
        v += (d == 0.5) & (y < 0);
        v -= (d == -0.5) & (y > 0);
        break;
      case Rounding::RND_INF:
        v += (d == 0.5) & (y > 0);
        v -= (d == -0.5) & (y < 0);
        break;
      case Rounding::TRN:
        v -= d < 0;
        break;
      case Rounding::TRN_ZERO:
        v += ((d > 0) & (y < 0)) - ((d < 0) & (y >= 0));
        break;
      case Rounding::RND_STOCH:  // never instantiated
        break;
    }
    if (O == Overflow::SAT_ZERO) v = (v < ilo) | (v > ihi) ? 0 : v;
    out[i] = v;
  }
}

template <Rounding Q, Overflow O>
void cast_doubles(const double* in, size_t n, int64_t* out, const Target& t) {
  const double scale = std::ldexp(1.0, t.frac_bits);
  const double lo = static_cast<double>(t.lo);
  const double hi = static_cast<double>(t.hi);
  for (size_t base = 0; base < n; base += kBlock) {
    const size_t len = n - base < kBlock ? n - base : kBlock;
    bool any_slow = false;
    for (size_t i = 0; i < len; ++i) {
      const double x = in[base + i];
      const double y = x * scale;
      const double a = std::fabs(y);
      const bool fast = a < kFastLimit && (a >= DBL_MIN || x == 0.0);
      const double r = round_fast<Q>(fast ? y : 0.0);
      int64_t v = 0;
      const bool done = overflow_fast<O>(r, lo, hi, t, v);
      out[base + i] = v;
      any_slow |= !(fast && done);
    }
    if (!any_slow) continue;
    for (size_t i = 0; i < len; ++i) {  // rare: redo the elements the fast path cannot
      const double x = in[base + i];
      CastFlags f;
      out[base + i] = exact_from_double<Q, O>(x, t, f);
    }
  }
}

template <Rounding Q, Overflow O>
void cast_raws(const int64_t* in, size_t n, int src_frac, int64_t* out, const Target& t) {
  const long long shift = static_cast<long long>(src_frac) - t.frac_bits;
  if (shift > 0 && shift < 62) {
    // Common accumulator -> output case: rounding in 64-bit arithmetic.
    const int s = static_cast<int>(shift);
    const int64_t half = int64_t{1} << (s - 1);
    const int64_t rmask = (int64_t{1} << s) - 1;
    for (size_t i = 0; i < n; ++i) {
      const int64_t m = in[i];
      const int64_t fl = m >> s;
      const int64_t rem = m & rmask;
      const bool up = rounds_up<Q>(m < 0, rem, half, (fl & 1) != 0);
      CastFlags f;
      out[i] = apply_overflow<O>(static_cast<i128>(fl + (up ? 1 : 0)), fl, t, f);
    }
    return;
  }
  for (size_t i = 0; i < n; ++i) {
    CastFlags f;
    out[i] = exact_from_mantissa<Q, O>(in[i], shift, t, f);
  }
}

// One raw -> raw cast with the flags, as exact_from_mantissa(raw, shift) for 0 < shift < 62, in
// 64-bit arithmetic: the floor, the dropped part and rounds_up are those of round_shift computed
// on int64 (the floor plus one cannot overflow since shift >= 1); a rounded value well inside
// the range is the result, anything else goes through apply_overflow.
template <Rounding Q, Overflow O>
inline int64_t cast_raw_shifted(int64_t m, int s, const Target& t, CastFlags& f) {
  const int64_t half = int64_t{1} << (s - 1);
  const int64_t fl = m >> s;
  const int64_t rem = m & ((int64_t{1} << s) - 1);
  f.inexact = rem != 0;
  f.tie = rem == half;
  const int64_t v = fl + (rounds_up<Q>(m < 0, rem, half, (fl & 1) != 0) ? 1 : 0);
  if (v >= t.in_lo && v <= t.in_hi) return v;
  return apply_overflow<O>(static_cast<i128>(v), fl, t, f);
}

template <Rounding Q, Overflow O>
inline int64_t cast_raw_flagged(int64_t m, long long shift, const Target& t, CastFlags& f) {
  if (shift > 0 && shift < 62) return cast_raw_shifted<Q, O>(m, static_cast<int>(shift), t, f);
  return exact_from_mantissa<Q, O>(m, shift, t, f);
}

template <Rounding Q, Overflow O>
void cast_raws_flagged(const Target& t, long long shift, const int64_t* in, size_t n, int64_t* out,
                       CastStats* stats) {
  uint64_t inexact = 0, ties = 0, overflows = 0;
  if (shift > 0 && shift < 62) {  // the shift test once per call, not per element
    const int s = static_cast<int>(shift);
    for (size_t i = 0; i < n; ++i) {
      CastFlags f;
      out[i] = cast_raw_shifted<Q, O>(in[i], s, t, f);
      inexact += f.inexact;
      ties += f.tie;
      overflows += f.overflow;
    }
  } else {
    for (size_t i = 0; i < n; ++i) {
      CastFlags f;
      out[i] = exact_from_mantissa<Q, O>(in[i], shift, t, f);
      inexact += f.inexact;
      ties += f.tie;
      overflows += f.overflow;
    }
  }
  if (!stats) return;
  stats->count += n;
  stats->inexact += inexact;
  stats->ties += ties;
  stats->overflows += overflows;
}

template <Rounding Q, Overflow O>
int64_t cast_one_flagged(const Target& t, long long shift, int64_t raw, CastFlags& f) {
  return cast_raw_flagged<Q, O>(raw, shift, t, f);
}

inline i128 raw_as_wide(int64_t raw, const FxType& t) {
  if (!t.is_signed && t.width == 64) return static_cast<i128>(static_cast<uint64_t>(raw));
  return raw;
}

}  // namespace

Overflow effective_overflow(const FxType& t) {
  if (t.overflow == Overflow::SAT_SYM && t.ap_semantics() && t.is_signed && t.width == 1) {
    return Overflow::SAT;
  }
  return t.overflow;
}

int64_t cast_from_double(double x, const FxType& t, CastFlags* flags) {
  CastFlags f;
  const Target target(t);
  const int64_t r = dispatch(t.rounding, effective_overflow(t), [&](auto q, auto o) {
    return exact_from_double<decltype(q)::value, decltype(o)::value>(x, target, f);
  });
  if (flags) *flags = f;
  return r;
}

int64_t cast_from_raw(int64_t raw, int src_frac_bits, const FxType& t, CastFlags* flags) {
  CastFlags f;
  const Target target(t);
  const long long shift = static_cast<long long>(src_frac_bits) - t.frac_bits();
  const int64_t r = dispatch(t.rounding, effective_overflow(t), [&](auto q, auto o) {
    return exact_from_mantissa<decltype(q)::value, decltype(o)::value>(raw, shift, target, f);
  });
  if (flags) *flags = f;
  return r;
}

struct RawCaster::Plan {
  Target target;
  long long shift;
  int64_t (*one)(const Target&, long long, int64_t, CastFlags&);
  void (*array)(const Target&, long long, const int64_t*, size_t, int64_t*, CastStats*);
};

RawCaster::RawCaster(int src_frac_bits, const FxType& to) {
  dispatch(to.rounding, effective_overflow(to), [&](auto q, auto o) {
    constexpr Rounding kQ = decltype(q)::value;
    constexpr Overflow kO = decltype(o)::value;
    plan_ = std::make_shared<const Plan>(
        Plan{Target(to), static_cast<long long>(src_frac_bits) - to.frac_bits(),
             &cast_one_flagged<kQ, kO>, &cast_raws_flagged<kQ, kO>});
  });
}

int64_t RawCaster::cast(int64_t raw, CastFlags* flags) const {
  CastFlags f;
  const int64_t r = plan_->one(plan_->target, plan_->shift, raw, f);
  if (flags) *flags = f;
  return r;
}

void RawCaster::cast_array(const int64_t* in, size_t n, int64_t* out, CastStats* stats) const {
  plan_->array(plan_->target, plan_->shift, in, n, out, stats);
}

int64_t convert(int64_t raw, const FxType& from, const FxType& to, CastFlags* flags) {
  CastFlags f;
  const Target target(to);
  const long long shift = static_cast<long long>(from.frac_bits()) - to.frac_bits();
  const i128 m = raw_as_wide(raw, from);
  const int64_t r = dispatch(to.rounding, effective_overflow(to), [&](auto q, auto o) {
    return exact_from_mantissa<decltype(q)::value, decltype(o)::value>(m, shift, target, f);
  });
  if (flags) *flags = f;
  return r;
}

double to_double(int64_t raw, const FxType& t) {
  const double v = (!t.is_signed && t.width == 64) ? static_cast<double>(static_cast<uint64_t>(raw))
                                                   : static_cast<double>(raw);
  return std::ldexp(v, -t.frac_bits());
}

void cast_array_from_double(const double* in, size_t n, int64_t* out, const FxType& t,
                            CastStats* stats) {
  const Target target(t);
  if (stats) {  // per-element flags: the exact path
    dispatch(t.rounding, effective_overflow(t), [&](auto q, auto o) {
      for (size_t i = 0; i < n; ++i) {
        CastFlags f;
        out[i] = exact_from_double<decltype(q)::value, decltype(o)::value>(in[i], target, f);
        stats->add(f);
      }
    });
    return;
  }
  dispatch(t.rounding, effective_overflow(t), [&](auto q, auto o) {
    constexpr Overflow kO = decltype(o)::value;
    if constexpr (kO == Overflow::SAT || kO == Overflow::SAT_SYM || kO == Overflow::SAT_ZERO) {
      if (saturating_fast_path_applies(t)) {
        cast_doubles_saturating<decltype(q)::value, kO>(in, n, out, target);
        return;
      }
    }
    cast_doubles<decltype(q)::value, kO>(in, n, out, target);
  });
}

void cast_array_from_raw(const int64_t* in, size_t n, int src_frac_bits, int64_t* out,
                         const FxType& t, CastStats* stats) {
  const Target target(t);
  if (stats) {
    const long long shift = static_cast<long long>(src_frac_bits) - t.frac_bits();
    dispatch(t.rounding, effective_overflow(t), [&](auto q, auto o) {
      for (size_t i = 0; i < n; ++i) {
        CastFlags f;
        out[i] =
            exact_from_mantissa<decltype(q)::value, decltype(o)::value>(in[i], shift, target, f);
        stats->add(f);
      }
    });
    return;
  }
  dispatch(t.rounding, effective_overflow(t), [&](auto q, auto o) {
    cast_raws<decltype(q)::value, decltype(o)::value>(in, n, src_frac_bits, out, target);
  });
}

void to_double_array(const int64_t* raw, size_t n, double* out, const FxType& t) {
  const double lsb = t.lsb();
  if (!t.is_signed && t.width == 64) {
    for (size_t i = 0; i < n; ++i)
      out[i] = static_cast<double>(static_cast<uint64_t>(raw[i])) * lsb;
    return;
  }
  // raw * 2^-F is exact unless the product leaves the normal range; fall back then.
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<double>(raw[i]) * lsb;
  if (lsb == 0.0 || std::isinf(lsb) || t.frac_bits() > 1000) {
    for (size_t i = 0; i < n; ++i) out[i] = to_double(raw[i], t);
  }
}

void quantize_array(const double* in, size_t n, double* out, const FxType& t, CastStats* stats) {
  std::vector<int64_t> raw(n);
  cast_array_from_double(in, n, raw.data(), t, stats);
  to_double_array(raw.data(), n, out, t);
}

namespace detail {

LsbSplit split_raw(int64_t raw, long long shift) {
  if (shift <= 0) {
    CastFlags unused;  // an exact value: round_shift's left shift, with its huge-value rule
    const int s = shift < -200 ? -200 : static_cast<int>(shift);
    return {round_shift<Rounding::TRN>(raw, s, unused).v, 0, 0};
  }
  const int s = shift > kMaxRightShift ? kMaxRightShift : static_cast<int>(shift);
  const i128 m = raw;
  const i128 fl = m >> s;
  return {fl, m - fl * (i128{1} << s), s};
}

LsbSplit split_double(double x, int frac_bits) {
  if (std::isnan(x) || x == 0.0) return {0, 0, 0};
  const ExactDouble d = decompose(x);
  if (d.is_inf) return {d.mantissa * (i128{1} << kHuge), 0, 0};
  // x * 2^F = mantissa * 2^-(src_frac - F); as exact_from_mantissa, every shift beyond
  // +-200 behaves like +-200.
  const long long shift = static_cast<long long>(d.src_frac) - frac_bits;
  const int s = shift > 200 ? 200 : (shift < -200 ? -200 : static_cast<int>(shift));
  if (s <= 0) {
    CastFlags unused;
    return {round_shift<Rounding::TRN>(d.mantissa, s, unused).v, 0, 0};
  }
  const int k = s > kMaxRightShift ? kMaxRightShift : s;
  const i128 fl = d.mantissa >> k;
  return {fl, d.mantissa - fl * (i128{1} << k), k};
}

struct OverflowStage::Impl {
  Target target;
  int64_t (*apply)(i128, i128, const Target&, CastFlags&);
};

OverflowStage::OverflowStage(const FxType& to) {
  // The rounding mode plays no part here: dispatch on TRN, keep the overflow step.
  dispatch(Rounding::TRN, effective_overflow(to), [&](auto, auto o) {
    impl_ = std::make_shared<const Impl>(Impl{Target(to), &apply_overflow<decltype(o)::value>});
  });
}

int64_t OverflowStage::apply(i128 v, i128 fl, CastFlags& f) const {
  return impl_->apply(v, fl, impl_->target, f);
}

}  // namespace detail

}  // namespace fxsim::fx
