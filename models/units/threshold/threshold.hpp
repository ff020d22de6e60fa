// threshold (rtl/threshold.sv): the thresholding unit of binary and few-bit activations (FINN's
// MultiThreshold), which replaces bn_act after a binary / ternary MVAU. Per output channel c, on
// PE lanes a beat, with T thresholds t_c[0] <= ... <= t_c[T-1] and a direction bit d_c:
//   d_c = 0:  y = #{k : x >= t_c[k]}      (a batch norm of positive scale, then the activation)
//   d_c = 1:  y = #{k : x <= t_c[k]}      (a negative scale flips every comparison)
// x is the signed X_W-bit accumulator; y is an unsigned ceil(log2(T + 1))-bit integer (T = 1: the
// sign activation as a bit; T = 2^B - 1: a B-bit unsigned activation). A threshold is a signed
// (X_W + 1)-bit integer: the accumulator's format and one bit more, so that a level no x reaches
// (t = x_max + 1 for d = 0, x_min - 1 for d = 1) is as exact as one every x reaches.
// Its parameters, typed configuration, bit-exact reference, the layout of its threshold memory,
// latency and cost, and the helper that folds a batch norm and activation levels into thresholds.
#pragma once

#include <cstdint>
#include <vector>

#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {

const UnitSpec& threshold_spec();

struct ThresholdConfig {
  int pe = 1, channels = 4, x_w = 16, thresholds = 1, stages = 2;
  int folds() const { return channels / pe; }  // NF: words of the threshold memory
  int out_w() const;                           // ceil(log2(T + 1))
  int threshold_w() const { return x_w + 1; }  // TH_W
  // One channel's bits in a memory word: the direction bit at 0, threshold k at
  // [1 + k * TH_W +: TH_W]; lane p of a word at [p * word_width() +: word_width()].
  int word_width() const { return thresholds * threshold_w() + 1; }
  std::int64_t x_min() const { return -(std::int64_t{1} << (x_w - 1)); }
  std::int64_t x_max() const { return (std::int64_t{1} << (x_w - 1)) - 1; }
  static ThresholdConfig from(const ParamMap& resolved);
};

// One output channel: T thresholds in ascending order and the direction.
struct ThresholdChannel {
  bool descending = false;  // d_c = 1: y counts x <= t
  std::vector<std::int64_t> thresholds;
};

// Throws std::invalid_argument naming the field when `ch` does not fit the unit: a count other
// than T, a threshold outside [x_min - 1, x_max + 1] (TH_W bits hold more, but no x tells them
// apart), thresholds not in ascending order.
void check_channel(const ThresholdConfig& cfg, const ThresholdChannel& ch);

// The reference: y of accumulator `x` (a signed X_W-bit raw) on channel `ch`.
int threshold(const ThresholdConfig& cfg, std::int64_t x, const ThresholdChannel& ch);

// Folds a batch norm and a (multi-level) activation into one channel's integer thresholds. The
// activation's real output is the number of levels the normalized value reaches:
//   y(x) = #{k : scale * x * lsb + bias >= levels[k]}
// (evaluated in double, left to right: (scale * x) * lsb, then + bias), x the accumulator's raw
// and lsb the weight of its LSB. For the sign activation levels = {0}; for a B-bit unsigned
// quantized activation levels = the 2^B - 1 rounding boundaries. Returns, for x_w-bit x:
//   scale > 0: d = 0, t_k = the smallest x with the level reached (x_max + 1 when none is);
//   scale < 0: d = 1, t_k = the largest such x (x_min - 1 when none is);
//   scale = 0: d = 0, t_k = x_min when bias >= levels[k] (every x), else x_max + 1 (none);
// thresholds in ascending order, so that threshold(cfg, x, ch) == y(x) for every x of x_w bits.
// Throws std::invalid_argument for non-finite inputs or lsb <= 0.
ThresholdChannel thresholds_from_batch_norm(double scale, double bias, double lsb,
                                            const std::vector<double>& levels, int x_w);

}  // namespace fxsim::units
