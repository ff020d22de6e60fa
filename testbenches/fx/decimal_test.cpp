// exact_decimal: hand-worked values. Every binary fraction raw * 2^-F has a
// finite decimal expansion (2^-F = 5^F / 10^F), so nothing is rounded.
#include "fx/decimal.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "fx/fx_type.hpp"

namespace fx = fxsim::fx;

namespace {

TEST(ExactDecimal, SmallHandWorkedValues) {
  EXPECT_EQ(fx::exact_decimal(-13, 5), "-0.40625");  // -13/32: 13 * 3125 = 40625, 5 places
  EXPECT_EQ(fx::exact_decimal(12, 0), "12");
  EXPECT_EQ(fx::exact_decimal(0, 5), "0");
  EXPECT_EQ(fx::exact_decimal(0, -5), "0");
  EXPECT_EQ(fx::exact_decimal(1, 1), "0.5");
  EXPECT_EQ(fx::exact_decimal(-1, 1), "-0.5");
  EXPECT_EQ(fx::exact_decimal(6, 2), "1.5");    // 6/4
  EXPECT_EQ(fx::exact_decimal(4, 2), "1");      // 4/4: no trailing ".0"
  EXPECT_EQ(fx::exact_decimal(5, 3), "0.625");  // 5/8 = 5 * 125 / 1000
  EXPECT_EQ(fx::exact_decimal(-5, 3), "-0.625");
  EXPECT_EQ(fx::exact_decimal(-3, 2), "-0.75");
  EXPECT_EQ(fx::exact_decimal(1, 24), "0.000000059604644775390625");  // 5^24 = 59604644775390625
  EXPECT_EQ(fx::exact_decimal(81985529216486895, 30),                 // 0x123456789abcdef / 2^30
            "76354974.151111110113561153411865234375");
}

TEST(ExactDecimal, NegativeFracBits) {
  EXPECT_EQ(fx::exact_decimal(3, -2), "12");   // 3 * 4
  EXPECT_EQ(fx::exact_decimal(-1, -3), "-8");  // -1 * 8
  // 2^100 = 1267650600228229401496703205376 (1024^10 worked out digit by digit).
  EXPECT_EQ(fx::exact_decimal(1, -100), "1267650600228229401496703205376");
  // -2^63 * 2^10 = -2^73 = -9444732965739290427392.
  EXPECT_EQ(fx::exact_decimal(INT64_MIN, -10), "-9444732965739290427392");
  EXPECT_EQ(fx::exact_decimal(INT64_MIN, -1), "-18446744073709551616");  // -2^64
}

TEST(ExactDecimal, Int64Extremes) {
  EXPECT_EQ(fx::exact_decimal(INT64_MIN, 0), "-9223372036854775808");
  EXPECT_EQ(fx::exact_decimal(INT64_MIN, 1), "-4611686018427387904");  // -2^62
  EXPECT_EQ(fx::exact_decimal(INT64_MIN, 63), "-1");
  EXPECT_EQ(fx::exact_decimal(INT64_MIN, 64), "-0.5");
  EXPECT_EQ(fx::exact_decimal(INT64_MIN, 70), "-0.0078125");  // -2^-7
  EXPECT_EQ(fx::exact_decimal(INT64_MAX, 0), "9223372036854775807");
  // (2^63 - 1) / 2^63 = 1 - 2^-63; 2^-63 = 5^63 / 10^63.
  EXPECT_EQ(fx::exact_decimal(INT64_MAX, 63),
            "0.999999999999999999891579782751449556599254719913005828857421875");
  EXPECT_EQ(fx::exact_decimal(INT64_MAX, 64),
            "0.4999999999999999999457898913757247782996273599565029144287109375");
  // -2^-64 = -5^64 / 10^64.
  EXPECT_EQ(fx::exact_decimal(-1, 64),
            "-0.0000000000000000000542101086242752217003726400434970855712890625");
}

TEST(ExactDecimal, UnsignedBitPatterns) {
  EXPECT_EQ(fx::exact_decimal(-1, 0, true), "18446744073709551615");        // 2^64 - 1
  EXPECT_EQ(fx::exact_decimal(INT64_MIN, 0, true), "9223372036854775808");  // 2^63
  EXPECT_EQ(fx::exact_decimal(INT64_MIN, 64, true), "0.5");
  EXPECT_EQ(fx::exact_decimal(-1, 64, true),  // 1 - 2^-64
            "0.9999999999999999999457898913757247782996273599565029144287109375");
  EXPECT_EQ(fx::exact_decimal(5, 1, true), "2.5");  // small patterns read the same
}

TEST(ExactDecimal, LongFractions) {
  // 2^-100 = 5^100 / 10^100.
  EXPECT_EQ(fx::exact_decimal(1, 100),
            "0.000000000000000000000000000000788860905221011805411728565282786229673206435109023"
            "0047702789306640625");
  // 3 * 2^-200.
  EXPECT_EQ(fx::exact_decimal(3, 200),
            "0.000000000000000000000000000000000000000000000000000000000001866904583358342512143"
            "21921613403727217707565061635013993033498443690965021061503235518344693771408508708"
            "997686653674463741481304168701171875");
}

TEST(ExactDecimal, OfFxType) {
  EXPECT_EQ(fx::exact_decimal(-13, fx::FxType::make_signed(8, 3)), "-0.40625");  // F = 5
  EXPECT_EQ(fx::exact_decimal(-1, fx::FxType::make_unsigned(64, 64)), "18446744073709551615");
  EXPECT_EQ(fx::exact_decimal(-1, fx::FxType::make_signed(64, 64)), "-1");
  EXPECT_EQ(fx::exact_decimal(INT64_MIN, fx::FxType::make_signed(64, 0)), "-0.5");
  EXPECT_EQ(fx::exact_decimal(INT64_MIN, fx::FxType::make_unsigned(64, 0)), "0.5");
  EXPECT_EQ(fx::exact_decimal(3, fx::FxType::make_signed(4, 6)), "12");  // F = -2
}

}  // namespace
