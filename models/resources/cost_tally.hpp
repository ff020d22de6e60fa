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

// rtl/fold_param_mem.sv: a unit's per-channel parameter memory, `folds` words of `width` bits read
// asynchronously at its fold counter (registered_address_memory_cost), which this returns; the
// counter goes to t: clog2(folds) FFs, an incrementer and its wrap compare. yosys keeps the
// counter's register twice when the memory is LUT RAM (once as the counter, once as the read
// address it moved back out of the memory). One word: a register, no counter.
ResourceEstimate fold_param_memory(int width, int folds, Family family, CostTally& t);

}  // namespace fxsim::resources
