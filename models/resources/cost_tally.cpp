#include "models/resources/cost_tally.hpp"

#include <cmath>

#include "models/resources/dsp_inference.hpp"

namespace fxsim::resources {

ResourceEstimate CostTally::rounded() const {
  ResourceEstimate e;
  e.lut = static_cast<int>(std::lround(logic.lut));
  e.carry = static_cast<int>(std::lround(logic.carry));
  e.ff = static_cast<int>(std::lround(ff));
  e.dsp = dsp;
  e.lut_equivalent = lut_equivalent(e.lut, e.dsp);
  return e;
}

void multiplier(int a, int b, Family family, bool use_dsp, int count, CostTally& t) {
  const int dsp = use_dsp ? dsp_count({a, true, b, true, a + b}, family) : 0;
  if (dsp > 0) {
    t.dsp += count * dsp;
  } else {
    t.logic += count * soft_multiplier(a, b);
  }
}

void shift_add(int terms, int in_bits, int shift_bits, int sum_w, int count, CostTally& t) {
  LogicCost one;
  for (int k = 0; k < terms; ++k) {
    one += barrel_shifter(in_bits, shift_bits);
    one += add_sub_term(sum_w, k);
  }
  t.logic += count * one;
}

}  // namespace fxsim::resources
