// The running total of a unit's cost formula (models/units/<unit>/cost.cpp) before rounding, and
// the building blocks those formulas share beyond logic_costs.hpp: a multiplier on DSPs or LUTs,
// shift-add terms, and the operand widths yosys sees.
#pragma once

#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"
#include "models/resources/logic_costs.hpp"

namespace fxsim::resources {

struct CostTally {
  LogicCost logic;
  double ff = 0;
  int dsp = 0;
  ResourceEstimate rounded() const;  // LUT, CARRY, FF rounded to the nearest integer
};

// An operand as yosys sees it after wreduce: the RTL sign-extends every operand by one bit, which
// wreduce removes again for a signed operand; an unsigned one keeps its zero bit.
inline int operand_width(int width, bool is_signed) { return is_signed ? width : width + 1; }

// `count` signed a x b multipliers: DSP48s by mul2dsp's rules (dsp_inference.hpp), or soft
// multipliers when none is inferred or use_dsp is false (synth_xilinx -nodsp).
void multiplier(int a, int b, Family family, bool use_dsp, int count, CostTally& t);

// K shift-add terms of an in_bits-wide operand into a sum_w-bit product, `count` times: a barrel
// shifter per term and its conditional add/subtract.
void shift_add(int terms, int in_bits, int shift_bits, int sum_w, int count, CostTally& t);

}  // namespace fxsim::resources
