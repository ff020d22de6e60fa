#include "fx/affine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "fx/fx_type.hpp"

namespace fxsim::fx {
namespace {

constexpr std::int64_t kInt32Min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();

std::int64_t clamp_to(std::int64_t v, const AffineInt& f) {
  return std::clamp(v, f.q_min(), f.q_max());
}

// Clamps an exact 128-bit value into [q_min - zp, q_max - zp] before adding zp, so that nothing
// overflows on the way to the output range.
std::int64_t add_zero_point_and_clamp(__int128 r, std::int32_t zp, const AffineInt& out) {
  const __int128 lo = static_cast<__int128>(out.q_min()) - zp;
  const __int128 hi = static_cast<__int128>(out.q_max()) - zp;
  return static_cast<std::int64_t>(std::clamp(r, lo, hi) + zp);
}

// floor(a / 2^k) for any sign of a (an arithmetic right shift is a floor).
__int128 floor_shift(__int128 a, int k) { return a >> k; }

}  // namespace

// ---- AffineInt / AffineParams / AffineType -------------------------------------------------

void AffineInt::validate() const {
  if (width < 2 || width > 32) {
    throw FxTypeError(std::string(is_signed ? "int" : "uint") +
                      "<W>: word length W = " + std::to_string(width) + ": expected 2..32");
  }
}

AffineInt AffineInt::make(bool is_signed, int width) {
  AffineInt f{is_signed, width};
  f.validate();
  return f;
}

std::int64_t AffineInt::q_min() const { return is_signed ? -(std::int64_t{1} << (width - 1)) : 0; }

std::int64_t AffineInt::q_max() const {
  return is_signed ? (std::int64_t{1} << (width - 1)) - 1 : (std::int64_t{1} << width) - 1;
}

std::string AffineInt::str() const {
  return std::string(is_signed ? "int<" : "uint<") + std::to_string(width) + ">";
}

AffineParams AffineParams::per_tensor(float scale, std::int32_t zero_point) {
  return AffineParams{{scale}, {zero_point}, -1};
}

AffineParams AffineParams::per_channel(std::vector<float> scales,
                                       std::vector<std::int32_t> zero_points, int axis) {
  return AffineParams{std::move(scales), std::move(zero_points), axis};
}

void AffineType::validate() const {
  format.validate();
  const std::string name = str();
  if (params.axis < -1) {
    throw FxTypeError(name + ": axis " + std::to_string(params.axis) +
                      ": expected -1 (per tensor) or a channel axis >= 0");
  }
  if (params.scales.empty() || params.scales.size() != params.zero_points.size()) {
    throw FxTypeError(name + ": " + std::to_string(params.scales.size()) + " scales and " +
                      std::to_string(params.zero_points.size()) +
                      " zero points: expected the same number, at least one");
  }
  if (!params.is_per_channel() && params.scales.size() != 1) {
    throw FxTypeError(name + ": " + std::to_string(params.scales.size()) +
                      " scales: expected one per tensor");
  }
  for (std::size_t c = 0; c < params.scales.size(); ++c) {
    const std::string where =
        params.is_per_channel() ? " of channel " + std::to_string(c) : std::string();
    const float s = params.scales[c];
    if (!(std::isnormal(s) && s > 0.0f)) {
      throw FxTypeError(name + ": scale " + std::to_string(s) + where +
                        ": expected a finite, positive, normal float32");
    }
    const std::int32_t z = params.zero_points[c];
    if (z < format.q_min() || z > format.q_max()) {
      throw FxTypeError(name + ": zero point " + std::to_string(z) + where + ": expected " +
                        std::to_string(format.q_min()) + ".." + std::to_string(format.q_max()));
    }
  }
}

std::string AffineType::str() const {
  if (!params.is_per_channel()) return format.str() + " per tensor";
  return format.str() + " per channel (axis " + std::to_string(params.axis) + ", " +
         std::to_string(params.channels()) + " channels)";
}

// ---- quantize / dequantize -----------------------------------------------------------------

std::int64_t quantize(float x, float scale, std::int32_t zero_point, const AffineInt& format) {
  const float inverse = 1.0f / scale;
  const float rounded = std::nearbyint(x * inverse);  // float32 product; default mode: ties even
  // PyTorch adds the int64 zero point to the float result: a float32 sum (it rounds once the
  // value passes 2^24, which only int<25..32> formats can see).
  const float shifted = rounded + static_cast<float>(zero_point);
  // x86-64's float -> int64 conversion gives INT64_MIN for NaN and for |v| >= 2^63: q_min.
  if (!(shifted >= -9.2233720368547758e18f && shifted < 9.2233720368547758e18f)) {
    return format.q_min();
  }
  return std::clamp(static_cast<std::int64_t>(shifted), format.q_min(), format.q_max());
}

float dequantize(std::int64_t q, float scale, std::int32_t zero_point) {
  return static_cast<float>(q - zero_point) * scale;
}

namespace {

// The channel of each element of a row-major tensor along `axis`.
struct ChannelIndex {
  std::size_t inner = 1;     // elements per step of the axis
  std::size_t channels = 1;  // the axis's length
  std::size_t operator()(std::size_t i) const { return (i / inner) % channels; }
};

ChannelIndex channel_index(const std::vector<std::size_t>& shape, const AffineType& type,
                           std::size_t size) {
  type.validate();
  std::size_t elements = 1;
  for (std::size_t d : shape) elements *= d;
  if (elements != size) {
    throw FxTypeError(type.str() + ": " + std::to_string(size) + " values for a shape of " +
                      std::to_string(elements) + " elements");
  }
  ChannelIndex idx;
  if (!type.params.is_per_channel()) return idx;
  const auto axis = static_cast<std::size_t>(type.params.axis);
  if (axis >= shape.size() || shape[axis] != type.params.channels()) {
    throw FxTypeError(type.str() + ": the tensor's axis " + std::to_string(axis) + " has " +
                      (axis < shape.size() ? std::to_string(shape[axis]) : std::string("no")) +
                      " entries: expected " + std::to_string(type.params.channels()));
  }
  for (std::size_t d = axis + 1; d < shape.size(); ++d) idx.inner *= shape[d];
  idx.channels = shape[axis];
  return idx;
}

}  // namespace

std::vector<std::int64_t> quantize(const std::vector<float>& x,
                                   const std::vector<std::size_t>& shape, const AffineType& type) {
  const ChannelIndex channel = channel_index(shape, type, x.size());
  std::vector<std::int64_t> q(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const std::size_t c = channel(i);
    q[i] = quantize(x[i], type.params.scale(c), type.params.zero_point(c), type.format);
  }
  return q;
}

std::vector<float> dequantize(const std::vector<std::int64_t>& q,
                              const std::vector<std::size_t>& shape, const AffineType& type) {
  const ChannelIndex channel = channel_index(shape, type, q.size());
  std::vector<float> x(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) {
    const std::size_t c = channel(i);
    x[i] = dequantize(q[i], type.params.scale(c), type.params.zero_point(c));
  }
  return x;
}

// ---- the accumulator -----------------------------------------------------------------------

std::int32_t quantize_bias(float bias, float input_scale, float weight_scale) {
  return static_cast<std::int32_t>(
      quantize(bias, input_scale * weight_scale, 0, AffineInt::make(true, 32)));
}

std::int64_t wrap_signed(std::uint64_t x, int width) {
  if (width < 2 || width > 64) {
    throw FxTypeError("accumulator width " + std::to_string(width) + ": expected 2..64");
  }
  if (width == 64) return static_cast<std::int64_t>(x);
  const std::uint64_t mask = (std::uint64_t{1} << width) - 1;
  const std::uint64_t sign = std::uint64_t{1} << (width - 1);
  const std::uint64_t low = x & mask;
  // Sign-extend the low `width` bits.
  return static_cast<std::int64_t>(low ^ sign) - static_cast<std::int64_t>(sign);
}

std::int32_t accumulate(const std::int64_t* qx, std::int32_t zx, const std::int64_t* qw,
                        std::int32_t zw, std::size_t n, std::int32_t bias_q, int acc_width) {
  if (acc_width < 2 || acc_width > 32) {
    throw FxTypeError("accumulator width " + std::to_string(acc_width) + ": expected 2..32");
  }
  // Unsigned arithmetic is modulo 2^64, a multiple of 2^acc_width: the low bits are exact
  // whatever the operands' widths (products of two 33-bit differences overflow int64).
  std::uint64_t sum = static_cast<std::uint64_t>(static_cast<std::int64_t>(bias_q));
  for (std::size_t k = 0; k < n; ++k) {
    const auto dx = static_cast<std::uint64_t>(qx[k] - zx);
    const auto dw = static_cast<std::uint64_t>(qw[k] - zw);
    sum += dx * dw;
  }
  return static_cast<std::int32_t>(wrap_signed(sum, acc_width));
}

// ---- requantization, method `float` --------------------------------------------------------

float float_multiplier(float input_scale, float weight_scale, float output_scale) {
  const float inverse_output = 1.0f / output_scale;
  const float product = weight_scale * input_scale;
  return product * inverse_output;
}

std::int64_t requantize_float(std::int32_t acc, float multiplier, std::int32_t zp_out,
                              const AffineInt& out) {
  const float scaled = static_cast<float>(acc) * multiplier;
  const float rounded = std::nearbyint(scaled);
  // QNNPACK converts with cvtps2dq, which gives INT32_MIN for NaN and for values outside int32
  // (only reachable with M >= 1); the zero point is then added in integers.
  const std::int64_t r = (rounded >= -2147483648.0f && rounded < 2147483648.0f)
                             ? static_cast<std::int64_t>(rounded)
                             : kInt32Min;
  return clamp_to(r + zp_out, out);
}

// ---- requantization, method `integer` ------------------------------------------------------

double IntegerMultiplier::value() const {
  return std::ldexp(static_cast<double>(m0), -(bits + shift));
}

void IntegerMultiplier::validate() const {
  if (bits < 2 || bits > 31) {
    throw FxTypeError("integer multiplier: bits B = " + std::to_string(bits) + ": expected 2..31");
  }
  if (shift < -31 || shift > 62) {
    throw FxTypeError("integer multiplier: shift n = " + std::to_string(shift) +
                      ": expected -31..62");
  }
  const std::int64_t lo = std::int64_t{1} << (bits - 1);
  const std::int64_t hi = std::int64_t{1} << bits;
  if (m0 != 0 && (m0 < lo || m0 >= hi)) {
    throw FxTypeError("integer multiplier: M0 = " + std::to_string(m0) + ": expected 0 or " +
                      std::to_string(lo) + ".." + std::to_string(hi - 1) +
                      " (B = " + std::to_string(bits) + ")");
  }
}

IntegerMultiplier integer_multiplier(double multiplier, int bits) {
  if (!(multiplier > 0.0) || !std::isfinite(multiplier) || multiplier >= 2147483648.0) {
    throw FxTypeError("integer multiplier: M = " + std::to_string(multiplier) +
                      ": expected a finite M in (0, 2^31)");
  }
  IntegerMultiplier m;
  m.bits = bits;
  if (bits < 2 || bits > 31) m.validate();  // throws with the field named
  int exponent = 0;
  const double fraction = std::frexp(multiplier, &exponent);   // in [0.5, 1)
  std::int64_t m0 = std::llround(std::ldexp(fraction, bits));  // ties away from zero
  if (m0 == (std::int64_t{1} << bits)) {
    m0 /= 2;
    ++exponent;
  }
  m.shift = -exponent;
  if (m.shift > 62) return IntegerMultiplier{0, 0, bits};
  m.m0 = static_cast<std::int32_t>(m0);
  m.validate();
  return m;
}

std::int32_t rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
  if (a == b && a == std::numeric_limits<std::int32_t>::min()) {
    return std::numeric_limits<std::int32_t>::max();
  }
  const std::int64_t product = static_cast<std::int64_t>(a) * b;
  // gemmlowp's nudge-and-truncate: for product < 0 this truncation toward zero of
  // (product + 1 - 2^30) / 2^31 equals floor((product + 2^30) / 2^31), so both signs round
  // to nearest with ties toward +infinity.
  const std::int64_t nudge = product >= 0 ? (std::int64_t{1} << 30) : 1 - (std::int64_t{1} << 30);
  return static_cast<std::int32_t>((product + nudge) / (std::int64_t{1} << 31));
}

std::int64_t rounding_divide_by_pot(std::int64_t x, int exponent) {
  if (exponent < 0 || exponent > 63) {
    throw FxTypeError("rounding shift " + std::to_string(exponent) + ": expected 0..63");
  }
  if (exponent == 0) return x;
  const std::uint64_t mask =
      (exponent == 64) ? ~std::uint64_t{0} : (std::uint64_t{1} << exponent) - 1;
  const std::uint64_t remainder = static_cast<std::uint64_t>(x) & mask;
  // Ties go up for x >= 0 and stay at the floor for x < 0: both away from zero.
  const std::uint64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

std::int64_t requantize_integer(std::int32_t acc, const IntegerMultiplier& multiplier,
                                std::int32_t zp_out, const AffineInt& out,
                                IntegerRounding rounding) {
  const IntegerMultiplier& m = multiplier;
  if (m.m0 == 0) return clamp_to(zp_out, out);
  const int n = m.shift;
  if (rounding == IntegerRounding::SINGLE) {
    const __int128 product = static_cast<__int128>(acc) * m.m0;
    __int128 r;
    if (n >= 0) {
      const int total = m.bits + n;
      r = floor_shift(product + (static_cast<__int128>(1) << (total - 1)), total);
    } else {
      // A multiplication, not product << -n: shifting a negative value left is undefined in C++17.
      r = floor_shift(
          product * (static_cast<__int128>(1) << -n) + (static_cast<__int128>(1) << (m.bits - 1)),
          m.bits);
    }
    return add_zero_point_and_clamp(r, zp_out, out);
  }
  std::int32_t a = acc;
  if (n < 0) {
    const std::int64_t shifted = static_cast<std::int64_t>(acc) * (std::int64_t{1} << -n);
    a = static_cast<std::int32_t>(std::clamp(shifted, kInt32Min, kInt32Max));
  }
  const std::int32_t m31 = static_cast<std::int32_t>(m.m0) << (31 - m.bits);
  const std::int32_t r1 = rounding_doubling_high_mul(a, m31);
  const std::int64_t r = rounding_divide_by_pot(r1, n > 0 ? n : 0);
  return add_zero_point_and_clamp(r, zp_out, out);
}

}  // namespace fxsim::fx
