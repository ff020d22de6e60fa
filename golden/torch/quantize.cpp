// Vectorized tensor casts with fx/'s semantics (SystemC, or ap_fixed for the ap_ spellings). The
// structure mirrors fx/cast.cpp's exact path: round to an integer first (sign-magnitude on doubles,
// floor-based on raw integers), then apply the overflow mode to the rounded integer. See
// quantize.hpp for why each step is exact.
#include "golden/torch/quantize.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "fx/cast.hpp"

namespace fxsim::golden {
namespace {

constexpr double kTwo62 = 4611686018427387904.0;  // 2^62
constexpr int64_t kI62 = int64_t{1} << 62;

torch::Tensor i64(int64_t v) { return torch::scalar_tensor(v, torch::kInt64); }

// x * 2^e, exact for double x unless the result leaves the normal range. Two factors keep 2^e
// finite for every F fx allows (|e| <= 1064).
torch::Tensor scale_pow2(const torch::Tensor& x, int e) {
  const int e1 = std::clamp(e, -1000, 1000);
  torch::Tensor y = x * std::ldexp(1.0, e1);
  if (e != e1) y = y * std::ldexp(1.0, e - e1);
  return y;
}

// The rounded integer in three views, as the overflow step needs it:
//  v          exact when |value| < 2^62, else +-2^62 (still beyond every range of W <= 62);
//  low        the low 64 bits of the exact integer (two's complement): what WRAP keeps;
//  negative   the exact integer is < 0;
//  floor_low  the low 64 bits of the floor of the value before rounding, set only where
//             ap_fixed's WRAP_SM (N = 0) reads it (reads_floor).
struct Rounded {
  torch::Tensor v;
  torch::Tensor low;
  torch::Tensor negative;
  torch::Tensor floor_low;
};

// ap_fixed's sign-magnitude wrap with N = 0 takes the sign from bit W of the floor.
bool reads_floor(const fx::FxType& t) {
  return t.ap_semantics() && t.overflow == fx::Overflow::WRAP_SM && t.sat_bits == 0;
}

// Low `width` bits, sign-extended for signed formats (width <= 62).
torch::Tensor from_bits(const torch::Tensor& bits, const fx::FxType& t) {
  if (t.is_signed) {
    const int sh = 64 - t.width;
    return torch::bitwise_right_shift(torch::bitwise_left_shift(bits, sh), sh);
  }
  return torch::bitwise_and(bits, (int64_t{1} << t.width) - 1);
}

int64_t width_mask(const fx::FxType& t) { return (int64_t{1} << t.width) - 1; }

// SystemC's o_set: the top n bits take the saturation pattern of the sign (see fx/cast.cpp);
// ap_fixed's unsigned wrap passes negative = all false (the top bits become 1..1).
torch::Tensor saturate_top_bits(const torch::Tensor& bits, const fx::FxType& t, int n,
                                const torch::Tensor& negative) {
  const int64_t mask = width_mask(t);
  const int64_t top = mask & ~((int64_t{1} << (t.width - n)) - 1);
  const int64_t msb = int64_t{1} << (t.width - 1);
  const torch::Tensor pattern = t.is_signed ? torch::where(negative, i64(msb), i64(top & ~msb))
                                            : torch::where(negative, i64(0), i64(top));
  return torch::bitwise_or(torch::bitwise_and(bits, ~top), pattern);
}

torch::Tensor bit_of(const torch::Tensor& v, int k) {
  return torch::bitwise_and(torch::bitwise_right_shift(v, k), 1).to(torch::kBool);
}

bool needs_low_bits(const fx::FxType& t) {
  return (t.overflow == fx::Overflow::WRAP || t.overflow == fx::Overflow::WRAP_SM) &&
         t.sat_bits < t.width;
}

// scfx_rep::overflow (SystemC) or overflow_adjust (ap_fixed) on the rounded integer: the
// vectorized twin of fx's apply_overflow, with its two ap_fixed corners.
torch::Tensor apply_overflow(const Rounded& r, const fx::FxType& t, torch::Tensor* overflow) {
  const int64_t lo = t.raw_min();
  const int64_t hi = t.raw_max();
  const fx::Overflow mode = fx::effective_overflow(t);
  const bool sym = mode == fx::Overflow::SAT_SYM && t.is_signed;
  const torch::Tensor in_range =
      torch::logical_and(sym ? torch::gt(r.v, lo) : torch::ge(r.v, lo), torch::le(r.v, hi));
  if (overflow) *overflow = torch::logical_not(in_range);
  const int n = t.sat_bits;
  switch (mode) {
    case fx::Overflow::SAT:
      return torch::clamp(r.v, lo, hi);
    case fx::Overflow::SAT_SYM:
      return torch::clamp(r.v, sym ? -hi : lo, hi);
    case fx::Overflow::SAT_ZERO:
      return torch::where(in_range, r.v, i64(0));
    case fx::Overflow::WRAP:
      if (n == 0) return from_bits(r.low, t);
      if (t.ap_semantics() && !t.is_signed) {  // ap_ufixed: any overflow sets the top N bits
        if (n >= t.width) return torch::where(in_range, r.v, i64(hi));
        return torch::where(
            in_range, r.v,
            from_bits(saturate_top_bits(r.low, t, n, torch::zeros_like(r.negative)), t));
      }
      if (n >= t.width) return torch::clamp(r.v, lo, hi);
      return torch::where(in_range, r.v, from_bits(saturate_top_bits(r.low, t, n, r.negative), t));
    case fx::Overflow::WRAP_SM: {
      if (n >= t.width) return torch::clamp(r.v, lo, hi);
      torch::Tensor flip;
      if (n == 0) {
        const torch::Tensor& sign_source = reads_floor(t) ? r.floor_low : r.low;
        flip = torch::ne(bit_of(sign_source, t.width), bit_of(r.low, t.width - 1));
      } else if (n == 1) {
        flip = torch::ne(r.negative, bit_of(r.low, t.width - 1));
      } else {
        flip = torch::eq(r.negative, bit_of(r.low, t.width - n));
      }
      torch::Tensor kept = torch::where(flip, torch::bitwise_not(r.low), r.low);
      if (n >= 2) kept = saturate_top_bits(kept, t, n, r.negative);
      return torch::where(in_range, r.v, from_bits(kept, t));
    }
  }
  throw std::logic_error("apply_overflow: unknown overflow mode");
}

// The tensor casts are deterministic; RND_STOCH (fx/stochastic.hpp) is not applied to tensors
// yet (issue 20).
[[noreturn]] void refuse_stochastic() {
  throw fx::FxTypeError(
      "golden: rounding mode RND_STOCH needs random bits: the tensor casts refuse it; use "
      "fx::StochasticCaster (fx/stochastic.hpp) with the lane's fx::Lfsr");
}

// Whether the magnitude rounds up, given floor(a), the exact fraction a - floor(a), the sign of
// the value and `below_half_nonzero` (an input so small that scaling underflowed to 0). Sign-
// magnitude form of fx's rounds_up: "toward +inf" on a negative value is "toward zero" on its
// magnitude.
torch::Tensor magnitude_rounds_up(fx::Rounding q, const torch::Tensor& floor_odd,
                                  const torch::Tensor& frac, const torch::Tensor& neg,
                                  const torch::Tensor& below_half_nonzero) {
  const torch::Tensor above = torch::gt(frac, 0.5);
  const torch::Tensor tie = torch::eq(frac, 0.5);
  switch (q) {
    case fx::Rounding::RND_CONV:
      return torch::logical_or(above, torch::logical_and(tie, floor_odd));
    case fx::Rounding::RND:  // ties toward +inf: up for positive values
      return torch::logical_or(above, torch::logical_and(tie, torch::logical_not(neg)));
    case fx::Rounding::RND_MIN_INF:
      return torch::logical_or(above, torch::logical_and(tie, neg));
    case fx::Rounding::RND_ZERO:
      return above;
    case fx::Rounding::RND_INF:
      return torch::ge(frac, 0.5);
    case fx::Rounding::TRN:  // floor: a negative value with dropped bits grows in magnitude
      return torch::logical_and(neg, torch::logical_or(torch::gt(frac, 0.0), below_half_nonzero));
    case fx::Rounding::TRN_ZERO:
      return torch::zeros_like(neg);
    case fx::Rounding::RND_STOCH:
      refuse_stochastic();
  }
  throw std::logic_error("magnitude_rounds_up: unknown rounding mode");
}

// The low 64 bits of the integer-valued magnitude a >= 2^62 (a finite double is then an integer:
// mantissa * 2^s with s >= 10), or 0 for infinity (fx treats it as 2^100).
torch::Tensor low_bits_of_huge(const torch::Tensor& a) {
  const auto [mantissa, exponent] = torch::frexp(a);
  const torch::Tensor m = torch::where(torch::isinf(a), torch::zeros_like(a), mantissa);
  const torch::Tensor m53 = (m * 9007199254740992.0).to(torch::kInt64);  // * 2^53, exact
  const torch::Tensor s = exponent.to(torch::kInt64) - 53;
  // x86 shifts by s mod 64: mask the shifts of 64 and more (all bits gone) explicitly.
  const torch::Tensor shifted = torch::bitwise_left_shift(m53, torch::clamp(s, 0, 63));
  return torch::where(torch::ge(s, 64), i64(0), shifted);
}

Rounded round_double(const torch::Tensor& x_in, const fx::FxType& t) {
  torch::Tensor x = x_in.to(torch::kFloat64);
  x = torch::where(torch::isnan(x), torch::zeros_like(x), x);
  const torch::Tensor neg = torch::lt(x, 0.0);
  const torch::Tensor a = scale_pow2(torch::abs(x), t.frac_bits());
  const torch::Tensor huge = torch::ge(a, kTwo62);
  const torch::Tensor ac = torch::clamp_max(a, kTwo62);
  const torch::Tensor fl = torch::floor(ac);
  const torch::Tensor frac = ac - fl;
  const torch::Tensor fl_i = fl.to(torch::kInt64);
  const torch::Tensor underflowed = torch::logical_and(torch::eq(a, 0.0), torch::ne(x, 0.0));
  const torch::Tensor up = magnitude_rounds_up(t.rounding, bit_of(fl_i, 0), frac, neg, underflowed);
  const torch::Tensor mag = fl_i + up.to(torch::kInt64);
  Rounded r;
  r.v = torch::where(neg, -mag, mag);
  r.negative = torch::logical_and(neg, torch::ne(mag, 0));
  r.low = r.v;
  if (needs_low_bits(t) && huge.any().item<bool>()) {
    const torch::Tensor low_mag = low_bits_of_huge(torch::where(huge, a, torch::zeros_like(a)));
    // Negation modulo 2^64 gives the low bits of the negative value.
    r.low = torch::where(huge, torch::where(neg, -low_mag, low_mag), r.v);
  }
  if (reads_floor(t)) {
    // floor(x * 2^F): floor(a) for x >= 0, -ceil(a) below (a huge a is an integer: r.low).
    const torch::Tensor dropped = torch::logical_or(torch::gt(frac, 0.0), underflowed);
    const torch::Tensor ceil_a = fl_i + dropped.to(torch::kInt64);
    r.floor_low = torch::where(huge, r.low, torch::where(neg, -ceil_a, fl_i));
  }
  return r;
}

// fx's floor-based rounding of raw * 2^-shift (shift > 0) on int64.
torch::Tensor round_raw_right(const torch::Tensor& raw, int shift, fx::Rounding q) {
  // |raw| < 2^61: every shift >= 62 rounds like 62 (no ties, the same floor and direction).
  const int s = std::min(shift, 62);
  const torch::Tensor fl = torch::bitwise_right_shift(raw, s);
  const torch::Tensor rem = raw - torch::bitwise_left_shift(fl, s);
  const int64_t half = int64_t{1} << (s - 1);
  const torch::Tensor neg = torch::lt(raw, 0);
  const torch::Tensor above = torch::gt(rem, half);
  const torch::Tensor tie = torch::eq(rem, half);
  torch::Tensor up;
  switch (q) {
    case fx::Rounding::TRN:
      return fl;
    case fx::Rounding::TRN_ZERO:
      up = torch::logical_and(neg, torch::ne(rem, 0));
      break;
    case fx::Rounding::RND:
      up = torch::ge(rem, half);
      break;
    case fx::Rounding::RND_ZERO:
      up = torch::logical_or(above, torch::logical_and(tie, neg));
      break;
    case fx::Rounding::RND_MIN_INF:
      up = above;
      break;
    case fx::Rounding::RND_INF:
      up = torch::logical_or(above, torch::logical_and(tie, torch::logical_not(neg)));
      break;
    case fx::Rounding::RND_CONV:
      up = torch::logical_or(above, torch::logical_and(tie, bit_of(fl, 0)));
      break;
    case fx::Rounding::RND_STOCH:
      refuse_stochastic();
  }
  return fl + up.to(torch::kInt64);
}

Rounded round_raw(const torch::Tensor& raw, int shift, const fx::FxType& t) {
  Rounded r;
  if (shift > 0) {
    r.v = round_raw_right(raw, shift, t.rounding);
    r.low = r.v;
    r.negative = torch::lt(r.v, 0);
    if (reads_floor(t)) r.floor_low = torch::bitwise_right_shift(raw, std::min(shift, 62));
    return r;
  }
  const int l = -shift;  // exact left shift; beyond 2^62 the value is "huge"
  r.negative = torch::lt(raw, 0);
  if (l == 0) {
    r.v = raw;
    r.low = raw;
    r.floor_low = raw;
    return r;
  }
  if (l < 62) {
    const int64_t bound = int64_t{1} << (62 - l);
    r.v = torch::bitwise_left_shift(torch::clamp(raw, -bound, bound), l);
  } else {
    r.v = torch::sign(raw) * kI62;
  }
  r.low = l < 64 ? torch::bitwise_left_shift(raw, l) : torch::zeros_like(raw);
  r.floor_low = r.low;  // nothing is rounded
  return r;
}

std::vector<double> to_double_vector(const torch::Tensor& x) {
  const torch::Tensor c = x.to(torch::kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

torch::Tensor from_vector(const std::vector<int64_t>& v, c10::IntArrayRef shape) {
  return torch::tensor(v, torch::kInt64).reshape(shape);
}

void require_overflow_support(const fx::FxType& t, const torch::Tensor* overflow) {
  if (overflow) {
    throw std::invalid_argument("golden: overflow masks need a format of at most 62 bits, not " +
                                t.str());
  }
}

}  // namespace

torch::Tensor quantize_raw(const torch::Tensor& x, const fx::FxType& t, torch::Tensor* overflow) {
  if (t.width > kTorchMaxWidth) {
    require_overflow_support(t, overflow);
    const std::vector<double> in = to_double_vector(x);
    std::vector<int64_t> out(in.size());
    fx::cast_array_from_double(in.data(), in.size(), out.data(), t);
    return from_vector(out, x.sizes());
  }
  return apply_overflow(round_double(x, t), t, overflow);
}

torch::Tensor cast_raw(const torch::Tensor& raw_in, int src_frac_bits, const fx::FxType& t,
                       torch::Tensor* overflow) {
  const torch::Tensor raw = raw_in.to(torch::kInt64);
  constexpr int64_t kLimit = int64_t{1} << 61;
  if (raw.numel() > 0 &&
      !torch::logical_and(torch::gt(raw, -kLimit), torch::lt(raw, kLimit)).all().item<bool>()) {
    throw std::invalid_argument("golden::cast_raw: raw values must satisfy |raw| < 2^61");
  }
  if (t.width > kTorchMaxWidth) {
    require_overflow_support(t, overflow);
    const torch::Tensor c = raw.contiguous();
    std::vector<int64_t> out(c.numel());
    fx::cast_array_from_raw(c.data_ptr<int64_t>(), out.size(), src_frac_bits, out.data(), t);
    return from_vector(out, raw.sizes());
  }
  return apply_overflow(round_raw(raw, src_frac_bits - t.frac_bits(), t), t, overflow);
}

torch::Tensor dequantize(const torch::Tensor& raw, const fx::FxType& t) {
  if (!t.is_signed && t.width == 64) {
    const torch::Tensor c = raw.to(torch::kInt64).contiguous();
    std::vector<double> out(c.numel());
    fx::to_double_array(c.data_ptr<int64_t>(), out.size(), out.data(), t);
    return torch::tensor(out, torch::kFloat64).reshape(raw.sizes());
  }
  return scale_pow2(raw.to(torch::kFloat64), -t.frac_bits());
}

torch::Tensor quantize(const torch::Tensor& x, const fx::FxType& t) {
  return dequantize(quantize_raw(x, t), t).to(x.scalar_type());
}

torch::Tensor khot_magnitude_table(const fx::KhotType& t) {
  const int bits = t.magnitude_bits();
  std::vector<int64_t> values{0};
  // Breadth by number of set bits: extend each value with one bit below its lowest set bit.
  std::vector<std::pair<int64_t, int>> frontier{{0, bits}};  // (value, bits still free below)
  for (int k = 0; k < t.k; ++k) {
    std::vector<std::pair<int64_t, int>> next;
    for (const auto& [v, below] : frontier) {
      for (int b = 0; b < below; ++b) {
        next.emplace_back(v | (int64_t{1} << b), b);
        if (values.size() + next.size() > (size_t{1} << 22)) {
          throw std::invalid_argument("golden: " + t.str() +
                                      " has more than 2^22 values; too many for a lookup table");
        }
      }
    }
    for (const auto& e : next) values.push_back(e.first);
    frontier = std::move(next);
  }
  std::sort(values.begin(), values.end());
  return torch::tensor(values, torch::kInt64);
}

namespace {

void require_khot_width(const fx::KhotType& t) {
  if (t.width > kTorchMaxWidth) {
    throw std::invalid_argument("golden: K-hot tensor quantization supports W <= 62, not " +
                                t.str());
  }
  if (t.kind == fx::KhotKind::SPT && t.k > 53) {
    throw std::invalid_argument("golden: SPT tensor quantization supports K <= 53, not " + t.str());
  }
}

// Nearest table entry to the magnitude a (ties to the larger), saturating at the largest.
torch::Tensor nearest_khot_magnitude(const torch::Tensor& a, const fx::KhotType& t) {
  const torch::Tensor table = khot_magnitude_table(t);
  const int64_t len = table.numel();
  const auto max_mag = static_cast<int64_t>(t.max_magnitude());
  const torch::Tensor ac = torch::clamp_max(a, kTwo62);
  const torch::Tensor fl = torch::floor(ac);
  const torch::Tensor frac = ac - fl;
  const torch::Tensor fl_i = fl.to(torch::kInt64);
  // j = number of entries <= floor(a) (>= 1: the table starts at 0).
  const torch::Tensor j = torch::bucketize(fl_i, table, /*out_int32=*/false, /*right=*/true);
  const torch::Tensor lo = table.index({j - 1});
  const torch::Tensor hi = table.index({torch::clamp_max(j, len - 1)});
  const torch::Tensor exact = torch::logical_and(torch::eq(lo, fl_i), torch::eq(frac, 0.0));
  // a - lo vs hi - a  <=>  2 * frac vs (hi - floor) - (floor - lo), all exact integers but frac.
  const torch::Tensor diff = ((hi - fl_i) - (fl_i - lo)).to(torch::kFloat64);
  const torch::Tensor pick_lo = torch::lt(2.0 * frac, diff);
  torch::Tensor mag = torch::where(torch::logical_or(exact, pick_lo), lo, hi);
  return torch::where(torch::ge(fl_i, max_mag), i64(max_mag), mag);
}

// fx's greedy SPT rule on the (clamped) magnitude a, one vectorized step per term.
torch::Tensor greedy_spt(const torch::Tensor& a, const fx::KhotType& t) {
  const auto max_mag = static_cast<double>(t.max_magnitude());
  const int max_shift = t.magnitude_bits() - 1;
  torch::Tensor r = torch::where(torch::ge(a, max_mag), torch::full_like(a, max_mag), a);
  torch::Tensor total = torch::zeros(a.sizes(), torch::kInt64);
  torch::Tensor cap = torch::full(a.sizes(), int64_t{max_shift}, torch::kInt64);
  torch::Tensor active = torch::ones(a.sizes(), torch::kBool);
  for (int k = 0; k < t.k; ++k) {
    const torch::Tensor ar = torch::abs(r);
    const torch::Tensor rneg = torch::lt(r, 0.0);
    const auto [mantissa, exponent] = torch::frexp(ar);
    (void)mantissa;
    const torch::Tensor q = exponent.to(torch::kInt64) - 1;  // floor(log2 ar)
    const torch::Tensor pow_q = torch::exp2(q.to(torch::kFloat64));
    // Nearest power, ties (ar = 1.5 * 2^q) to the larger.
    torch::Tensor p = q + torch::ge(2.0 * ar, 3.0 * pow_q).to(torch::kInt64);
    p = torch::minimum(torch::clamp_min(p, 0), cap);
    const torch::Tensor power = torch::exp2(p.to(torch::kFloat64));
    const torch::Tensor take =
        torch::logical_and(torch::logical_and(active, torch::gt(ar, 0.0)),
                           torch::logical_and(torch::ge(cap, 0), torch::lt(power, 2.0 * ar)));
    active = take;  // fx stops at the first term it does not take
    r = torch::where(take, torch::where(rneg, r + power, r - power), r);
    const torch::Tensor term = torch::bitwise_left_shift(torch::ones_like(p), p);
    total = total + torch::where(take, torch::where(rneg, -term, term), i64(0));
    cap = torch::where(take, p - 1, cap);
  }
  return total;
}

}  // namespace

torch::Tensor khot_quantize_raw(const torch::Tensor& x_in, const fx::KhotType& t) {
  require_khot_width(t);
  torch::Tensor x = x_in.to(torch::kFloat64);
  x = torch::where(torch::isnan(x), torch::zeros_like(x), x);
  const torch::Tensor neg = torch::lt(x, 0.0);
  const torch::Tensor a = scale_pow2(torch::abs(x), t.frac_bits());
  if (t.kind == fx::KhotKind::SPT) {
    const torch::Tensor v = greedy_spt(a, t);
    return torch::where(neg, -v, v);
  }
  const torch::Tensor mag = nearest_khot_magnitude(a, t);
  if (t.kind == fx::KhotKind::UKHOT) return torch::where(neg, i64(0), mag);
  return torch::where(neg, -mag, mag);
}

torch::Tensor khot_dequantize(const torch::Tensor& raw, const fx::KhotType& t) {
  return scale_pow2(raw.to(torch::kFloat64), -t.frac_bits());
}

torch::Tensor khot_quantize(const torch::Tensor& x, const fx::KhotType& t) {
  return khot_dequantize(khot_quantize_raw(x, t), t).to(x.scalar_type());
}

torch::Tensor quantize_raw(const torch::Tensor& x, const fx::NumType& t) {
  if (const auto* f = std::get_if<fx::FxType>(&t)) return quantize_raw(x, *f);
  return khot_quantize_raw(x, std::get<fx::KhotType>(t));
}

torch::Tensor dequantize(const torch::Tensor& raw, const fx::NumType& t) {
  if (const auto* f = std::get_if<fx::FxType>(&t)) return dequantize(raw, *f);
  return khot_dequantize(raw, std::get<fx::KhotType>(t));
}

}  // namespace fxsim::golden
