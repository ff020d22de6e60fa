// xnor_pe's cost (models/units/xnor_pe) against real yosys 0.23 synth_xilinx -family xc7 on a grid
// of every MODE, SIMD 1 .. 64 (powers of two and not), activation widths 2 .. 16 signed and
// unsigned, ACC_W 6 .. 32 wrapping and saturating, STAGES 1 .. 5. The unit has no multiplier: DSPs
// must be 0 in yosys and in the model, logic LUTs within 25%, flip-flops within 5%. The yosys
// results are cached in the build tree (FXSIM_XNOR_PE_SYNTH_CACHE), so only the first run
// synthesizes. Run with --markdown to print the table of docs/rtl_units.md.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/units/unit_registry.hpp"
#include "synth/synthesize.hpp"
#include "testbenches/models/units/unit_cost_suite.hpp"

#ifndef FXSIM_XNOR_PE_SYNTH_CACHE
#error "FXSIM_XNOR_PE_SYNTH_CACHE must be defined (the yosys result cache of this suite)"
#endif

namespace {

namespace units = fxsim::units;
namespace resources = fxsim::resources;

using XnorVariant = fxsim::unit_cost_suite::CostVariant;
using fxsim::unit_cost_suite::error_percent;
using fxsim::unit_cost_suite::yosys_logic_luts;

const std::vector<XnorVariant>& variants() {
  static const std::vector<XnorVariant> list = {
      // MODE 0: xnor-popcount.
      {"Bin1Stages1", {{"MODE", 0}, {"SIMD", 1}, {"STAGES", 1}}},
      {"Bin5Acc8Sat", {{"MODE", 0}, {"SIMD", 5}, {"ACC_W", 8}, {"ACC_O", 0}}},
      {"Bin8Defaults", {{"MODE", 0}}},
      {"Bin16Stages3", {{"MODE", 0}, {"SIMD", 16}, {"STAGES", 3}}},
      {"Bin32Stages1Acc24", {{"MODE", 0}, {"SIMD", 32}, {"STAGES", 1}, {"ACC_W", 24}}},
      {"Bin48Sat", {{"MODE", 0}, {"SIMD", 48}, {"ACC_O", 0}}},
      {"Bin64Stages4Acc32", {{"MODE", 0}, {"SIMD", 64}, {"STAGES", 4}, {"ACC_W", 32}}},
      {"Bin64Acc6Wrap", {{"MODE", 0}, {"SIMD", 64}, {"ACC_W", 6}}},
      // MODE 1: binary weights, add or subtract.
      {"BinW1A8Stages1", {{"MODE", 1}, {"SIMD", 1}, {"STAGES", 1}}},
      {"BinW3A4Unsigned", {{"MODE", 1}, {"SIMD", 3}, {"A_W", 4}, {"A_SIGNED", 0}}},
      {"BinW8A8", {{"MODE", 1}}},
      {"BinW8A8Sat", {{"MODE", 1}, {"ACC_O", 0}, {"ACC_W", 20}}},
      {"BinW16A2Stages3", {{"MODE", 1}, {"SIMD", 16}, {"A_W", 2}, {"STAGES", 3}}},
      {"BinW32A8Acc24", {{"MODE", 1}, {"SIMD", 32}, {"ACC_W", 24}}},
      {"BinW64A4Stages1Acc32",
       {{"MODE", 1}, {"SIMD", 64}, {"A_W", 4}, {"STAGES", 1}, {"ACC_W", 32}}},
      {"BinW12A16Acc12Wrap", {{"MODE", 1}, {"SIMD", 12}, {"A_W", 16}, {"ACC_W", 12}}},
      // MODE 2: ternary weights, add / subtract / skip.
      {"Ter1A8Stages1", {{"MODE", 2}, {"SIMD", 1}, {"STAGES", 1}}},
      {"Ter4A4Unsigned", {{"MODE", 2}, {"SIMD", 4}, {"A_W", 4}, {"A_SIGNED", 0}}},
      {"Ter8A8", {{"MODE", 2}}},
      {"Ter7A6Sat", {{"MODE", 2}, {"SIMD", 7}, {"A_W", 6}, {"ACC_O", 0}}},
      {"Ter16A8Stages3", {{"MODE", 2}, {"SIMD", 16}, {"STAGES", 3}, {"ACC_W", 20}}},
      {"Ter32A4Stages5", {{"MODE", 2}, {"SIMD", 32}, {"A_W", 4}, {"STAGES", 5}}},
      {"Ter64A8Acc32Sat", {{"MODE", 2}, {"SIMD", 64}, {"ACC_W", 32}, {"ACC_O", 0}}},
      {"Ter24A12Unsigned",
       {{"MODE", 2}, {"SIMD", 24}, {"A_W", 12}, {"A_SIGNED", 0}, {"ACC_W", 24}}},
      // Not among the runs the LUT coefficients were fitted on (docs/rtl_units.md):
      {"HeldOutBin24Stages3Acc16Sat",
       {{"MODE", 0}, {"SIMD", 24}, {"STAGES", 3}, {"ACC_W", 16}, {"ACC_O", 0}}},
      {"HeldOutBinW20A6Unsigned", {{"MODE", 1}, {"SIMD", 20}, {"A_W", 6}, {"A_SIGNED", 0}}},
      {"HeldOutTer40A3Acc10Wrap", {{"MODE", 2}, {"SIMD", 40}, {"A_W", 3}, {"ACC_W", 10}}},
  };
  return list;
}

fxsim::synth::SynthResult synthesize(const XnorVariant& v) {
  return fxsim::unit_cost_suite::synthesize("xnor_pe", v, FXSIM_XNOR_PE_SYNTH_CACHE);
}

resources::ResourceEstimate model(const XnorVariant& v) {
  return fxsim::unit_cost_suite::model("xnor_pe", v);
}

class XnorPeVsYosys : public ::testing::TestWithParam<XnorVariant> {};

TEST_P(XnorPeVsYosys, NoDspLutWithin25PercentFfWithin5Percent) {
  const XnorVariant& v = GetParam();
  const fxsim::synth::SynthResult y = synthesize(v);
  const resources::ResourceEstimate m = model(v);
  EXPECT_EQ(y.counts.dsp(), 0) << v.name;
  EXPECT_EQ(m.dsp, 0) << v.name;
  EXPECT_LE(std::abs(error_percent(m.lut, yosys_logic_luts(y))), 25.0)
      << v.name << ": model " << m.lut << " LUTs, yosys " << yosys_logic_luts(y);
  EXPECT_LE(std::abs(error_percent(m.ff, y.counts.ff)), 5.0)
      << v.name << ": model " << m.ff << " FFs, yosys " << y.counts.ff;
}

INSTANTIATE_TEST_SUITE_P(XnorPe, XnorPeVsYosys, ::testing::ValuesIn(variants()),
                         [](const ::testing::TestParamInfo<XnorVariant>& info) {
                           return info.param.name;
                         });

void print_table() {
  fmt::print(
      "| variant | yosys LUT | model LUT | LUT error | yosys FF | model FF | FF error | yosys "
      "CARRY4 | yosys DSP |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  double max_lut = 0, max_ff = 0;
  for (const XnorVariant& v : variants()) {
    const fxsim::synth::SynthResult y = synthesize(v);
    const resources::ResourceEstimate m = model(v);
    const units::ParamMap p = units::resolve_params(units::find_unit("xnor_pe"), v.overrides);
    const double lut_err = error_percent(m.lut, yosys_logic_luts(y));
    const double ff_err = error_percent(m.ff, y.counts.ff);
    max_lut = std::max(max_lut, std::abs(lut_err));
    max_ff = std::max(max_ff, std::abs(ff_err));
    fmt::print("| {} ({}) | {} | {} | {:+.1f}% | {} | {} | {:+.1f}% | {} | {} |\n", v.name,
               units::summarize_params(units::find_unit("xnor_pe"), p), yosys_logic_luts(y), m.lut,
               lut_err, y.counts.ff, m.ff, ff_err, y.counts.carry(), y.counts.dsp());
  }
  fmt::print("\n{} variants, largest LUT error {:.1f}%, largest FF error {:.1f}%.\n",
             variants().size(), max_lut, max_ff);
}

}  // namespace

int main(int argc, char** argv) { return fxsim::unit_cost_suite::run(argc, argv, print_table); }
