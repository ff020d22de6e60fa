// The value computation of each stage of the layer engine, over ranges of outputs so that the
// SystemC unit models can step fold by fold and compute_reference can do a whole layer. Values
// come from models/units (mac_beat_sum, Accumulator, bn_act, int_requant) and fx (casts, for the
// coverage flags); nothing here rounds or saturates by itself. Inner loops run on raw pointers with
// no allocation per element.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "fx/cast.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/lane_rounding.hpp"
#include "models/engine/reference.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_acc_out/fx_acc_out.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "models/units/fx_requant/fx_requant.hpp"
#include "models/units/int_requant/int_requant.hpp"
#include "models/units/threshold/threshold.hpp"
#include "models/units/unit_registry.hpp"
#include "models/units/xnor_pe/xnor_pe.hpp"

namespace fxsim::engine {

// A K-hot / SPT weight word's value in raw units (2^-W_FRAC), for n words. A shift-add product
// sum_k +-(a << shift_k) equals a * sum_k +-2^shift_k exactly in integers (all widths <= 62 bits,
// units::resolve_params), so the K-hot array multiplies by these values: bit-identical to
// units::khot_product, and one multiply per lane instead of K shifts.
void decode_term_words(const std::int64_t* words, std::size_t n, int k, int sh_w,
                       std::int64_t* values);

// The same decoding with its lookup table built once, for a stage that decodes word after word
// (bn_act's K-hot scales, one per output channel): value(word) == term_word_value(word, k, sh_w).
class TermWordDecoder {
 public:
  TermWordDecoder(int k, int sh_w);
  std::int64_t value(std::int64_t word) const {
    if (!table_) return slow_value(word);
    const auto w = static_cast<std::uint64_t>(word);
    std::int64_t v = 0;
    for (int t = 0; t < k_; ++t) v += field_value_[(w >> (t * term_w_)) & field_mask_];
    return v;
  }

 private:
  std::int64_t slow_value(std::int64_t word) const;
  int k_, sh_w_, term_w_;
  bool table_;  // one field {en, neg, shift} has <= 8 bits and K fields fit the word
  std::uint64_t field_mask_ = 0;
  std::int64_t field_value_[256] = {};
};

// The raw values of a point's out_features x in_features weights: `values` when the caller has
// them, else the words (fixed point) or the words decoded into *decoded (K-hot / SPT).
const std::int64_t* weight_values(const Elaboration& e, const std::int64_t* words,
                                  const std::int64_t* values, std::vector<std::int64_t>* decoded);

// What the PE array may assume of its weights to skip the accumulator's range checks: the
// largest |raw weight| and the largest sum of |raw weight| over one row (-1: unknown). A dot
// product's prefix sums are bounded by max|a| times the row's sum.
struct WeightBounds {
  std::int64_t max_abs = -1;
  std::int64_t row_abs_sum = -1;
};
// Of the given n_out x n_in raw weights (the reference knows the values it multiplies by).
WeightBounds weight_bounds(const std::int64_t* weights, int n_in, int n_out);

// The PE array: outputs [o_begin, o_end) of one input vector x (n_in raws of the activation
// format), each a dot product with row o of `weights` (raw values, n_in per row) in
// ceil(n_in / SIMD) beats through units::Accumulator, then the output requant. out[o - o_begin].
class PeArrayStage {
 public:
  // weight_max_abs: the largest |raw weight| the weight format allows (weight_max_abs()), or
  // -1 when unknown; it lets run() prove that no accumulator overflow can happen.
  // lanes: where the lanes' generators start when the output rounds RND_STOCH
  // (lane_rounding.hpp; mac_lane_seeds); without them such a stage throws.
  explicit PeArrayStage(const units::AccumulatorConfig& cfg, std::int64_t weight_max_abs = -1,
                        const LaneSeeds& lanes = {});
  PeArrayStage(const units::AccumulatorConfig& cfg, const WeightBounds& bounds,
               const LaneSeeds& lanes = {});
  void run(const std::int64_t* weights, const std::int64_t* x, int n_in, int o_begin, int o_end,
           std::int64_t* out, Coverage* cov);

  // Whether run16 may take vectors of n_in: every activation and weight raw fits int16 and
  // the prefix bound (sum_bound) fits both int32 and the accumulator, so no prefix of any dot
  // product can wrap or saturate: the accumulator holds the plain sum, which int16 x int16 -> int32
  // multiply-adds compute exactly (and the compiler vectorizes: SSE2's pmaddwd does 8 per
  // instruction, with no -march flag).
  bool fits_int16(int n_in) const;
  // run() on the same values narrowed to int16 (only when fits_int16(n_in)): same out and cov.
  void run16(const std::int16_t* weights, const std::int16_t* x, int n_in, int o_begin, int o_end,
             std::int64_t* out, Coverage* cov);
  // run16 in two steps, for a caller that requantizes many vectors' outputs in one call (a
  // convolution, image by image): sums16 leaves the accumulators (no coverage), requantize
  // turns n of them, each the sum of n_in products, into outputs in place and counts both stages.
  // Element i is output o_begin + i, or o_begin + i % row with row > 0 (for RND_STOCH lanes).
  void sums16(const std::int16_t* weights, const std::int16_t* x, int n_in, int o_begin, int o_end,
              std::int64_t* acc) const;
  void requantize(int n_in, std::size_t n, std::int64_t* acc, Coverage* cov, int o_begin = 0,
                  int row = 0);
  // RND_STOCH: every lane back at its seed (a new run); nothing otherwise.
  void restart_lanes() {
    if (lanes_) lanes_->restart();
  }

 private:
  // A bound on |any prefix sum| of a row of n_in products (max|a| * min(n_in * max|w|, the
  // largest row sum of |w|)), or -1 when the weights are unbounded.
  __int128 sum_bound(int n_in) const;
  // Whether no dot product of n_in products can leave the accumulator's range.
  bool never_overflows(int n_in) const;
  units::AccumulatorConfig cfg_;
  units::Accumulator acc_;
  WeightBounds bounds_;
  std::optional<fx::RawCaster> requant_;  // accumulator (product_frac) -> cfg.out
  std::optional<LaneRounding> lanes_;     // ... when cfg.out rounds RND_STOCH
};

// values[i] as int16; false when a value does not fit (PeArrayStage::fits_int16 says when raws
// of the formats do; a caller's raw outside its format then takes the int64 path).
bool narrow_to_int16(const std::int64_t* values, std::size_t n, std::int16_t* out);

// The largest |raw weight| of the point's weight format (fixed-point or K-hot / SPT).
std::int64_t weight_max_abs(const Elaboration& e);

// One bn_act per output channel: y[o] = act(requant(mac[o] * scale[o] + bias[o])) for channels
// [o_begin, o_end); scale_words are raws (SCALE_KIND 0) or term words (1). A K-hot scale
// multiplies by its decoded value: sum_k +-(x << shift_k) == x * sum_k +-2^shift_k in integers,
// so this is units::bn_act's shift-add bit for bit (units::bn_sum aligns the sum, fx the cast).
class BnStage {
 public:
  // lanes: as PeArrayStage's, for an output rounding RND_STOCH (bn_lane_seeds).
  explicit BnStage(const units::BnActConfig& cfg, const LaneSeeds& lanes = {});
  void restart_lanes() {
    if (lanes_) lanes_->restart();
  }
  void run(const std::int64_t* mac, const std::int64_t* scale_words, const std::int64_t* bias,
           int o_begin, int o_end, std::int64_t* y, Coverage* cov);
  // The same with the scales already decoded (scale_values(): raws in both kinds), for a caller
  // that runs the same channels pixel after pixel.
  void run_decoded(const std::int64_t* mac, const std::int64_t* scales, const std::int64_t* bias,
                   int o_begin, int o_end, std::int64_t* y, Coverage* cov);
  // The scale value of each of n scale words (a raw for SCALE_KIND 0, the terms' value for 1).
  std::vector<std::int64_t> scale_values(const std::int64_t* scale_words, int n) const;
  // run_decoded on `pixels` consecutive pixels of `channels` channels each (mac and y hold
  // pixels x channels; scales and bias one per channel): one cast loop for all of them.
  void run_pixels(const std::int64_t* mac, const std::int64_t* scales, const std::int64_t* bias,
                  int channels, std::size_t pixels, std::int64_t* y, Coverage* cov);

 private:
  // The requant and the activation of y[0, n) in place, with their coverage; element i is
  // output o_begin + i, or o_begin + i % row with row > 0 (for RND_STOCH lanes).
  void requantize_activate(std::size_t n, std::int64_t* y, Coverage* cov, int o_begin, int row);
  template <bool kDecode>
  void run_scaled(const std::int64_t* mac, const std::int64_t* scales, const std::int64_t* bias,
                  int o_begin, int o_end, std::int64_t* y, Coverage* cov);
  units::BnActConfig cfg_;
  TermWordDecoder scale_terms_;           // SCALE_KIND 1
  std::optional<fx::RawCaster> requant_;  // sum_frac -> cfg.out
  std::optional<LaneRounding> lanes_;     // ... when cfg.out rounds RND_STOCH
};

// int_requant of PE lanes ([requant]): y[o] = units::int_requant(cfg, acc[o], channel o) for
// channels [o_begin, o_end), the channels decoded once from the BN_PARAMS words. Coverage: count
// and overflows (outputs clamped to the output range) in int_requant, and with RELU the outputs
// the fused ReLU raised to ZP in activation.
class RequantStage {
 public:
  explicit RequantStage(const units::IntRequantConfig& cfg);
  // Channels 0..n-1 from their multiplier words (engine::requant_multiplier_word) and biases.
  // Throws std::invalid_argument "channel C: ..." for a channel the unit cannot take
  // (units::check_channel: a bias beyond B_W, an invalid multiplier, a left shift beyond
  // LSHIFT_MAX).
  std::vector<units::IntRequantChannel> channels(const std::int64_t* multiplier_words,
                                                 const std::int64_t* bias, int n) const;
  // acc[0 .. o_end - o_begin) are the accumulators of channels o_begin.. (channels indexed by
  // channel), y likewise.
  void run(const std::int64_t* acc, const units::IntRequantChannel* channels, int o_begin,
           int o_end, std::int64_t* y, Coverage* cov) const;

 private:
  units::IntRequantConfig cfg_;
};

// The xnor_pe array (binary / ternary kinds): outputs [o_begin, o_end) of one input vector x
// (activation raws; kind xnor: the activation bits), row o of `codes` (n_in weight codes per
// row, the WEIGHTS words) beat by beat through units::xnor_beat_sum and units::Accumulator, the
// unit's own arithmetic. The output is the accumulator (xnor_pe has no output requant).
// Coverage: accumulator count (beats) and overflows (beats the accumulator wrapped or
// saturated), mac_requant count (outputs; never an event).
class XnorArrayStage {
 public:
  explicit XnorArrayStage(const units::XnorPeConfig& cfg);
  void run(const std::uint64_t* codes, const std::int64_t* x, int n_in, int o_begin, int o_end,
           std::int64_t* out, Coverage* cov);

 private:
  units::XnorPeConfig cfg_;
  units::Accumulator acc_;
};

// threshold of PE lanes ([threshold]): y[o] = units::threshold(cfg, acc[o], channel o) for
// channels [o_begin, o_end). Coverage: activation count (outputs).
class ThresholdStage {
 public:
  explicit ThresholdStage(const units::ThresholdConfig& cfg);
  // Channels 0..n-1 from their direction elements (bit 0) and n x T thresholds (channel after
  // channel). Throws std::invalid_argument "channel C: ..." for a channel the unit cannot take
  // (units::check_channel: a threshold out of range, thresholds not ascending).
  std::vector<units::ThresholdChannel> channels(const std::int64_t* directions,
                                                const std::int64_t* thresholds, int n) const;
  void run(const std::int64_t* acc, const units::ThresholdChannel* channels, int o_begin, int o_end,
           std::int64_t* y, Coverage* cov) const;

 private:
  units::ThresholdConfig cfg_;
};

// Coverage with the stages' modes filled in and no events yet.
Coverage empty_coverage(const EngineConfig& cfg);

}  // namespace fxsim::engine
