#include "models/resources/logic_costs.hpp"

#include <algorithm>

namespace fxsim::resources {
namespace {

int ceil_div(int a, int b) { return (a + b - 1) / b; }

}  // namespace

LogicCost adder(int n) {
  if (n <= 0) return {};
  return {static_cast<double>(n), static_cast<double>(ceil_div(n, 4))};
}

LogicCost soft_multiplier(int a, int b) {
  const double ab = static_cast<double>(a) * b;
  return {std::max(2.55 * ab - 16.0, ab), static_cast<double>(ceil_div(a + b, 4))};
}

LogicCost multi_operand_adder(int operands, int width, int sum_width, Family family) {
  if (operands <= 1) return {};
  LogicCost c = adder(sum_width);
  c.lut += 1.7 * (operands - 2) * width;
  if (family == Family::xcup && operands >= kWideTreeOperands) c.lut *= 1.0 + kXcupWideTree;
  return c;
}

LogicCost barrel_shifter(int in_bits, int shift_bits) {
  return {kBarrelLutPerInput * in_bits * static_cast<double>(1 << shift_bits), 0.0};
}

LogicCost add_sub_term(int width, int index) {
  const double per_bit = kTermLutPerBit[std::min(index, 2)];
  return {per_bit * width, (index == 0 ? 1.0 : 2.0) * ceil_div(width, 4)};
}

LogicCost requantizer(int in_w, int in_frac, int out_w, int out_frac, fx::Rounding q,
                      fx::Overflow o) {
  const int dropped = std::max(in_frac - out_frac, 0);
  const int appended = std::max(out_frac - in_frac, 0);
  const int kept = in_w - dropped + appended;
  const int r = (q != fx::Rounding::TRN && dropped > 0) ? 1 : 0;
  const int excess = std::max(kept + r - out_w, 0);
  const bool saturates = o != fx::Overflow::WRAP && o != fx::Overflow::WRAP_SM;
  LogicCost c;
  c.lut = r * (0.56 * kept + 4.0) + 2.9 * std::min(excess, 15) + 0.4 * std::max(excess - 15, 0) +
          (excess > 0 && saturates ? static_cast<double>(out_w) : 0.0) - dropped;
  c.lut = std::max(c.lut, 0.0);
  c.carry = r * ceil_div(kept, 4) + (excess > 0 ? ceil_div(kept, 4) : 0);
  if (fx::is_stochastic(q) && dropped > 0) c += stochastic_compare(std::min(dropped, 28));
  return c;
}

LogicCost stochastic_compare(int k) {
  if (k <= 0) return {};
  return {1.0 + 0.55 * k, static_cast<double>(k / 8)};
}

LogicCost lfsr() { return {31.0, 0.0}; }

}  // namespace fxsim::resources
