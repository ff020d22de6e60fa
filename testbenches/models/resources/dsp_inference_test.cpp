// dsp_count (models/resources/dsp_inference.hpp) against DSP48 counts measured with yosys 0.23
// `synth_xilinx -noiopad -family F` on a registered signed A x B multiplier (a scratch module
// `p <= a * b`, product A + B bits), and the speed of the analytical model.
#include "models/resources/dsp_inference.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "models/units/unit_registry.hpp"

namespace fxsim::resources {
namespace {

struct Measured {
  int a, b, xc7, xcup;
};

// Measured on yosys 0.23 (git sha1 7ce5011c24b), see docs/resources.md.
constexpr Measured kMeasured[] = {
    {2, 8, 1, 1},   {3, 5, 0, 0},   {3, 6, 1, 1},   {4, 4, 0, 0},   {4, 5, 1, 1},   {4, 8, 1, 1},
    {8, 8, 1, 1},   {16, 16, 1, 1}, {18, 18, 1, 1}, {25, 18, 1, 1}, {26, 18, 2, 1}, {27, 18, 2, 1},
    {28, 18, 2, 2}, {24, 24, 2, 2}, {25, 25, 2, 2}, {30, 30, 4, 4}, {35, 18, 2, 2}, {36, 36, 6, 6},
};

TEST(DspInference, MatchesYosysOnSignedMultipliers) {
  for (const Measured& m : kMeasured) {
    const MulShape shape{m.a, true, m.b, true, m.a + m.b};
    EXPECT_EQ(dsp_count(shape, Family::xc7), m.xc7) << m.a << "x" << m.b << " xc7";
    EXPECT_EQ(dsp_count(shape, Family::xcup), m.xcup) << m.a << "x" << m.b << " xcup";
  }
}

TEST(DspInference, UnsignedOperandsGetASignBit) {
  // Measured on unsigned registered multipliers: 25 x 18 unsigned is 26 x 19 signed for mul2dsp,
  // both operands too wide: 4 DSP48E1; 24 x 17 unsigned fits one.
  EXPECT_EQ(dsp_count({25, false, 18, false, 43}, Family::xc7), 4);
  EXPECT_EQ(dsp_count({24, false, 17, false, 41}, Family::xc7), 1);
}

TEST(DspInference, OperandOrderDoesNotMatter) {
  EXPECT_EQ(dsp_count({18, true, 26, true, 44}, Family::xc7), 2);
  EXPECT_EQ(dsp_count({18, true, 26, true, 44}, Family::xcup), 1);
}

TEST(ResourceModel, TakesMicrosecondsPerCall) {
  const units::UnitSpec& unit = units::find_unit("fx_mac_pe");
  const units::ParamMap p = units::resolve_params(unit, {{"SIMD", 8}});
  constexpr int kCalls = 100000;
  long sink = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) sink += estimate(unit, p, Family::xc7, (i & 1) != 0).lut;
  const double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() /
      kCalls;
  EXPECT_GT(sink, 0);
  EXPECT_LT(us, 20.0) << us << " us per estimate";
}

}  // namespace
}  // namespace fxsim::resources
