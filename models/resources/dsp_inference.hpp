// How many DSP48 slices yosys 0.23's synth_xilinx spends on one multiplier: a re-statement of
// its techmap rules (share/yosys/mul2dsp.v with the -D limits synth_xilinx passes), checked
// against real runs in testbenches/models/units/dsp_inference_test.cpp.
//
//   xc7 : DSP48E1, A <= 25, B <= 18 bits (signed), partial A slices of 18 bits
//   xcup: DSP48E2, A <= 27, B <= 18 bits (signed), partial A slices of 18 bits
//   both: a multiplier is mapped only with A, B >= 2 bits and a product Y >= 9 bits; operands
//         are signed only (an unsigned x unsigned product gets one zero bit on each operand);
//         the wider operand goes to A; a too-wide operand is cut into slices of (partial - 1)
//         unsigned bits plus a signed top slice, each slice mapped again by the same rules.
//   A slice that fails the minimum widths stays a soft (LUT) multiplier.
#pragma once

#include "models/resources/family.hpp"

namespace fxsim::resources {

// One multiplier as yosys sees it after width reduction: operand widths, signedness and the
// width of the product that is used.
struct MulShape {
  int a_width = 0;
  bool a_signed = true;
  int b_width = 0;
  bool b_signed = true;
  int y_width = 0;
};

struct DspSplit {
  int dsp = 0;             // DSP48 slices
  int soft_slices = 0;     // slices left to LUTs (below the minimum widths)
  int partial_adders = 0;  // adders summing the partial products of a split multiplier
};

DspSplit dsp_split(const MulShape& m, Family family);

// DSP48 slices of one multiplier (dsp_split(...).dsp).
int dsp_count(const MulShape& m, Family family);

}  // namespace fxsim::resources
