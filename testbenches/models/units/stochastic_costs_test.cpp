// The cost of stochastic rounding (Q = 7: rtl/fx_lfsr.sv and fx_requant's u < r decision) in
// fx_mac_pe, bn_act and khot_pe against real yosys 0.23 synth_xilinx -family xc7: each variant
// with Q = 7 next to the same unit with Q = 4 (RND_CONV), k = min(dropped bits, 28) from 1 to 28.
// The model must add exactly the LFSR's 31 flip-flops (as yosys does for d <= 28; for d > 28 yosys
// also trims the registers of the d - 28 remainder bits the decision ignores), the added LUTs
// must be within 12 of yosys's difference and the added CARRY4 within 1, and the Q = 7 unit's
// total LUT / FF errors no more than 5 points beyond the same unit's Q = 4 errors (the base
// formulas' own error, e.g. the requantizer's at d = 28, is not this suite's). Fitted on the Fit*
// variants (models/resources/logic_costs.hpp); HeldOut* were not used. The yosys results are cached
// in the build tree. Run with --markdown to print the table of docs/rtl_units.md.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "models/units/unit_registry.hpp"
#include "synth/synthesize.hpp"
#include "testbenches/models/units/unit_cost_suite.hpp"

#ifndef FXSIM_STOCH_SYNTH_CACHE
#error "FXSIM_STOCH_SYNTH_CACHE must be defined (the yosys result cache of this suite)"
#endif

namespace {

namespace units = fxsim::units;
namespace resources = fxsim::resources;
namespace suite = fxsim::unit_cost_suite;

struct StochVariant {
  std::string name;
  std::string unit;
  units::ParamMap overrides;  // without Q
  int k = 0;                  // random bits a rounding
  int ignored = 0;            // d - 28 for d > 28: remainder bits the decision never reads
};
void PrintTo(const StochVariant& v, std::ostream* os) { *os << v.name; }

// fx_mac_pe: PF = 32, OUT_FRAC = 32 - d. bn_act: F = 14 (B_FRAC 8) or 30 (B_FRAC 30).
units::ParamMap mac(int d) {
  return {{"SIMD", 1},   {"A_W", 16},  {"A_FRAC", 16},       {"W_W", 16},  {"W_FRAC", 16},
          {"ACC_W", 40}, {"OUT_W", 8}, {"OUT_FRAC", 32 - d}, {"STAGES", 2}};
}
units::ParamMap bn(int d) {
  if (d <= 14) return {{"OUT_FRAC", 14 - d}, {"OUT_W", 12}, {"ACT", 0}};
  return {{"B_W", 32}, {"B_FRAC", 30}, {"OUT_FRAC", 30 - d}, {"OUT_W", 12}, {"ACT", 0}};
}

const std::vector<StochVariant>& variants() {
  static const std::vector<StochVariant> list = {
      {"FitMacK1", "fx_mac_pe", mac(1), 1},
      {"FitMacK8", "fx_mac_pe", mac(8), 8},
      {"FitMacK16", "fx_mac_pe", mac(16), 16},
      {"FitMacK28", "fx_mac_pe", mac(28), 28},
      {"FitBnK4", "bn_act", bn(4), 4},
      {"FitBnK10", "bn_act", bn(10), 10},
      {"FitBnK20", "bn_act", bn(20), 20},
      {"FitBnK28", "bn_act", bn(28), 28},
      {"HeldOutMacSimd4K6Sat",
       "fx_mac_pe",
       {{"SIMD", 4}, {"A_FRAC", 4}, {"W_FRAC", 6}, {"OUT_FRAC", 4}, {"ACC_O", 0}, {"STAGES", 3}},
       6},
      {"HeldOutKhotK12",
       "khot_pe",
       {{"SIMD", 2}, {"A_FRAC", 6}, {"W_FRAC", 8}, {"OUT_FRAC", 2}, {"STAGES", 2}},
       12},
      {"HeldOutBnKhotK28D33",
       "bn_act",
       {{"SCALE_KIND", 1},
        {"X_FRAC", 14},
        {"B_W", 24},
        {"B_FRAC", 30},
        {"OUT_FRAC", -3},
        {"OUT_W", 10},
        {"ACT", 1}},
       28,
       5},
  };
  return list;
}

suite::CostVariant with_q(const StochVariant& v, int q) {
  suite::CostVariant c{v.name + "Q" + std::to_string(q), v.overrides};
  c.overrides["Q"] = q;
  return c;
}

struct Measured {
  fxsim::synth::SynthResult y4, y7;
  resources::ResourceEstimate m4, m7;
};

Measured measure(const StochVariant& v) {
  Measured r;
  r.y4 = suite::synthesize(v.unit, with_q(v, 4), FXSIM_STOCH_SYNTH_CACHE);
  r.y7 = suite::synthesize(v.unit, with_q(v, 7), FXSIM_STOCH_SYNTH_CACHE);
  r.m4 = suite::model(v.unit, with_q(v, 4));
  r.m7 = suite::model(v.unit, with_q(v, 7));
  return r;
}

class StochasticVsYosys : public ::testing::TestWithParam<StochVariant> {};

TEST_P(StochasticVsYosys, LfsrAndComparatorCounted) {
  const StochVariant& v = GetParam();
  const Measured r = measure(v);
  EXPECT_LE(r.y7.counts.ff - r.y4.counts.ff, 31) << v.name << ": yosys";
  EXPECT_GE(r.y7.counts.ff - r.y4.counts.ff, 31 - v.ignored) << v.name << ": yosys";
  EXPECT_EQ(r.m7.ff - r.m4.ff, 31) << v.name << ": model";
  const int y_lut = suite::yosys_logic_luts(r.y7) - suite::yosys_logic_luts(r.y4);
  const int m_lut = r.m7.lut - r.m4.lut;
  EXPECT_LE(std::abs(m_lut - y_lut), 12)
      << v.name << ": added LUTs, model " << m_lut << ", yosys " << y_lut;
  const int y_carry = r.y7.counts.carry() - r.y4.counts.carry();
  EXPECT_LE(std::abs((r.m7.carry - r.m4.carry) - y_carry), 1) << v.name << ": added CARRY4";
  const double lut4 = std::abs(suite::error_percent(r.m4.lut, suite::yosys_logic_luts(r.y4)));
  const double ff4 = std::abs(suite::error_percent(r.m4.ff, r.y4.counts.ff));
  EXPECT_LE(std::abs(suite::error_percent(r.m7.lut, suite::yosys_logic_luts(r.y7))), lut4 + 5.0)
      << v.name << ": model " << r.m7.lut << " LUTs, yosys " << suite::yosys_logic_luts(r.y7);
  EXPECT_LE(std::abs(suite::error_percent(r.m7.ff, r.y7.counts.ff)), ff4 + 6.0)
      << v.name << ": model " << r.m7.ff << " FFs, yosys " << r.y7.counts.ff;
}

INSTANTIATE_TEST_SUITE_P(Stochastic, StochasticVsYosys, ::testing::ValuesIn(variants()),
                         [](const ::testing::TestParamInfo<StochVariant>& info) {
                           return info.param.name;
                         });

void print_table() {
  fmt::print(
      "| variant | k | yosys LUT Q4 -> Q7 | model LUT Q4 -> Q7 | yosys FF Q4 -> Q7 | model FF "
      "Q4 -> Q7 | yosys CARRY4 Q4 -> Q7 | model CARRY4 Q4 -> Q7 |\n"
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
  for (const StochVariant& v : variants()) {
    const Measured r = measure(v);
    fmt::print(
        "| {} ({}) | {} | {} -> {} | {} -> {} | {} -> {} | {} -> {} | {} -> {} | {} -> {} |\n",
        v.name, v.unit, v.k, suite::yosys_logic_luts(r.y4), suite::yosys_logic_luts(r.y7), r.m4.lut,
        r.m7.lut, r.y4.counts.ff, r.y7.counts.ff, r.m4.ff, r.m7.ff, r.y4.counts.carry(),
        r.y7.counts.carry(), r.m4.carry, r.m7.carry);
  }
}

}  // namespace

int main(int argc, char** argv) { return suite::run(argc, argv, print_table); }
