// fx/affine: the affine integer formats against hand-worked tables (every expected value is
// worked out in the comment beside it) and the integer requantization against a brute-force
// 128-bit evaluation of its stated rounding rule. PyTorch's own outputs are the oracle of
// testbenches/golden/affine/ (they need the fixture script, so they live with the golden suite).
#include "fx/affine.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <random>
#include <string>

#include "fx/fx_type.hpp"
#include "fx/type_parser.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::AffineInt;
using fx::IntegerMultiplier;
using fx::IntegerRounding;

const AffineInt kInt8{true, 8};
const AffineInt kUint8{false, 8};
const AffineInt kInt32{true, 32};
constexpr std::int64_t kI32Min = std::numeric_limits<std::int32_t>::min();
constexpr std::int64_t kI32Max = std::numeric_limits<std::int32_t>::max();

// ---- type strings ---------------------------------------------------------------------------

TEST(AffineTypeString, ParsesAndPrintsEveryWidth) {
  for (bool is_signed : {true, false}) {
    for (int w = 2; w <= 32; ++w) {
      const std::string text = std::string(is_signed ? "int<" : "uint<") + std::to_string(w) + ">";
      const AffineInt t = fx::parse_affine_int(text);
      EXPECT_EQ(t.is_signed, is_signed) << text;
      EXPECT_EQ(t.width, w) << text;
      EXPECT_EQ(t.str(), text);
    }
  }
  EXPECT_EQ(fx::parse_affine_int("  uint < 4 >  "), (AffineInt{false, 4}));
}

TEST(AffineTypeString, Ranges) {
  EXPECT_EQ(fx::parse_affine_int("int<8>").q_min(), -128);
  EXPECT_EQ(fx::parse_affine_int("int<8>").q_max(), 127);
  EXPECT_EQ(fx::parse_affine_int("uint<4>").q_min(), 0);
  EXPECT_EQ(fx::parse_affine_int("uint<4>").q_max(), 15);
  EXPECT_EQ(fx::parse_affine_int("int<2>").q_min(), -2);
  EXPECT_EQ(fx::parse_affine_int("int<2>").q_max(), 1);
  EXPECT_EQ(fx::parse_affine_int("int<32>").q_min(), -2147483648LL);
  EXPECT_EQ(fx::parse_affine_int("uint<32>").q_max(), 4294967295LL);
}

void expect_parse_error(const std::string& text, std::size_t position, const std::string& words) {
  SCOPED_TRACE("parsing \"" + text + "\"");
  try {
    fx::parse_affine_int(text);
    ADD_FAILURE() << "no error";
  } catch (const fx::TypeParseError& e) {
    EXPECT_EQ(e.position(), position) << e.what();
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(AffineTypeString, BadInputSaysWhatWasExpected) {
  expect_parse_error("int<1>", 4, "expected a word length W in 2..32, found '1'");
  expect_parse_error("uint<33>", 5, "expected a word length W in 2..32, found '33'");
  expect_parse_error("int<>", 4, "expected an integer (W, the word length)");
  expect_parse_error("int<8", 5, "expected '>' closing the affine integer format");
  expect_parse_error("int<8,3>", 5, "expected '>' closing the affine integer format");
  expect_parse_error("int<8>x", 6, "expected nothing after the closing '>', found 'x'");
  expect_parse_error("int8", 0, "expected an affine integer type name (int or uint), found 'int8'");
  expect_parse_error("int 8", 4, "expected '<' after the type name");
  expect_parse_error("fixed<8,3>", 0, "expected an affine integer type name (int or uint)");
  expect_parse_error("", 0, "expected an affine integer type name");
  try {
    fx::parse_affine_int("int<x>");
    ADD_FAILURE() << "no error";
  } catch (const fx::TypeParseError& e) {
    EXPECT_EQ(std::string(e.what()),
              "type 'int<x>': at character 5: expected an integer (W, the word length), found "
              "'x'");
  }
}

TEST(AffineTypeString, TheFixedPointParserPointsToTheAffineOne) {
  try {
    fx::parse_type("int<8>");
    ADD_FAILURE() << "no error";
  } catch (const fx::TypeParseError& e) {
    EXPECT_EQ(e.position(), 0u);
    EXPECT_NE(std::string(e.what()).find("int<W> is an affine integer format"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("parse_affine_int"), std::string::npos) << e.what();
  }
  // The fixed-point integers keep their names.
  EXPECT_EQ(fx::parse_fx_type("ap_int<8>").width, 8);
  EXPECT_EQ(fx::parse_fx_type("sc_uint<8>").width, 8);
}

TEST(AffineType, ValidationNamesTheField) {
  EXPECT_THROW(AffineInt::make(true, 1), fx::FxTypeError);
  try {
    AffineInt::make(false, 40);
    ADD_FAILURE() << "no error";
  } catch (const fx::FxTypeError& e) {
    EXPECT_EQ(std::string(e.what()), "uint<W>: word length W = 40: expected 2..32");
  }
  const auto message = [](const fx::AffineType& t) {
    try {
      t.validate();
    } catch (const fx::FxTypeError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(message({kInt8, fx::AffineParams::per_tensor(0.5f, 0)}), "no error");
  EXPECT_EQ(message({kInt8, fx::AffineParams::per_tensor(0.5f, 128)}),
            "int<8> per tensor: zero point 128: expected -128..127");
  EXPECT_EQ(
      message({kInt8, fx::AffineParams::per_channel({0.5f, 1.0f, 2.0f, 0.25f}, {0, 0, 0, 200}, 0)}),
      "int<8> per channel (axis 0, 4 channels): zero point 200 of channel 3: expected "
      "-128..127");
  EXPECT_EQ(message({kUint8, fx::AffineParams::per_channel({0.5f, 0.0f}, {0, 0}, 1)}),
            "uint<8> per channel (axis 1, 2 channels): scale 0.000000 of channel 1: expected a "
            "finite, positive, normal float32");
  EXPECT_EQ(message({kUint8, fx::AffineParams::per_channel({0.5f, 1.0f}, {0}, 0)}),
            "uint<8> per channel (axis 0, 2 channels): 2 scales and 1 zero points: expected the "
            "same number, at least one");
  EXPECT_EQ(message({kUint8, fx::AffineParams{{0.5f, 1.0f}, {0, 0}, -1}}),
            "uint<8> per tensor: 2 scales: expected one per tensor");
  EXPECT_EQ(message({kUint8, fx::AffineParams::per_tensor(-1.0f, 0)}),
            "uint<8> per tensor: scale -1.000000: expected a finite, positive, normal float32");
}

// ---- quantize / dequantize, hand-worked ----------------------------------------------------

TEST(AffineQuantize, HandWorkedTiesAndClamps) {
  // scale 0.5 (reciprocal 2), zero point 1, uint8.
  EXPECT_EQ(fx::quantize(1.25f, 0.5f, 1, kUint8), 3);     // 2.5 -> 2 (even), + 1
  EXPECT_EQ(fx::quantize(1.75f, 0.5f, 1, kUint8), 5);     // 3.5 -> 4 (even), + 1
  EXPECT_EQ(fx::quantize(-0.25f, 0.5f, 1, kUint8), 1);    // -0.5 -> -0, + 1
  EXPECT_EQ(fx::quantize(-0.75f, 0.5f, 1, kUint8), 0);    // -1.5 -> -2, + 1 = -1 -> 0
  EXPECT_EQ(fx::quantize(200.0f, 0.5f, 1, kUint8), 255);  // 401 -> 255
  // scale 0.25 (reciprocal 4), zero point -3, int8.
  EXPECT_EQ(fx::quantize(0.625f, 0.25f, -3, kInt8), -1);      // 2.5 -> 2, - 3
  EXPECT_EQ(fx::quantize(-0.875f, 0.25f, -3, kInt8), -7);     // -3.5 -> -4, - 3
  EXPECT_EQ(fx::quantize(-32.125f, 0.25f, -3, kInt8), -128);  // -128.5 -> -128, -131 -> -128
  // The zero point after rounding: 2.5 + 1 is not round(3.5) = 4.
  EXPECT_EQ(fx::quantize(2.5f, 1.0f, 1, kInt8), 3);
  // x86's conversion: NaN and both infinities give q_min (PyTorch: quint8 +inf -> 0).
  EXPECT_EQ(fx::quantize(std::nanf(""), 0.5f, 1, kUint8), 0);
  EXPECT_EQ(fx::quantize(INFINITY, 0.5f, 1, kUint8), 0);
  EXPECT_EQ(fx::quantize(-INFINITY, 0.5f, 1, kInt8), -128);
  EXPECT_EQ(fx::quantize(INFINITY, 0.5f, 1, kInt8), -128);
  EXPECT_EQ(fx::quantize(1e18f, 1.0f, 0, kInt32), kI32Max);  // finite and < 2^63: clamps
  EXPECT_EQ(fx::quantize(-1e18f, 1.0f, 0, kInt32), kI32Min);
  EXPECT_EQ(fx::quantize(1e19f, 1.0f, 0, kInt32), kI32Min);  // >= 2^63: INT64_MIN
  EXPECT_EQ(fx::quantize(1e30f, 1.0f, 0, kUint8), 0);
  // int<32>: the zero point joins in float32. 2^24 + 2 with zero point 1: 16777219 is not a
  // float, the sum rounds to even: 16777220.
  EXPECT_EQ(fx::quantize(16777218.0f, 1.0f, 1, kInt32), 16777220);
  // Narrow formats clamp to their own range.
  EXPECT_EQ(fx::quantize(9.0f, 1.0f, 0, AffineInt{true, 4}), 7);
  EXPECT_EQ(fx::quantize(-9.0f, 1.0f, 0, AffineInt{true, 4}), -8);
  EXPECT_EQ(fx::quantize(9.0f, 1.0f, 0, AffineInt{false, 2}), 3);
}

TEST(AffineQuantize, Dequantize) {
  EXPECT_EQ(fx::dequantize(3, 0.5f, 1), 1.0f);          // (3 - 1) * 0.5
  EXPECT_EQ(fx::dequantize(-128, 0.25f, -3), -31.25f);  // (-128 + 3) * 0.25
  EXPECT_EQ(fx::dequantize(0, 0.1f, 0), 0.0f);
}

TEST(AffineQuantize, TensorAxes) {
  // A 2 x 3 tensor, per channel along axis 1: scales 1, 0.5, 0.25, zero points 0, 1, 2.
  const fx::AffineType t{kInt8, fx::AffineParams::per_channel({1.0f, 0.5f, 0.25f}, {0, 1, 2}, 1)};
  const std::vector<float> x{1.0f, 1.0f, 1.0f, -2.5f, 0.25f, 0.375f};
  // row 0: 1/1 + 0 = 1, 1/0.5 + 1 = 3, 1/0.25 + 2 = 6
  // row 1: -2.5 -> -2 (even), 0.25 / 0.5 = 0.5 -> 0, + 1 = 1, 0.375 / 0.25 = 1.5 -> 2, + 2 = 4
  EXPECT_EQ(fx::quantize(x, {2, 3}, t), (std::vector<std::int64_t>{1, 3, 6, -2, 1, 4}));
  EXPECT_EQ(fx::dequantize({1, 3, 6, -2, 1, 4}, {2, 3}, t),
            (std::vector<float>{1.0f, 1.0f, 1.0f, -2.0f, 0.0f, 0.5f}));
  // Along axis 0 of a 3 x 2 tensor: each row has its own scale.
  const fx::AffineType r{kInt8, fx::AffineParams::per_channel({1.0f, 0.5f, 0.25f}, {0, 1, 2}, 0)};
  EXPECT_EQ(fx::quantize({1.0f, 2.0f, 1.0f, 2.0f, 1.0f, 2.0f}, {3, 2}, r),
            (std::vector<std::int64_t>{1, 2, 3, 5, 6, 10}));
  EXPECT_THROW(fx::quantize(x, {3, 2}, t), fx::FxTypeError);  // axis 1 has 2 entries, not 3
  EXPECT_THROW(fx::quantize(x, {7}, t), fx::FxTypeError);     // 6 values, 7 elements
}

// ---- the accumulator, hand-worked ----------------------------------------------------------

TEST(AffineAccumulator, HandWorkedSumsAndWrap) {
  // x - 128 = -118, -128, 127; w + 1 = -2, 128, -127: 236 - 16384 - 16129 = -32277, + 1000.
  const std::int64_t qx[] = {10, 0, 255};
  const std::int64_t qw[] = {-3, 127, -128};
  EXPECT_EQ(fx::accumulate(qx, 128, qw, -1, 3, 1000), -31277);
  EXPECT_EQ(fx::accumulate(qx, 128, qw, -1, 3, 1000, 16), -31277);  // fits int16
  EXPECT_EQ(fx::accumulate(qx, 128, qw, -1, 3, 1000, 12), 1491);    // -31277 + 8 x 4096
  EXPECT_EQ(fx::accumulate(qx, 128, qw, -1, 3, 1000, 15), 1491);    // -31277 + 32768
  // INT32_MAX + 1 wraps to INT32_MIN.
  const std::int64_t one_x[] = {129};
  const std::int64_t one_w[] = {0};
  EXPECT_EQ(fx::accumulate(one_x, 128, one_w, -1, 1, std::numeric_limits<std::int32_t>::max()),
            kI32Min);
  // Products of 33-bit differences (uint<32> against int<32>) keep their low bits.
  const std::int64_t big_x[] = {4294967295LL};
  const std::int64_t big_w[] = {-2147483648LL};
  // (2^32 - 1)(-2^31) = -2^63 + 2^31: modulo 2^32 that is 2^31, read signed: -2^31.
  EXPECT_EQ(fx::accumulate(big_x, 0, big_w, 0, 1, 0), kI32Min);
  EXPECT_EQ(fx::wrap_signed(0xFF, 8), -1);
  EXPECT_EQ(fx::wrap_signed(0x80, 8), -128);
  EXPECT_EQ(fx::wrap_signed(0x17F, 8), 127);
  EXPECT_EQ(fx::wrap_signed(0x2, 2), -2);
  EXPECT_EQ(fx::wrap_signed(~std::uint64_t{0}, 64), -1);
  EXPECT_THROW(fx::accumulate(qx, 0, qw, 0, 3, 0, 33), fx::FxTypeError);
}

TEST(AffineAccumulator, BiasQuantization) {
  // sx * sw = 0.5 * 0.25 = 0.125, reciprocal 8.
  EXPECT_EQ(fx::quantize_bias(1.0f, 0.5f, 0.25f), 8);
  EXPECT_EQ(fx::quantize_bias(-0.0625f, 0.5f, 0.25f), 0);  // -0.5 -> -0
  EXPECT_EQ(fx::quantize_bias(0.1875f, 0.5f, 0.25f), 2);   // 1.5 -> 2
  EXPECT_EQ(fx::quantize_bias(0.3125f, 0.5f, 0.25f), 2);   // 2.5 -> 2
  EXPECT_EQ(fx::quantize_bias(1e10f, 0.5f, 0.25f), kI32Max);
}

// ---- requantization `float`, hand-worked ---------------------------------------------------

TEST(AffineRequantFloat, HandWorked) {
  EXPECT_EQ(fx::float_multiplier(0.5f, 0.25f, 0.125f), 1.0f);
  // M = 0.5, zero point 3: ties to even, then + 3.
  EXPECT_EQ(fx::requantize_float(5, 0.5f, 3, kUint8), 5);   // 2.5 -> 2
  EXPECT_EQ(fx::requantize_float(7, 0.5f, 3, kUint8), 7);   // 3.5 -> 4
  EXPECT_EQ(fx::requantize_float(-5, 0.5f, 3, kUint8), 1);  // -2.5 -> -2
  EXPECT_EQ(fx::requantize_float(-7, 0.5f, 3, kUint8), 0);  // -3.5 -> -4, -1 -> 0
  EXPECT_EQ(fx::requantize_float(-7, 0.5f, 3, kInt8), -1);
  EXPECT_EQ(fx::requantize_float(1000, 0.5f, 3, kInt8), 127);
  // int32 -> float32 rounds: 2^24 + 1 is a tie between 2^24 and 2^24 + 2, to even: 2^24.
  EXPECT_EQ(fx::requantize_float(16777217, 1.0f, 0, kInt32), 16777216);
  EXPECT_EQ(fx::requantize_float(16777219, 1.0f, 0, kInt32), 16777220);
  // M >= 1 past int32: INT32_MIN, then + 5.
  EXPECT_EQ(fx::requantize_float(1 << 30, 4.0f, 5, kInt32), kI32Min + 5);
  EXPECT_EQ(fx::requantize_float(1 << 30, 4.0f, 5, kUint8), 0);
}

// ---- requantization `integer`, hand-worked -------------------------------------------------

std::int64_t req(std::int32_t acc, std::int32_t m0, int shift, int bits = 31,
                 IntegerRounding rounding = IntegerRounding::DOUBLE, std::int32_t zp = 0,
                 AffineInt out = kInt32) {
  return fx::requantize_integer(acc, IntegerMultiplier{m0, shift, bits}, zp, out, rounding);
}

constexpr std::int32_t kHalf = 1 << 30;  // M0 = 2^30: M = 0.5 x 2^-n

TEST(AffineRequantInteger, HighMulTiesGoUp) {
  // n = 0, M = 1/2: floor((acc + 1) / 2).
  EXPECT_EQ(req(5, kHalf, 0), 3);    // 2.5 -> 3
  EXPECT_EQ(req(-5, kHalf, 0), -2);  // -2.5 -> -2 (toward +inf, not away from zero)
  EXPECT_EQ(req(3, kHalf, 0), 2);    // 1.5 -> 2
  EXPECT_EQ(req(-3, kHalf, 0), -1);  // -1.5 -> -1
  EXPECT_EQ(req(1, kHalf, 0), 1);
  EXPECT_EQ(req(-1, kHalf, 0), 0);
  EXPECT_EQ(req(0, kHalf, 0), 0);
  EXPECT_EQ(fx::rounding_doubling_high_mul(kI32Min, kI32Min), kI32Max);      // the one overflow
  EXPECT_EQ(fx::rounding_doubling_high_mul(kI32Min, kI32Max), -2147483647);  // exactly -2^31 + 1
}

TEST(AffineRequantInteger, ShiftTiesGoAwayFromZero) {
  EXPECT_EQ(fx::rounding_divide_by_pot(5, 1), 3);    // 2.5
  EXPECT_EQ(fx::rounding_divide_by_pot(-5, 1), -3);  // -2.5
  EXPECT_EQ(fx::rounding_divide_by_pot(-6, 2), -2);  // -1.5
  EXPECT_EQ(fx::rounding_divide_by_pot(-5, 2), -1);  // -1.25
  EXPECT_EQ(fx::rounding_divide_by_pot(-7, 2), -2);  // -1.75
  EXPECT_EQ(fx::rounding_divide_by_pot(7, 0), 7);
  EXPECT_EQ(fx::rounding_divide_by_pot(std::numeric_limits<std::int64_t>::min(), 63), -1);
  EXPECT_EQ(fx::rounding_divide_by_pot(std::numeric_limits<std::int64_t>::max(), 63), 1);
}

TEST(AffineRequantInteger, TwoRoundingsAgainstOne) {
  // n = 1, M = 1/4: r1 = floor((acc + 1) / 2), then r1 / 2 with ties away from zero.
  //            acc   r1   double   exact   single (ties up)
  EXPECT_EQ(req(6, kHalf, 1), 2);    //  3   1.5 -> 2   1.5    2
  EXPECT_EQ(req(2, kHalf, 1), 1);    //  1   0.5 -> 1   0.5    1
  EXPECT_EQ(req(-2, kHalf, 1), -1);  // -1  -0.5 -> -1  -0.5   0
  EXPECT_EQ(req(-6, kHalf, 1), -2);  // -3  -1.5 -> -2  -1.5  -1
  EXPECT_EQ(req(5, kHalf, 1), 2);    //  3   1.5 -> 2   1.25   1   (double rounding)
  EXPECT_EQ(req(-5, kHalf, 1), -1);  // -2  -1 -> -1    -1.25 -1
  EXPECT_EQ(req(7, kHalf, 1), 2);    //  4   2          1.75   2
  const auto single = IntegerRounding::SINGLE;
  EXPECT_EQ(req(6, kHalf, 1, 31, single), 2);
  EXPECT_EQ(req(2, kHalf, 1, 31, single), 1);
  EXPECT_EQ(req(-2, kHalf, 1, 31, single), 0);
  EXPECT_EQ(req(-6, kHalf, 1, 31, single), -1);
  EXPECT_EQ(req(5, kHalf, 1, 31, single), 1);
  EXPECT_EQ(req(-5, kHalf, 1, 31, single), -1);
  EXPECT_EQ(req(7, kHalf, 1, 31, single), 2);
}

TEST(AffineRequantInteger, LargeShifts) {
  // n = 29, M = 2^-30: +-2^29 are ties +-0.5; r1 = +-2^28 exactly, then away from zero.
  EXPECT_EQ(req(1 << 29, kHalf, 29), 1);
  EXPECT_EQ(req(-(1 << 29), kHalf, 29), -1);    // r1 = floor((-2^29 + 1) / 2) = -2^28
  EXPECT_EQ(req((1 << 29) - 2, kHalf, 29), 0);  // r1 = 2^28 - 1, 0.4999... -> 0
  EXPECT_EQ(req((1 << 29) - 2, kHalf, 29, 31, IntegerRounding::SINGLE), 0);
  EXPECT_EQ(req(-(1 << 29), kHalf, 29, 31, IntegerRounding::SINGLE), 0);  // -0.5 -> 0
  // n = 30, M = 2^-31: INT32_MIN -> -1, INT32_MAX -> 1 (r1 = 2^30, a tie going up).
  EXPECT_EQ(req(std::numeric_limits<std::int32_t>::min(), kHalf, 30), -1);
  EXPECT_EQ(req(std::numeric_limits<std::int32_t>::max(), kHalf, 30), 1);
  // n = 62: M = 2^-93, nothing survives.
  EXPECT_EQ(req(std::numeric_limits<std::int32_t>::max(), kHalf, 62), 0);
  EXPECT_EQ(req(std::numeric_limits<std::int32_t>::min(), kHalf, 62), 0);
  EXPECT_EQ(req(std::numeric_limits<std::int32_t>::min(), kHalf, 62, 31, IntegerRounding::SINGLE),
            0);
}

TEST(AffineRequantInteger, SaturationAndLeftShifts) {
  constexpr std::int32_t kAlmostOne = std::numeric_limits<std::int32_t>::max();  // M ~ 1 - 2^-31
  EXPECT_EQ(req(1000, kAlmostOne, 0, 31, IntegerRounding::DOUBLE, 0, kInt8), 127);
  EXPECT_EQ(req(-1000, kAlmostOne, 0, 31, IntegerRounding::DOUBLE, 0, kInt8), -128);
  EXPECT_EQ(req(-5, kAlmostOne, 0, 31, IntegerRounding::DOUBLE, 10, kUint8), 5);
  EXPECT_EQ(req(-11, kAlmostOne, 0, 31, IntegerRounding::DOUBLE, 10, kUint8), 0);
  // n = -2, M = 2: 3 << 2 = 12, then 12 / 2 = 6.
  EXPECT_EQ(req(3, kHalf, -2), 6);
  EXPECT_EQ(req(3, kHalf, -2, 31, IntegerRounding::SINGLE), 6);
  // 2^30 << 2 saturates to 2^31 - 1 before the high multiply: (2^31 - 1 + 1) / 2 = 2^30.
  EXPECT_EQ(req(1 << 30, kHalf, -2), 1 << 30);
  // One rounding has no intermediate saturation: 2^31, clamped by int<32>.
  EXPECT_EQ(req(1 << 30, kHalf, -2, 31, IntegerRounding::SINGLE), kI32Max);
  // The zero multiplier gives the zero point.
  EXPECT_EQ(req(12345, 0, 0, 31, IntegerRounding::DOUBLE, 7, kUint8), 7);
}

TEST(AffineRequantInteger, NarrowMultipliers) {
  // B = 8, M0 = 128: M = 1/2 as with B = 31.
  EXPECT_EQ(req(5, 128, 0, 8), 3);
  EXPECT_EQ(req(-5, 128, 0, 8), -2);
  // B = 8, M0 = 192, n = 1: M = 0.375; acc 4 -> r1 = floor(3.5) = 3, 1.5 -> 2.
  EXPECT_EQ(req(4, 192, 1, 8), 2);
  // acc -4: r1 = floor(-4 x 0.75 + 0.5) = floor(-2.5) = -3, then -1.5 -> -2 (away from zero).
  EXPECT_EQ(req(-4, 192, 1, 8), -2);
}

TEST(AffineRequantInteger, DerivedMultipliers) {
  const auto derive = [](double m, int bits = 31) { return fx::integer_multiplier(m, bits); };
  EXPECT_EQ(derive(0.5).m0, 1 << 30);  // 0.5 = 0.5 x 2^0
  EXPECT_EQ(derive(0.5).shift, 0);
  EXPECT_EQ(derive(0.75).m0, 1610612736);  // 0.75 x 2^31
  EXPECT_EQ(derive(0.1).m0, 1717986918);   // 0.1 = 0.8 x 2^-3; 0.8 x 2^31 = 1717986918.4
  EXPECT_EQ(derive(0.1).shift, 3);
  EXPECT_EQ(derive(3.0).m0, 1610612736);  // 0.75 x 2^2
  EXPECT_EQ(derive(3.0).shift, -2);
  EXPECT_EQ(derive(0.1, 8).m0, 205);  // 0.8 x 256 = 204.8
  EXPECT_EQ(derive(0.1, 8).shift, 3);
  // 31/32 with B = 4: 0.96875 x 16 = 15.5 -> 16 (ties away) = 2^4 -> 8 with the exponent + 1.
  EXPECT_EQ(derive(0.96875, 4).m0, 8);
  EXPECT_EQ(derive(0.96875, 4).shift, -1);
  EXPECT_EQ(derive(0.96875, 4).value(), 1.0);
  // 1 - 2^-40 rounds up to 2^31 in 31 bits: 2^30 x 2^-30.
  EXPECT_EQ(derive(1.0 - std::ldexp(1.0, -40)).m0, 1 << 30);
  EXPECT_EQ(derive(1.0 - std::ldexp(1.0, -40)).shift, -1);
  EXPECT_EQ(derive(std::ldexp(1.0, -62)).shift, 61);  // 0.5 x 2^-61
  EXPECT_EQ(derive(std::ldexp(1.0, -93)).m0, 0);      // 0.5 x 2^-92: the zero multiplier
  EXPECT_EQ(derive(0.1).value(), 1717986918.0 / std::ldexp(1.0, 34));
  for (double bad : {0.0, -1.0, std::nan(""), static_cast<double>(INFINITY), 2147483648.0}) {
    EXPECT_THROW(derive(bad), fx::FxTypeError) << bad;
  }
  EXPECT_THROW(derive(0.5, 1), fx::FxTypeError);
  EXPECT_THROW(derive(0.5, 32), fx::FxTypeError);
  EXPECT_THROW((IntegerMultiplier{100, 0, 8}.validate()), fx::FxTypeError);  // not in 128..255
  EXPECT_THROW((IntegerMultiplier{1 << 30, 63, 31}.validate()), fx::FxTypeError);
}

// ---- requantization `integer` against a brute force -----------------------------------------
// The oracle evaluates the stated rules on exact 128-bit rationals, with floor divisions written
// out as quotient-and-remainder (not as the shifts and masks of the code under test).

using i128 = __int128;

i128 floor_div(i128 a, i128 d) {  // d > 0
  i128 q = a / d;
  if (a % d != 0 && a < 0) q -= 1;
  return q;
}

i128 pow2(int k) { return static_cast<i128>(1) << k; }

i128 clamp128(i128 v, i128 lo, i128 hi) { return v < lo ? lo : (v > hi ? hi : v); }

// DOUBLE: r1 = round(a x M0 / 2^B) ties toward +inf, r = round(r1 / 2^n) ties away from zero.
i128 oracle_double(std::int32_t acc, const IntegerMultiplier& m) {
  i128 a = acc;
  if (m.shift < 0) a = clamp128(a * pow2(-m.shift), kI32Min, kI32Max);
  // x / 2^B rounded half up: floor(x / 2^B + 1/2) = floor((2x + 2^B) / 2^(B+1)).
  const i128 r1 = floor_div(2 * a * m.m0 + pow2(m.bits), pow2(m.bits + 1));
  if (m.shift <= 0) return r1;
  const i128 magnitude = r1 < 0 ? -r1 : r1;
  const i128 rounded = floor_div(2 * magnitude + pow2(m.shift), pow2(m.shift + 1));
  return r1 < 0 ? -rounded : rounded;
}

// SINGLE: round(acc x M0 x 2^-(B+n)) ties toward +inf.
i128 oracle_single(std::int32_t acc, const IntegerMultiplier& m) {
  const int total = m.bits + m.shift;  // < 0 for a left shift past B: an exact integer
  i128 numerator = static_cast<i128>(acc) * m.m0;
  if (total < 0) return numerator * pow2(-total);
  return floor_div(2 * numerator + pow2(total), pow2(total + 1));
}

// The real-valued ideal: round(acc x M0 / 2^(B+n)) with ties away from zero, to measure how often
// gemmlowp's two roundings leave it.
i128 ideal(std::int32_t acc, const IntegerMultiplier& m) {
  const int total = m.bits + m.shift;
  const i128 numerator = static_cast<i128>(acc) * m.m0;
  if (total <= 0) return numerator * pow2(-total);
  const i128 magnitude = numerator < 0 ? -numerator : numerator;
  const i128 rounded = floor_div(2 * magnitude + pow2(total), pow2(total + 1));
  return numerator < 0 ? -rounded : rounded;
}

std::int64_t finish(i128 r, std::int32_t zp, const AffineInt& out) {
  return static_cast<std::int64_t>(clamp128(r + zp, out.q_min(), out.q_max()));
}

TEST(AffineRequantInteger, BruteForce128Bit) {
  std::mt19937_64 rng(19);
  const std::int32_t edges[] = {0,
                                1,
                                -1,
                                2,
                                -2,
                                3,
                                -3,
                                127,
                                -128,
                                255,
                                1 << 15,
                                -(1 << 15),
                                (1 << 24) + 1,
                                -(1 << 24) - 1,
                                1 << 30,
                                -(1 << 30),
                                std::numeric_limits<std::int32_t>::max(),
                                std::numeric_limits<std::int32_t>::min(),
                                std::numeric_limits<std::int32_t>::max() - 1,
                                std::numeric_limits<std::int32_t>::min() + 1};
  const AffineInt outs[] = {kInt32, kInt8, kUint8, AffineInt{true, 4}, AffineInt{false, 16}};
  std::uniform_int_distribution<int> pick_bits(2, 31);
  std::uniform_int_distribution<int> pick_out(0, 4);
  std::uint64_t checked = 0;
  std::uint64_t double_vs_ideal = 0;
  std::uint64_t double_vs_ideal_wide = 0;
  std::uint64_t ties_seen = 0;
  constexpr int kMultipliers = 50000;
  constexpr int kPerMultiplier = 100;
  for (int i = 0; i < kMultipliers; ++i) {
    IntegerMultiplier m;
    m.bits = i % 4 == 0 ? pick_bits(rng) : 31;
    const std::int64_t lo = std::int64_t{1} << (m.bits - 1);
    m.m0 = static_cast<std::int32_t>(lo + static_cast<std::int64_t>(rng() % lo));
    if (i % 50 == 0) m.m0 = static_cast<std::int32_t>(lo);          // exact powers of two: ties
    if (i % 50 == 1) m.m0 = static_cast<std::int32_t>(2 * lo - 1);  // the largest M0
    // Mostly the shifts requantization sees (0..20), some large, some left shifts.
    const int kind = i % 10;
    m.shift = kind < 6 ? static_cast<int>(rng() % 21)
                       : (kind < 9 ? static_cast<int>(rng() % 63) : -static_cast<int>(rng() % 32));
    const AffineInt out = outs[pick_out(rng)];
    const std::int32_t zp =
        static_cast<std::int32_t>(out.q_min() + static_cast<std::int64_t>(rng() % 8));
    for (int j = 0; j < kPerMultiplier; ++j) {
      std::int32_t acc;
      if (j < 20) {
        acc = edges[j];
      } else if (j < 60) {
        // Small accumulators near multiples of 2^(B+n): ties of both roundings.
        acc = static_cast<std::int32_t>(static_cast<std::int64_t>(rng() % 2001) - 1000);
      } else {
        acc = static_cast<std::int32_t>(static_cast<std::uint32_t>(rng()));
      }
      const std::int64_t got_double = fx::requantize_integer(acc, m, zp, out);
      const std::int64_t got_single =
          fx::requantize_integer(acc, m, zp, out, IntegerRounding::SINGLE);
      const i128 want_double = oracle_double(acc, m);
      ASSERT_EQ(got_double, finish(want_double, zp, out))
          << "acc " << acc << " M0 " << m.m0 << " n " << m.shift << " B " << m.bits << " "
          << out.str() << " zp " << zp;
      ASSERT_EQ(got_single, finish(oracle_single(acc, m), zp, out))
          << "acc " << acc << " M0 " << m.m0 << " n " << m.shift << " B " << m.bits;
      // int<32> with zero point 0 and n >= 0 keeps r itself: count where two roundings differ
      // from one rounding of the exact product (ties away from zero).
      if (m.shift >= 0) {
        const i128 want_ideal = ideal(acc, m);
        if (want_double != want_ideal) ++double_vs_ideal;
        if (want_double != want_ideal &&
            (want_double - want_ideal > 1 || want_ideal - want_double > 1)) {
          ++double_vs_ideal_wide;
        }
        const i128 numerator = static_cast<i128>(acc) * m.m0;
        const int total = m.bits + m.shift;
        if (total > 0 && floor_div(numerator, pow2(total - 1)) * pow2(total - 1) == numerator &&
            floor_div(numerator, pow2(total)) * pow2(total) != numerator) {
          ++ties_seen;
        }
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, std::uint64_t{kMultipliers} * kPerMultiplier);
  // The two roundings are never more than one step from the ideal one, and do leave it.
  EXPECT_EQ(double_vs_ideal_wide, 0u);
  EXPECT_GT(double_vs_ideal, 0u);
  EXPECT_GT(ties_seen, 1000u);
  std::printf(
      "integer requant brute force: %llu cases (x2 roundings), %llu exact ties, double "
      "rounding differs from one ideal rounding in %llu\n",
      static_cast<unsigned long long>(checked), static_cast<unsigned long long>(ties_seen),
      static_cast<unsigned long long>(double_vs_ideal));
}

// Every accumulator in a window around the ties of a few multipliers: exhaustive, not sampled.
TEST(AffineRequantInteger, ExhaustiveSmallAccumulators) {
  std::uint64_t checked = 0;
  for (int bits : {31, 16, 8, 3}) {
    const std::int64_t lo = std::int64_t{1} << (bits - 1);
    for (std::int64_t m0_wide : {lo, lo + 1, 2 * lo - 1, lo + lo / 2}) {
      const auto m0 = static_cast<std::int32_t>(m0_wide);
      for (int shift = -3; shift <= 12; ++shift) {
        const IntegerMultiplier m{m0, shift, bits};
        for (std::int32_t acc = -70000; acc <= 70000; ++acc) {
          ASSERT_EQ(fx::requantize_integer(acc, m, 0, kInt32),
                    finish(oracle_double(acc, m), 0, kInt32))
              << "acc " << acc << " M0 " << m0 << " n " << shift << " B " << bits;
          ASSERT_EQ(fx::requantize_integer(acc, m, 0, kInt32, IntegerRounding::SINGLE),
                    finish(oracle_single(acc, m), 0, kInt32))
              << "acc " << acc << " M0 " << m0 << " n " << shift << " B " << bits;
          ++checked;
        }
      }
    }
  }
  EXPECT_EQ(checked, 4u * 4u * 16u * 140001u);
}

}  // namespace
