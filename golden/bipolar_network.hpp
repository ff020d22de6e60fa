// A binary / ternary MLP as the hardware runs it (docs/golden.md, "Binary and ternary networks"):
// plain C++, no torch. Every layer is a dense xnor_pe array (models/units/xnor_pe) whose weights
// are v in {-1, +1} (binary) or {-1, 0, +1} (ternary) times one scale per tensor
// (fx::BipolarType), followed by either
//   - bn_act (models/units/bn_act): a fixed-point output, the weight scale folded into the BN
//     scale (binary / ternary weights with fixed-point activations, and every network's logits), or
//   - threshold (models/units/threshold): one bit per channel, the sign of the batch norm folded
//     into integer thresholds by units::thresholds_from_batch_norm (levels {0}): a BNN's hidden
//     layers, whose outputs feed the next layer's xnor-popcount (MODE 0).
// The accumulator is exact (no requant after it: xnor_pe's output is the accumulator itself):
// a signed integer sum of v x input raw (v_w x v_a for binary inputs), read as a fixed-point
// value with the input's fraction bits (0 for binary inputs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fx/bipolar.hpp"
#include "fx/fx_type.hpp"
#include "golden/dense_layer.hpp"
#include "models/units/threshold/threshold.hpp"
#include "models/units/xnor_pe/xnor_pe.hpp"

namespace fxsim::golden {

struct BipolarDense {
  std::string name;
  int in_features = 0;
  int out_features = 0;
  int simd = 8;
  // The input: the previous layer's activation bits (MODE 0, xnor-popcount: bit 1 = +1, 0 = -1)
  // or raws of a fixed-point input_type (MODE 1 / 2: add / subtract / skip).
  bool binary_input = false;
  fx::FxType input_type;  // used when !binary_input
  fx::BipolarType weight_type;
  std::vector<std::int8_t> weight_v;  // out_features x in_features, row-major, v of weight_type
  fx::FxType acc_type;  // signed, fraction bits = the input's (0 for bits), TRN, SAT, exact
  // Exactly one of the two output stages.
  std::optional<BnActLayer> bn;                     // fixed-point output: bn.out_type
  std::vector<units::ThresholdChannel> thresholds;  // one per output channel: a bit (T = 1)

  bool binary_output() const { return !thresholds.empty(); }
  int input_frac() const { return binary_input ? 0 : input_type.frac_bits(); }
  units::XnorMode mode() const;
  // The xnor_pe and threshold configurations of this layer (what the units are built from).
  units::XnorPeConfig pe_config() const;
  units::ThresholdConfig threshold_config() const;  // T = 1, x_w = acc width
  units::BnActConfig bn_config() const;             // x = acc_type
};

struct BipolarNetwork {
  fx::FxType input_type;  // the first layer's (the pixel bytes)
  std::vector<BipolarDense> layers;
};

// The exact accumulator of a dot product of `length` terms v x a, a an input raw of `input`
// (nullptr: bits, |v_a| = 1): signed, integer bits so that length x max|a| cannot overflow,
// SAT, fraction bits the input's.
fx::FxType bipolar_acc_type(const fx::FxType* input, int length);

// The layer as a DenseLayer of the same arithmetic, for the bn_act stage's checks and integer
// inference: weights v as raws of fixed<2,2> (F = 0), a binary input as raws +-1 of fixed<2,2>,
// the MAC output the accumulator itself (out_type = acc_type), bn the layer's.
DenseLayer bn_stage_layer(const BipolarDense& layer);

// Checks one layer: shapes, v's of the weight type, the accumulator (signed, the input's
// fraction bits, wide enough that no sum overflows), a binary input's length a multiple of
// SIMD (a padded xnor lane would add +1), exactly one output stage (bn of as many channels, or
// thresholds that fit the threshold unit). Throws ModelError naming "NAME.FIELD".
void validate(const BipolarDense& layer);
// Every layer and the chaining: the first layer reads input_type; a layer after a threshold
// layer has binary_input, after a bn layer input_type = its bn.out_type; the last layer gives
// fixed-point logits (bn). Throws ModelError.
void validate(const BipolarNetwork& net);

// Reference integer inference through models/units (xnor_dot, bn_act, threshold), one input
// vector: raws of input_type, or bits 0 / 1 for a binary input. Returns raws of bn.out_type or
// the output bits. Slow and obviously right.
std::vector<std::int64_t> reference_bipolar(const BipolarDense& layer,
                                            const std::vector<std::int64_t>& input);
// The whole network on one input of raws of net.input_type: the logits' raws.
std::vector<std::int64_t> reference_forward(const BipolarNetwork& net,
                                            const std::vector<std::int64_t>& input);

}  // namespace fxsim::golden
