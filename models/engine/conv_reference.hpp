// The bit-exact reference of a convolution layer in the hardware's arithmetic: for every output
// pixel, the window the sliding-window unit streams (docs/rtl_units.md, window order) goes
// through the dense layer's PE array and bn_act exactly as one input vector of compute_reference
// does (PeArrayStage, BnStage: one home for the accumulate / requant / bn_act rules). A 1 x 1
// convolution is the dense layer applied pixel by pixel.
#pragma once

#include <cstdint>

#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/reference.hpp"
#include "models/units/common/conv_shape.hpp"

namespace fxsim::engine {

using units::ConvShape;  // models/units/common/conv_shape.hpp: geometry, window order, validate

// The dense design point one output pixel is: `base` (kind, SIMD, formats, bn) with
// in_features = K * K * Cp and out_features = out_channels.
EngineConfig conv_point(const ConvShape& s, int out_channels, EngineConfig base);

using units::gather_window;  // the window order, beside ConvShape

// Weights as the weight memory holds them: per output channel the window order (oc, ky, kx, c),
// c padded to Cp with zero weights (OC x K*K*Cp). Words and values as in LayerOperands.
struct ConvOperands {
  const std::int64_t* weight_words = nullptr;
  const std::int64_t* weight_values = nullptr;  // optional (see LayerOperands)
  const std::int64_t* bn_scale_words = nullptr;
  const std::int64_t* bn_bias = nullptr;
  const std::int64_t* input = nullptr;  // batch x H x W x C raws, channels fastest
  int batch = 1;
};

// The layer for e = elaborate(conv_point(s, OC, ...)): mac_output and output hold
// batch x Hout x Wout x OC raws (channels fastest), coverage counts every stage of every pixel.
LayerReference compute_conv_reference(const Elaboration& e, const ConvShape& s,
                                      const ConvOperands& ops);

}  // namespace fxsim::engine
