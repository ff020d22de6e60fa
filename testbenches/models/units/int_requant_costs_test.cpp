// int_requant's cost (models/units/int_requant) against real yosys 0.23 synth_xilinx -family xc7
// on both roundings, left shifts built or not, multipliers M0 of 31, 16 and 8 bits on 32-, 24-
// and 16-bit accumulators, PE 1 and 4, NF 1 and > 1, with and without DSPs. DSPs and LUT RAM
// sites and block RAMs must be exact, logic LUTs within 25%. The yosys results are cached in the
// build tree (FXSIM_INT_REQUANT_SYNTH_CACHE), so only the first run synthesizes. Run with
// --markdown to print the table of docs/rtl_units.md.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "models/units/unit_registry.hpp"
#include "synth/synthesize.hpp"
#include "testbenches/models/units/unit_cost_suite.hpp"

#ifndef FXSIM_INT_REQUANT_SYNTH_CACHE
#error "FXSIM_INT_REQUANT_SYNTH_CACHE must be defined (the yosys result cache of this suite)"
#endif

namespace {

namespace units = fxsim::units;
namespace resources = fxsim::resources;
using resources::Family;

using IrVariant = fxsim::unit_cost_suite::CostVariant;
using fxsim::unit_cost_suite::error_percent;
using fxsim::unit_cost_suite::yosys_logic_luts;

const std::vector<IrVariant>& variants() {
  static const std::vector<IrVariant> list = {
      {"DoubleDefaults", {}},
      {"SingleDefaults", {{"ROUNDING", 1}}},
      {"DoubleLshift31", {{"LSHIFT_MAX", 31}}},
      {"SingleLshift8Stages3", {{"ROUNDING", 1}, {"LSHIFT_MAX", 8}, {"STAGES", 3}}},
      {"DoubleM16Acc24Pe4Nf8",
       {{"PE", 4}, {"CH", 32}, {"M0_BITS", 16}, {"ACC_W", 24}, {"B_W", 24}}},
      {"DoubleM8Acc16Uint4Relu",
       {{"M0_BITS", 8},
        {"ACC_W", 16},
        {"B_W", 16},
        {"OUT_W", 4},
        {"OUT_SIGNED", 0},
        {"ZP", 3},
        {"RELU", 1},
        {"CH", 1}}},
      {"SingleM16Acc24Nf64",
       {{"ROUNDING", 1}, {"M0_BITS", 16}, {"ACC_W", 24}, {"B_W", 24}, {"CH", 64}, {"STAGES", 1}}},
      {"SingleM16Acc24", {{"ROUNDING", 1}, {"M0_BITS", 16}, {"ACC_W", 24}, {"B_W", 24}}},
      {"SingleM8Acc16Int4",
       {{"ROUNDING", 1}, {"M0_BITS", 8}, {"ACC_W", 16}, {"B_W", 16}, {"OUT_W", 4}, {"ZP", -3}}},
      {"DoubleM24Acc24Pe2", {{"PE", 2}, {"M0_BITS", 24}, {"ACC_W", 24}, {"B_W", 24}}},
      {"DoubleLshift4Acc20Zp",
       {{"LSHIFT_MAX", 4}, {"ACC_W", 20}, {"B_W", 20}, {"M0_BITS", 17}, {"ZP", 17}, {"RELU", 1}}},
      // Not among the runs the LUT coefficients were fitted on (docs/rtl_units.md):
      {"HeldOutDoublePe2Uint8Relu",
       {{"PE", 2}, {"CH", 8}, {"OUT_SIGNED", 0}, {"ZP", 128}, {"RELU", 1}, {"STAGES", 3}}},
      {"HeldOutSingleM24Acc28Lshift4Pe2Uint8",
       {{"PE", 2},
        {"ROUNDING", 1},
        {"M0_BITS", 24},
        {"ACC_W", 28},
        {"B_W", 28},
        {"LSHIFT_MAX", 4},
        {"OUT_SIGNED", 0},
        {"ZP", 100},
        {"RELU", 1}}},
      {"SingleM12Acc20Lshift2",
       {{"ROUNDING", 1}, {"M0_BITS", 12}, {"ACC_W", 20}, {"B_W", 20}, {"LSHIFT_MAX", 2}}},
      {"HeldOutDoubleM20Acc28Int16",
       {{"M0_BITS", 20}, {"ACC_W", 28}, {"B_W", 28}, {"OUT_W", 16}, {"CH", 16}}},
      {"HeldOutDoubleNf2048Bram", {{"CH", 2048}, {"M0_BITS", 16}, {"ACC_W", 16}, {"B_W", 16}}},
      {"DoubleM16Acc16NoDsp", {{"M0_BITS", 16}, {"ACC_W", 16}, {"B_W", 16}}, false},
  };
  return list;
}

fxsim::synth::SynthResult synthesize(const IrVariant& v) {
  return fxsim::unit_cost_suite::synthesize("int_requant", v, FXSIM_INT_REQUANT_SYNTH_CACHE);
}

resources::ResourceEstimate model(const IrVariant& v) {
  return fxsim::unit_cost_suite::model("int_requant", v);
}

class IntRequantVsYosys : public ::testing::TestWithParam<IrVariant> {};

TEST_P(IntRequantVsYosys, DspAndMemoryExactLutWithin25Percent) {
  const IrVariant& v = GetParam();
  const fxsim::synth::SynthResult y = synthesize(v);
  const resources::ResourceEstimate m = model(v);
  EXPECT_EQ(m.dsp, y.counts.dsp()) << v.name;
  EXPECT_EQ(m.lutram, y.counts.lutram) << v.name;
  EXPECT_EQ(m.bram18 + m.bram36, y.counts.bram18 + y.counts.bram36) << v.name;
  EXPECT_LE(std::abs(error_percent(m.lut, yosys_logic_luts(y))), 25.0)
      << v.name << ": model " << m.lut << " LUTs, yosys " << yosys_logic_luts(y);
}

INSTANTIATE_TEST_SUITE_P(IntRequant, IntRequantVsYosys, ::testing::ValuesIn(variants()),
                         [](const ::testing::TestParamInfo<IrVariant>& info) {
                           return info.param.name;
                         });

void print_table() {
  fmt::print(
      "| variant | yosys DSP | model DSP | yosys LUTRAM / BRAM | model LUTRAM / BRAM | yosys LUT | "
      "model LUT | LUT error | yosys FF | model FF |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const IrVariant& v : variants()) {
    const fxsim::synth::SynthResult y = synthesize(v);
    const resources::ResourceEstimate m = model(v);
    const units::ParamMap p = units::resolve_params(units::find_unit("int_requant"), v.overrides);
    fmt::print("| {} ({}{}) | {} | {} | {} / {} | {} / {} | {} | {} | {:+.1f}% | {} | {} |\n",
               v.name, units::summarize_params(units::find_unit("int_requant"), p),
               v.use_dsp ? "" : ", -nodsp", y.counts.dsp(), m.dsp, y.counts.lutram,
               y.counts.bram18 + y.counts.bram36, m.lutram, m.bram18 + m.bram36,
               yosys_logic_luts(y), m.lut, error_percent(m.lut, yosys_logic_luts(y)), y.counts.ff,
               m.ff);
  }
}

}  // namespace

int main(int argc, char** argv) { return fxsim::unit_cost_suite::run(argc, argv, print_table); }
