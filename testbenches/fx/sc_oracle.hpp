// The reference oracle of the fx tests: SystemC sc_fix / sc_ufix built from an
// fx::FxType, and small helpers to collect and print mismatches.
//
// Raw values are read back from SystemC bit by bit (bit i of an sc_fxnum word,
// i = 0 is the LSB), never through fx, so the oracle shares no code with fx.
#pragma once

#ifndef SC_INCLUDE_FX
#define SC_INCLUDE_FX
#endif
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <systemc>
#include <vector>

#include "fx/fx_type.hpp"

namespace fx = fxsim::fx;

namespace fxtest {

inline sc_dt::sc_q_mode sc_q(fx::Rounding q) {
  switch (q) {
    case fx::Rounding::RND:
      return sc_dt::SC_RND;
    case fx::Rounding::RND_ZERO:
      return sc_dt::SC_RND_ZERO;
    case fx::Rounding::RND_MIN_INF:
      return sc_dt::SC_RND_MIN_INF;
    case fx::Rounding::RND_INF:
      return sc_dt::SC_RND_INF;
    case fx::Rounding::RND_CONV:
      return sc_dt::SC_RND_CONV;
    case fx::Rounding::TRN:
      return sc_dt::SC_TRN;
    case fx::Rounding::TRN_ZERO:
      return sc_dt::SC_TRN_ZERO;
    case fx::Rounding::RND_STOCH:  // SystemC has no such mode: no oracle for it
      break;
  }
  return sc_dt::SC_TRN;
}

inline sc_dt::sc_o_mode sc_o(fx::Overflow o) {
  switch (o) {
    case fx::Overflow::SAT:
      return sc_dt::SC_SAT;
    case fx::Overflow::SAT_ZERO:
      return sc_dt::SC_SAT_ZERO;
    case fx::Overflow::SAT_SYM:
      return sc_dt::SC_SAT_SYM;
    case fx::Overflow::WRAP:
      return sc_dt::SC_WRAP;
    case fx::Overflow::WRAP_SM:
      return sc_dt::SC_WRAP_SM;
  }
  return sc_dt::SC_WRAP;
}

// The W-bit word of x in fx's raw convention: sign-extended for signed
// formats, zero-extended for unsigned ones (W = 64 unsigned: the uint64 bit
// pattern in an int64_t).
inline int64_t sc_raw(const sc_dt::sc_fxnum& x, int width, bool is_signed) {
  uint64_t r = 0;
  for (int i = 0; i < width; ++i) {
    if (static_cast<bool>(x[i])) r |= uint64_t{1} << i;
  }
  if (is_signed && width < 64 && ((r >> (width - 1)) & 1u) != 0) r |= ~uint64_t{0} << width;
  return static_cast<int64_t>(r);
}

// A raw value of type t from W random bits: the low W bits of `bits`,
// sign-extended for a signed type (the W = 64 unsigned pattern as is).
inline int64_t raw_from_bits(uint64_t bits, const fx::FxType& t) {
  const int w = t.width;
  if (w < 64) {
    bits &= (uint64_t{1} << w) - 1;
    if (t.is_signed && ((bits >> (w - 1)) & 1u) != 0) bits |= ~uint64_t{0} << w;
  }
  return static_cast<int64_t>(bits);
}

// The exact value raw * 2^-frac_bits; raw is read as uint64_t when unsigned_bits.
inline sc_dt::sc_fxval fxval_from_raw(int64_t raw, int frac_bits, bool unsigned_bits = false) {
  const sc_dt::sc_fxval v =
      unsigned_bits ? sc_dt::sc_fxval(static_cast<sc_dt::uint64>(static_cast<uint64_t>(raw)))
                    : sc_dt::sc_fxval(static_cast<sc_dt::int64>(raw));
  return frac_bits >= 0 ? (v >> frac_bits) : (v << -frac_bits);
}

// The raw value of a value of type t, as SystemC holds it.
inline sc_dt::sc_fxval fxval_of(int64_t raw, const fx::FxType& t) {
  return fxval_from_raw(raw, t.frac_bits(), !t.is_signed);
}

// What SystemC made of one cast: the raw result and its overflow flag
// (sc_fxnum::overflow_flag(), set for SAT_SYM also when the rounded value is
// exactly -2^(W-1) LSB, which SAT_SYM moves to -max).
struct ScResult {
  int64_t raw;
  bool overflow;
};

// A SystemC variable with the parameters of an FxType: assigning a value casts
// it (rounding, then overflow) exactly as sc_fix / sc_ufix do.
class ScTarget {
 public:
  explicit ScTarget(const fx::FxType& t) : t_(t) {
    if (t.is_signed) {
      fix_.emplace(t.width, t.int_bits, sc_q(t.rounding), sc_o(t.overflow), t.sat_bits);
    } else {
      ufix_.emplace(t.width, t.int_bits, sc_q(t.rounding), sc_o(t.overflow), t.sat_bits);
    }
  }
  template <class V>
  ScResult cast(const V& v) {
    if (fix_) {
      *fix_ = v;
      return {sc_raw(*fix_, t_.width, true), fix_->overflow_flag()};
    }
    *ufix_ = v;
    return {sc_raw(*ufix_, t_.width, false), ufix_->overflow_flag()};
  }

 private:
  fx::FxType t_;
  std::optional<sc_dt::sc_fix> fix_;
  std::optional<sc_dt::sc_ufix> ufix_;
};

// One-shot oracle casts: an sc_fix / sc_ufix of t's parameters constructed
// from the value (a double is taken at its exact binary value).
template <class V>
ScResult sc_cast_full(const V& x, const fx::FxType& t) {
  if (t.is_signed) {
    sc_dt::sc_fix v(x, t.width, t.int_bits, sc_q(t.rounding), sc_o(t.overflow), t.sat_bits);
    return {sc_raw(v, t.width, true), v.overflow_flag()};
  }
  sc_dt::sc_ufix v(x, t.width, t.int_bits, sc_q(t.rounding), sc_o(t.overflow), t.sat_bits);
  return {sc_raw(v, t.width, false), v.overflow_flag()};
}

inline int64_t sc_cast(double x, const fx::FxType& t) { return sc_cast_full(x, t).raw; }
inline int64_t sc_cast(const sc_dt::sc_fxval& x, const fx::FxType& t) {
  return sc_cast_full(x, t).raw;
}

// Where the value x lands once rounded (with t's rounding, unbounded range)
// onto t's LSB grid, relative to t's range [raw_min, raw_max]. Uses a signed
// sc_fix wide enough that the rounding itself never overflows.
// x_msb_exponent: any e with |x| < 2^e.
enum class Rounded { kInside, kAtMin, kOutside };
inline Rounded sc_rounded_position(const sc_dt::sc_fxval& x, int x_msb_exponent,
                                   const fx::FxType& t) {
  const int f = t.frac_bits();
  const int iwl = std::max(x_msb_exponent, t.int_bits) + 3;
  const sc_dt::sc_fix rounded(x, iwl + f, iwl, sc_q(t.rounding), sc_dt::SC_WRAP, 0);
  const sc_dt::sc_fxval lo = fxval_of(t.raw_min(), t);
  const sc_dt::sc_fxval hi = fxval_of(t.raw_max(), t);
  if (rounded < lo || rounded > hi) return Rounded::kOutside;
  return rounded == lo ? Rounded::kAtMin : Rounded::kInside;
}

// The overflow flag the range rule predicts: the rounded value is outside
// [min, max], or (SAT_SYM, signed) it is exactly min, which SAT_SYM moves to -max.
inline bool predicted_overflow(Rounded pos, const fx::FxType& t) {
  return pos == Rounded::kOutside ||
         (pos == Rounded::kAtMin && t.is_signed && t.overflow == fx::Overflow::SAT_SYM);
}

inline std::string hexfloat(double x) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%a (%.17g)", x, x);
  return buf;
}

// Counts mismatches and keeps the first few descriptions for the failure message.
struct Mismatches {
  uint64_t checked = 0;
  uint64_t count = 0;
  std::vector<std::string> first;

  void add(std::string what) {
    ++count;
    if (first.size() < 10) first.push_back(std::move(what));
  }
  std::string report() const {
    std::string s = std::to_string(count) + " mismatches in " + std::to_string(checked) +
                    " checks; first ones:\n";
    for (const auto& f : first) s += "  " + f + "\n";
    return s;
  }
};

}  // namespace fxtest
