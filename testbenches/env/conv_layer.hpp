// A convolution layer on the layer engine (issue 15 item 2; docs/engine.md, "Convolution"): the
// windows the sliding-window unit streams, in its order (ky, kx, c) with Cp zero lanes, are the
// input vectors of a dense layer whose weights sit in the same order, K * K * Cp per output
// channel. So one output pixel is one "image" of the dense engine, and the PE array and bn_act of
// both backends (the SystemC model and the Verilated fx_mac_pe / khot_pe + bn_act) compute the
// convolution unchanged; a 1 x 1 convolution is the dense layer applied pixel by pixel.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/conv_reference.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/env/run_point.hpp"

namespace fxsim::env {

// The operands of one convolution over `images` input maps, drawn deterministically from `seed`:
// weights, BN scales and biases as make_stimulus draws them for the dense point (with zero weights
// in the padded lanes c >= C), the input maps as make_stimulus draws an input vector of H * W * C
// activations, and the windows of every output pixel (images x Hout x Wout rows of K * K * Cp) as
// the sliding-window unit streams them: the maps through its cycle-accurate model
// (models/streaming/sliding_window_model), so a shape the unit rejects (PAD > K / 2, say) is
// rejected here with the unit's message.
struct ConvStimulus {
  engine::Stimulus stimulus;       // weights, bn, and the windows as `input` (batch = pixels)
  std::vector<std::int64_t> maps;  // images x H x W x C raws, channels fastest
  int images = 1;
  engine::ConvOperands view() const;  // for engine::compute_conv_reference
};

// `point` is engine::conv_point(shape, OC, base): in_features = K * K * Cp.
ConvStimulus make_conv_operands(const engine::ConvShape& shape, const engine::EngineConfig& point,
                                std::uint64_t seed, int images = 1);

// The convolution through the verification environment: run_point of `point` with the windows
// as its batch (point.batch is set to images x Hout x Wout). Every backend run's output is then
// images x Hout x Wout x OC raws, channels fastest, as compute_conv_reference gives it.
RunSummary run_conv_layer(engine::EngineConfig point, const ConvStimulus& operands,
                          Backends backends, const RunOptions& options = {});

}  // namespace fxsim::env
