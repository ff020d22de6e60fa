// xnor_pe (rtl/xnor_pe.sv): the binary / ternary PE, no multiplier. Per beat of SIMD lanes:
//   MODE 0 (BINARY): activation and weight are one bit each, 1 = +1 and 0 = -1;
//          beat = 2 * popcount(xnor(a, w)) - SIMD. Every lane counts: a lane left at zero (the
//          stream's padding of a short last beat) is (-1) x (-1) = +1, so a dot product must
//          be a whole number of beats (xnor_dot checks it).
//   MODE 1 (BINARY_WEIGHTS): weight bit 1 = +1, 0 = -1; beat = sum(w ? a : -a) over the lanes,
//          a the raw of an A_W-bit (A_SIGNED) fixed-point activation.
//   MODE 2 (TERNARY_WEIGHTS): weight code {nonzero, negative} (bit 1, bit 0): 0b10 = +1,
//          0b11 = -1, 0b00 and 0b01 = 0; beat = sum(w * a).
// Then the accumulator of fx_acc_out: acc = wrap_or_saturate_ACC((start ? 0 : acc) + beat),
// ACC_W bits, ACC_O; the output is the accumulator itself (an integer in the activation's
// LSBs; out_overflow is always 0). Its parameters, typed configuration, bit-exact reference
// and cost (docs/rtl_units.md).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "models/units/fx_acc_out/fx_acc_out.hpp"

namespace fxsim::units {

const UnitSpec& xnor_pe_spec();

enum class XnorMode { BINARY = 0, BINARY_WEIGHTS = 1, TERNARY_WEIGHTS = 2 };

struct XnorPeConfig : AccumulatorConfig {
  XnorMode mode = XnorMode::BINARY;
  int a_bits() const { return mode == XnorMode::BINARY ? 1 : a.width; }     // in_a per lane
  int w_bits() const { return mode == XnorMode::TERNARY_WEIGHTS ? 2 : 1; }  // in_w per lane
  // SIMD, MODE, A_W, A_SIGNED, ACC_W, ACC_O, STAGES; `out` is the accumulator's own format.
  static XnorPeConfig from(const ParamMap& resolved);
};

// The value a weight code stands for: +1 / -1 (MODE 0, 1), +1 / 0 / -1 (MODE 2).
int xnor_weight_value(XnorMode mode, std::uint64_t code);

// One beat: a[i] (MODE 0: the activation bit; else the activation's raw) and w[i] (the weight
// code) of n lanes; lanes n .. simd - 1 are zero words (they add +1 each in MODE 0, 0 else).
std::int64_t xnor_beat_sum(XnorMode mode, int simd, const std::int64_t* a, const std::uint64_t* w,
                           int n);

class XnorPe {
 public:
  explicit XnorPe(const XnorPeConfig& cfg) : cfg_(cfg), acc_(cfg) {}
  std::optional<PeResult> beat(const std::vector<std::int64_t>& a,
                               const std::vector<std::uint64_t>& w, bool start, bool last);
  const Accumulator& accumulator() const { return acc_; }

 private:
  XnorPeConfig cfg_;
  Accumulator acc_;
};

// A whole dot product (accumulate_dot with xnor_beat_sum). Throws std::invalid_argument for an
// activation bit or weight code out of range, or in MODE 0 a length that is not a multiple of
// SIMD.
PeResult xnor_dot(const XnorPeConfig& cfg, const std::vector<std::int64_t>& a,
                  const std::vector<std::uint64_t>& w);

}  // namespace fxsim::units
