// Deterministic stimulus of a design point (docs/engine.md, "Stimulus").
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/engine_config.hpp"

namespace fxsim::engine {

// Deterministic across platforms and standard libraries: std::mt19937_64 (fully specified by the
// standard) and our own mapping from its 64-bit words to values, never std::*_distribution.
//   uniform: raw = lo + (u mod (hi - lo + 1)) over the format's raw range [lo, hi] (the modulo
//            bias is below 2^-40 for every width <= 24 and irrelevant for stimulus);
//   normal:  Irwin-Hall with 12 uniforms in [0, 1) (53-bit), minus 6: approximately N(0, 1);
//            scaled by sigma = (hi - lo) / 8 raw units (range / 4 in value units over the
//            symmetric half-range), centred at (lo + hi) / 2, rounded half away from zero,
//            clamped to [lo, hi].
// K-hot / SPT weights and scales: a raw drawn as above over the fixed<W,I> grid of the same W and
// I, then fx::khot_quantize of its exact value, so every value is representable; the words are
// fx::khot_encode packed (both through fx::KhotCodec, which gives the same values). The draw
// order is fixed: weights (row-major), BN scales, BN biases, inputs (batch-major), each from its
// own stream seeded with seed ^ a constant per buffer, so changing the batch does not change the
// weights. With [requant] the BN_PARAMS elements are int_requant's: multiplier words (bn_scale
// and bn_scale_words, the same words) and biases, drawn as stimulus.cpp's fill_requant says.
// Binary / ternary weights: v uniform over {-1, +1} / {-1, 0, +1} (weights: the values v; words:
// xnor_pe's codes); kind xnor's activation bits: raws 0 / 1 of ufixed<1,1>. With [threshold] the
// BN_PARAMS elements are threshold's directions (bn_scale, bn_scale_words) and N_out x T sorted
// thresholds (bn_bias), as stimulus.cpp's fill_thresholds says.
struct Stimulus {
  std::vector<std::int64_t> weights;         // raw weight values, out_features x in_features
  std::vector<std::int64_t> weight_words;    // the WEIGHTS buffer elements (raw, or term words)
  std::vector<std::int64_t> bn_scale;        // raw scale values (empty without bn)
  std::vector<std::int64_t> bn_scale_words;  // BN_PARAMS scale elements (raw, or term words)
  std::vector<std::int64_t> bn_bias;         // raw
  std::vector<std::int64_t> input;           // raw, batch x in_features
  int batch = 0;
};
Stimulus make_stimulus(const EngineConfig& cfg, std::uint64_t seed, int batch);
inline Stimulus make_stimulus(const EngineConfig& cfg, std::uint64_t seed) {
  return make_stimulus(cfg, seed, cfg.batch);
}

// The word that stores a zero weight: raw 0 for fixed point, no enabled term for K-hot / SPT.
std::int64_t zero_weight_word(const EngineConfig& cfg);

// Zero weights on the padded lanes: input element e of every row carries a real channel only when
// e % padded < channels (a window or a flattened map whose pixels carry `padded` = Cp lanes of
// which `channels` = C are real, the zero-lane rule), so the weight memory holds zero there.
void zero_padded_weights(const EngineConfig& cfg, int padded, int channels, Stimulus* stim);

}  // namespace fxsim::engine
