#include "models/resources/resource_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "models/resources/dsp_inference.hpp"
#include "models/resources/logic_costs.hpp"

namespace fxsim::resources {
namespace {

constexpr int kLutsPerDsp = 55;  // HGQ: post-P&R cost ~ LUT + 55 x DSP
constexpr int kWrap = 3;         // fx::Overflow::WRAP

int clog2(std::int64_t n) {
  int b = 0;
  while ((std::int64_t{1} << b) < n) ++b;
  return b;
}

// Every quantity of the estimate before rounding.
struct Tally {
  LogicCost logic;
  double ff = 0;
  int dsp = 0;
};

// Parameter lookup by name; resolve_params has filled every one.
class Params {
 public:
  explicit Params(const units::ParamMap& p) : p_(p) {}
  int operator()(const char* name) const { return static_cast<int>(units::param(p_, name)); }

 private:
  const units::ParamMap& p_;
};

// An operand as yosys sees it after wreduce: the RTL sign-extends every operand by one bit, which
// wreduce removes again for a signed operand; an unsigned one keeps its zero bit.
int operand_width(int width, int is_signed) { return is_signed ? width : width + 1; }

// One multiplier: DSP48s by mul2dsp's rules, or a soft multiplier when none is inferred.
void multiplier(int a, int b, Family family, bool use_dsp, int count, Tally& t) {
  const int dsp = use_dsp ? dsp_count({a, true, b, true, a + b}, family) : 0;
  if (dsp > 0) {
    t.dsp += count * dsp;
  } else {
    t.logic += count * soft_multiplier(a, b);
  }
}

// K shift-add terms of an in_bits-wide operand into a sum_w-bit product, `count` times: a barrel
// shifter per term and its conditional add/subtract.
void shift_add(int terms, int in_bits, int shift_bits, int sum_w, int count, Tally& t) {
  LogicCost one;
  for (int k = 0; k < terms; ++k) {
    one += barrel_shifter(in_bits, shift_bits);
    one += add_sub_term(sum_w, k == 0);
  }
  t.logic += count * one;
}

// fx_acc_out (rtl/fx_acc_out.sv): accumulator adder, its wrap/saturation, the output requantizer,
// the result register and TAIL delay stages.
void accumulator_and_output(const Params& p, int beat_w, int product_frac, int tail, Tally& t) {
  const int acc_w = p("ACC_W");
  const bool acc_wraps = p("ACC_O") == kWrap;
  const int sum_w = std::max(acc_w, beat_w) + 1;
  // A wrapping accumulator only needs the low ACC_W bits of the sum: yosys trims the rest.
  t.logic += adder(acc_wraps ? acc_w : sum_w);
  if (!acc_wraps) t.logic += requantizer(sum_w, 0, acc_w, 0, 5, p("ACC_O"));
  t.logic += requantizer(acc_w, product_frac, p("OUT_W"), p("OUT_FRAC"), p("Q"), p("O"));
  // yosys keeps the active-low reset of each reset flip-flop as an INV cell (counted as a LUT).
  t.logic.lut += acc_w + 1;
  t.ff += acc_w + (p("OUT_W") + 1) + 1;  // acc_q, {overflow, y}, res_valid
  t.ff += tail * (p("OUT_W") + 2);       // delay stages: data + overflow + valid
}

// The stream of fx_mac_pe and khot_pe around the lane products: product register (STAGES >= 2),
// lane sum, beat register (STAGES >= 3), accumulator and output.
void processing_element(const Params& p, int product_w, int product_reg_w, Tally& t) {
  const int simd = p("SIMD");
  const int stages = p("STAGES");
  const int acc_w = p("ACC_W");
  const bool acc_wraps = p("ACC_O") == kWrap;
  // Bits that reach the accumulator: with wrap-around only the low ACC_W bits matter.
  auto used = [&](int w) { return acc_wraps ? std::min(w, acc_w) : w; };
  const int beat_w = product_w + clog2(simd);
  const int p_depth = stages >= 2 ? 1 : 0;
  const int b_depth = stages >= 3 ? 1 : 0;
  t.logic += multi_operand_adder(simd, used(product_w), used(beat_w));
  t.ff += p_depth * (simd * used(product_reg_w) + 3);  // products, start, last, valid
  t.ff += b_depth * (used(product_reg_w + clog2(simd)) + 3);
  const int product_frac = p("A_FRAC") + p("W_FRAC");
  accumulator_and_output(p, used(beat_w), product_frac, stages - 1 - p_depth - b_depth, t);
}

void fx_mac_pe(const Params& p, Family family, bool use_dsp, Tally& t) {
  const int a = operand_width(p("A_W"), p("A_SIGNED"));
  const int w = operand_width(p("W_W"), p("W_SIGNED"));
  multiplier(a, w, family, use_dsp, p("SIMD"), t);
  processing_element(p, a + w, p("A_W") + p("W_W") + 1, t);
}

void khot_pe(const Params& p, Tally& t) {
  const int a = operand_width(p("A_W"), p("A_SIGNED"));
  const int term_w = p("A_W") + (1 << p("SH_W")) + 1;  // TW in rtl/khot_pe.sv
  const int product_w = term_w + clog2(p("K"));
  shift_add(p("K"), a, p("SH_W"), product_w, p("SIMD"), t);
  processing_element(p, product_w, product_w, t);
}

// Activation after the requantizer, on OUT_W-bit raw values (rtl/bn_act.sv).
LogicCost activation(int act, int out_w) {
  switch (act) {
    case 1:
      return {0.5 * out_w, 0};  // relu: clear on the sign bit
    case 2:
      return {1.5 * out_w, std::ceil(out_w / 4.0)};  // relu-clip: compare with CLIP + mux
    case 3:
      return {2.0 * out_w, 2 * std::ceil(out_w / 4.0)};  // hardtanh: two compares + mux
    case 4:
      return {1.0, 0};  // sign: the sign bit selects +-ONE
    default:
      return {};
  }
}

void bn_act(const Params& p, Family family, bool use_dsp, Tally& t) {
  const int x_w = p("X_W");
  int product_w = 0;
  int product_reg_w = 0;  // the RTL's PW: the product register keeps its sign-extension bit
  if (p("SCALE_KIND") == 0) {
    const int x = operand_width(x_w, p("X_SIGNED"));
    const int s = operand_width(p("S_W"), p("S_SIGNED"));
    multiplier(x, s, family, use_dsp, 1, t);
    product_w = x + s;
    product_reg_w = x_w + p("S_W") + 1;
  } else {
    const int term_w = x_w + (1 << p("SH_W")) + 1;  // KTW in rtl/bn_act.sv
    product_w = term_w + clog2(p("K"));
    product_reg_w = product_w;
    shift_add(p("K"), operand_width(x_w, p("X_SIGNED")), p("SH_W"), product_w, 1, t);
  }
  const int product_frac = p("X_FRAC") + p("S_FRAC");
  const int frac = std::max(product_frac, p("B_FRAC"));
  const int sum_w = std::max(product_w + frac - product_frac, p("B_W") + frac - p("B_FRAC")) + 1;
  // + bias: below the lowest bit of the operand shifted left for alignment (LP or LB zero bits)
  // the sum is the other operand's bits, wires rather than adder LUTs.
  const int aligned_zeros = std::max(frac - product_frac, frac - p("B_FRAC"));
  t.logic += adder(sum_w - aligned_zeros);
  t.logic += requantizer(sum_w, frac, p("OUT_W"), p("OUT_FRAC"), p("Q"), p("O"));
  t.logic += activation(p("ACT"), p("OUT_W"));
  const int stages = p("STAGES");
  const int p_depth = stages >= 2 ? 1 : 0;
  const int t_depth = stages >= 3 ? 1 : 0;
  t.ff += p_depth * (product_reg_w + p("B_W") + 1);
  t.ff += t_depth * (sum_w + 1);
  t.ff += (stages - p_depth - t_depth) * (p("OUT_W") + 1);
  t.logic.lut += stages;  // INV of each valid bit's reset
}

void fx_requant(const Params& p, Tally& t) {
  t.logic += requantizer(p("IN_W"), p("IN_FRAC"), p("OUT_W"), p("OUT_FRAC"), p("Q"), p("O"));
}

}  // namespace

ResourceEstimate estimate(const units::UnitSpec& unit, const units::ParamMap& resolved,
                          Family family, bool use_dsp) {
  const Params p(resolved);
  Tally t;
  if (unit.name == "fx_mac_pe") {
    fx_mac_pe(p, family, use_dsp, t);
  } else if (unit.name == "khot_pe") {
    khot_pe(p, t);
  } else if (unit.name == "bn_act") {
    bn_act(p, family, use_dsp, t);
  } else if (unit.name == "fx_requant") {
    fx_requant(p, t);
  } else {
    throw units::UnitParamError("no resource model for unit \"" + unit.name + "\"");
  }
  ResourceEstimate e;
  e.lut = static_cast<int>(std::lround(t.logic.lut));
  e.carry = static_cast<int>(std::lround(t.logic.carry));
  e.ff = static_cast<int>(std::lround(t.ff));
  e.dsp = t.dsp;
  e.lut_equivalent = e.lut + kLutsPerDsp * e.dsp;
  return e;
}

ResourceEstimate estimate(std::string_view unit, const units::ParamMap& resolved, Family family,
                          bool use_dsp) {
  return estimate(units::find_unit(unit), resolved, family, use_dsp);
}

}  // namespace fxsim::resources
