// The cost formulas of the streaming units (stream_fifo, max_pool) against real yosys 0.23: each
// variant synthesized (into the test's cache, as costs_vs_yosys_test.cpp does), and the model
// must give exactly yosys's DSPs, block RAMs (RAMB18 and RAMB36 apart) and LUT RAM sites, its
// logic LUTs (LUT1..LUT6 + INV, the LUT RAM sites apart) within 25%, its FFs within 5%, and the
// latency of docs/rtl_units.md. Each variant prints its row of the table in docs/resources.md.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <ostream>
#include <string>
#include <vector>

#include "models/resources/estimate.hpp"
#include "synth/synthesize.hpp"
#include "testbenches/models/units/synth_variants.hpp"

namespace fxsim::resources_test {
namespace {

using resources::Family;

struct StreamingVariant {
  Variant v;
  int latency;  // docs/rtl_units.md: FIFO 0 / 1 / 2 for DEPTH 0 / 1 / >= 2, max_pool 1
};

void PrintTo(const StreamingVariant& s, std::ostream* os) { *os << s.v.name; }

StreamingVariant fifo(const char* name, int width, int depth, int style,
                      Family family = Family::xc7) {
  return {{"Streaming",
           name,
           "stream_fifo",
           {{"WIDTH", width}, {"DEPTH", depth}, {"STYLE", style}},
           family,
           true},
          depth >= 2 ? 2 : depth};
}

StreamingVariant pool(const char* name, units::ParamMap p, Family family = Family::xc7) {
  return {{"Streaming", name, "max_pool", std::move(p), family, true}, 1};
}

std::vector<StreamingVariant> streaming_variants() {
  return {
      fifo("fifo_w8_d1_slice", 8, 1, 0),
      fifo("fifo_w8_d2_one_word", 8, 2, 0),
      fifo("fifo_w1_d5_auto_registers", 1, 5, 0),
      fifo("fifo_w8_d17_auto_lutram", 8, 17, 0),
      fifo("fifo_w36_d65_lutram", 36, 65, 2),
      fifo("fifo_w8_d9_registers", 8, 9, 1),
      fifo("fifo_w8_d513_auto_bram18", 8, 513, 0),
      fifo("fifo_w72_d513_auto_bram36", 72, 513, 0),
      fifo("fifo_w8_d65_auto_xcup", 8, 65, 0, Family::xcup),
      pool("pool2_simd2_c8_16x16",
           {{"POOL", 2}, {"SIMD", 2}, {"IN_W", 8}, {"C", 8}, {"H", 16}, {"W", 16}}),
      pool("pool2_simd4_c16_32x32",
           {{"POOL", 2}, {"SIMD", 4}, {"IN_W", 8}, {"C", 16}, {"H", 32}, {"W", 32}}),
      pool("pool3_simd2_w4_c6_24x24",
           {{"POOL", 3}, {"SIMD", 2}, {"IN_W", 4}, {"C", 6}, {"H", 24}, {"W", 24}}),
      pool("pool4_simd8_w16_c16_16x64",
           {{"POOL", 4}, {"SIMD", 8}, {"IN_W", 16}, {"C", 16}, {"H", 16}, {"W", 64}}),
      pool("pool2_simd3_u5_c8_5x7",
           {{"POOL", 2}, {"SIMD", 3}, {"IN_W", 5}, {"IN_SIGNED", 0}, {"C", 8}, {"H", 5}, {"W", 7}}),
      pool("pool2_simd8_u8_c64_32x32_xcup",
           {{"POOL", 2},
            {"SIMD", 8},
            {"IN_W", 8},
            {"IN_SIGNED", 0},
            {"C", 64},
            {"H", 32},
            {"W", 32}},
           Family::xcup),
  };
}

class StreamingVsYosys : public ::testing::TestWithParam<StreamingVariant> {};

TEST_P(StreamingVsYosys, MemoryExactLutWithin25FfWithin5) {
  const Variant& v = GetParam().v;
  const synth::SynthResult y = synthesize(v);
  const resources::ResourceEstimate m = model(v);
  const int logic = y.counts.logic_luts() + y.counts.srl;
  const double lut_err = lut_error_percent(m.lut, logic);
  const double ff_err =
      y.counts.ff == 0 ? (m.ff == 0 ? 0.0 : 100.0) : 100.0 * (m.ff - y.counts.ff) / y.counts.ff;
  // The row of docs/resources.md.
  fmt::print("| {} | {} / {} | {:+.1f}% | {} / {} | {:+.1f}% | {} / {} | {} / {} | {} / {} |\n",
             v.name, logic, m.lut, lut_err, y.counts.ff, m.ff, ff_err, y.counts.lutram, m.lutram,
             y.counts.bram18, m.bram18, y.counts.bram36, m.bram36);
  EXPECT_EQ(m.dsp, y.counts.dsp()) << v.name;
  EXPECT_EQ(m.bram18, y.counts.bram18) << v.name;
  EXPECT_EQ(m.bram36, y.counts.bram36) << v.name;
  EXPECT_EQ(m.lutram, y.counts.lutram) << v.name;
  EXPECT_LE(std::abs(lut_err), 25.0) << v.name << ": model " << m.lut << " LUTs, yosys " << logic;
  EXPECT_LE(std::abs(ff_err), 5.0) << v.name << ": model " << m.ff << " FFs, yosys " << y.counts.ff;
  EXPECT_EQ(y.latency_cycles, GetParam().latency) << v.name;
}

INSTANTIATE_TEST_SUITE_P(Streaming, StreamingVsYosys, ::testing::ValuesIn(streaming_variants()),
                         [](const ::testing::TestParamInfo<StreamingVariant>& info) {
                           return info.param.v.name;
                         });

}  // namespace
}  // namespace fxsim::resources_test
