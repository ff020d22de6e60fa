// mvau (rtl/mvau.sv): the streaming matrix-vector-activation unit, FINN's MVAU: PE processing
// elements (fx_mac_pe, khot_pe or xnor_pe) in lock step on SIMD lanes, the weights stationary in a
// weight_mem, an input buffer replaying each vector once per neuron fold. Its parameters, typed
// configuration, bit-exact reference (the PE units' own arithmetic), weight memory layout,
// latency rule and cost (the sum of its parts' costs). After the PEs optionally PE x bn_act
// (BN = 1) or a threshold unit of PE lanes (BN = 2, FINN's MVAU with thresholds).
#pragma once

#include <cstdint>
#include <vector>

#include "fx/khot.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "models/units/khot_pe/khot_pe.hpp"
#include "models/units/threshold/threshold.hpp"
#include "models/units/weight_mem/weight_mem.hpp"
#include "models/units/xnor_pe/xnor_pe.hpp"

namespace fxsim::units {

const UnitSpec& mvau_spec();

enum class PeKind { MAC = 0, KHOT = 1, XNOR = 2 };

struct MvauConfig {
  int mw = 1, mh = 1, pe = 1, simd = 1;
  PeKind kind = PeKind::MAC;
  MacPeConfig mac;         // the PE's configuration (kind MAC)
  KhotPeConfig khot;       // ... (kind KHOT)
  XnorPeConfig xnor;       // ... (kind XNOR: MODE = XNOR_MODE, its result the accumulator)
  WeightMemConfig mem;     // the weight memory: PE, SIMD, WORD_W = weight_width(), SF * NF folds
  bool bn = false;         // BN = 1: PE x bn_act after the PEs
  BnActConfig bn_cfg;      // its configuration (x = the PE output format; the BN_* parameters)
  bool threshold = false;  // BN = 2: a threshold unit of PE lanes after the PEs
  ThresholdConfig th;      // its configuration (PE, CH = MH, X_W = OUT_W, T = TH_T, TH_STAGES)
  int sf() const { return mw / simd; }             // input beats a vector (synapse folds)
  int nf() const { return mh / pe; }               // output beats a vector (neuron folds)
  int weight_width() const { return mem.word_w; }  // W_W, K * (2 + SH_W) terms, or 1 / 2
  const AccumulatorConfig& acc() const {
    return kind == PeKind::MAC    ? static_cast<const AccumulatorConfig&>(mac)
           : kind == PeKind::KHOT ? static_cast<const AccumulatorConfig&>(khot)
                                  : xnor;
  }
  // RND_STOCH (Q = 7 / BN_Q = 7): the lanes' LFSR starting states as rtl/mvau.sv's lfsr_seed
  // port carries them, 2 * PE of them: MAC lane p (outputs o with o % PE = p) at index p, bn_act
  // lane p at PE + p (mvau_lane_states). Not parameters: empty for a configuration read from
  // parameters (a stochastic lane then throws when it rounds); with_lanes() fills them.
  std::vector<std::uint64_t> lfsr_seeds;
  // Bits of an input lane: A_W, or 1 for binary activations (PE_KIND 2, XNOR_MODE 0).
  int a_lane_bits() const { return kind == PeKind::XNOR ? xnor.a_bits() : acc().a.width; }
  // Bits of an output lane: OUT_W, BN_OUT_W (BN = 1) or ceil(log2(TH_T + 1)) (BN = 2).
  int y_bits() const;
  bool has_act() const { return bn || threshold; }  // lanes after the PEs
  int act_stages() const { return bn ? bn_cfg.stages : threshold ? th.stages : 0; }
  static MvauConfig from(const ParamMap& resolved);
  // This configuration with the lanes of layer `layer` of a network of seed `seed`.
  MvauConfig with_lanes(std::uint64_t seed, std::uint64_t layer) const;
};

// The lane rule of the layer engine (models/engine/lane_rounding.hpp) for the mvau of layer
// `layer`: state i = fx::lane_state(seed, layer, i), i = 0 .. 2*PE - 1 (MAC lanes 0 .. PE-1,
// then bn_act lanes PE .. 2*PE-1), the values the lfsr_seed port carries at [i*31 +: 31].
std::vector<std::uint64_t> mvau_lane_states(int pe, std::uint64_t seed, std::uint64_t layer);

// The PE unit's parameters (fx_mac_pe, khot_pe, or xnor_pe with MODE = XNOR_MODE), the
// weight_mem's, the bn_act's (X_* = the PE's OUT_*, the others the BN_-prefixed ones) and the
// threshold unit's (PE, CH = MH, X_W = OUT_W, T = TH_T, STAGES = TH_STAGES) of an mvau
// parameter set.
ParamMap mvau_pe_params(const ParamMap& resolved);
ParamMap mvau_weight_mem_params(const ParamMap& resolved);
ParamMap mvau_bn_params(const ParamMap& resolved);
ParamMap mvau_threshold_params(const ParamMap& resolved);

// The weight matrix, MH rows of MW weights (row o, column e at o * MW + e): raws of the W_*
// format (kind MAC), K-hot terms (kind KHOT, at most K each, shifts below 2^SH_W), or the
// values +1 / -1 (kind XNOR, XNOR_MODE 0 / 1) or +1 / 0 / -1 (XNOR_MODE 2) in `raw`.
struct MvauWeights {
  std::vector<std::int64_t> raw;
  std::vector<fx::Terms> terms;
};

// One weight as the memory stores it: the raw's low W_W bits, K terms of {en, neg, shift}
// (term k at bits [k*(2+SH_W) +: 2+SH_W]: en at its top bit, neg below it, the shift in the low
// SH_W bits; unused terms all zero), or xnor_pe's code (+1 -> 1, -1 -> 0; XNOR_MODE 2: +1 ->
// 0b10, -1 -> 0b11, 0 -> 0b00). Throws std::invalid_argument for a value the kind cannot hold.
std::uint64_t mvau_weight_word(const MvauConfig& cfg, const MvauWeights& w, int row, int col);
// Kind XNOR: the code of weight value v.
std::uint64_t mvau_xnor_code(const MvauConfig& cfg, std::int64_t v);
// The memory image: row f*SF + s, word p*SIMD + i holds the weight of output f*PE + p and
// input element s*SIMD + i. Throws std::invalid_argument for a matrix of the wrong size.
WeightImage mvau_weight_image(const MvauConfig& cfg, const MvauWeights& w);

// BN = 1: the per-output scale (raws of BN_S_*, or K-hot terms for BN_SCALE_KIND 1) and bias
// (raws of signed BN_B_W, BN_B_FRAC), MH each, output o at index o.
// BN = 2: per output o the threshold unit's channel (TH_T ascending thresholds, direction).
struct MvauBn {
  std::vector<std::int64_t> scale;
  std::vector<fx::Terms> scale_terms;
  std::vector<std::int64_t> bias;
  std::vector<ThresholdChannel> thresholds;
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
// What out_data carries for one input vector: the PE results' raws (BN = 0), bn_act's y of
// each (BN = 1, output o with scale / bias o), or the threshold count (BN = 2, channel o).
std::vector<std::int64_t> mvau_outputs(const MvauConfig& cfg, const std::vector<std::int64_t>& x,
                                       const MvauWeights& w, const MvauBn& bn);

// Cycles from the edge that takes a vector's last input beat to its first output beat: STAGES
// (+ BN_STAGES with BN = 1, + TH_STAGES with BN = 2).
int mvau_latency(const ParamMap& resolved);
// Cycles, stall-free, from the first edge out of reset (weights loaded) until the last output
// beat of n vectors has been taken: 1 (the first weight word's read) + n * SF * NF compute beats
// + the latency (docs/rtl_units.md).
std::uint64_t mvau_stall_free_cycles(const MvauConfig& cfg, std::uint64_t n);

}  // namespace fxsim::units
