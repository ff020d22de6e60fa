// mvau's cost (models/units/mvau: PE x the PE unit's cost + the weight_mem's + the input buffer
// + the counters, with BN PE x bn_act's + the scale / bias memory) against real yosys 0.23
// synth_xilinx on variants of both PE kinds, SF = 1 and > 1, NF = 1 and > 1, LUT RAM and block RAM
// weights, with and without DSPs, with BN. DSPs and memory primitives (block RAM and LUT RAM sites)
// must be exact, logic LUTs within 25%, FFs within 5%. The yosys results are cached in the build
// tree (FXSIM_MVAU_SYNTH_CACHE), so only the first run synthesizes. Run with --markdown to print
// the table of docs/resources.md.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "models/units/mvau/mvau.hpp"
#include "models/units/unit_registry.hpp"
#include "synth/synthesize.hpp"
#include "testbenches/models/units/unit_cost_suite.hpp"

#ifndef FXSIM_MVAU_SYNTH_CACHE
#error "FXSIM_MVAU_SYNTH_CACHE must be defined (the yosys result cache of this suite)"
#endif

namespace {

namespace units = fxsim::units;
namespace resources = fxsim::resources;
using resources::Family;

using MvVariant = fxsim::unit_cost_suite::CostVariant;
using fxsim::unit_cost_suite::error_percent;
using fxsim::unit_cost_suite::yosys_logic_luts;

const std::vector<MvVariant>& variants() {
  static const std::vector<MvVariant> list = {
      {"MacDefaults", {}},
      {"MacLutramWeights",
       {{"MW", 64}, {"MH", 16}, {"PE", 2}, {"SIMD", 4}, {"MEM_STYLE", 2}, {"STAGES", 3}}},
      {"MacBramWeights",
       {{"MW", 288}, {"MH", 32}, {"PE", 4}, {"SIMD", 4}, {"W_W", 4}, {"A_W", 4}, {"MEM_STYLE", 3}}},
      {"MacSoftMultipliers",
       {{"MW", 12}, {"MH", 4}, {"PE", 2}, {"SIMD", 3}, {"W_W", 4}, {"A_W", 4}},
       false},
      {"MacSf1Nf4", {{"MW", 8}, {"MH", 8}, {"PE", 2}, {"SIMD", 8}, {"MEM_STYLE", 2}}},
      {"KhotNf1", {{"MW", 16}, {"MH", 4}, {"PE", 4}, {"SIMD", 2}, {"PE_KIND", 1}}},
      {"KhotBram",
       {{"MW", 512},
        {"MH", 8},
        {"PE", 1},
        {"SIMD", 2},
        {"PE_KIND", 1},
        {"K", 2},
        {"SH_W", 3},
        {"MEM_STYLE", 3}}},
      {"BnMacRelu", {{"MW", 64}, {"MH", 16}, {"PE", 2}, {"SIMD", 4}, {"BN", 1}}},
      // RND_STOCH on both stages: 2 x PE lane LFSRs (the lfsr_seed port loads them).
      {"BnMacStoch",
       {{"MW", 64}, {"MH", 16}, {"PE", 2}, {"SIMD", 4}, {"BN", 1}, {"Q", 7}, {"BN_Q", 7}}},
      // PE_KIND 2 (xnor_pe): binary x binary, binary weights; threshold lanes (BN = 2).
      {"XnorBinary",
       {{"MW", 64},
        {"MH", 16},
        {"PE", 4},
        {"SIMD", 8},
        {"PE_KIND", 2},
        {"ACC_W", 8},
        {"OUT_W", 8}}},
      {"XnorBinaryWeights",
       {{"MW", 64},
        {"MH", 16},
        {"PE", 4},
        {"SIMD", 8},
        {"PE_KIND", 2},
        {"XNOR_MODE", 1},
        {"A_W", 4},
        {"ACC_W", 12},
        {"OUT_W", 12}}},
      {"XnorThresholdT1",
       {{"MW", 64},
        {"MH", 16},
        {"PE", 4},
        {"SIMD", 8},
        {"PE_KIND", 2},
        {"ACC_W", 8},
        {"OUT_W", 8},
        {"BN", 2},
        {"TH_T", 1}}},
      {"BnKhotScaleNf64",
       {{"MW", 8},
        {"MH", 64},
        {"PE", 1},
        {"SIMD", 8},
        {"W_W", 4},
        {"BN", 1},
        {"BN_SCALE_KIND", 1},
        {"BN_ACT", 2},
        {"BN_STAGES", 3}}},
  };
  return list;
}

fxsim::synth::SynthResult synthesize(const MvVariant& v) {
  return fxsim::unit_cost_suite::synthesize("mvau", v, FXSIM_MVAU_SYNTH_CACHE);
}

resources::ResourceEstimate model(const MvVariant& v) {
  return fxsim::unit_cost_suite::model("mvau", v);
}

// The LFSRs of RND_STOCH counted as the parts count theirs: PE x 31 flip-flops for Q = 7 (the
// PEs' fx_acc_out lanes), PE x 31 more for BN_Q = 7 (the bn_act lanes), 31 being the register of
// x^31 + x^3 + 1 (rtl/fx_lfsr.sv); none when the stage drops no bit.
TEST(MvauStochCost, OneLfsrPerStochasticLane) {
  const units::UnitSpec& mvau = units::find_unit("mvau");
  auto ff = [&](const units::ParamMap& o) {
    return mvau.cost(units::resolve_params(mvau, o), Family::xc7, true).ff;
  };
  for (const int pe : {1, 2, 4}) {
    const units::ParamMap base = {{"MW", 16}, {"MH", 8}, {"PE", pe}, {"SIMD", 4}, {"BN", 1}};
    units::ParamMap q7 = base, both = base, exact = base;
    q7["Q"] = 7;
    both["Q"] = 7;
    both["BN_Q"] = 7;
    EXPECT_EQ(ff(q7) - ff(base), 31 * pe) << "PE " << pe;
    EXPECT_EQ(ff(both) - ff(base), 62 * pe) << "PE " << pe;
    // OUT_FRAC = A_FRAC + W_FRAC (4 + 6): no bit dropped, no LFSR.
    exact["OUT_FRAC"] = 10;
    exact["OUT_W"] = 16;
    units::ParamMap exact7 = exact;
    exact7["Q"] = 7;
    EXPECT_EQ(ff(exact7), ff(exact)) << "PE " << pe;
  }
}

class MvauVsYosys : public ::testing::TestWithParam<MvVariant> {};

TEST_P(MvauVsYosys, DspAndMemoryExactLutWithin25PercentFfWithin5) {
  const MvVariant& v = GetParam();
  const fxsim::synth::SynthResult y = synthesize(v);
  const resources::ResourceEstimate m = model(v);
  EXPECT_EQ(m.dsp, y.counts.dsp()) << v.name;
  EXPECT_EQ(m.bram18, y.counts.bram18) << v.name;
  EXPECT_EQ(m.bram36, y.counts.bram36) << v.name;
  EXPECT_EQ(m.lutram, y.counts.lutram) << v.name;
  EXPECT_LE(std::abs(error_percent(m.lut, yosys_logic_luts(y))), 25.0)
      << v.name << ": model " << m.lut << " LUTs, yosys " << yosys_logic_luts(y);
  EXPECT_LE(std::abs(error_percent(m.ff, y.counts.ff)), 5.0)
      << v.name << ": model " << m.ff << " FFs, yosys " << y.counts.ff;
}

INSTANTIATE_TEST_SUITE_P(Mvau, MvauVsYosys, ::testing::ValuesIn(variants()),
                         [](const ::testing::TestParamInfo<MvVariant>& info) {
                           return info.param.name;
                         });

std::string describe(const MvVariant& v) {
  const units::ParamMap p = units::resolve_params(units::find_unit("mvau"), v.overrides);
  return fmt::format(
      "{} MW={} MH={} PE={} SIMD={} A_W={} {} {}{}{}{}",
      p.at("PE_KIND") == 0   ? "mac"
      : p.at("PE_KIND") == 1 ? "khot"
                             : "xnor",
      p.at("MW"), p.at("MH"), p.at("PE"), p.at("SIMD"), p.at("A_W"),
      p.at("PE_KIND") == 0   ? fmt::format("W_W={}", p.at("W_W"))
      : p.at("PE_KIND") == 1 ? fmt::format("K={} SH_W={}", p.at("K"), p.at("SH_W"))
                             : fmt::format("MODE={}", p.at("XNOR_MODE")),
      resources::memory_style_names().at(static_cast<std::size_t>(p.at("MEM_STYLE"))),
      p.at("BN") == 0              ? ""
      : p.at("BN") == 2            ? fmt::format(" threshold T={}", p.at("TH_T"))
      : p.at("BN_SCALE_KIND") == 0 ? " BN (fixed scale, relu)"
                                   : " BN (K-hot scale, relu-clip)",
      p.at("Q") == 7 ? (p.at("BN") != 0 && p.at("BN_Q") == 7 ? " Q=7 BN_Q=7" : " Q=7") : "",
      v.use_dsp ? "" : " -nodsp");
}

void print_table() {
  fmt::print(
      "| variant | yosys DSP | model DSP | yosys BRAM18/36 | model BRAM18/36 | yosys LUTRAM | "
      "model LUTRAM | yosys LUT | model LUT | LUT error | yosys FF | model FF |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const MvVariant& v : variants()) {
    const fxsim::synth::SynthResult y = synthesize(v);
    const resources::ResourceEstimate m = model(v);
    fmt::print("| {} | {} | {} | {}/{} | {}/{} | {} | {} | {} | {} | {:+.1f}% | {} | {} |\n",
               describe(v), y.counts.dsp(), m.dsp, y.counts.bram18, y.counts.bram36, m.bram18,
               m.bram36, y.counts.lutram, m.lutram, yosys_logic_luts(y), m.lut,
               error_percent(m.lut, yosys_logic_luts(y)), y.counts.ff, m.ff);
  }
}

}  // namespace

int main(int argc, char** argv) { return fxsim::unit_cost_suite::run(argc, argv, print_table); }
