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
  double scale = 1.0;                   // alpha: the per-tensor scale of quantize_bipolar
  int exponent = 0;                     // e of the engine's weight scale 2^e (0 without bn)
  std::vector<int> v;                   // out x in, in {-1, +1} or {-1, 0, +1}
  double residual() const;              // alpha / 2^e: the part of alpha the engine does not take
  fx::BipolarType engine_type() const;  // the engine's weight format: kind with scale 2^e
};

BipolarLayer quantize_bipolar_layer(const FloatLayer& f, fx::Bipolar kind, bool bn);

// The engine's buffers: weights the v's (words: xnor_pe's codes), inputs cast into
// cfg.activation, with bn the BN scale x residual and the BN bias cast into [bn]'s formats.
engine::Stimulus bipolar_stimulus(const FloatLayer& f, const BipolarLayer& l,
                                  const engine::EngineConfig& cfg);

// The engine's raw outputs (cfg.final_output()) as values of the float layer: without bn the
// accumulator's value times the residual (alpha: e = 0), with bn the bn output's values.
std::vector<double> bipolar_output_values(const BipolarLayer& l,
                                          const std::vector<std::int64_t>& raw,
                                          const engine::EngineConfig& cfg);

}  // namespace fxsim::explore
