// What a layer must compute, through the units' reference arithmetic (models/units) and fx
// (casts), with coverage of every rounding / overflow stage: the scoreboard's expectation.
#pragma once

#include <cstdint>
#include <vector>

#include "fx/affine.hpp"
#include "fx/fx_type.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/stimulus.hpp"
#include "models/units/bn_act/bn_act.hpp"

namespace fxsim::engine {

// What one rounding/overflow stage saw over a run.
struct StageCoverage {
  std::uint64_t count = 0;      // values that went through the stage
  std::uint64_t overflows = 0;  // overflow / saturation events (activation: values clamped)
  std::uint64_t ties = 0;       // rounding ties
  std::uint64_t inexact = 0;    // results that dropped bits
  fx::Rounding rounding = fx::Rounding::TRN;
  fx::Overflow overflow = fx::Overflow::WRAP;
  StageCoverage& operator+=(const StageCoverage& o);
};

struct Coverage {
  StageCoverage accumulator;  // one per beat: ACC_W wrap / saturation (ties, inexact: always 0)
  StageCoverage mac_requant;  // one per output of the MAC array
  StageCoverage bn_requant;   // one per output of bn_act (count 0 without bn)
  // One per output of int_requant ([requant]; count 0 without): overflows = outputs clamped to
  // the output integer's range (saturated); ties and inexact are not counted (always 0).
  StageCoverage int_requant;
  StageCoverage activation;  // overflows = outputs the activation (or [requant]'s relu) changed
  units::Activation act = units::Activation::NONE;  // RELU for [requant] with relu
  bool has_bn = false;
  bool has_requant = false;
  fx::IntegerRounding requant_rounding = fx::IntegerRounding::DOUBLE;  // with has_requant
  std::uint64_t tlm_errors = 0;  // filled by the target, not by compute_reference
  Coverage& operator+=(const Coverage& o);
};

// The whole layer for `batch` input vectors, through models/units (values) and fx (casts).
struct LayerReference {
  // raw of cfg.output, batch x out_features ([requant]: the accumulators, cfg.output being the
  // accumulator's format)
  std::vector<std::int64_t> mac_output;
  std::vector<std::int64_t> output;  // raw of cfg.final_output(), batch x out_features
  Coverage coverage;
};

// Inputs as the buffers hold them: weight_words / bn_scale_words are the memory elements (raw for
// fixed-point, term words for K-hot), already normalize_element'ed. `input` has batch x N_in.
struct LayerOperands {
  const std::int64_t* weight_words = nullptr;  // out_features x in_features
  // The raw values of the weight words, when the caller has them (a Stimulus does): the reference
  // then multiplies by them instead of decoding the words again. The model backend decodes the
  // words it received over the bus, so a word that does not encode its value is a mismatch.
  const std::int64_t* weight_values = nullptr;
  // The BN_PARAMS elements: bn_act's scales and biases, or with [requant] int_requant's
  // multiplier words (engine::requant_multiplier_word) and biases.
  const std::int64_t* bn_scale_words = nullptr;
  const std::int64_t* bn_bias = nullptr;
  const std::int64_t* input = nullptr;
  int batch = 1;
};
LayerReference compute_reference(const Elaboration& e, const LayerOperands& ops);
LayerReference compute_reference(const Elaboration& e, const Stimulus& stim);

}  // namespace fxsim::engine
