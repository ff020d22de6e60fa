// What a piece of hardware costs on an FPGA, as fxsim reports it everywhere (the analytical unit
// costs, yosys results, sweeps): LUT, FF, CARRY, DSP, block and distributed RAM and the
// LUT-equivalent, the one rule that puts DSPs and LUTs on one scale.
#pragma once

namespace fxsim::resources {

// LUT-equivalent cost: LUT + 55 x DSP, the weighting HGQ (Sun et al., arXiv:2405.00645) uses for
// the post-place-and-route cost of fully parallel designs (a rough figure; docs/resources.md).
inline constexpr int kLutsPerDsp = 55;
inline constexpr int lut_equivalent(int luts, int dsps) { return luts + kLutsPerDsp * dsps; }

struct ResourceEstimate {
  int lut = 0;             // LUT1..LUT6 + INV + SRL, as `fxsim synth` counts them
  int ff = 0;              // FDRE / FDSE
  int carry = 0;           // CARRY4 (yosys 0.23 uses CARRY4 on xcup too)
  int dsp = 0;             // DSP48E1 (xc7) or DSP48E2 (xcup)
  int bram = 0;            // block RAM primitives: bram18 + bram36 (each counts 1)
  int bram18 = 0;          // RAMB18E1 (xc7) / RAMB18E2 (xcup): 18 Kbit halves
  int bram36 = 0;          // RAMB36E1 / RAMB36E2: 36 Kbit blocks
  int lutram = 0;          // LUT sites used as distributed RAM (RAM32M, RAM64M: 4; RAM64X1D: 2;
                           // RAM32M16, RAM64M8: 8; ...), as `fxsim synth` counts them; not in lut
  int lut_equivalent = 0;  // lut + 55 x dsp

  // Sums (and keeps lut_equivalent the rule's value of the sums).
  ResourceEstimate& operator+=(const ResourceEstimate& o) {
    lut += o.lut;
    ff += o.ff;
    carry += o.carry;
    dsp += o.dsp;
    bram += o.bram;
    bram18 += o.bram18;
    bram36 += o.bram36;
    lutram += o.lutram;
    lut_equivalent = resources::lut_equivalent(lut, dsp);
    return *this;
  }
};

// `count` copies of `e` (e.g. PE processing elements).
inline ResourceEstimate times(int count, const ResourceEstimate& e) {
  ResourceEstimate r;
  r.lut = count * e.lut;
  r.ff = count * e.ff;
  r.carry = count * e.carry;
  r.dsp = count * e.dsp;
  r.bram = count * e.bram;
  r.bram18 = count * e.bram18;
  r.bram36 = count * e.bram36;
  r.lutram = count * e.lutram;
  r.lut_equivalent = lut_equivalent(r.lut, r.dsp);
  return r;
}

}  // namespace fxsim::resources
