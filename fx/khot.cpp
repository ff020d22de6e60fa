#include "fx/khot.hpp"

#include <cmath>

#include "fx/fx_type.hpp"

namespace fxsim::fx {
namespace {

using u128 = unsigned __int128;
using i128 = __int128;

int bit_length(u128 v) {
  int n = 0;
  while (v != 0) {
    v >>= 1;
    ++n;
  }
  return n;
}

int popcount(u128 v) {
  return __builtin_popcountll(static_cast<uint64_t>(v)) +
         __builtin_popcountll(static_cast<uint64_t>(v >> 64));
}

// The largest number <= v with at most k set bits: v's k highest set bits.
u128 top_k_bits(u128 v, int k) {
  u128 kept = 0;
  for (int i = 0; i < k && v != 0; ++i) {
    const u128 msb = u128{1} << (bit_length(v) - 1);
    kept |= msb;
    v &= ~msb;
  }
  return kept;
}

// The smallest number >= v with at most k set bits: v itself if it has few
// enough bits, else its k highest set bits rounded up at the lowest of them.
u128 next_k_hot_at_or_above(u128 v, int k) {
  if (popcount(v) <= k) return v;
  const u128 kept = top_k_bits(v, k);
  return kept + (kept & (~kept + 1));  // + lowest kept bit
}

// |x| * 2^F as an exact dyadic rational: numerator / 2^den_bits, with
// den_bits >= 0. `huge` when it exceeds every 64-bit magnitude.
struct Scaled {
  u128 numerator = 0;
  int den_bits = 0;
  bool huge = false;
};

Scaled scale_magnitude(double x, int frac_bits) {
  Scaled s;
  const double a = std::fabs(x);
  if (a == 0.0) return s;
  if (std::isinf(a)) {
    s.huge = true;
    return s;
  }
  int e = 0;
  const double frac = std::frexp(a, &e);
  const auto mant = static_cast<uint64_t>(std::ldexp(frac, 53));
  const long long sh = static_cast<long long>(e) - 53 + frac_bits;  // a * 2^F = mant * 2^sh
  if (sh >= 0) {
    if (sh >= 64) {
      s.huge = true;
      return s;
    }
    s.numerator = u128{mant} << sh;  // < 2^117
    if ((s.numerator >> 64) != 0) s.huge = true;
    return s;
  }
  if (sh < -70) {
    // Below 2^-17 LSB: every K-hot / SPT rule rounds it to zero.
    return s;
  }
  s.numerator = mant;
  s.den_bits = static_cast<int>(-sh);
  return s;
}

// Nearest K-hot magnitude to the scaled value (ties to the larger), saturating.
uint64_t nearest_k_hot(const Scaled& s, const KhotType& t) {
  const u128 max_mag = t.max_magnitude();
  if (s.huge) return static_cast<uint64_t>(max_mag);
  const u128 floor_v = s.numerator >> s.den_bits;
  const u128 rem = s.numerator - (floor_v << s.den_bits);
  if (floor_v >= max_mag) return static_cast<uint64_t>(max_mag);
  const u128 lo = top_k_bits(floor_v, t.k);
  const u128 hi = next_k_hot_at_or_above(rem == 0 ? floor_v : floor_v + 1, t.k);
  if (hi > max_mag) return static_cast<uint64_t>(lo);
  if (hi == lo) return static_cast<uint64_t>(lo);
  // Compare m - lo with hi - m, i.e. 2m with lo + hi, scaled by 2^den_bits:
  // 2 * numerator vs (lo + hi) << den_bits. When den_bits > 0 the values are
  // below 2^53 / 2^den_bits, so nothing overflows 128 bits.
  const u128 twice_m = s.numerator << 1;
  const u128 mid = (lo + hi) << s.den_bits;
  return static_cast<uint64_t>(twice_m < mid ? lo : hi);
}

// Greedy signed-power-of-two terms of a signed residual numerator / 2^den_bits.
std::vector<Term> greedy_spt_terms(i128 residual, int den_bits, const KhotType& t) {
  std::vector<Term> terms;
  const int max_shift = t.magnitude_bits() - 1;
  while (static_cast<int>(terms.size()) < t.k && residual != 0) {
    const bool negative = residual < 0;
    const u128 a = static_cast<u128>(negative ? -residual : residual);
    // Nearest power 2^p of a / 2^den_bits; a >= 1.5 * 2^q chooses 2^(q+1) (ties up).
    int p = bit_length(a) - 1 - den_bits;  // floor(log2(value)), may be negative
    if (p >= 0 && (a << 1) >= (u128{3} << (p + den_bits))) ++p;
    if (p < 0) p = 0;
    // Each power lies strictly below the previous one (signed digits, no repeats):
    // only the range cap can make the nearest power repeat, near the top of the range.
    const int cap = terms.empty() ? max_shift : terms.back().shift - 1;
    if (cap < 0) break;
    if (p > cap) p = cap;
    // Take the term only if it reduces the residual: |a - 2^p| < a  <=>  2^p < 2a.
    const u128 power = u128{1} << (p + den_bits);
    if (!(power < (a << 1))) break;
    terms.push_back(Term{negative, p});
    residual += negative ? static_cast<i128>(power) : -static_cast<i128>(power);
  }
  return terms;
}

const char* kind_name(KhotKind k) {
  switch (k) {
    case KhotKind::KHOT:
      return "khot";
    case KhotKind::UKHOT:
      return "ukhot";
    case KhotKind::SPT:
      return "spt";
  }
  return "?";
}

}  // namespace

void KhotType::validate() const {
  const std::string name = kind_name(kind);
  const int min_width = kind == KhotKind::UKHOT ? 1 : 2;
  if (width < min_width || width > 64) {
    throw FxTypeError(name + ": word length W = " + std::to_string(width) + ": expected " +
                      std::to_string(min_width) + "..64" +
                      (min_width == 2 ? " (one bit is the sign)" : ""));
  }
  if (int_bits < -1000 || int_bits > 1000) {
    throw FxTypeError(name + ": integer bits I = " + std::to_string(int_bits) +
                      ": expected -1000..1000");
  }
  if (k < 1 || k > magnitude_bits()) {
    throw FxTypeError(name + ": K = " + std::to_string(k) + ": expected 1.." +
                      std::to_string(magnitude_bits()) + " (the number of magnitude bits)");
  }
}

KhotType KhotType::make(KhotKind kind, int w, int i, int k) {
  KhotType t{kind, w, i, k};
  t.validate();
  return t;
}

uint64_t KhotType::max_magnitude() const {
  uint64_t m = 0;
  for (int i = 0; i < k; ++i) m |= uint64_t{1} << (magnitude_bits() - 1 - i);
  return m;
}

std::string KhotType::str() const {
  return std::string(kind_name(kind)) + "<" + std::to_string(width) + "," +
         std::to_string(int_bits) + "," + std::to_string(k) + ">";
}

int64_t khot_quantize(double x, const KhotType& t) {
  if (std::isnan(x) || x == 0.0) return 0;
  const bool negative = x < 0;
  if (negative && t.kind == KhotKind::UKHOT) return 0;  // 0 is the nearest unsigned value
  const Scaled s = scale_magnitude(x, t.frac_bits());
  if (t.kind == KhotKind::SPT) {
    const u128 max_mag = t.max_magnitude();
    i128 residual;
    int den_bits = s.den_bits;
    if (s.huge || (s.numerator >> s.den_bits) >= max_mag) {
      residual = static_cast<i128>(max_mag);  // clamp to the range first
      den_bits = 0;
    } else {
      residual = static_cast<i128>(s.numerator);
    }
    const int64_t v = terms_value(greedy_spt_terms(residual, den_bits, t));
    return negative ? -v : v;
  }
  const auto mag = static_cast<int64_t>(nearest_k_hot(s, t));
  return negative ? -mag : mag;
}

bool khot_representable(int64_t raw, const KhotType& t) {
  if (t.kind == KhotKind::UKHOT) {
    const auto mag = static_cast<uint64_t>(raw);
    return mag <= t.max_magnitude() && popcount(mag) <= t.k;
  }
  const uint64_t mag = raw < 0 ? uint64_t{0} - static_cast<uint64_t>(raw) : raw;
  if (mag > t.max_magnitude()) return false;
  if (t.kind == KhotKind::KHOT) return popcount(mag) <= t.k;
  return terms_value(greedy_spt_terms(raw, 0, t)) == raw;
}

std::vector<Term> khot_encode(int64_t raw, const KhotType& t) {
  if (!khot_representable(raw, t)) {
    throw FxTypeError("raw value " + std::to_string(raw) + " is not a value of " + t.str());
  }
  if (t.kind == KhotKind::SPT) return greedy_spt_terms(raw, 0, t);
  const bool negative = t.kind != KhotKind::UKHOT && raw < 0;
  const uint64_t mag =
      negative ? uint64_t{0} - static_cast<uint64_t>(raw) : static_cast<uint64_t>(raw);
  std::vector<Term> terms;
  for (int b = 63; b >= 0; --b) {
    if ((mag >> b) & 1) terms.push_back(Term{negative, b});
  }
  return terms;
}

int64_t terms_value(const std::vector<Term>& terms) {
  uint64_t sum = 0;  // modular arithmetic: well defined even for a 2^63 term
  for (const Term& term : terms) {
    const uint64_t p = uint64_t{1} << term.shift;
    sum += term.negative ? uint64_t{0} - p : p;
  }
  return static_cast<int64_t>(sum);
}

int64_t shift_add(int64_t a, const std::vector<Term>& terms) {
  int64_t p = 0;
  for (const Term& t : terms) {
    const int64_t shifted = a * (int64_t{1} << t.shift);  // a << shift, sign kept
    p += t.negative ? -shifted : shifted;
  }
  return p;
}

std::string format_terms(const std::vector<Term>& terms, int frac_bits) {
  if (terms.empty()) return "0";
  std::string s;
  for (const Term& term : terms) {
    if (!s.empty()) s += ' ';
    s += term.negative ? "-2^" : "+2^";
    s += std::to_string(term.shift - frac_bits);
  }
  return s;
}

double khot_to_double(int64_t raw, const KhotType& t) {
  const double v = t.kind == KhotKind::UKHOT ? static_cast<double>(static_cast<uint64_t>(raw))
                                             : static_cast<double>(raw);
  return std::ldexp(v, -t.frac_bits());
}

}  // namespace fxsim::fx
