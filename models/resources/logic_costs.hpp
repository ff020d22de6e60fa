// LUT / CARRY costs of the building blocks of the RTL units, as yosys 0.23 synth_xilinx maps
// them. Each formula names its source: "published" (rules of thumb quoted in docs/resources.md: an
// N-bit adder is N LUTs and ceil(N/4) CARRY4) or "calibrated" (a least-squares fit to yosys runs,
// listed in docs/resources.md with their data).
#pragma once

#include "fx/fx_type.hpp"
#include "models/resources/family.hpp"

namespace fxsim::resources {

struct LogicCost {
  double lut = 0;
  double carry = 0;
  LogicCost& operator+=(const LogicCost& o) {
    lut += o.lut;
    carry += o.carry;
    return *this;
  }
};

inline LogicCost operator*(double k, const LogicCost& c) { return {k * c.lut, k * c.carry}; }

// An n-bit ripple adder (or add/subtract): n LUTs, ceil(n/4) CARRY4 (published).
LogicCost adder(int n);

// A signed a x b multiplier in LUTs (synth_xilinx -nodsp, or below the DSP minimum widths):
// 2.55 a b - 16 LUTs, at least a b, and ceil((a+b)/4) CARRY4 (calibrated on registered soft
// multipliers 3x3 .. 16x16: within 12% for 4x4 and up, 28% at 5x9).
LogicCost soft_multiplier(int a, int b);

// A sum of `operands` values `width` bits wide into a `sum_width`-bit result: yosys turns the
// adder chain into one $macc, a carry-save tree of full adders (LUT3 pairs) and one final carry
// adder, so 1.7 x (operands - 2) x width LUTs + adder(sum_width) (calibrated on fx_mac_pe SIMD
// 2..8). On xcup, from kWideTreeOperands operands on, abc maps the tree into LUT6 + MUXF7/8/9
// and it takes (1 + kXcupWideTree) times those LUTs (fitted on the calibration engine points,
// scripts/cost_model_points.py fit; docs/resources.md).
inline constexpr int kWideTreeOperands = 6;
inline constexpr double kXcupWideTree = 1.782;
LogicCost multi_operand_adder(int operands, int width, int sum_width, Family family);

// A barrel shifter of an in_bits-wide value by 0 .. 2^shift_bits - 1 places: in_bits x
// 2^shift_bits mux inputs, kBarrelLutPerInput LUTs each (fitted on the calibration engine
// points together with add_sub_term: scripts/cost_model_points.py fit, docs/resources.md).
inline constexpr double kBarrelLutPerInput = 0.460;
LogicCost barrel_shifter(int in_bits, int shift_bits);

// Adding signed shift-add term number `index` (0 = the first) into a `width`-bit sum
// (`if (en) sum = neg ? sum - t : sum + t` in rtl/khot_pe.sv): the first is a conditional
// negation, every further one an adder, a subtractor and a mux (two carry chains). LUTs per sum
// bit fitted on the calibration engine points (first, second, third and later terms). The first
// is nearly free (abc folds the negation into the shifter's LUTs); the second costs more than
// the third because yosys maps a two-term lane expensively (docs/resources.md, Known limits).
inline constexpr double kTermLutPerBit[3] = {0.117, 2.993, 1.875};
LogicCost add_sub_term(int width, int index);

// The requantizer fx_requant (rtl/fx_requant.sv) for an input of in_w bits with in_frac fraction
// bits to out_w / out_frac with rounding q and overflow o:
//   dropped = max(in_frac - out_frac, 0), kept E = in_w - dropped + max(out_frac - in_frac, 0),
//   r = rounding logic present (q != TRN and dropped > 0), H = max(E + r - out_w, 0) excess bits,
//   LUT = r (0.56 E + 4) + 2.9 min(H, 15) + 0.4 max(H - 15, 0) + [H > 0] (saturating o) out_w
//         - dropped, at least 0 (H beyond the calibrated 0..15 only widens a constant compare,
//         checked on fx_mac_pe with ACC_W = 48),
//   CARRY = r ceil(E / 4) + [H > 0] ceil(E / 4)   (calibrated on 72 fx_requant runs).
// RND_STOCH (Q = 7) adds stochastic_compare(min(dropped, 28)).
LogicCost requantizer(int in_w, int in_frac, int out_w, int out_frac, fx::Rounding q,
                      fx::Overflow o);

// RND_STOCH's decision u < r on k random bits (rtl/fx_requant.sv, Q = 7) in place of a
// deterministic mode's: 1 + 0.55 k LUTs, floor(k / 8) CARRY4 (calibrated together with lfsr() on
// 8 fx_mac_pe / bn_act runs, k = 1..28: the difference of Q = 7 and Q = 4, docs/rtl_units.md).
LogicCost stochastic_compare(int k);
// The LFSR of stochastic rounding (rtl/fx_lfsr.sv) with its seed loaded in reset: 31 LUTs (a 2:1
// mux from the lfsr_seed port in front of each of the 31 flip-flops; the fresh bits' XOR2s fold
// into those LUTs). Its 31 flip-flops are the unit's to count.
LogicCost lfsr();
inline constexpr int kLfsrFlipFlops = 31;

}  // namespace fxsim::resources
