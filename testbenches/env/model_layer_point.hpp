// One layer of an exported golden model (golden/quant_network.hpp) as a design point of the layer
// engine (models/engine): the layer's formats, its SIMD (the order the accumulator wraps/saturates
// in) and bn_act, on a PE x SIMD array chosen by the caller; and its trained raws as the engine's
// buffers. Plain C++ (no SystemC): `fxsim verify` and the sweep's layer workloads read it.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/quant_network.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::env {

// A trained bn_act as the engine's [bn]: its scale (fixed or K-hot), bias and output types, its
// activation, and the clip bound as a value (clip_raw x 2^-F of the output type, exact).
engine::BnConfig engine_bn(const golden::BnActLayer& bn, int stages);

// The engine point of `layer` for `batch` input vectors: kind fx_mac, the layer's input, weight,
// accumulator and output types, SIMD = layer.simd, and with bn the layer's scale (fixed or K-hot),
// bias and output types, activation and clip (clip_raw as a value of the output type).
// Throws engine::PointFileError (source "MODEL_NAME:LAYER") when the engine cannot run it.
engine::EngineConfig layer_point(const golden::DenseLayer& layer, const engine::Hardware& hw,
                                 int batch);

// The engine's buffers for `layer`: its raw weights, BN scales (K-hot scales packed into term
// words as the RTL expects) and biases, and `input` (batch x in_features raws of the layer's
// input type), moved in.
engine::Stimulus layer_stimulus(const golden::DenseLayer& layer, const engine::EngineConfig& cfg,
                                std::vector<std::int64_t> input);

}  // namespace fxsim::env
