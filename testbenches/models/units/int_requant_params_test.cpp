// int_requant's parameters (ranges and cross-constraints named in the errors), its channel check,
// and its reference (units::int_requant, by fx::requantize_integer) on a table worked by hand from
// the definitions of docs/fixed_point.md: DOUBLE rounds a x M0 / 2^B to nearest with ties toward
// +infinity, then / 2^n with ties away from zero; SINGLE rounds once, ties toward +infinity.
// M0 = 2^30 with B = 31 is the multiplier 0.5, so M = 0.5 x 2^-n below.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "models/units/int_requant/int_requant.hpp"
#include "models/units/unit_registry.hpp"

namespace {

using fxsim::fx::IntegerRounding;
namespace units = fxsim::units;

units::IntRequantConfig config(const units::ParamMap& overrides) {
  return units::IntRequantConfig::from(
      units::resolve_params(units::find_unit("int_requant"), overrides));
}

std::string error_of(const units::ParamMap& overrides) {
  try {
    units::resolve_params(units::find_unit("int_requant"), overrides);
  } catch (const units::UnitParamError& e) {
    return e.what();
  }
  return "(no error)";
}

units::IntRequantChannel channel(std::int64_t bias, std::int32_t m0, int shift, int bits = 31) {
  units::IntRequantChannel c;
  c.bias = bias;
  c.multiplier.m0 = m0;
  c.multiplier.shift = shift;
  c.multiplier.bits = bits;
  return c;
}

struct Row {
  const char* what;
  units::ParamMap overrides;
  std::int64_t acc;
  units::IntRequantChannel ch;
  std::int64_t double_y, single_y;
};

constexpr std::int32_t kHalf = std::int32_t{1} << 30;  // 0.5 with B = 31
constexpr std::int32_t kMaxM0 = 2147483647;

TEST(IntRequantReference, HandWorkedTable) {
  const units::ParamMap int32_lshift = {{"OUT_W", 32}, {"LSHIFT_MAX", 31}};
  const std::vector<Row> rows = {
      // 5 x 0.25 = 1.25: r1 = 2.5 -> 3 (tie up), 3 / 2 = 1.5 -> 2 (away); once: 1.
      {"tie then tie", {}, 5, channel(0, kHalf, 1), 2, 1},
      // -1.25: r1 = -2.5 -> -2 (tie up), -2 / 2 = -1; once: floor(-0.75) = -1.
      {"negative tie", {}, -5, channel(0, kHalf, 1), -1, -1},
      // -0.5: r1 = -2, -2 / 4 = -0.5 -> -1 (away); once: floor(0) = 0.
      {"negative half", {}, -4, channel(0, kHalf, 2), -1, 0},
      {"1.5 up", {}, 3, channel(0, kHalf, 0), 2, 2},
      {"-1.5 up", {}, -3, channel(0, kHalf, 0), -1, -1},
      {"saturate high", {}, 1000, channel(0, kHalf, 0), 127, 127},
      {"saturate low", {}, -1000, channel(0, kHalf, 0), -128, -128},
      // -20 + ZP 10 = -10; RELU raises it to ZP.
      {"zero point", {{"ZP", 10}}, -40, channel(0, kHalf, 0), -10, -10},
      {"relu", {{"ZP", 10}, {"RELU", 1}}, -40, channel(0, kHalf, 0), 10, 10},
      // 100 + 100 = 200 wraps in 8 bits to -56; x 0.5 = -28.
      {"bias wraps", {{"ACC_W", 8}, {"B_W", 8}}, 100, channel(100, kHalf, 0), -28, -28},
      // 2^30 x 4 saturates to 2^31 - 1 before the multiply (DOUBLE): 1073741823.5 -> 2^30;
      // once, exactly: 2^31, clamped to 2^31 - 1.
      {"left shift", int32_lshift, 1 << 30, channel(0, kHalf, -2), 1073741824, 2147483647},
      // -2^31 x (2^31 - 1) / 2^31 = -(2^31 - 1), exact.
      {"largest m0", int32_lshift, -2147483648LL, channel(0, kMaxM0, 0), -2147483647, -2147483647},
      // -2^31 x 0.5 / 2^31 = -0.5: r1 = -2^30, / 2^31 -> -1 (away); once: 0.
      {"shift 31", int32_lshift, -2147483648LL, channel(0, kHalf, 31), -1, 0},
      {"shift 62", int32_lshift, 2147483647, channel(0, kMaxM0, 62), 0, 0},
      {"zero multiplier", {{"ZP", -3}}, 12345, channel(0, 0, 0), -3, -3},
      // B = 4: M0 = 12 is 0.75; 7 x 0.75 = 5.25 / 2 = 2.625: r1 = round(5.25) = 5, 5 / 2 = 2.5
      // -> 3 (away); once: 3.
      {"four-bit m0", {{"M0_BITS", 4}}, 7, channel(0, 12, 1, 4), 3, 3},
  };
  for (const Row& r : rows) {
    units::ParamMap d = r.overrides, s = r.overrides;
    s["ROUNDING"] = 1;
    const units::IntRequantConfig cd = config(d), cs = config(s);
    units::check_channel(cd, r.ch);
    EXPECT_EQ(units::int_requant(cd, r.acc, r.ch), r.double_y) << r.what << " (double)";
    EXPECT_EQ(units::int_requant(cs, r.acc, r.ch), r.single_y) << r.what << " (single)";
  }
}

TEST(IntRequantParams, CrossConstraintsNamed) {
  EXPECT_EQ(error_of({{"PE", 2}, {"CH", 5}}),
            "int_requant: CH = 5 is not a multiple of PE = 2 (a beat carries PE channels)");
  EXPECT_EQ(error_of({{"ACC_W", 16}}),
            "int_requant: B_W = 32 exceeds ACC_W = 16 (the bias is added into the accumulator)");
  EXPECT_EQ(error_of({{"ZP", 200}}),
            "int_requant: ZP = 200 is not a value of int<8>, expected -128..127");
  EXPECT_EQ(error_of({{"OUT_SIGNED", 0}, {"ZP", -1}}),
            "int_requant: ZP = -1 is not a value of uint<8>, expected 0..255");
  EXPECT_EQ(error_of({{"M0_BITS", 32}}),
            "int_requant: parameter M0_BITS = 32 is out of range, expected 2..31 (B: bits of the "
            "multiplier M0, in [2^(B-1), 2^B))");
  EXPECT_EQ(error_of({{"OUT_W", 32}, {"OUT_SIGNED", 0}, {"ZP", 2147483647}}), "(no error)");
}

TEST(IntRequantParams, ChannelsCheckedAgainstTheUnit) {
  const units::IntRequantConfig c = config({{"B_W", 8}, {"ACC_W", 16}, {"LSHIFT_MAX", 2}});
  EXPECT_NO_THROW(units::check_channel(c, channel(-128, kHalf, -2)));
  EXPECT_THROW(units::check_channel(c, channel(128, kHalf, 0)), std::invalid_argument);
  EXPECT_THROW(units::check_channel(c, channel(0, kHalf, -3)), std::invalid_argument);
  EXPECT_THROW(units::check_channel(c, channel(0, 12, 0, 4)), std::invalid_argument);  // B = 4
  EXPECT_THROW(units::check_channel(c, channel(0, 5, 0)), std::invalid_argument);      // < 2^30
}

TEST(IntRequantParams, StreamWidthsAndLatency) {
  const units::UnitSpec& u = units::find_unit("int_requant");
  const units::ParamMap p =
      units::resolve_params(u, {{"PE", 4}, {"CH", 16}, {"ACC_W", 24}, {"B_W", 20}, {"STAGES", 3}});
  EXPECT_EQ(u.in_data_width(p), 96);
  EXPECT_EQ(u.out_data_width(p), 32);
  EXPECT_EQ(units::latency_cycles(u, p), 3);
  const std::vector<units::ExtraPort> ports = u.extra_ports(p);
  ASSERT_EQ(ports.size(), 3u);
  EXPECT_EQ(ports[1].width, 2);                  // wr_addr: NF = 4 words
  EXPECT_EQ(ports[2].width, 4 * (20 + 7 + 31));  // wr_data: PE x {bias, shift, m0}
}

}  // namespace
