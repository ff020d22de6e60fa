// The value computation of each stage of the layer engine, over ranges of outputs so that the
// SystemC unit models can step fold by fold and compute_reference can do a whole layer. Values
// come from models/units (mac_beat_sum, Accumulator, bn_act) and fx (casts, for the coverage
// flags); nothing here rounds or saturates by itself. Inner loops run on raw pointers with no
// allocation per element.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/elaboration.hpp"
#include "models/engine/reference.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_acc_out/fx_acc_out.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "models/units/fx_requant/fx_requant.hpp"
#include "models/units/unit_registry.hpp"

namespace fxsim::engine {

// A K-hot / SPT weight word's value in raw units (2^-W_FRAC), for n words. A shift-add product
// sum_k +-(a << shift_k) equals a * sum_k +-2^shift_k exactly in integers (all widths <= 62 bits,
// units::resolve_params), so the K-hot array multiplies by these values: bit-identical to
// units::khot_product, and one multiply per lane instead of K shifts.
void decode_term_words(const std::int64_t* words, std::size_t n, int k, int sh_w,
                       std::int64_t* values);

// The raw values of a point's out_features x in_features weights: `values` when the caller has
// them, else the words (fixed point) or the words decoded into *decoded (K-hot / SPT).
const std::int64_t* weight_values(const Elaboration& e, const std::int64_t* words,
                                  const std::int64_t* values, std::vector<std::int64_t>* decoded);

// The PE array: outputs [o_begin, o_end) of one input vector x (n_in raws of the activation
// format), each a dot product with row o of `weights` (raw values, n_in per row) in
// ceil(n_in / SIMD) beats through units::Accumulator, then the output requant. out[o - o_begin].
class PeArrayStage {
 public:
  // weight_max_abs: the largest |raw weight| the weight format allows (weight_max_abs()), or
  // -1 when unknown; it lets run() prove that no accumulator overflow can happen.
  explicit PeArrayStage(const units::AccumulatorConfig& cfg, std::int64_t weight_max_abs = -1);
  void run(const std::int64_t* weights, const std::int64_t* x, int n_in, int o_begin, int o_end,
           std::int64_t* out, Coverage* cov);

 private:
  units::AccumulatorConfig cfg_;
  units::Accumulator acc_;
  std::int64_t weight_max_abs_;
};

// The largest |raw weight| of the point's weight format (fixed-point or K-hot / SPT).
std::int64_t weight_max_abs(const Elaboration& e);

// One bn_act per output channel: y[o] = act(requant(mac[o] * scale[o] + bias[o])) for channels
// [o_begin, o_end); scale_words are raws (SCALE_KIND 0) or term words (1).
class BnStage {
 public:
  explicit BnStage(const units::BnActConfig& cfg);
  void run(const std::int64_t* mac, const std::int64_t* scale_words, const std::int64_t* bias,
           int o_begin, int o_end, std::int64_t* y, Coverage* cov);

 private:
  units::BnActConfig cfg_;
  fx::Terms terms_;  // reused: no allocation once it holds K terms
};

// Coverage with the stages' modes filled in and no events yet.
Coverage empty_coverage(const EngineConfig& cfg);

}  // namespace fxsim::engine
