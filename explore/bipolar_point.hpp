// Binary and ternary design points (kind = "binary" / "ternary", docs/sweeps.md "Binary and
// ternary points"): the float layer's weights quantized by fx::quantize_bipolar with one scale
// for the tensor (binary: v = sign(w), alpha = mean |w|; ternary: TWN's delta = 0.7 mean |w|,
// alpha = mean |w| over |w| > delta), run on the layer engine's xnor_pe array (kind binary /
// ternary: no multiplier). The engine takes power-of-two weight scales only, so alpha is split:
//   without bn  the engine runs on the v's with scale 1 (binary / ternary): its accumulator is
//               sum v x a in the activation's LSBs; an output value is to_double(acc) x alpha;
//   with bn     the engine scale is 2^e, e = ceil(log2 alpha) (only moves the accumulator's
//               binary point), and the rest r = alpha / 2^e in (1/2, 1] is folded into the BN
//               scale quantized into [bn] scale: scale_c x r (the BN scale's range is kept);
//               the bn output values are the point's values.
// The activations are the float inputs cast into the activation axis' format, as for fx_mac.
// Kind "xnor" (xnor_pe MODE 0) binarizes the activations too, as XNOR-Net: a = sign(x) with
// sign(0) = +1 (the engine's bit 1 = +1, 0 = -1), one scale beta = mean |x| over the whole input
// tensor (batch x in); the product alpha beta then takes alpha's place above (split into 2^e and
// a residual with bn; the factor of an output value without bn).
// Threshold points (explore/threshold_point.hpp) have no bn: e = 0, their outputs are levels.
#pragma once

#include <cstdint>
#include <vector>

#include "explore/float_layer.hpp"
#include "fx/bipolar.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::explore {

struct BipolarLayer {
  fx::Bipolar kind = fx::Bipolar::BINARY;
  double scale = 1.0;  // alpha: the per-tensor scale of quantize_bipolar
  // xnor: the activations are binarized too, with this per-tensor scale beta = mean |x| (1 for
  // binary / ternary, whose activations are fixed point).
  bool binary_activation = false;
  double activation_scale = 1.0;
  int exponent = 0;    // e of the engine's weight scale 2^e (0 without bn)
  std::vector<int> v;  // out x in, in {-1, +1} or {-1, 0, +1}
  double output_scale() const { return scale * activation_scale; }  // alpha beta
  double residual() const;              // alpha beta / 2^e: the part the engine does not take
  fx::BipolarType engine_type() const;  // the engine's weight format: kind with scale 2^e
};

// binary_activation: kind xnor (kind must then be binary).
BipolarLayer quantize_bipolar_layer(const FloatLayer& f, fx::Bipolar kind, bool bn,
                                    bool binary_activation = false);

// xnor's activation scale beta = mean |x| over the tensor, and the bits: 1 (+1) for x >= 0,
// 0 (-1) for x < 0.
double binary_activation_scale(const std::vector<double>& x);
std::vector<std::int64_t> binarize_activations(const std::vector<double>& x);

// The engine's buffers: weights the v's (words: xnor_pe's codes), inputs cast into
// cfg.activation (xnor: binarize_activations), with bn the BN scale x residual and the BN bias
// cast into [bn]'s formats. [threshold]'s parameters are threshold_point.hpp's.
engine::Stimulus bipolar_stimulus(const FloatLayer& f, const BipolarLayer& l,
                                  const engine::EngineConfig& cfg);

// The engine's raw outputs (cfg.final_output()) as values of the float layer: without bn the
// accumulator's value times the residual (alpha beta: e = 0), with bn the bn output's values,
// with [threshold] the levels 0..T.
std::vector<double> bipolar_output_values(const BipolarLayer& l,
                                          const std::vector<std::int64_t>& raw,
                                          const engine::EngineConfig& cfg);

}  // namespace fxsim::explore
