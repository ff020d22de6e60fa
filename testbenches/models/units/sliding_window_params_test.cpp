// models/units/sliding_window: its parameter checks, derived sizes, reference stream and line
// buffer mapping. Expected messages, sizes and beats are written out by hand from
// docs/rtl_units.md.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/streaming/feature_map_stream.hpp"
#include "models/units/sliding_window/sliding_window.hpp"
#include "models/units/unit_registry.hpp"

namespace {

using fxsim::units::Beat;
using fxsim::units::find_unit;
using fxsim::units::ParamMap;
using fxsim::units::resolve_params;
using fxsim::units::SlidingWindowConfig;
using fxsim::units::UnitParamError;

std::string error_of(const ParamMap& overrides) {
  try {
    resolve_params(find_unit("sliding_window"), overrides);
  } catch (const UnitParamError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(SlidingWindowParams, BadParametersNameTheParameterAndRange) {
  EXPECT_EQ(error_of({{"STRIDE", 0}}),
            "sliding_window: parameter STRIDE = 0 is out of range, expected 1..4 (window step in "
            "both directions)");
  EXPECT_EQ(error_of({{"PAD", 4}}),
            "sliding_window: parameter PAD = 4 is out of range, expected 0..3 (zero rows / "
            "columns around the map)");
  EXPECT_EQ(error_of({{"K", 8}}),
            "sliding_window: parameter K = 8 is out of range, expected 1..7 (window size (K x "
            "K))");
  EXPECT_EQ(error_of({{"SIMD", 0}}),
            "sliding_window: parameter SIMD = 0 is out of range, expected 1..16 (elements per "
            "beat)");
  // K = 5 > H + 2*PAD = 2 + 2 = 4 (W = 6 would take it).
  EXPECT_EQ(error_of({{"H", 2}, {"K", 5}, {"PAD", 1}}),
            "sliding_window: K = 5 is larger than the padded map, expected K <= H + 2*PAD = 4");
  EXPECT_EQ(error_of({{"W", 3}, {"H", 9}, {"K", 7}, {"PAD", 1}}),
            "sliding_window: K = 7 is larger than the padded map, expected K <= W + 2*PAD = 5");
  EXPECT_EQ(error_of({{"K", 3}, {"PAD", 2}}),
            "sliding_window: PAD = 2 is more than half the window, expected 0..K/2 = 0..1");
  EXPECT_EQ(error_of({{"K", 1}, {"PAD", 1}}),
            "sliding_window: PAD = 1 is more than half the window, expected 0..K/2 = 0..0");
  // Accepted corners: K = H + 2*PAD exactly, C not divisible by SIMD, K = 7 with PAD = 3.
  EXPECT_EQ(error_of({{"H", 1}, {"W", 1}, {"K", 3}, {"PAD", 1}}), "(no error)");
  EXPECT_EQ(error_of({{"C", 5}, {"SIMD", 4}}), "(no error)");
  EXPECT_EQ(error_of({{"H", 9}, {"W", 7}, {"K", 7}, {"PAD", 3}, {"STRIDE", 4}}), "(no error)");
}

TEST(SlidingWindowParams, DerivedSizes) {
  // C = 5 over SIMD 3: 2 beats per pixel, Cp = 6; H = 6, W = 5, K = 5, PAD = 2, STRIDE = 1:
  // HO = (6 + 4 - 5) / 1 + 1 = 6, WO = 5; R = min(5, 6) = 5 rows of 5 * 2 beats.
  const SlidingWindowConfig c = SlidingWindowConfig::from(resolve_params(
      find_unit("sliding_window"),
      {{"SIMD", 3}, {"C", 5}, {"H", 6}, {"W", 5}, {"K", 5}, {"PAD", 2}, {"STRIDE", 1}}));
  EXPECT_EQ(c.beats_per_pixel(), 2);
  EXPECT_EQ(c.padded_channels(), 6);
  EXPECT_EQ(c.out_h(), 6);
  EXPECT_EQ(c.out_w(), 5);
  EXPECT_EQ(c.rows(), 5);
  EXPECT_EQ(c.depth(), 50);
  EXPECT_EQ(c.input_beats(), 60);
  EXPECT_EQ(c.output_beats(), 6 * 5 * 25 * 2);
  // STRIDE 2 on a 7 x 9 map, K = 3, no padding: 3 x 4 outputs; H = 2 < K: R = 2.
  SlidingWindowConfig d = c;
  d.h = 7, d.w = 9, d.k = 3, d.pad = 0, d.stride = 2;
  EXPECT_EQ(d.out_h(), 3);
  EXPECT_EQ(d.out_w(), 4);
  d.h = 2, d.pad = 1;
  EXPECT_EQ(d.rows(), 2);
}

// The worked example of docs/rtl_units.md: a 2 x 2 map, C = 3, SIMD = 2, K = 3, PAD = 1. Pixel
// (y, x) channel c holds 100 y + 10 x + c + 1. Output pixel (0, 0)'s window: ky = 0 is padding
// (3 pixels x 2 beats of zeros), ky = 1: padding, (0,0), (0,1); ky = 2: padding, (1,0), (1,1).
TEST(SlidingWindowReference, WorkedExampleWithZeroLanes) {
  SlidingWindowConfig c;
  c.in_w = 8, c.simd = 2, c.c = 3, c.h = 2, c.w = 2, c.k = 3, c.stride = 1, c.pad = 1;
  std::vector<std::int64_t> img;
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 2; ++x) {
      for (int ch = 0; ch < 3; ++ch) img.push_back(100 * y + 10 * x + ch + 1);
    }
  }
  const std::vector<Beat> in = fxsim::streaming::map_to_beats(img, c.c, c.simd);
  const std::vector<Beat> expected_in = {{1, 2},     {3, 0},   {11, 12},   {13, 0},
                                         {101, 102}, {103, 0}, {111, 112}, {113, 0}};
  EXPECT_EQ(in, expected_in);
  const std::vector<Beat> out = fxsim::units::window_stream(c, img);
  ASSERT_EQ(out.size(), 4u * 9 * 2);
  const std::vector<Beat> first_window = {
      {0, 0}, {0, 0}, {0, 0},     {0, 0},   {0, 0},     {0, 0},     // ky = 0
      {0, 0}, {0, 0}, {1, 2},     {3, 0},   {11, 12},   {13, 0},    // ky = 1
      {0, 0}, {0, 0}, {101, 102}, {103, 0}, {111, 112}, {113, 0}};  // ky = 2
  EXPECT_EQ(std::vector<Beat>(out.begin(), out.begin() + 18), first_window);
  // Output pixel (1, 1): rows 0..2, columns 0..2: the map in its top-left corner.
  const std::vector<Beat> last_window = {
      {1, 2},   {3, 0}, {11, 12}, {13, 0}, {0, 0}, {0, 0}, {101, 102}, {103, 0}, {111, 112},
      {113, 0}, {0, 0}, {0, 0},   {0, 0},  {0, 0}, {0, 0}, {0, 0},     {0, 0},   {0, 0}};
  EXPECT_EQ(std::vector<Beat>(out.end() - 18, out.end()), last_window);
}

// The line buffer's mapping (models/resources/memory) on sizes worked by hand from yosys 0.23
// memory_libmap's costs: LUT RAM about 8 per RAM32M (32 x 6) or RAM64M (64 x 3), a RAMB18 129, a
// RAMB36 257.
TEST(SlidingWindowCost, LineBufferMapping) {
  // 36 x 16: 6 RAM64M (48) < RAMB18 (129).
  auto m = fxsim::units::line_buffer_cost(16, 36);
  EXPECT_EQ(m.lutram_luts, 24);
  EXPECT_EQ(m.lutram_banks, 1);
  EXPECT_EQ(m.bram18 + m.bram36, 0);
  EXPECT_EQ(m.read_register_ff, 16);
  // 24 x 8: 2 RAM32M.
  m = fxsim::units::line_buffer_cost(8, 24);
  EXPECT_EQ(m.lutram_luts, 8);
  // 98 x 16: 2 banks x 6 RAM64M (96) < 129.
  m = fxsim::units::line_buffer_cost(16, 98);
  EXPECT_EQ(m.lutram_luts, 48);
  EXPECT_EQ(m.lutram_banks, 2);
  // 192 x 32: 3 x 11 RAM64M (264) > one RAMB18 (512 x 36).
  m = fxsim::units::line_buffer_cost(32, 192);
  EXPECT_EQ(m.lutram_luts, 0);
  EXPECT_EQ(m.bram18, 1);
  EXPECT_EQ(m.read_register_ff, 0);
  // 96 x 64: two RAMB18 (258) or one RAMB36 in 512 x 72 (257).
  m = fxsim::units::line_buffer_cost(64, 96);
  EXPECT_EQ(m.bram18, 0);
  EXPECT_EQ(m.bram36, 1);
  // 768 x 64: RAMB36 1024 x 36, two of them.
  m = fxsim::units::line_buffer_cost(64, 768);
  EXPECT_EQ(m.bram36, 2);
}

}  // namespace
