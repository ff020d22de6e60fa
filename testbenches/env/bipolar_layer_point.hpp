// One layer of a binary / ternary model file (golden::BipolarDense, model file version 4) as a
// design point of the layer engine (docs/engine.md, "Binary and ternary layers"): an xnor_pe
// array of kind binary (binary weights x a fixed-point input), ternary (ternary weights x a
// fixed-point input) or xnor (binary weights x the previous layer's activation bits), followed by
// [bn] (bn_act: a fixed-point output, the logits of the last layer) or [threshold] with T = 1
// (the sign bit of a BNN's hidden layer). Plain C++ (no SystemC): `fxsim verify` reads it.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/bipolar_network.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::env {

// The engine point of `layer` for `batch` input vectors on hw.pe PEs and the layer's own SIMD.
// The weight scale of the model file is not the engine's: the golden accumulator is the integer
// sum of v x input raw (fraction bits the input's), its scale folded into the batch norm or the
// thresholds, so the engine runs the weights as `binary` / `ternary` (scale 1 = 2^0) and the
// golden accumulator format. Throws engine::PointFileError when the engine cannot run it.
engine::EngineConfig bipolar_layer_point(const golden::BipolarDense& layer,
                                         const engine::Hardware& hw, int batch);

// The engine's buffers: the weights v and their xnor_pe codes (fx::bipolar_code), bn_act's scale
// and bias raws or threshold's directions and thresholds (channel after channel), and `input`
// (batch x in_features raws of the input format, or bits 0 / 1), moved in.
engine::Stimulus bipolar_layer_stimulus(const golden::BipolarDense& layer,
                                        const engine::EngineConfig& cfg,
                                        std::vector<std::int64_t> input);

}  // namespace fxsim::env
