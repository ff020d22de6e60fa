// One layer of an affine integer model file (golden::AffineDense, model file version 3) as a
// design point of the layer engine with [requant] (docs/engine.md, "Affine integer layers"): the
// MAC array multiplies the input and weight integers (fixed<W,W> formats, the accumulator
// fixed<acc_width, acc_width> wrapping), and int_requant applies the folded-correction bias and
// the integer multiplier of each output channel. Plain C++ (no SystemC): `fxsim verify` reads it.
#pragma once

#include <cstdint>
#include <vector>

#include "golden/affine_dense.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::env {

// The engine point of `layer` for `batch` input vectors on hw.pe PEs and SIMD = `simd` (the
// accumulator wraps, so the order of the sum does not matter: any SIMD gives the same results).
// Throws engine::PointFileError (source "LAYER") when the engine cannot run it: the float
// requantization (no hardware builds it: export with the integer method), weights with a zero
// point other than 0 (the folded-correction form assumes symmetric weights), a multiplier the
// unit cannot take.
engine::EngineConfig affine_layer_point(const golden::AffineDense& layer,
                                        const engine::Hardware& hw, int simd, int batch);

// The engine's buffers: the weight integers, per channel the multiplier word of
// golden::channel_requants and the folded bias b'[o] = bias_q[o] - z_x sum_k w[o][k] (wrapped to
// the accumulator width: int_requant adds it into the wrapping accumulator, so
// wrap(sum x w + wrap(b')) = wrap(sum (x - z_x) w + bias_q), golden::affine_dense_forward's
// accumulator), and `input` (batch x in_features integers of the input format), moved in.
engine::Stimulus affine_layer_stimulus(const golden::AffineDense& layer,
                                       const engine::EngineConfig& cfg,
                                       std::vector<std::int64_t> input);

}  // namespace fxsim::env
