// fx/bipolar: the binary / ternary formats, their type strings, quantizers and hardware codes.
// Expected values are hand-worked (the tensors below use dyadic values so the means are exact).
#include "fx/bipolar.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/type_parser.hpp"

namespace fxsim::fx {
namespace {

std::string parse_error(std::string_view text) {
  try {
    parse_bipolar_type(text);
  } catch (const TypeParseError& e) {
    return e.what();
  }
  return "no error";
}

TEST(BipolarType, ParsesNamesAndScales) {
  EXPECT_EQ(parse_bipolar_type("binary"), BipolarType::binary(1.0));
  EXPECT_EQ(parse_bipolar_type("ternary"), BipolarType::ternary(1.0));
  EXPECT_EQ(parse_bipolar_type(" binary < 0.25 > "), BipolarType::binary(0.25));
  EXPECT_EQ(parse_bipolar_type("ternary<1e-3>"), BipolarType::ternary(0.001));
  EXPECT_EQ(parse_bipolar_type("ternary<3>").scale, 3.0);
}

TEST(BipolarType, PrintsTheShortestRoundTrip) {
  EXPECT_EQ(BipolarType::binary().str(), "binary");
  EXPECT_EQ(BipolarType::ternary(0.0625).str(), "ternary<0.0625>");
  EXPECT_EQ(BipolarType::binary(0.1).str(), "binary<0.1>");
  for (double s : {1.0 / 3.0, 0.1, 7.25, 1e-7, 12345.678}) {
    for (auto t : {BipolarType::binary(s), BipolarType::ternary(s)}) {
      EXPECT_EQ(parse_bipolar_type(t.str()), t) << t.str();
    }
  }
}

TEST(BipolarType, RefusesBadTextWithThePosition) {
  EXPECT_EQ(parse_error("binary<0>"),
            "type 'binary<0>': at character 8: expected a finite scale S > 0, found '0'");
  EXPECT_EQ(parse_error("binary<-1>"),
            "type 'binary<-1>': at character 8: expected a finite scale S > 0, found '-1'");
  EXPECT_EQ(parse_error("binary<x>"),
            "type 'binary<x>': at character 8: expected a decimal number (S, the scale), found "
            "'x'");
  EXPECT_EQ(parse_error("ternary<0.5"),
            "type 'ternary<0.5': at character 12: expected '>' closing the format (its one field "
            "is the scale S), found the end of the text");
  EXPECT_EQ(parse_error("binary<0.5>x"),
            "type 'binary<0.5>x': at character 12: expected nothing after the type (or '<S>', the "
            "scale), found 'x'");
  EXPECT_EQ(parse_error("bin"),
            "type 'bin': at character 1: expected a binary / ternary type name (binary or "
            "ternary), found 'bin'");
  EXPECT_EQ(parse_error("binary<inf>"),
            "type 'binary<inf>': at character 8: expected a finite scale S > 0, found 'inf'");
}

TEST(BipolarType, ParseTypeSendsBinaryToItsParser) {
  try {
    parse_type("ternary<0.5>");
    FAIL() << "parse_type accepted ternary";
  } catch (const TypeParseError& e) {
    EXPECT_EQ(std::string(e.what()),
              "type 'ternary<0.5>': at character 1: expected a fixed-point or K-hot type name "
              "(ternary is a binary / ternary format, values {-1, 0, +1} times a scale: read it "
              "with parse_bipolar_type), found 'ternary'");
  }
}

TEST(BipolarType, ValidatesTheScale) {
  EXPECT_THROW(BipolarType::binary(0.0), FxTypeError);
  EXPECT_THROW(BipolarType::ternary(NAN), FxTypeError);
  try {
    BipolarType::binary(-2.5);
  } catch (const FxTypeError& e) {
    EXPECT_EQ(std::string(e.what()), "binary<S>: scale S = -2.5: expected a finite S > 0");
  }
}

TEST(BipolarType, PowerOfTwoScales) {
  EXPECT_TRUE(BipolarType::binary(1.0).scale_is_power_of_two());
  EXPECT_EQ(BipolarType::binary(1.0).scale_exponent(), 0);
  EXPECT_EQ(BipolarType::ternary(0.25).scale_exponent(), -2);
  EXPECT_EQ(BipolarType::ternary(8.0).scale_exponent(), 3);
  EXPECT_FALSE(BipolarType::binary(0.3).scale_is_power_of_two());
  EXPECT_FALSE(BipolarType::binary(3.0).scale_is_power_of_two());
  EXPECT_THROW(BipolarType::binary(0.75).scale_exponent(), FxTypeError);
}

TEST(BipolarQuantizers, BinarizeIsSignWithZeroPositive) {
  EXPECT_EQ(binarize(0.0), 1);
  EXPECT_EQ(binarize(-0.0), 1);  // -0.0 >= 0: the sign bit of a fixed-point zero is 0
  EXPECT_EQ(binarize(1e-300), 1);
  EXPECT_EQ(binarize(-1e-300), -1);
  EXPECT_EQ(binarize(-7), -1);
}

TEST(BipolarQuantizers, TernarizeUsesAStrictThreshold) {
  EXPECT_EQ(ternarize(0.25, 0.25), 0);
  EXPECT_EQ(ternarize(-0.25, 0.25), 0);
  EXPECT_EQ(ternarize(0.2500001, 0.25), 1);
  EXPECT_EQ(ternarize(-0.2500001, 0.25), -1);
  EXPECT_EQ(ternarize(0.0, 0.0), 0);
}

TEST(BipolarQuantizers, BinaryTensorHandTable) {
  // mean |w| = (0.5 + 0.25 + 0 + 1) / 4 = 0.4375
  const BipolarTensor t = quantize_bipolar(Bipolar::BINARY, {0.5, -0.25, 0.0, -1.0});
  EXPECT_EQ(t.v, (std::vector<std::int8_t>{1, -1, 1, -1}));
  EXPECT_EQ(t.type, BipolarType::binary(0.4375));
  EXPECT_EQ(quantize_bipolar(Bipolar::BINARY, {0.5, -0.25}, true).type.scale, 1.0);
}

TEST(BipolarQuantizers, TernaryTensorHandTable) {
  // mean |w| = 1.8125 / 5 = 0.3625, delta = 0.25375: 0.75 and 0.375 -> +1, -0.5 -> -1,
  // -0.125 and 0.0625 -> 0; scale = (0.75 + 0.375 + 0.5) / 3 = 1.625 / 3.
  const std::vector<double> w = {0.75, -0.125, 0.375, -0.5, 0.0625};
  EXPECT_DOUBLE_EQ(ternary_delta(w.data(), w.size()), 0.25375);
  const BipolarTensor t = quantize_bipolar(Bipolar::TERNARY, w);
  EXPECT_EQ(t.v, (std::vector<std::int8_t>{1, 0, 1, -1, 0}));
  EXPECT_DOUBLE_EQ(t.type.scale, 1.625 / 3);
  EXPECT_EQ(t.type.kind, Bipolar::TERNARY);
}

TEST(BipolarQuantizers, AllZeroTensorsGetScaleOne) {
  EXPECT_EQ(quantize_bipolar(Bipolar::BINARY, {0.0, 0.0}).type.scale, 1.0);
  const BipolarTensor t = quantize_bipolar(Bipolar::TERNARY, {0.0, 0.0, 0.0});
  EXPECT_EQ(t.v, (std::vector<std::int8_t>{0, 0, 0}));
  EXPECT_EQ(t.type.scale, 1.0);
  EXPECT_EQ(binary_scale(nullptr, 0), 0.0);
}

TEST(BipolarCodes, MatchTheXnorPeEncoding) {
  EXPECT_EQ(bipolar_code(Bipolar::BINARY, 1), 1u);
  EXPECT_EQ(bipolar_code(Bipolar::BINARY, -1), 0u);
  EXPECT_EQ(bipolar_code(Bipolar::TERNARY, 1), 0b10u);
  EXPECT_EQ(bipolar_code(Bipolar::TERNARY, -1), 0b11u);
  EXPECT_EQ(bipolar_code(Bipolar::TERNARY, 0), 0b00u);
  EXPECT_EQ(bipolar_value(Bipolar::BINARY, 1), 1);
  EXPECT_EQ(bipolar_value(Bipolar::BINARY, 0), -1);
  EXPECT_EQ(bipolar_value(Bipolar::TERNARY, 0b10), 1);
  EXPECT_EQ(bipolar_value(Bipolar::TERNARY, 0b11), -1);
  EXPECT_EQ(bipolar_value(Bipolar::TERNARY, 0b00), 0);
  EXPECT_EQ(bipolar_value(Bipolar::TERNARY, 0b01), 0);
  EXPECT_THROW(bipolar_code(Bipolar::BINARY, 0), std::invalid_argument);
  EXPECT_THROW(bipolar_code(Bipolar::TERNARY, 2), std::invalid_argument);
  EXPECT_THROW(bipolar_value(Bipolar::BINARY, 2), std::invalid_argument);
  EXPECT_THROW(bipolar_value(Bipolar::TERNARY, 4), std::invalid_argument);
}

}  // namespace
}  // namespace fxsim::fx
