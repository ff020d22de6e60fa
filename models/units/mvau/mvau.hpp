// mvau (rtl/mvau.sv): the streaming matrix-vector-activation unit, FINN's MVAU: PE processing
// elements (fx_mac_pe or khot_pe) in lock step on SIMD lanes, the weights stationary in a
// weight_mem, an input buffer replaying each vector once per neuron fold. Its parameters, typed
// configuration, bit-exact reference (the PE units' own arithmetic), weight memory layout,
// latency rule and cost (the sum of its parts' costs).
#pragma once

#include <cstdint>
#include <vector>

#include "fx/khot.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "models/units/khot_pe/khot_pe.hpp"
#include "models/units/weight_mem/weight_mem.hpp"

namespace fxsim::units {

const UnitSpec& mvau_spec();

enum class PeKind { MAC = 0, KHOT = 1 };

struct MvauConfig {
  int mw = 1, mh = 1, pe = 1, simd = 1;
  PeKind kind = PeKind::MAC;
  MacPeConfig mac;      // the PE's configuration (kind MAC)
  KhotPeConfig khot;    // ... (kind KHOT)
  WeightMemConfig mem;  // the weight memory: PE, SIMD, WORD_W = weight_width(), SF * NF folds
  bool bn = false;      // BN = 1: PE x bn_act after the PEs
  BnActConfig bn_cfg;   // its configuration (x = the PE output format; the BN_* parameters)
  int sf() const { return mw / simd; }             // input beats a vector (synapse folds)
  int nf() const { return mh / pe; }               // output beats a vector (neuron folds)
  int weight_width() const { return mem.word_w; }  // W_W, or K * (2 + SH_W) packed terms
  const AccumulatorConfig& acc() const {
    return kind == PeKind::MAC ? static_cast<const AccumulatorConfig&>(mac) : khot;
  }
  // RND_STOCH (Q = 7 / BN_Q = 7): the lanes' LFSR starting states as rtl/mvau.sv's lfsr_seed
  // port carries them, 2 * PE of them: MAC lane p (outputs o with o % PE = p) at index p, bn_act
  // lane p at PE + p (mvau_lane_states). Not parameters: empty for a configuration read from
  // parameters (a stochastic lane then throws when it rounds); with_lanes() fills them.
  std::vector<std::uint64_t> lfsr_seeds;
  static MvauConfig from(const ParamMap& resolved);
  // This configuration with the lanes of layer `layer` of a network of seed `seed`.
  MvauConfig with_lanes(std::uint64_t seed, std::uint64_t layer) const;
};

// The lane rule of the layer engine (models/engine/lane_rounding.hpp) for the mvau of layer
// `layer`: state i = fx::lane_state(seed, layer, i), i = 0 .. 2*PE - 1 (MAC lanes 0 .. PE-1,
// then bn_act lanes PE .. 2*PE-1), the values the lfsr_seed port carries at [i*31 +: 31].
std::vector<std::uint64_t> mvau_lane_states(int pe, std::uint64_t seed, std::uint64_t layer);

// The PE unit's parameters (fx_mac_pe or khot_pe), the weight_mem's and the bn_act's (X_* = the
// PE's OUT_*, the others the BN_-prefixed ones) of an mvau parameter set.
ParamMap mvau_pe_params(const ParamMap& resolved);
ParamMap mvau_weight_mem_params(const ParamMap& resolved);
ParamMap mvau_bn_params(const ParamMap& resolved);

// The weight matrix, MH rows of MW weights (row o, column e at o * MW + e): raws of the W_*
// format (kind MAC) or K-hot terms (kind KHOT, at most K each, shifts below 2^SH_W).
struct MvauWeights {
  std::vector<std::int64_t> raw;
  std::vector<fx::Terms> terms;
};

// One weight as the memory stores it: the raw's low W_W bits, or K terms of {en, neg, shift}
// (term k at bits [k*(2+SH_W) +: 2+SH_W]: en at its top bit, neg below it, the shift in the low
// SH_W bits; unused terms all zero).
std::uint64_t mvau_weight_word(const MvauConfig& cfg, const MvauWeights& w, int row, int col);
// The memory image: row f*SF + s, word p*SIMD + i holds the weight of output f*PE + p and
// input element s*SIMD + i. Throws std::invalid_argument for a matrix of the wrong size.
WeightImage mvau_weight_image(const MvauConfig& cfg, const MvauWeights& w);

// BN = 1: the per-output scale (raws of BN_S_*, or K-hot terms for BN_SCALE_KIND 1) and bias
// (raws of signed BN_B_W, BN_B_FRAC), MH each, output o at index o.
struct MvauBn {
  std::vector<std::int64_t> scale;
  std::vector<fx::Terms> scale_terms;
  std::vector<std::int64_t> bias;
};

// BN = 1: the scale / bias memory's word f holds, for PE p at [p*(SCALE_W + B_W) +: ...], output
// f*PE + p's scale in its low SCALE_W bits and its bias (BN_B_W bits) above. SCALE_W is BN_S_W
// (a raw) or BN_K terms of {en, neg, shift} laid out as a K-hot weight's.
int mvau_bn_scale_width(const MvauConfig& cfg);
std::uint64_t mvau_bn_scale_word(const MvauConfig& cfg, const MvauBn& bn, int o);

// RND_STOCH outputs (Q = 7, BN_Q = 7) are no function of one vector (each lane's generator runs
// on across vectors): mvau() and mvau_outputs() throw std::invalid_argument for them. The lane
// rule is the cycle model's (models/streaming/mvau_model) and the network reference's
// (models/engine/lane_rounding).
// The MH results of one input vector (MW raws of A_*): output o is the PE's dot product of the
// vector with row o, SIMD elements a beat in element order (mac_dot / khot_dot).
std::vector<PeResult> mvau(const MvauConfig& cfg, const std::vector<std::int64_t>& x,
                           const MvauWeights& w);
// What out_data carries for one input vector: the PE results' raws (BN = 0), or bn_act's y of
// each (BN = 1, output o with scale / bias o).
std::vector<std::int64_t> mvau_outputs(const MvauConfig& cfg, const std::vector<std::int64_t>& x,
                                       const MvauWeights& w, const MvauBn& bn);

// Cycles from the edge that takes a vector's last input beat to its first output beat: STAGES
// (+ BN_STAGES with BN = 1).
int mvau_latency(const ParamMap& resolved);
// Cycles, stall-free, from the first edge out of reset (weights loaded) until the last output
// beat of n vectors has been taken: 1 (the first weight word's read) + n * SF * NF compute beats
// + the latency (docs/rtl_units.md).
std::uint64_t mvau_stall_free_cycles(const MvauConfig& cfg, std::uint64_t n);

}  // namespace fxsim::units
