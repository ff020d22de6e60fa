// FxType: accessors (raw_min / raw_max / lsb / min_value / max_value / str),
// the mode names, and validation.
#include "fx/fx_type.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace fx = fxsim::fx;

namespace {

using fx::FxType;
using fx::Overflow;
using fx::Rounding;

TEST(FxType, AccessorsByHand) {
  const FxType a = FxType::make_signed(8, 3);  // F = 5
  EXPECT_EQ(a.frac_bits(), 5);
  EXPECT_EQ(a.raw_min(), -128);
  EXPECT_EQ(a.raw_max(), 127);
  EXPECT_EQ(a.lsb(), 0.03125);
  EXPECT_EQ(a.min_value(), -4.0);
  EXPECT_EQ(a.max_value(), 3.96875);
  EXPECT_EQ(a.str(), "fixed<8,3,TRN,WRAP,0>");

  const FxType b = FxType::make_unsigned(8, 3, Rounding::RND_CONV, Overflow::SAT, 2);
  EXPECT_EQ(b.raw_min(), 0);
  EXPECT_EQ(b.raw_max(), 255);
  EXPECT_EQ(b.lsb(), 0.03125);
  EXPECT_EQ(b.min_value(), 0.0);
  EXPECT_EQ(b.max_value(), 7.96875);
  EXPECT_EQ(b.str(), "ufixed<8,3,RND_CONV,SAT,2>");

  const FxType c = FxType::make_signed(4, -2);  // F = 6
  EXPECT_EQ(c.frac_bits(), 6);
  EXPECT_EQ(c.lsb(), 1.0 / 64);
  EXPECT_EQ(c.min_value(), -0.125);
  EXPECT_EQ(c.max_value(), 7.0 / 64);
  EXPECT_EQ(c.str(), "fixed<4,-2,TRN,WRAP,0>");

  const FxType d = FxType::make_signed(4, 10, Rounding::RND, Overflow::SAT_SYM);  // F = -6
  EXPECT_EQ(d.frac_bits(), -6);
  EXPECT_EQ(d.lsb(), 64.0);
  EXPECT_EQ(d.min_value(), -512.0);
  EXPECT_EQ(d.max_value(), 448.0);
  EXPECT_EQ(d.str(), "fixed<4,10,RND,SAT_SYM,0>");

  const FxType e = FxType::make_signed(1, 0);
  EXPECT_EQ(e.raw_min(), -1);
  EXPECT_EQ(e.raw_max(), 0);
  EXPECT_EQ(e.min_value(), -0.5);
  EXPECT_EQ(e.max_value(), 0.0);
  const FxType f = FxType::make_unsigned(1, 1);
  EXPECT_EQ(f.raw_min(), 0);
  EXPECT_EQ(f.raw_max(), 1);
  EXPECT_EQ(f.lsb(), 1.0);
}

TEST(FxType, SixtyFourBitFormats) {
  const FxType s = FxType::make_signed(64, 64);
  EXPECT_EQ(s.raw_min(), INT64_MIN);
  EXPECT_EQ(s.raw_max(), INT64_MAX);
  EXPECT_EQ(s.lsb(), 1.0);
  EXPECT_EQ(s.min_value(), -9223372036854775808.0);
  EXPECT_EQ(s.max_value(), 9223372036854775808.0);  // 2^63 - 1 rounded to a double
  EXPECT_EQ(s.str(), "fixed<64,64,TRN,WRAP,0>");

  const FxType u = FxType::make_unsigned(64, 0, Rounding::TRN_ZERO, Overflow::WRAP, 64);
  EXPECT_EQ(u.raw_min(), 0);
  EXPECT_EQ(u.raw_max(), -1);  // UINT64_MAX as int64_t
  EXPECT_EQ(static_cast<uint64_t>(u.raw_max()), UINT64_MAX);
  EXPECT_EQ(u.lsb(), std::ldexp(1.0, -64));
  EXPECT_EQ(u.min_value(), 0.0);
  EXPECT_EQ(u.max_value(), 1.0);  // (2^64 - 1) * 2^-64 rounded to a double
  EXPECT_EQ(u.str(), "ufixed<64,0,TRN_ZERO,WRAP,64>");

  const FxType s2 = FxType::make_signed(64, 0);
  EXPECT_EQ(s2.min_value(), -0.5);
  EXPECT_EQ(s2.lsb(), std::ldexp(1.0, -64));
  const FxType u2 = FxType::make_unsigned(64, 70);
  EXPECT_EQ(u2.lsb(), 64.0);
  EXPECT_EQ(u2.max_value(), std::ldexp(1.0, 70));
}

TEST(FxType, ModeNames) {
  const char* qn[] = {"RND", "RND_ZERO", "RND_MIN_INF", "RND_INF", "RND_CONV", "TRN", "TRN_ZERO"};
  for (int k = 0; k < 7; ++k) EXPECT_EQ(fx::to_string(fx::kAllRoundings[k]), qn[k]);
  const char* on[] = {"SAT", "SAT_ZERO", "SAT_SYM", "WRAP", "WRAP_SM"};
  for (int k = 0; k < 5; ++k) EXPECT_EQ(fx::to_string(fx::kAllOverflows[k]), on[k]);
  const FxType dflt;
  EXPECT_TRUE(dflt.is_signed);
  EXPECT_EQ(dflt.rounding, Rounding::TRN);
  EXPECT_EQ(dflt.overflow, Overflow::WRAP);
  EXPECT_EQ(dflt.sat_bits, 0);
  EXPECT_NO_THROW(dflt.validate());
}

TEST(FxType, ValidateNamesTheField) {
  const auto expect_error = [](const FxType& t, const char* word) {
    try {
      t.validate();
      ADD_FAILURE() << "no error for " << word;
    } catch (const fx::FxTypeError& e) {
      EXPECT_NE(std::string(e.what()).find(word), std::string::npos) << e.what();
    }
  };
  FxType t;
  t.width = 0;
  expect_error(t, "W");
  t.width = 65;
  expect_error(t, "W");
  t.width = -3;
  expect_error(t, "W");
  t.width = 8;
  t.sat_bits = -1;
  expect_error(t, "N");
  t.sat_bits = 0;
  t.is_signed = false;
  t.overflow = Overflow::WRAP_SM;
  expect_error(t, "WRAP_SM");
  EXPECT_THROW(FxType::make_signed(0, 0), fx::FxTypeError);
  EXPECT_THROW(FxType::make_unsigned(65, 0), fx::FxTypeError);
  EXPECT_THROW(FxType::make_signed(8, 0, Rounding::TRN, Overflow::WRAP, -2), fx::FxTypeError);
  EXPECT_THROW(FxType::make_unsigned(8, 0, Rounding::RND, Overflow::WRAP_SM, 0), fx::FxTypeError);
  EXPECT_NO_THROW(FxType::make_signed(64, -300));
  EXPECT_NO_THROW(FxType::make_unsigned(1, 300, Rounding::RND, Overflow::SAT_SYM, 1000));
}

}  // namespace
