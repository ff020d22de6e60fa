// What a piece of hardware costs on an FPGA, as fxsim reports it everywhere (the analytical unit
// costs, yosys results, sweeps): LUT, FF, CARRY, DSP, BRAM and the LUT-equivalent, the one rule
// that puts DSPs and LUTs on one scale.
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
  int bram = 0;            // block RAMs
  int lut_equivalent = 0;  // lut + 55 x dsp

  // Sums (and keeps lut_equivalent the rule's value of the sums).
  ResourceEstimate& operator+=(const ResourceEstimate& o) {
    lut += o.lut;
    ff += o.ff;
    carry += o.carry;
    dsp += o.dsp;
    bram += o.bram;
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
  r.lut_equivalent = lut_equivalent(r.lut, r.dsp);
  return r;
}

}  // namespace fxsim::resources
