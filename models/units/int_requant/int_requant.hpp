// int_requant (rtl/int_requant.sv): the hardware requantizer of an affine integer layer, after an
// MVAU whose PEs accumulate integer products (the folded-correction form: the input zero point's
// term is part of the per-channel bias). Per output channel c, on PE lanes a beat:
//   y = clamp(requantize_integer(wrap_ACC_W(acc + bias_c), M0_c, n_c) + ZP, LO, HI)
// with LO / HI the output range and LO raised to ZP with RELU (real 0 is ZP). Its parameters,
// typed configuration, bit-exact reference (fx::requantize_integer: fx/affine.hpp is the one
// home of the arithmetic), the layout of its parameter memory, latency and cost; the cycle model
// is models/streaming/int_requant_model.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "fx/affine.hpp"
#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {

const UnitSpec& int_requant_spec();

// The shift field of a parameter word: a signed 7-bit n (fx::IntegerMultiplier's -31..62).
inline constexpr int kIntRequantShiftBits = 7;

struct IntRequantConfig {
  int pe = 1, channels = 4;
  int acc_w = 32, bias_w = 32, m0_bits = 31, lshift_max = 0;
  fx::IntegerRounding rounding = fx::IntegerRounding::DOUBLE;
  fx::AffineInt out;
  std::int32_t zp = 0;
  bool relu = false;
  int stages = 2;
  int folds() const { return channels / pe; }  // NF: words of the parameter memory
  // The clamp bounds: the output range, the lower one raised to ZP with RELU.
  std::int64_t lo() const;
  std::int64_t hi() const { return out.q_max(); }
  // One channel's parameter bits {bias, shift, m0}, and the position of each in it.
  int word_width() const { return bias_w + kIntRequantShiftBits + m0_bits; }
  int shift_lsb() const { return m0_bits; }
  int bias_lsb() const { return m0_bits + kIntRequantShiftBits; }
  static IntRequantConfig from(const ParamMap& resolved);
};

// One output channel's parameters: the folded bias and the multiplier M0 x 2^-(B + n).
struct IntRequantChannel {
  std::int64_t bias = 0;
  fx::IntegerMultiplier multiplier;
};

// Throws std::invalid_argument naming the field when `ch` does not fit the unit: bias outside
// B_W bits, multiplier bits other than M0_BITS or invalid, a left shift beyond LSHIFT_MAX.
void check_channel(const IntRequantConfig& cfg, const IntRequantChannel& ch);

// The reference: y of accumulator `acc` (a signed ACC_W-bit raw) on channel `ch`.
std::int64_t int_requant(const IntRequantConfig& cfg, std::int64_t acc,
                         const IntRequantChannel& ch);

}  // namespace fxsim::units
