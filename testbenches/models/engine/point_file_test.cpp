// The design-point file: a valid file gives exact fields; malformed files give exact
// `FILE:LINE: key: ...` messages.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "models/engine/elaboration.hpp"
#include "testbenches/models/engine/points.hpp"

namespace fxsim::tlm_test {
namespace {

using engine::EngineConfig;
using engine::EngineKind;
using engine::PointFileError;

TEST(PointFile, ContractExampleGivesExactFields) {
  const EngineConfig c = point(kContractPoint);
  EXPECT_EQ(c.seed, 1u);
  EXPECT_EQ(c.kind, EngineKind::FX_MAC);
  EXPECT_EQ(c.pe, 8);
  EXPECT_EQ(c.simd, 8);
  EXPECT_EQ(c.mac_stages, 2);
  EXPECT_EQ(c.clock_ns, 4.0);
  EXPECT_EQ(c.bus_bits, 64);
  EXPECT_EQ(c.in_features, 784);
  EXPECT_EQ(c.out_features, 128);
  EXPECT_EQ(c.batch, 1);
  EXPECT_EQ(c.activation, fx::FxType::make_signed(8, 1, fx::Rounding::TRN, fx::Overflow::SAT));
  EXPECT_EQ(c.fx_weight(), fx::FxType::make_signed(8, 1));
  EXPECT_EQ(c.accumulator, fx::FxType::make_signed(24, 10));
  EXPECT_EQ(c.output, fx::FxType::make_signed(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT));
  ASSERT_TRUE(c.bn.has_value());
  EXPECT_EQ(std::get<fx::FxType>(c.bn->scale), fx::FxType::make_signed(8, 2));
  EXPECT_EQ(c.bn->bias, fx::FxType::make_signed(16, 8));
  EXPECT_EQ(c.bn->output, fx::FxType::make_signed(8, 3, fx::Rounding::RND, fx::Overflow::SAT));
  EXPECT_EQ(c.bn->activation, units::Activation::RELU);
  EXPECT_EQ(c.bn->stages, 2);
  EXPECT_EQ(c.distribution, engine::Distribution::UNIFORM);
  EXPECT_EQ(c.synapse_fold(), 98);
  EXPECT_EQ(c.neuron_fold(), 16);
}

TEST(PointFile, DefaultsAndKhotMapping) {
  const EngineConfig c = point(kKhotPoint);
  EXPECT_EQ(c.kind, EngineKind::KHOT);
  EXPECT_EQ(c.khot_weight(), fx::KhotType::make(fx::KhotKind::KHOT, 8, 1, 2));
  EXPECT_FALSE(c.bn.has_value());
  // The PE: K 2, SH_W = ceil(log2(7 magnitude bits)) = 3, W_FRAC 7, ACC_W 12 SAT (0).
  const engine::Elaboration e = engine::elaborate(c);
  const units::ParamMap& p = e.pe.params;
  EXPECT_EQ(e.pe.unit->name, "khot_pe");
  EXPECT_EQ(e.pe.count, 4);
  EXPECT_EQ(p.at("SIMD"), 3);
  EXPECT_EQ(p.at("A_W"), 6);
  EXPECT_EQ(p.at("A_FRAC"), 4);
  EXPECT_EQ(p.at("K"), 2);
  EXPECT_EQ(p.at("SH_W"), 3);
  EXPECT_EQ(p.at("W_FRAC"), 7);
  EXPECT_EQ(p.at("ACC_W"), 12);
  EXPECT_EQ(p.at("ACC_O"), 0);
  EXPECT_EQ(p.at("OUT_W"), 8);
  EXPECT_EQ(p.at("OUT_FRAC"), 4);
  EXPECT_EQ(p.at("Q"), 3);
  EXPECT_EQ(p.at("O"), 3);
  EXPECT_EQ(p.at("STAGES"), 3);

  // Default accumulator: fixed<8,1> x fixed<8,1> over 784 = fixed<26,12> (+10 bits), WRAP.
  std::string text = kContractPoint;
  text.replace(text.find("accumulator = \"fixed<24,10>\"\n"), 29, "");
  const EngineConfig d = point(text.c_str());
  EXPECT_EQ(d.accumulator, fx::FxType::make_signed(26, 12));
}

TEST(PointFile, BnParamsMapping) {
  const EngineConfig c = point(kSptPoint);
  const units::ParamMap p = engine::elaborate(c).bn->params;
  EXPECT_EQ(p.at("X_W"), 10);
  EXPECT_EQ(p.at("X_FRAC"), 6);
  EXPECT_EQ(p.at("SCALE_KIND"), 1);
  EXPECT_EQ(p.at("K"), 2);
  EXPECT_EQ(p.at("SH_W"), 3);  // 5 magnitude bits
  EXPECT_EQ(p.at("S_FRAC"), 4);
  EXPECT_EQ(p.at("B_W"), 12);
  EXPECT_EQ(p.at("B_FRAC"), 8);
  EXPECT_EQ(p.at("OUT_W"), 8);
  EXPECT_EQ(p.at("OUT_FRAC"), 6);
  EXPECT_EQ(p.at("Q"), 1);
  EXPECT_EQ(p.at("O"), 2);
  EXPECT_EQ(p.at("ACT"), 3);
  EXPECT_EQ(p.at("STAGES"), 3);
  // Default accumulator of ufixed<7,2> x spt<6,0> (as fixed<6,0>): product fixed<13,2>, over
  // 37 terms 6 more bits: fixed<19,8>.
  EXPECT_EQ(c.accumulator, fx::FxType::make_signed(19, 8));
}

// The types keep their spelling, and with it the semantics: ap_ spellings give units with AP = 1
// (ap_fixed semantics in the output requantizers), SystemC spellings AP = 0. The accumulator's
// requantizer (TRN, same LSB, N = 0) has no corner, so its spelling changes no parameter.
TEST(PointFile, SpellingsSelectTheRequantizersSemantics) {
  std::string text = kKhotPoint;
  const auto replace = [&text](const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
  };
  replace("output = \"fixed<8,4,RND_INF,WRAP>\"",
          "output = \"ap_ufixed<8,4,AP_RND_INF,AP_WRAP,2>\"");
  replace("activation = \"fixed<6,2,TRN,SAT>\"", "activation = \"sc_fixed<6,2,SC_TRN,SC_SAT>\"");
  const EngineConfig ap = point(text.c_str());
  EXPECT_EQ(ap.output.str(), "ap_ufixed<8,4,AP_RND_INF,AP_WRAP,2>");
  EXPECT_TRUE(ap.output.ap_semantics());
  EXPECT_EQ(ap.activation.str(), "sc_fixed<6,2,SC_TRN,SC_SAT,0>");
  const engine::Elaboration e = engine::elaborate(ap);
  EXPECT_EQ(e.pe.params.at("AP"), 1);
  EXPECT_TRUE(std::get<units::KhotPeConfig>(e.pe_config).out.ap_semantics());
  EXPECT_EQ(engine::elaborate(point(kKhotPoint)).pe.params.at("AP"), 0);
  const EngineConfig sc_point = point(kSptPoint);
  EXPECT_EQ(engine::elaborate(sc_point).bn->params.at("AP"), 0);
}

TEST(PointFile, LoadsFromDisk) {
  const std::string path = ::testing::TempDir() + "/point_ok.toml";
  std::ofstream(path) << kKhotPoint;
  EXPECT_EQ(engine::load_point_file(path).in_features, 50);
  try {
    engine::load_point_file(path + ".missing");
    FAIL();
  } catch (const PointFileError& e) {
    EXPECT_EQ(std::string(e.what()), path + ".missing: cannot open the design point file");
  }
}

// A copy of the contract point with `from` replaced by `to` (which may span lines).
std::string edited(const std::string& from, const std::string& to) {
  std::string text = kContractPoint;
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  return text;
}

std::string error_of(const std::string& text) {
  try {
    engine::parse_point(text, "POINT.toml");
  } catch (const PointFileError& e) {
    return e.what();
  }
  return "(accepted)";
}

struct Malformed {
  const char* name;
  std::string from, to;
  std::string message;
  friend void PrintTo(const Malformed& m, std::ostream* os) { *os << m.name; }
};

class PointFileMalformed : public ::testing::TestWithParam<Malformed> {};

TEST_P(PointFileMalformed, GivesFileLineKeyMessage) {
  EXPECT_EQ(error_of(edited(GetParam().from, GetParam().to)), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PointFileMalformed,
    ::testing::Values(
        Malformed{"UnknownKey", "simd = 8\n", "simd = 8\nsimdd = 4\n",
                  "POINT.toml:7: engine.simdd: unknown key; expected one of kind, pe, simd, "
                  "mac_stages, clock_ns, bus_bits"},
        Malformed{"WrongType", "pe = 8", "pe = \"8\"",
                  "POINT.toml:5: engine.pe: expected an integer >= 1, found a string"},
        Malformed{"SimdOutOfRange", "simd = 8", "simd = 65",
                  "POINT.toml:6: engine.simd: expected an integer in 1..64, got 65"},
        Malformed{"BusBits", "bus_bits = 64", "bus_bits = 60",
                  "POINT.toml:9: engine.bus_bits: expected a multiple of 8 in 8..1024, got 60"},
        Malformed{"BusNotMultipleOfElement", "bus_bits = 64", "bus_bits = 8",
                  "POINT.toml:9: engine.bus_bits: 8 is not a multiple of the 16-bit elements of "
                  "bn.bias; expected a multiple of 16"},
        Malformed{"MissingKey", "in_features = 784\n", "",
                  "POINT.toml:11: layer.in_features: missing; expected an integer >= 1"},
        Malformed{"BadTypeString", "weight = \"fixed<8,1>\"", "weight = \"fixed<8,x>\"",
                  "POINT.toml:18: types.weight: type 'fixed<8,x>': at character 9: expected an "
                  "integer (I, the integer bits), found 'x'; expected fixed<W,I> (kind fx_mac), "
                  "khot<W,I,K> (khot) "
                  "or spt<W,I,K> (spt)"},
        Malformed{"KindMismatch", "weight = \"fixed<8,1>\"", "weight = \"khot<8,1,2>\"",
                  "POINT.toml:18: types.weight: khot<8,1,2> does not match engine.kind = "
                  "\"fx_mac\"; expected fixed<W,I> or ufixed<W,I>"},
        Malformed{"AccumulatorFraction", "fixed<24,10>", "fixed<24,11>",
                  "POINT.toml:19: types.accumulator: fixed<24,11,TRN,WRAP,0> has 13 fraction "
                  "bits; expected F_acc = F_activation + F_weight = 7 + 7 = 14: e.g. "
                  "fixed<25,11,TRN,WRAP,0> (the same integer bits) or fixed<26,12,TRN,WRAP,0> "
                  "(the default when the key is left out: exact for 784 products)"},
        Malformed{"AccumulatorUnsigned", "fixed<24,10>", "ufixed<24,10>",
                  "POINT.toml:19: types.accumulator: ufixed<24,10,TRN,WRAP,0> is unsigned; "
                  "expected a signed fixed with F_acc = F_activation + F_weight = 7 + 7 = 14: "
                  "e.g. fixed<24,10,TRN,WRAP,0> (the same integer bits) or "
                  "fixed<26,12,TRN,WRAP,0> (the default when the key is left out: exact for 784 "
                  "products)"},
        Malformed{"RtlLimit", "activation = \"fixed<8,1,TRN,SAT>\"",
                  "activation = \"fixed<40,33,TRN,SAT>\"",
                  "POINT.toml:17: types.activation: fx_mac_pe: parameter A_W = 40 is out of "
                  "range, expected 2..32 (word length of an activation)"},
        Malformed{"UnknownActivation", "activation = \"relu\"", "activation = \"gelu\"",
                  "POINT.toml:26: bn.activation: \"gelu\" is not one of none, relu, relu_clip, "
                  "hardtanh, sign"},
        Malformed{"ClipNotOutputValue", "activation = \"relu\"", "activation = \"relu_clip\"",
                  "POINT.toml:27: bn.clip: expected an output value 0..3.968750 in steps of "
                  "2^-5, got 6.000000"},
        Malformed{"ClipWrongType", "clip = 6.0", "clip = \"6\"",
                  "POINT.toml:27: bn.clip: expected a number (relu_clip upper bound in output "
                  "units), found a string"},
        Malformed{
            "TomlSyntax", "batch = 1", "batch = = 1",
            "POINT.toml:14: toml: Error while parsing value: could not determine value type"}),
    [](const ::testing::TestParamInfo<Malformed>& i) { return std::string(i.param.name); });

TEST(PointFile, KLargerThanMagnitudeBits) {
  const std::string text = edited("kind = \"fx_mac\"", "kind = \"khot\"");
  std::string t2 = text;
  t2.replace(t2.find("\"fixed<8,1>\""), 12, "\"khot<4,1,4>\"");
  EXPECT_EQ(error_of(t2),
            "POINT.toml:18: types.weight: type 'khot<4,1,4>': at character 10: expected K in 1..3 "
            "(the magnitude bits of W = 4), found '4'; expected fixed<W,I> (kind fx_mac), "
            "khot<W,I,K> (khot) or spt<W,I,K> (spt)");
}

TEST(PointFile, ValidateWithoutLines) {
  EngineConfig c = point(kKhotPoint);
  c.simd = 0;
  try {
    engine::validate(c, "cfg");
    FAIL();
  } catch (const PointFileError& e) {
    EXPECT_EQ(std::string(e.what()), "cfg: engine.simd: expected an integer in 1..64, got 0");
  }
}

}  // namespace
}  // namespace fxsim::tlm_test

namespace fxsim::tlm_test {
namespace {

// ---- [requant] ----------------------------------------------------------------------------------

TEST(RequantPointFile, FieldsAndElaboration) {
  const EngineConfig c = point(kRequantPoint);
  ASSERT_TRUE(c.requant.has_value());
  EXPECT_FALSE(c.bn.has_value());
  const engine::RequantConfig& r = *c.requant;
  EXPECT_EQ(r.output, fx::AffineInt::make(true, 8));
  EXPECT_EQ(r.zero_point, -3);
  EXPECT_EQ(r.rounding, fx::IntegerRounding::DOUBLE);
  EXPECT_EQ(r.m0_bits, 31);
  EXPECT_EQ(r.lshift_max, 2);
  EXPECT_EQ(r.bias_width, 32);
  EXPECT_FALSE(r.relu);
  EXPECT_EQ(r.stages, 2);
  // types.output left out: the accumulator.
  EXPECT_EQ(c.output.width, 32);
  EXPECT_EQ(c.output.frac_bits(), 0);
  EXPECT_TRUE(c.has_channel_params());
  EXPECT_EQ(c.final_output(), fx::FxType::make_signed(8, 8));
  const engine::Elaboration e = engine::elaborate(c);
  ASSERT_TRUE(e.requant.has_value());
  const units::ParamMap& p = e.requant->params;
  EXPECT_EQ(e.requant->count, 1);
  EXPECT_EQ(p.at("PE"), 4);
  EXPECT_EQ(p.at("CH"), 12);  // NF 3 x PE 4: channels 10, 11 get zero parameters
  EXPECT_EQ(p.at("ACC_W"), 32);
  EXPECT_EQ(p.at("B_W"), 32);
  EXPECT_EQ(p.at("LSHIFT_MAX"), 2);
  EXPECT_EQ(p.at("ZP"), -3);
  EXPECT_EQ(p.at("OUT_W"), 8);
  EXPECT_EQ(p.at("OUT_SIGNED"), 1);
  EXPECT_EQ(e.pe.params.at("OUT_W"), 32);  // the PE passes its accumulator on
}

TEST(RequantPointFile, DefaultsFollowTheAccumulator) {
  const EngineConfig u = point(kRequantUint8Point);
  // ufixed<8,8> x fixed<8,8> over 50 products: 16 + 6 = 22 bits, the default accumulator.
  EXPECT_EQ(u.accumulator.width, 22);
  EXPECT_EQ(u.output.width, 22);
  EXPECT_EQ(u.requant->bias_width, 20);
  EXPECT_EQ(u.requant->rounding, fx::IntegerRounding::SINGLE);
  EXPECT_TRUE(u.requant->relu);
  EXPECT_EQ(u.requant->lshift_max, 0);
  EXPECT_EQ(u.final_output(), fx::FxType::make_unsigned(8, 8));
  // Without bias_width: the accumulator's width.
  std::string text = kRequantUint8Point;
  text.erase(text.find("bias_width = 20\n"), 16);
  EXPECT_EQ(point(text.c_str()).requant->bias_width, 22);
}

std::string requant_error(std::vector<std::pair<std::string, std::string>> edits) {
  std::string text = kRequantPoint;
  for (const auto& [from, to] : edits) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
  }
  return error_of(text);
}

TEST(RequantPointFile, ErrorsNameFileLineKey) {
  EXPECT_EQ(requant_error({{"relu = false\nstages = 2\n",
                            "relu = false\nstages = 2\n[bn]\nscale = \"fixed<8,2>\"\nbias = "
                            "\"fixed<16,8>\"\noutput = \"fixed<8,3>\"\n"}}),
            "POINT.toml:17: requant: [requant] and [bn] both present; expected one of them "
            "(int_requant takes bn_act's place after the MAC array)");
  EXPECT_EQ(requant_error({{"\"fx_mac\"", "\"khot\""}, {"\"fixed<8,8>\"", "\"khot<8,8,2>\""}}),
            "POINT.toml:3: engine.kind: \"khot\" with [requant]; expected \"fx_mac\" (integer "
            "weights)");
  EXPECT_EQ(requant_error({{"fixed<8,8,TRN,SAT>", "fixed<8,1,TRN,SAT>"}}),
            "POINT.toml:14: types.activation: fixed<8,1,TRN,SAT,0> has 7 fraction bits; expected "
            "an integer format with [requant] (fraction bits 0, e.g. fixed<8,8> or ufixed<8,8>)");
  EXPECT_EQ(requant_error({{"weight = \"fixed<8,8>\"", "weight = \"fixed<8,2>\""}}),
            "POINT.toml:15: types.weight: fixed<8,2,TRN,WRAP,0> has 6 fraction bits; expected an "
            "integer format with [requant] (fraction bits 0, e.g. fixed<8,8> or ufixed<8,8>)");
  EXPECT_EQ(requant_error({{"fixed<32,32>", "fixed<40,40>"}}),
            "POINT.toml:16: types.accumulator: fixed<40,40,TRN,WRAP,0> has 40 bits; expected at "
            "most 32 with [requant] (int_requant's ACC_W)");
  EXPECT_EQ(requant_error({{"accumulator = \"fixed<32,32>\"",
                            "accumulator = \"fixed<32,32>\"\noutput = \"fixed<8,3>\""}}),
            "POINT.toml:17: types.output: fixed<8,3,TRN,WRAP,0> is not the accumulator "
            "fixed<32,32,TRN,WRAP,0>; expected types.output left out or equal to "
            "types.accumulator with [requant] (the PE passes it on)");
  EXPECT_EQ(requant_error({{"accumulator = \"fixed<32,32>\"",
                            "accumulator = \"fixed<32,32>\"\noutput = \"fixed<32,32,RND,SAT>\""}}),
            "(accepted)");
  EXPECT_EQ(requant_error({{"zero_point = -3", "zero_point = 200"}}),
            "POINT.toml:19: requant.zero_point: expected an integer in -128..127, got 200");
  EXPECT_EQ(requant_error({{"\"double\"", "\"nearest\""}}),
            "POINT.toml:20: requant.rounding: \"nearest\" is not one of double, single");
  EXPECT_EQ(requant_error({{"m0_bits = 31", "m0_bits = 40"}}),
            "POINT.toml:21: requant.m0_bits: int_requant: parameter M0_BITS = 40 is out of range, "
            "expected 2..31 (B: bits of the multiplier M0, in [2^(B-1), 2^B))");
  EXPECT_EQ(requant_error({{"fixed<32,32>", "fixed<24,24>"}}),
            "POINT.toml:23: requant.bias_width: int_requant: B_W = 32 exceeds ACC_W = 24 (the "
            "bias is added into the accumulator)");
  EXPECT_EQ(requant_error({{"lshift_max = 2", "lshift_max = 32"}}),
            "POINT.toml:22: requant.lshift_max: int_requant: parameter LSHIFT_MAX = 32 is out of "
            "range, expected 0..31 (largest left shift (n < 0, M >= 1) built)");
  EXPECT_EQ(requant_error({{"\"int<8>\"", "\"int<40>\""}}),
            "POINT.toml:18: requant.output: type 'int<40>': at character 5: expected a word "
            "length W in 2..32, found '40'; expected an affine integer int<W> or uint<W>, W in "
            "2..32");
  EXPECT_EQ(requant_error({{"output = \"int<8>\"\n", ""}}),
            "POINT.toml:17: requant.output: missing; expected a type string, an affine integer "
            "int<W> or uint<W>, W in 2..32");
  EXPECT_EQ(requant_error({{"relu = false\nstages = 2", "relu = false\nstages = 9"}}),
            "POINT.toml:25: requant.stages: expected an integer in 1..8, got 9");
  EXPECT_EQ(requant_error({{"relu = false", "relu = 1"}}),
            "POINT.toml:24: requant.relu: expected true or false, found a integer");
  EXPECT_EQ(requant_error({{"relu = false", "relu = false\nzp = 1"}}),
            "POINT.toml:25: requant.zp: unknown key; expected one of output, zero_point, "
            "rounding, m0_bits, lshift_max, bias_width, relu, stages");
  EXPECT_EQ(requant_error({{"bus_bits = 64", "bus_bits = 32"}}),
            "POINT.toml:8: engine.bus_bits: 32 is not a multiple of the 64-bit elements of "
            "requant.m0_bits; expected a multiple of 64");
}

}  // namespace
}  // namespace fxsim::tlm_test
