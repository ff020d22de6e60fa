// threshold's cost (models/units/threshold) against real yosys 0.23 synth_xilinx -family xc7 on a
// grid of T 1 .. 15, X_W 2 .. 32, PE 1 .. 16, NF 1 .. 1024 (the threshold memory as registers,
// LUT RAM and block RAM) and STAGES 1 .. 4. The unit has no multiplier: DSPs must be 0 in yosys
// and in the model; LUT RAM and block RAM primitives exact, logic LUTs within 25%, flip-flops
// within 5%. The yosys results are cached in the build tree (FXSIM_THRESHOLD_SYNTH_CACHE), so
// only the first run synthesizes. Run with --markdown to print the table of docs/rtl_units.md.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/units/unit_registry.hpp"
#include "synth/synthesize.hpp"
#include "testbenches/models/units/unit_cost_suite.hpp"

#ifndef FXSIM_THRESHOLD_SYNTH_CACHE
#error "FXSIM_THRESHOLD_SYNTH_CACHE must be defined (the yosys result cache of this suite)"
#endif

namespace {

namespace units = fxsim::units;
namespace resources = fxsim::resources;

using Variant = fxsim::unit_cost_suite::CostVariant;
using fxsim::unit_cost_suite::error_percent;
using fxsim::unit_cost_suite::yosys_logic_luts;

const std::vector<Variant>& variants() {
  static const std::vector<Variant> list = {
      {"T1X16Defaults", {}},
      {"T3X2Pe4Nf1Stages1", {{"T", 3}, {"X_W", 2}, {"PE", 4}, {"CH", 4}, {"STAGES", 1}}},
      {"T3X8Pe4Nf1", {{"T", 3}, {"X_W", 8}, {"PE", 4}, {"CH", 4}}},
      {"T3X12Pe2Nf16", {{"T", 3}, {"X_W", 12}, {"PE", 2}, {"CH", 32}}},
      {"T7X16Nf8Stages3", {{"T", 7}, {"CH", 8}, {"STAGES", 3}}},
      {"T7X32Pe4Nf2Stages1", {{"T", 7}, {"X_W", 32}, {"PE", 4}, {"CH", 8}, {"STAGES", 1}}},
      {"T15X16Nf1", {{"T", 15}, {"CH", 1}}},
      {"T15X8Pe4Nf4Stages4", {{"T", 15}, {"X_W", 8}, {"PE", 4}, {"CH", 16}, {"STAGES", 4}}},
      {"T15X24Pe2Nf64", {{"T", 15}, {"X_W", 24}, {"PE", 2}, {"CH", 128}}},
      {"T1X32Pe16Nf32", {{"X_W", 32}, {"PE", 16}, {"CH", 512}}},
      {"T1X16Nf1024", {{"CH", 1024}}},
      {"T3X20Pe8Nf512", {{"T", 3}, {"X_W", 20}, {"PE", 8}, {"CH", 4096}}},
      // Not among the runs the count coefficient was chosen on (docs/rtl_units.md):
      {"HeldOutT7X10Pe2Nf6", {{"T", 7}, {"X_W", 10}, {"PE", 2}, {"CH", 12}}},
      {"HeldOutT15X32Nf3Stages3", {{"T", 15}, {"X_W", 32}, {"CH", 3}, {"STAGES", 3}}},
  };
  return list;
}

fxsim::synth::SynthResult synthesize(const Variant& v) {
  return fxsim::unit_cost_suite::synthesize("threshold", v, FXSIM_THRESHOLD_SYNTH_CACHE);
}

resources::ResourceEstimate model(const Variant& v) {
  return fxsim::unit_cost_suite::model("threshold", v);
}

class ThresholdVsYosys : public ::testing::TestWithParam<Variant> {};

TEST_P(ThresholdVsYosys, NoDspMemoryExactLutWithin25PercentFfWithin5Percent) {
  const Variant& v = GetParam();
  const fxsim::synth::SynthResult y = synthesize(v);
  const resources::ResourceEstimate m = model(v);
  EXPECT_EQ(y.counts.dsp(), 0) << v.name;
  EXPECT_EQ(m.dsp, 0) << v.name;
  EXPECT_EQ(m.lutram, y.counts.lutram) << v.name;
  EXPECT_EQ(m.bram18, y.counts.bram18) << v.name;
  EXPECT_EQ(m.bram36, y.counts.bram36) << v.name;
  EXPECT_LE(std::abs(error_percent(m.lut, yosys_logic_luts(y))), 25.0)
      << v.name << ": model " << m.lut << " LUTs, yosys " << yosys_logic_luts(y);
  EXPECT_LE(std::abs(error_percent(m.ff, y.counts.ff)), 5.0)
      << v.name << ": model " << m.ff << " FFs, yosys " << y.counts.ff;
}

INSTANTIATE_TEST_SUITE_P(Threshold, ThresholdVsYosys, ::testing::ValuesIn(variants()),
                         [](const ::testing::TestParamInfo<Variant>& info) {
                           return info.param.name;
                         });

void print_table() {
  fmt::print(
      "| variant | yosys LUT | model LUT | LUT error | yosys FF | model FF | FF error | yosys "
      "LUTRAM / RAMB18 / RAMB36 | model | yosys DSP |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  double max_lut = 0, max_ff = 0;
  for (const Variant& v : variants()) {
    const fxsim::synth::SynthResult y = synthesize(v);
    const resources::ResourceEstimate m = model(v);
    const units::ParamMap p = units::resolve_params(units::find_unit("threshold"), v.overrides);
    const double lut_err = error_percent(m.lut, yosys_logic_luts(y));
    const double ff_err = error_percent(m.ff, y.counts.ff);
    max_lut = std::max(max_lut, std::abs(lut_err));
    max_ff = std::max(max_ff, std::abs(ff_err));
    fmt::print(
        "| {} ({}) | {} | {} | {:+.1f}% | {} | {} | {:+.1f}% | {} / {} / {} | {} / {} / {} | {} "
        "|\n",
        v.name, units::summarize_params(units::find_unit("threshold"), p), yosys_logic_luts(y),
        m.lut, lut_err, y.counts.ff, m.ff, ff_err, y.counts.lutram, y.counts.bram18,
        y.counts.bram36, m.lutram, m.bram18, m.bram36, y.counts.dsp());
  }
  fmt::print("\n{} variants, largest LUT error {:.1f}%, largest FF error {:.1f}%.\n",
             variants().size(), max_lut, max_ff);
}

}  // namespace

int main(int argc, char** argv) { return fxsim::unit_cost_suite::run(argc, argv, print_table); }
