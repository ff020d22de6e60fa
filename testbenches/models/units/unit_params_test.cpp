// models/units: the RTL parameter schema. Expected messages and values are written out by hand
// from docs/rtl_units.md, so a changed default, range or message shows up here.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "models/units/fx_requant/fx_requant.hpp"
#include "models/units/unit_registry.hpp"

namespace fx = fxsim::fx;

namespace {

using fxsim::units::find_unit;
using fxsim::units::ParamMap;
using fxsim::units::resolve_params;
using fxsim::units::UnitParamError;

std::string error_of(const std::string& unit, const ParamMap& overrides) {
  try {
    resolve_params(find_unit(unit), overrides);
  } catch (const UnitParamError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(UnitParams, ListsTheUnitsInOrder) {
  const auto& units = fxsim::units::all_units();
  ASSERT_EQ(units.size(), 12u);
  EXPECT_EQ(units[0].name, "fx_requant");
  EXPECT_EQ(units[1].name, "fx_mac_pe");
  EXPECT_EQ(units[2].name, "khot_pe");
  EXPECT_EQ(units[3].name, "bn_act");
  EXPECT_EQ(units[4].name, "weight_mem");
  EXPECT_EQ(units[5].name, "stream_fifo");
  EXPECT_EQ(units[6].name, "max_pool");
  EXPECT_EQ(units[7].name, "sliding_window");
  EXPECT_EQ(units[8].name, "mvau");
  EXPECT_EQ(units[9].name, "int_requant");
  EXPECT_EQ(units[10].name, "xnor_pe");
  EXPECT_EQ(units[11].name, "threshold");
  for (const auto& u : units) {
    EXPECT_EQ(u.top_module, u.name);
    // Dependency order: the requantizer first in the units that requantize with it.
    if (std::find(u.rtl_files.begin(), u.rtl_files.end(), "fx_requant.sv") != u.rtl_files.end()) {
      EXPECT_EQ(u.rtl_files.front(), "fx_requant.sv");
    }
    EXPECT_EQ(u.rtl_files.back(), u.name + ".sv");
  }
}

TEST(UnitParams, UnknownUnitListsKnownOnes) {
  try {
    find_unit("fx_mac");
    FAIL() << "no exception";
  } catch (const UnitParamError& e) {
    EXPECT_STREQ(
        e.what(),
        "unknown unit \"fx_mac\"; known units: fx_requant, fx_mac_pe, khot_pe, bn_act, "
        "weight_mem, stream_fifo, max_pool, sliding_window, mvau, int_requant, xnor_pe, threshold");
  }
}

TEST(UnitParams, DefaultsOfMacPe) {
  const auto& u = find_unit("fx_mac_pe");
  const ParamMap p = resolve_params(u, {});
  EXPECT_EQ(p.size(), 17u);  // SIMD, 3 + 3 formats, ACC_W, ACC_O, 7 output, STAGES
  EXPECT_EQ(p.at("SIMD"), 8);
  EXPECT_EQ(p.at("A_W"), 8);
  EXPECT_EQ(p.at("A_SIGNED"), 1);
  EXPECT_EQ(p.at("W_W"), 8);
  EXPECT_EQ(p.at("ACC_W"), 24);
  EXPECT_EQ(p.at("STAGES"), 2);
  EXPECT_EQ(fxsim::units::latency_cycles(u, p), 2);
  EXPECT_EQ(fxsim::units::latency_cycles(find_unit("fx_requant"),
                                         resolve_params(find_unit("fx_requant"), {})),
            0);
}

TEST(UnitParams, OverrideIsKept) {
  const ParamMap p = resolve_params(find_unit("fx_mac_pe"), {{"SIMD", 4}, {"STAGES", 3}});
  EXPECT_EQ(p.at("SIMD"), 4);
  EXPECT_EQ(fxsim::units::latency_cycles(find_unit("fx_mac_pe"), p), 3);
}

TEST(UnitParams, UnknownParameter) {
  EXPECT_EQ(error_of("fx_requant", {{"WIDTH", 3}}),
            "fx_requant: unknown parameter \"WIDTH\"; known parameters: IN_W, IN_FRAC, "
            "IN_SIGNED, OUT_W, OUT_FRAC, OUT_SIGNED, Q, O, N, AP");
}

TEST(UnitParams, OutOfRange) {
  EXPECT_EQ(error_of("fx_mac_pe", {{"SIMD", 0}}),
            "fx_mac_pe: parameter SIMD = 0 is out of range, expected 1..64 (lanes (multipliers) "
            "per beat)");
  EXPECT_EQ(error_of("bn_act", {{"ACT", 5}}),
            "bn_act: parameter ACT = 5 is out of range, expected 0..4 (0 none, 1 relu, "
            "2 relu-clip, 3 hardtanh, 4 sign)");
  EXPECT_EQ(error_of("khot_pe", {{"STAGES", 0}}),
            "khot_pe: parameter STAGES = 0 is out of range, expected 1..8 (pipeline register "
            "stages = latency in cycles)");
}

TEST(UnitParams, CrossConstraints) {
  EXPECT_EQ(error_of("fx_requant", {{"O", 4}, {"OUT_SIGNED", 0}}),
            "fx_requant: O = 4 (WRAP_SM) needs OUT_SIGNED = 1 (sign-magnitude wrap of a signed "
            "output)");
  // 32 + 32 + 1 + clog2(64) = 71 bits.
  EXPECT_EQ(error_of("fx_mac_pe", {{"A_W", 32}, {"W_W", 32}, {"SIMD", 64}}),
            "fx_mac_pe: the beat sum (A_W + W_W + 1 + clog2(SIMD)) needs 71 bits, expected at "
            "most 62");
  // SH_W = 5: shifts up to 31, 8 + 2 + 31 + 1 (K = 2) + 3 (SIMD = 8) = 45 bits; A_W = 24 -> 61;
  // A_W = 26 -> 63.
  EXPECT_EQ(error_of("khot_pe", {{"SH_W", 5}, {"A_W", 24}}), "(no error)");
  EXPECT_EQ(error_of("khot_pe", {{"SH_W", 5}, {"A_W", 26}}),
            "khot_pe: the beat sum (A_W + 2 + 2^SH_W - 1 + clog2(K) + clog2(SIMD)) needs 63 "
            "bits, expected at most 62");
  EXPECT_EQ(error_of("bn_act", {{"ACT", 2}, {"CLIP", 128}}),
            "bn_act: CLIP = 128 is not an output value, expected 0..127");
  EXPECT_EQ(error_of("bn_act", {{"ACT", 3}, {"OUT_FRAC", -1}}),
            "bn_act: ACT = 3 (hardtanh / sign) needs OUT_FRAC >= 0 so that 1.0 is an output "
            "value");
}

// The value of `text` for `name` of `unit`, or the error.
std::string value_of(const std::string& unit, const std::string& name, const std::string& text) {
  try {
    return std::to_string(fxsim::units::parse_param_value(find_unit(unit), name, text));
  } catch (const UnitParamError& e) {
    return e.what();
  }
}

TEST(UnitParams, EnumeratedParametersTakeTheirNames) {
  // Integers as they are (ranges are resolve_params's), '+' allowed.
  EXPECT_EQ(value_of("fx_mac_pe", "SIMD", "16"), "16");
  EXPECT_EQ(value_of("fx_mac_pe", "A_FRAC", "-3"), "-3");
  EXPECT_EQ(value_of("fx_mac_pe", "Q", "+9"), "9");
  // Modes in fx::Rounding / fx::Overflow order, any case, with or without SC_ / AP_.
  EXPECT_EQ(value_of("fx_requant", "Q", "RND_CONV"), "4");
  EXPECT_EQ(value_of("fx_requant", "Q", "sc_rnd_conv"), "4");
  EXPECT_EQ(value_of("fx_requant", "Q", "AP_TRN_ZERO"), "6");
  EXPECT_EQ(value_of("fx_requant", "O", "WRAP"), "3");
  EXPECT_EQ(value_of("fx_mac_pe", "ACC_O", "sat"), "0");
  // bn_act's activation and scale kind.
  EXPECT_EQ(value_of("bn_act", "ACT", "relu_clip"), "2");
  EXPECT_EQ(value_of("bn_act", "ACT", "relu-clip"), "2");
  EXPECT_EQ(value_of("bn_act", "ACT", "HARDTANH"), "3");
  EXPECT_EQ(value_of("bn_act", "SCALE_KIND", "khot"), "1");
  // Errors name the choices.
  EXPECT_EQ(value_of("fx_requant", "Q", "NEAREST"),
            "fx_requant: \"NEAREST\" is not a value of Q; expected an integer 0..7 or a name: "
            "0 RND, 1 RND_ZERO, 2 RND_MIN_INF, 3 RND_INF, 4 RND_CONV, 5 TRN, 6 TRN_ZERO, "
            "7 RND_STOCH");
  EXPECT_EQ(value_of("fx_mac_pe", "SIMD", "eight"),
            "fx_mac_pe: the value of SIMD must be a decimal integer, got \"eight\"");
  EXPECT_EQ(value_of("fx_requant", "WIDTH", "3"),
            "fx_requant: unknown parameter \"WIDTH\"; known parameters: IN_W, IN_FRAC, "
            "IN_SIGNED, OUT_W, OUT_FRAC, OUT_SIGNED, Q, O, N, AP");
}

TEST(UnitParams, FormatAndSummaryNameTheValues) {
  const auto& rq = find_unit("fx_requant");
  const ParamMap p = resolve_params(rq, {{"Q", 4}, {"O", 3}, {"N", 2}});
  EXPECT_EQ(fxsim::units::format_params(rq, p),
            "IN_W=16 IN_FRAC=8 IN_SIGNED=1 OUT_W=8 OUT_FRAC=4 OUT_SIGNED=1 Q=RND_CONV O=WRAP N=2 "
            "AP=0");
  EXPECT_EQ(fxsim::units::summarize_params(rq, p), "IN=fixed<16,8> OUT=fixed<8,4,RND_CONV,WRAP,2>");
  // AP = 1 is the output's ap_fixed semantics: spelled so.
  EXPECT_EQ(fxsim::units::summarize_params(
                rq, resolve_params(rq, {{"Q", 4}, {"O", 3}, {"N", 2}, {"AP", 1}})),
            "IN=fixed<16,8> OUT=ap_fixed<8,4,AP_RND_CONV,AP_WRAP,2>");
  const auto& mac = find_unit("fx_mac_pe");
  EXPECT_EQ(fxsim::units::summarize_params(
                mac, resolve_params(mac, {{"A_SIGNED", 0}, {"A_FRAC", 8}, {"ACC_O", 0}})),
            "SIMD=8 A=ufixed<8,0> W=fixed<8,2> ACC_W=24 ACC_O=SAT OUT=fixed<8,4,RND_CONV,SAT> "
            "STAGES=2");
  // bn_act leaves out what the set ignores: K-hot terms of a fixed scale, CLIP without
  // relu_clip; S_W / S_SIGNED of a K-hot scale.
  const auto& bn = find_unit("bn_act");
  EXPECT_EQ(fxsim::units::summarize_params(bn, resolve_params(bn, {})),
            "X=fixed<16,8> SCALE_KIND=fixed S=fixed<8,2> B=fixed<16,8> OUT=fixed<8,4,RND_CONV,SAT> "
            "ACT=relu STAGES=2");
  EXPECT_EQ(fxsim::units::summarize_params(
                bn, resolve_params(bn, {{"SCALE_KIND", 1}, {"ACT", 2}, {"CLIP", 50}})),
            "X=fixed<16,8> SCALE_KIND=khot S_FRAC=6 K=2 SH_W=3 B=fixed<16,8> "
            "OUT=fixed<8,4,RND_CONV,SAT> ACT=relu_clip CLIP=50 STAGES=2");
}

TEST(UnitConfigs, MacPeFormats) {
  const auto c = fxsim::units::MacPeConfig::from(resolve_params(
      find_unit("fx_mac_pe"), {{"A_FRAC", 3}, {"W_FRAC", 5}, {"ACC_O", 0}, {"Q", 0}}));
  EXPECT_EQ(c.a, fx::FxType::make_signed(8, 5));
  EXPECT_EQ(c.w, fx::FxType::make_signed(8, 3));
  EXPECT_EQ(c.product_frac(), 8);
  EXPECT_EQ(c.acc, fx::FxType::make_signed(24, 16, fx::Rounding::TRN, fx::Overflow::SAT));
  EXPECT_EQ(c.out, fx::FxType::make_signed(8, 4, fx::Rounding::RND, fx::Overflow::SAT));
  EXPECT_EQ(c.stages, 2);
}

// AP selects the semantics of the output requantizer: 1 gives an ap_fixed output format (the
// reference then casts with ap_fixed's rules), 0 (the default) a SystemC one. Every unit with an
// output requantizer takes it.
TEST(UnitConfigs, ApParameterSelectsOutputSemantics) {
  for (const char* unit : {"fx_requant", "fx_mac_pe", "khot_pe", "bn_act"}) {
    const ParamMap d = resolve_params(find_unit(unit), {});
    EXPECT_EQ(d.at("AP"), 0) << unit;
    EXPECT_NE(error_of(unit, {{"AP", 2}}).find("parameter AP = 2 is out of range, expected 0..1"),
              std::string::npos)
        << unit;
  }
  const ParamMap sc =
      resolve_params(find_unit("fx_requant"), {{"OUT_SIGNED", 0}, {"O", 3}, {"N", 1}});
  const ParamMap ap =
      resolve_params(find_unit("fx_requant"), {{"OUT_SIGNED", 0}, {"O", 3}, {"N", 1}, {"AP", 1}});
  const auto c_sc = fxsim::units::RequantConfig::from(sc);
  const auto c_ap = fxsim::units::RequantConfig::from(ap);
  EXPECT_EQ(c_sc.out.semantics(), fx::Semantics::SYSTEMC);
  EXPECT_EQ(c_ap.out.semantics(), fx::Semantics::AP_FIXED);
  EXPECT_EQ(c_ap.out.str(), "ap_ufixed<8,4,AP_TRN,AP_WRAP,1>");
  // -1.0 (raw -256 with IN_FRAC 8) into ufixed<8,4,...,WRAP,1>: ...1110000 -> SystemC 0|1110000
  // = 112, ap_fixed 1|1110000 = 240.
  EXPECT_EQ(fxsim::units::requant(-256, c_sc).raw, 112);
  EXPECT_EQ(fxsim::units::requant(-256, c_ap).raw, 240);
  EXPECT_NE(fxsim::units::format_params(find_unit("fx_requant"), ap).find("N=1 AP=1"),
            std::string::npos);
}

TEST(UnitConfigs, BnActSumFrac) {
  const auto c = fxsim::units::BnActConfig::from(
      resolve_params(find_unit("bn_act"), {{"X_FRAC", 2}, {"S_FRAC", 3}, {"B_FRAC", 9}}));
  EXPECT_EQ(c.product_frac(), 5);
  EXPECT_EQ(c.sum_frac(), 9);
  EXPECT_EQ(c.act, fxsim::units::Activation::RELU);
  EXPECT_EQ(c.clip, 96);
}

}  // namespace
