// Stage computations and the whole-layer reference (reference.hpp, layer_stages.hpp).
#include "models/engine/reference.hpp"

#include <algorithm>

#include "fx/cast.hpp"
#include "models/engine/layer_stages.hpp"
#include "models/engine/memory_map.hpp"

namespace fxsim::engine {

void decode_term_words(const std::int64_t* words, std::size_t n, int k, int sh_w,
                       std::int64_t* values) {
  // One lookup per term field instead of testing its enable and sign bits: the bits of random
  // weights make those branches unpredictable (term_word_value was 22% of a K-hot sweep's
  // profile). A field {en, neg, shift} has 2 + sh_w <= 8 bits, so the table has <= 256 entries.
  const int term_w = 2 + sh_w;
  if (term_w > 8 || k * term_w > 64) {
    for (std::size_t i = 0; i < n; ++i) values[i] = term_word_value(words[i], k, sh_w);
    return;
  }
  std::int64_t field_value[256];
  const std::uint64_t field_mask = (std::uint64_t{1} << term_w) - 1;
  for (std::uint64_t f = 0; f <= field_mask; ++f) {
    field_value[f] = term_word_value(static_cast<std::int64_t>(f), 1, sh_w);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto w = static_cast<std::uint64_t>(words[i]);
    std::int64_t v = 0;
    for (int t = 0; t < k; ++t) v += field_value[(w >> (t * term_w)) & field_mask];
    values[i] = v;
  }
}

const std::int64_t* weight_values(const Elaboration& e, const std::int64_t* words,
                                  const std::int64_t* values, std::vector<std::int64_t>* decoded) {
  if (values) return values;  // the caller's own values: nothing to decode
  if (e.point.kind == EngineKind::FX_MAC) return words;
  const auto n = static_cast<std::size_t>(e.point.in_features) *
                 static_cast<std::size_t>(e.point.out_features);
  const units::KhotPeConfig& k = e.khot_pe();
  decoded->resize(n);
  decode_term_words(words, n, k.k, k.sh_w, decoded->data());
  return decoded->data();
}

PeArrayStage::PeArrayStage(const units::AccumulatorConfig& cfg, std::int64_t weight_max_abs)
    : cfg_(cfg), acc_(cfg), weight_max_abs_(weight_max_abs) {}

std::int64_t weight_max_abs(const Elaboration& e) {
  if (e.point.kind == EngineKind::FX_MAC) {
    const fx::FxType& w = e.point.fx_weight();
    return std::max(-w.raw_min(), w.raw_max());
  }
  // A term word written over the bus may hold any shift its SH_W bits allow, not only the
  // encodings fx::khot_encode produces: bound K terms of the largest shift.
  const units::KhotPeConfig& k = e.khot_pe();
  const int max_shift = (1 << k.sh_w) - 1;
  if (max_shift >= 58) return -1;  // no useful bound: take the checked path
  return static_cast<std::int64_t>(k.k) << max_shift;
}

// Fast path, exact by construction: while every beat-boundary prefix sum stays inside the
// accumulator's range, its wrap/saturation never fires, so the accumulator holds the plain
// int64 sum (widths <= 62 bits, units::resolve_params, so the sum itself cannot overflow int64).
// A row whose prefix leaves the range is recomputed beat by beat through units::Accumulator,
// which applies ACC_O exactly as the hardware does. Rows of a sensibly sized accumulator never
// take the slow path; this keeps the model within a small factor of a bare dot product.
void PeArrayStage::run(const std::int64_t* weights, const std::int64_t* x, int n_in, int o_begin,
                       int o_end, std::int64_t* out, Coverage* cov) {
  const int simd = cfg_.simd;
  const int pf = cfg_.product_frac();
  const std::int64_t acc_hi = cfg_.acc.raw_max();
  // Conservative for SAT_SYM: its most negative raw goes the exact (slow) way.
  const std::int64_t acc_lo =
      cfg_.acc.overflow == fx::Overflow::SAT_SYM ? -acc_hi : cfg_.acc.raw_min();
  std::uint64_t acc_overflows = 0;
  // When n_in * max|a| * max|w| fits the accumulator, no prefix can leave its range: one flat
  // (vectorizable) dot product per row, no range checks at all.
  const std::int64_t a_max = std::max(-cfg_.a.raw_min(), cfg_.a.raw_max());
  const __int128 bound = static_cast<__int128>(n_in) * a_max * weight_max_abs_;
  const bool never_overflows = weight_max_abs_ >= 0 && bound <= acc_hi && -bound >= acc_lo;
  for (int o = o_begin; o < o_end; ++o) {
    const std::int64_t* w = weights + static_cast<std::size_t>(o) * n_in;
    std::int64_t sum = 0;
    bool in_range = true;
    if (never_overflows) {
      for (int j = 0; j < n_in; ++j) sum += x[j] * w[j];
    }
    for (int i = 0; i < n_in && in_range && !never_overflows; i += simd) {
      const int end = std::min(i + simd, n_in);
      for (int j = i; j < end; ++j) sum += x[j] * w[j];  // inline: this is the hot loop
      in_range = sum >= acc_lo && sum <= acc_hi;
    }
    if (!in_range) {
      std::int64_t prev = 0;
      for (int i = 0; i < n_in; i += simd) {
        const int lanes = std::min(simd, n_in - i);
        const std::int64_t beat = units::mac_beat_sum(x + i, w + i, lanes);
        acc_.beat(beat, i == 0, false);
        // TRN into the same fraction bits: the cast changes the sum only when it overflows.
        acc_overflows += acc_.value() != prev + beat;
        prev = acc_.value();
      }
      sum = acc_.value();
    }
    fx::CastFlags f;
    out[o - o_begin] = fx::cast_from_raw(sum, pf, cfg_.out, &f);
    cov->mac_requant.count += 1;
    cov->mac_requant.overflows += f.overflow;
    cov->mac_requant.ties += f.tie;
    cov->mac_requant.inexact += f.inexact;
  }
  const auto outputs = static_cast<std::uint64_t>(std::max(0, o_end - o_begin));
  cov->accumulator.count += outputs * static_cast<std::uint64_t>((n_in + simd - 1) / simd);
  cov->accumulator.overflows += acc_overflows;
}

BnStage::BnStage(const units::BnActConfig& cfg) : cfg_(cfg) { terms_.reserve(cfg.k); }

void BnStage::run(const std::int64_t* mac, const std::int64_t* scale_words,
                  const std::int64_t* bias, int o_begin, int o_end, std::int64_t* y,
                  Coverage* cov) {
  for (int o = o_begin; o < o_end; ++o) {
    const std::int64_t s = scale_words[o];
    if (cfg_.scale_kind == 1) unpack_terms(s, cfg_.k, cfg_.sh_w, &terms_);
    const units::BnActResult r = units::bn_act(cfg_, mac[o - o_begin], s, terms_, bias[o]);
    y[o - o_begin] = r.y;
    const fx::CastFlags& f = r.requantized.flags;
    cov->bn_requant.count += 1;
    cov->bn_requant.overflows += f.overflow;
    cov->bn_requant.ties += f.tie;
    cov->bn_requant.inexact += f.inexact;
    cov->activation.count += 1;
    cov->activation.overflows += r.y != r.requantized.raw;
  }
}

Coverage empty_coverage(const EngineConfig& cfg) {
  Coverage c;
  c.accumulator.rounding = fx::Rounding::TRN;
  c.accumulator.overflow = cfg.accumulator.overflow;
  c.mac_requant.rounding = cfg.output.rounding;
  c.mac_requant.overflow = cfg.output.overflow;
  if (cfg.bn) {
    c.has_bn = true;
    c.act = cfg.bn->activation;
    c.bn_requant.rounding = cfg.bn->output.rounding;
    c.bn_requant.overflow = cfg.bn->output.overflow;
  }
  return c;
}

LayerReference compute_reference(const Elaboration& e, const LayerOperands& ops) {
  const EngineConfig& cfg = e.point;
  const int n_in = cfg.in_features;
  const int n_out = cfg.out_features;
  LayerReference ref;
  ref.coverage = empty_coverage(cfg);
  ref.mac_output.resize(static_cast<std::size_t>(ops.batch) * n_out);

  std::vector<std::int64_t> values;  // K-hot weights as raw values, decoded once per run
  const std::int64_t* weights = weight_values(e, ops.weight_words, ops.weight_values, &values);
  PeArrayStage pe(e.accumulator(), weight_max_abs(e));
  for (int b = 0; b < ops.batch; ++b) {
    pe.run(weights, ops.input + static_cast<std::size_t>(b) * n_in, n_in, 0, n_out,
           ref.mac_output.data() + static_cast<std::size_t>(b) * n_out, &ref.coverage);
  }
  if (!cfg.bn) {
    ref.output = ref.mac_output;
    return ref;
  }
  ref.output.resize(ref.mac_output.size());
  BnStage bn(*e.bn_config);
  for (int b = 0; b < ops.batch; ++b) {
    const std::size_t at = static_cast<std::size_t>(b) * n_out;
    bn.run(ref.mac_output.data() + at, ops.bn_scale_words, ops.bn_bias, 0, n_out,
           ref.output.data() + at, &ref.coverage);
  }
  return ref;
}

LayerReference compute_reference(const Elaboration& e, const Stimulus& stim) {
  LayerOperands ops;
  ops.weight_words = stim.weight_words.data();
  ops.weight_values = stim.weights.data();
  ops.bn_scale_words = stim.bn_scale_words.data();
  ops.bn_bias = stim.bn_bias.data();
  ops.input = stim.input.data();
  ops.batch = stim.batch;
  return compute_reference(e, ops);
}

StageCoverage& StageCoverage::operator+=(const StageCoverage& o) {
  count += o.count;
  overflows += o.overflows;
  ties += o.ties;
  inexact += o.inexact;
  return *this;
}

Coverage& Coverage::operator+=(const Coverage& o) {
  accumulator += o.accumulator;
  mac_requant += o.mac_requant;
  bn_requant += o.bn_requant;
  activation += o.activation;
  tlm_errors += o.tlm_errors;
  return *this;
}

}  // namespace fxsim::engine
