// Affine integer formats: real = scale x (q - zero_point), q an integer of W bits (int<W> or
// uint<W>, W in 2..32), scale a float32 and zero_point an int32, per tensor or per channel.
// This is PyTorch's quantized-tensor arithmetic; every rounding below is the one Debian's
// python3-torch 1.13 performs, found by experiment and held raw for raw against PyTorch by
// testbenches/golden/affine/ (hand tables and a 128-bit brute force:
// testbenches/fx/affine_test.cpp). docs/fixed_point.md, "Affine integer formats", has the rules and
// what the tests measured.
//
//   quantize    q = clamp(nearbyint(x * (1.0f / scale)) + zero_point, q_min, q_max)
//               the reciprocal and the product in float32 (not x / scale, not double),
//               nearbyint ties to even, and the zero point added AFTER rounding (an exact tie
//               2.5 with zero point 1 gives 2 + 1, not round(3.5) = 4)
//   dequantize  x = float(q - zero_point) * scale, float32 (the difference exact in integers,
//               rounded to float32 once, beyond 2^24; PyTorch's qint32 wraps it in int32 when
//               |q - zero_point| >= 2^31, fxsim does not)
//   accumulate  acc = sum_k (qx_k - zx)(qw_k - zw) + bias_q, the bias quantized at scale
//               float32(sx * sw) with zero point 0 into int<32>; an accumulator of width A
//               (2..32) WRAPS: the exact sum modulo 2^A, read as a signed A-bit integer
//   requantize  y = clamp(round(acc x M) + zp_out), M = sx * sw / sy, by one of two methods:
//     float    float32(acc) x M in float32, nearbyint (ties to even); M = (sw * sx) * (1.0f / sy)
//              in float32 in that order (float_multiplier): PyTorch's QNNPACK engine exactly
//     integer  M ~ M0 x 2^-(B + n), M0 a B-bit integer in [2^(B-1), 2^B) (B = 31 by default),
//              the gemmlowp / TFLite fixed-point scheme (see requantize_integer for the roundings)
//
// The type strings int<W> / uint<W> are parsed by fx/type_parser (parse_affine_int), the one
// home of format strings; AffineInt::str() prints them back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fxsim::fx {

// The storage integer of an affine format: int<W> (two's complement) or uint<W>, W in 2..32.
struct AffineInt {
  bool is_signed = true;
  int width = 8;

  // Throws FxTypeError naming the field ("int<W>: word length W = 40: expected 2..32").
  void validate() const;
  static AffineInt make(bool is_signed, int width);  // validated

  std::int64_t q_min() const;  // -2^(W-1) or 0
  std::int64_t q_max() const;  // 2^(W-1) - 1 or 2^W - 1
  std::string str() const;     // "int<8>", "uint<4>" (parse_affine_int reads it back)

  friend bool operator==(const AffineInt& a, const AffineInt& b) {
    return a.is_signed == b.is_signed && a.width == b.width;
  }
  friend bool operator!=(const AffineInt& a, const AffineInt& b) { return !(a == b); }
};

// Scale(s) and zero point(s): one pair per tensor (axis = -1) or one per channel along `axis`.
struct AffineParams {
  std::vector<float> scales;              // finite, > 0, normal (so 1 / scale is finite)
  std::vector<std::int32_t> zero_points;  // as many as scales, each in [q_min, q_max]
  int axis = -1;                          // -1: per tensor; >= 0: the channel axis

  static AffineParams per_tensor(float scale, std::int32_t zero_point);
  static AffineParams per_channel(std::vector<float> scales, std::vector<std::int32_t> zero_points,
                                  int axis);

  bool is_per_channel() const { return axis >= 0; }
  std::size_t channels() const { return scales.size(); }
  // The channel's scale / zero point (per tensor: the one pair, whatever the channel).
  float scale(std::size_t channel) const { return scales[is_per_channel() ? channel : 0]; }
  std::int32_t zero_point(std::size_t channel) const {
    return zero_points[is_per_channel() ? channel : 0];
  }
};

// An affine format: the integer and its quantization parameters.
struct AffineType {
  AffineInt format;
  AffineParams params;

  // The format, then the parameters: counts, scales, zero points inside the format's range.
  // Throws FxTypeError ("int<8> per channel: zero point 200 of channel 3: expected -128..127").
  void validate() const;
  std::string str() const;  // "int<8> per tensor" / "uint<8> per channel (axis 0, 16 channels)"
};

// ---- quantize / dequantize (PyTorch's quantize_per_tensor / quantize_per_channel) ----------

// q = clamp(int64(nearbyint(x * (1.0f / scale)) + float(zero_point)), q_min, q_max): the
// reciprocal, product and sum in float32 (the sum is exact below 2^24), ties to even. As PyTorch
// on x86-64, whose float -> int64 conversion gives INT64_MIN for NaN and |v| >= 2^63: NaN, +inf
// and -inf all give q_min (measured: quint8 gives 0 for +inf).
std::int64_t quantize(float x, float scale, std::int32_t zero_point, const AffineInt& format);
// float32(q - zero_point) * scale: the exact integer difference, then float32 (as PyTorch while
// |q - zero_point| < 2^31; its qint32 dequantize wraps larger differences in int32).
float dequantize(std::int64_t q, float scale, std::int32_t zero_point);

// Whole tensors of a row-major `shape`; a per-channel type reads channel = index along its axis.
std::vector<std::int64_t> quantize(const std::vector<float>& x,
                                   const std::vector<std::size_t>& shape, const AffineType& type);
std::vector<float> dequantize(const std::vector<std::int64_t>& q,
                              const std::vector<std::size_t>& shape, const AffineType& type);

// ---- the accumulator ----------------------------------------------------------------------

// PyTorch's bias rule: quantize(bias, float32(sx * sw), 0, int<32>).
std::int32_t quantize_bias(float bias, float input_scale, float weight_scale);

// x modulo 2^width read as a signed width-bit integer (width in 2..64): the accumulator's wrap.
std::int64_t wrap_signed(std::uint64_t x, int width);

// sum_{k<n} (qx[k] - zx)(qw[k] - zw) + bias_q, wrapped to a signed acc_width-bit integer
// (2..32; 32 is PyTorch's int32). The wrap is of the exact sum, so the order of the terms and
// where intermediate sums would overflow do not matter (two's-complement addition is modular).
std::int32_t accumulate(const std::int64_t* qx, std::int32_t zx, const std::int64_t* qw,
                        std::int32_t zw, std::size_t n, std::int32_t bias_q, int acc_width = 32);

// ---- requantization, method `float` (PyTorch QNNPACK) --------------------------------------

// M = (weight_scale * input_scale) * (1.0f / output_scale), each step float32, in this order:
// QNNPACK's requantization scale. Other orders, or M rounded once from double, differ in the
// last bit for about a third of random scale triples (measured), and then change the output of
// a few accumulators in a million: enough to break raw-for-raw agreement.
float float_multiplier(float input_scale, float weight_scale, float output_scale);

// clamp(nearbyint(float(acc) * multiplier) + zp_out, q_min, q_max): int32 -> float32 rounds to
// nearest even (exact for |acc| <= 2^24), the product in float32, nearbyint ties to even, the
// zero point added in integers after rounding. A rounded product outside int32 (M >= 1 only)
// becomes INT32_MIN first, as QNNPACK's cvtps2dq conversion makes it.
std::int64_t requantize_float(std::int32_t acc, float multiplier, std::int32_t zp_out,
                              const AffineInt& out);

// ---- requantization, method `integer` (gemmlowp / TFLite) ---------------------------------

// Which rounding the integer method applies.
enum class IntegerRounding {
  // gemmlowp / TFLite's default, two roundings (see requantize_integer).
  DOUBLE,
  // One rounding, as TFLite built with TFLITE_SINGLE_ROUNDING: floor((acc x M0 + 2^(B+n-1)) /
  // 2^(B+n)), i.e. round to nearest with ties toward +infinity (one adder and one shift).
  SINGLE,
};

// M ~ m0 x 2^-(bits + shift): m0 in [2^(bits-1), 2^bits) (a fraction in [0.5, 1) with `bits`
// fraction bits), shift n >= 0 a right shift, n < 0 a left shift. m0 = 0 is the zero multiplier.
struct IntegerMultiplier {
  std::int32_t m0 = 0;
  int shift = 0;         // n, -31..62
  int bits = 31;         // B, 2..31
  double value() const;  // m0 x 2^-(bits + shift), exact in double
  // Throws FxTypeError for fields out of their ranges.
  void validate() const;
};

// TFLite's QuantizeMultiplier with B bits: M = f x 2^e (frexp, f in [0.5, 1)), m0 = round(f x
// 2^B) (ties away from zero, in double, exact for float M), m0 = 2^B becomes 2^(B-1) with e + 1,
// shift = -e. A multiplier below 2^-(B + 62) gives the zero multiplier (m0 = 0, shift 0; every
// product would round to 0 anyway). Throws FxTypeError for M <= 0, NaN, inf or M >= 2^31.
IntegerMultiplier integer_multiplier(double multiplier, int bits = 31);

// gemmlowp's SaturatingRoundingDoublingHighMul: a x b / 2^31 rounded to nearest, ties toward
// +infinity, i.e. floor((a x b + 2^30) / 2^31); the one overflow, a = b = INT32_MIN, gives
// INT32_MAX.
std::int32_t rounding_doubling_high_mul(std::int32_t a, std::int32_t b);
// gemmlowp's RoundingDivideByPOT generalised to 64 bits: x / 2^exponent rounded to nearest, ties
// away from zero (-2.5 -> -3, 2.5 -> 3); exponent 0..63.
std::int64_t rounding_divide_by_pot(std::int64_t x, int exponent);

// y = clamp(r + zp_out, q_min, q_max) with, for IntegerRounding::DOUBLE (gemmlowp / TFLite):
//   a  = acc x 2^-n saturated to int32 when n < 0 (a left shift), else acc
//   M31 = m0 x 2^(31 - B)                              (the 31-bit multiplier; exact)
//   r1 = rounding_doubling_high_mul(a, M31) = floor((a x M31 + 2^30) / 2^31)   ties -> +inf
//   r  = rounding_divide_by_pot(r1, max(n, 0))                                ties away from 0
// so a negative accumulator can round differently from its positive mirror in the first step
// (-0.5 -> 0 but 0.5 -> 1), and the two roundings differ from one rounding of acc x M0 /
// 2^(B+n) when the first lands a value on a tie of the second. For IntegerRounding::SINGLE:
//   r  = floor((acc x M0 + 2^(B+n-1)) / 2^(B+n))      ties -> +inf
//        (n < 0: floor((acc x M0 x 2^-n + 2^(B-1)) / 2^B), exact, no intermediate saturation)
std::int64_t requantize_integer(std::int32_t acc, const IntegerMultiplier& multiplier,
                                std::int32_t zp_out, const AffineInt& out,
                                IntegerRounding rounding = IntegerRounding::DOUBLE);

}  // namespace fxsim::fx
