// Stage computations and the whole-layer reference (reference.hpp, layer_stages.hpp).
#include "models/engine/reference.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "fx/cast.hpp"
#include "models/engine/layer_stages.hpp"
#include "models/engine/memory_map.hpp"

namespace fxsim::engine {

// One lookup per term field instead of testing its enable and sign bits: the bits of random
// weights make those branches unpredictable (term_word_value was 22% of a K-hot sweep's
// profile). A field {en, neg, shift} has 2 + sh_w <= 8 bits, so the table has <= 256 entries.
TermWordDecoder::TermWordDecoder(int k, int sh_w)
    : k_(k), sh_w_(sh_w), term_w_(2 + sh_w), table_(term_w_ <= 8 && k * term_w_ <= 64) {
  if (!table_) return;
  field_mask_ = (std::uint64_t{1} << term_w_) - 1;
  for (std::uint64_t f = 0; f <= field_mask_; ++f) {
    field_value_[f] = term_word_value(static_cast<std::int64_t>(f), 1, sh_w);
  }
}

std::int64_t TermWordDecoder::slow_value(std::int64_t word) const {
  return term_word_value(word, k_, sh_w_);
}

void decode_term_words(const std::int64_t* words, std::size_t n, int k, int sh_w,
                       std::int64_t* values) {
  const TermWordDecoder decoder(k, sh_w);
  for (std::size_t i = 0; i < n; ++i) values[i] = decoder.value(words[i]);
}

const std::int64_t* weight_values(const Elaboration& e, const std::int64_t* words,
                                  const std::int64_t* values, std::vector<std::int64_t>* decoded) {
  if (values) return values;  // the caller's own values: nothing to decode
  if (e.point.kind == EngineKind::FX_MAC) return words;
  if (e.point.is_bipolar()) {  // the codes' values v
    const auto n = static_cast<std::size_t>(e.point.in_features) *
                   static_cast<std::size_t>(e.point.out_features);
    decoded->resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      (*decoded)[i] =
          units::xnor_weight_value(e.xnor_pe().mode, static_cast<std::uint64_t>(words[i]));
    }
    return decoded->data();
  }
  const auto n = static_cast<std::size_t>(e.point.in_features) *
                 static_cast<std::size_t>(e.point.out_features);
  const units::KhotPeConfig& k = e.khot_pe();
  decoded->resize(n);
  decode_term_words(words, n, k.k, k.sh_w, decoded->data());
  return decoded->data();
}

WeightBounds weight_bounds(const std::int64_t* weights, int n_in, int n_out) {
  WeightBounds b;
  b.max_abs = 0;
  b.row_abs_sum = 0;
  for (int o = 0; o < n_out; ++o) {
    const std::int64_t* w = weights + static_cast<std::size_t>(o) * n_in;
    std::int64_t row = 0;
    for (int j = 0; j < n_in; ++j) {
      // |w| < 2^62 (units::resolve_params); a row sum that would leave int64 is "unknown".
      const std::int64_t a = w[j] < 0 ? -w[j] : w[j];
      b.max_abs = std::max(b.max_abs, a);
      if (__builtin_add_overflow(row, a, &row)) return WeightBounds{};
    }
    b.row_abs_sum = std::max(b.row_abs_sum, row);
  }
  return b;
}

PeArrayStage::PeArrayStage(const units::AccumulatorConfig& cfg, std::int64_t weight_max_abs,
                           const LaneSeeds& lanes)
    : PeArrayStage(cfg, WeightBounds{weight_max_abs, -1}, lanes) {}

PeArrayStage::PeArrayStage(const units::AccumulatorConfig& cfg, const WeightBounds& bounds,
                           const LaneSeeds& lanes)
    : cfg_(cfg), acc_(cfg), bounds_(bounds) {
  if (fx::is_stochastic(cfg.out.rounding)) {
    lanes_.emplace(cfg.out, cfg.product_frac(), lanes);
  } else {
    requant_.emplace(cfg.product_frac(), cfg.out);
  }
}

__int128 PeArrayStage::sum_bound(int n_in) const {
  if (bounds_.max_abs < 0) return -1;
  const std::int64_t a_max = std::max(-cfg_.a.raw_min(), cfg_.a.raw_max());
  __int128 w_sum = static_cast<__int128>(n_in) * bounds_.max_abs;
  if (bounds_.row_abs_sum >= 0 && bounds_.row_abs_sum < w_sum) w_sum = bounds_.row_abs_sum;
  return w_sum * a_max;
}

bool PeArrayStage::never_overflows(int n_in) const {
  const __int128 bound = sum_bound(n_in);
  const std::int64_t acc_hi = cfg_.acc.raw_max();
  // SAT_SYM's most negative raw saturates: excluded (it goes the exact, slow way).
  const std::int64_t acc_lo =
      cfg_.acc.overflow == fx::Overflow::SAT_SYM ? -acc_hi : cfg_.acc.raw_min();
  return bound >= 0 && bound <= acc_hi && -bound >= acc_lo;
}

std::int64_t weight_max_abs(const Elaboration& e) {
  if (e.point.is_bipolar()) return 1;
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
  const std::int64_t acc_hi = cfg_.acc.raw_max();
  // Conservative for SAT_SYM: its most negative raw goes the exact (slow) way.
  const std::int64_t acc_lo =
      cfg_.acc.overflow == fx::Overflow::SAT_SYM ? -acc_hi : cfg_.acc.raw_min();
  std::uint64_t acc_overflows = 0;
  // When the prefix bound fits the accumulator, no prefix can leave its range: one flat
  // (vectorizable) dot product per row, no range checks at all.
  const bool never_overflows = this->never_overflows(n_in);
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
    out[o - o_begin] = sum;  // the accumulator, requantized below
  }
  cov->accumulator.overflows += acc_overflows;
  if (o_end > o_begin) {
    requantize(n_in, static_cast<std::size_t>(o_end - o_begin), out, cov, o_begin);
  }
}

bool PeArrayStage::fits_int16(int n_in) const {
  constexpr std::int64_t kMax16 = INT16_MAX;
  if (bounds_.max_abs < 0 || bounds_.max_abs > kMax16) return false;
  if (cfg_.a.raw_min() < INT16_MIN || cfg_.a.raw_max() > kMax16) return false;
  return never_overflows(n_in) && sum_bound(n_in) <= INT32_MAX;
}

void PeArrayStage::sums16(const std::int16_t* weights, const std::int16_t* x, int n_in, int o_begin,
                          int o_end, std::int64_t* acc) const {
  for (int o = o_begin; o < o_end; ++o) {
    const std::int16_t* w = weights + static_cast<std::size_t>(o) * n_in;
    // Every partial sum, in any order of summation, is bounded by sum_bound(n_in) <= INT32_MAX
    // (fits_int16): the vectorized sum is exact.
    std::int32_t sum = 0;
    for (int j = 0; j < n_in; ++j) sum += static_cast<std::int32_t>(x[j]) * w[j];
    acc[o - o_begin] = sum;
  }
}

void PeArrayStage::run16(const std::int16_t* weights, const std::int16_t* x, int n_in, int o_begin,
                         int o_end, std::int64_t* out, Coverage* cov) {
  if (o_end <= o_begin) return;
  sums16(weights, x, n_in, o_begin, o_end, out);
  requantize(n_in, static_cast<std::size_t>(o_end - o_begin), out, cov, o_begin);
}

void PeArrayStage::requantize(int n_in, std::size_t n, std::int64_t* out, Coverage* cov,
                              int o_begin, int row) {
  if (n == 0) return;
  fx::CastStats stats;
  if (lanes_) {
    lanes_->cast(out, n, o_begin, row, out, &stats);
  } else {
    requant_->cast_array(out, n, out, &stats);
  }
  cov->mac_requant.count += stats.count;
  cov->mac_requant.overflows += stats.overflows;
  cov->mac_requant.ties += stats.ties;
  cov->mac_requant.inexact += stats.inexact;
  cov->accumulator.count += n * static_cast<std::uint64_t>((n_in + cfg_.simd - 1) / cfg_.simd);
}

bool narrow_to_int16(const std::int64_t* values, std::size_t n, std::int16_t* out) {
  bool fits = true;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = static_cast<std::int16_t>(values[i]);
    fits &= out[i] == values[i];
  }
  return fits;
}

BnStage::BnStage(const units::BnActConfig& cfg, const LaneSeeds& lanes)
    : cfg_(cfg), scale_terms_(cfg.k, cfg.sh_w) {
  if (fx::is_stochastic(cfg.out.rounding)) {
    lanes_.emplace(cfg.out, cfg.sum_frac(), lanes);
  } else {
    requant_.emplace(cfg.sum_frac(), cfg.out);
  }
}

void BnStage::run(const std::int64_t* mac, const std::int64_t* scale_words,
                  const std::int64_t* bias, int o_begin, int o_end, std::int64_t* y,
                  Coverage* cov) {
  if (cfg_.scale_kind == 1) {
    run_scaled<true>(mac, scale_words, bias, o_begin, o_end, y, cov);
  } else {
    run_scaled<false>(mac, scale_words, bias, o_begin, o_end, y, cov);
  }
}

void BnStage::run_decoded(const std::int64_t* mac, const std::int64_t* scales,
                          const std::int64_t* bias, int o_begin, int o_end, std::int64_t* y,
                          Coverage* cov) {
  run_scaled<false>(mac, scales, bias, o_begin, o_end, y, cov);
}

std::vector<std::int64_t> BnStage::scale_values(const std::int64_t* scale_words, int n) const {
  std::vector<std::int64_t> v(scale_words, scale_words + n);
  if (cfg_.scale_kind == 1) {
    for (std::int64_t& s : v) s = scale_terms_.value(s);
  }
  return v;
}

void BnStage::run_pixels(const std::int64_t* mac, const std::int64_t* scales,
                         const std::int64_t* bias, int channels, std::size_t pixels,
                         std::int64_t* y, Coverage* cov) {
  const units::BnActConfig& cfg = cfg_;
  const auto c = static_cast<std::size_t>(channels);
  for (std::size_t p = 0; p < pixels; ++p) {
    for (std::size_t o = 0; o < c; ++o) {
      y[p * c + o] = units::bn_sum(cfg, mac[p * c + o] * scales[o], bias[o]);
    }
  }
  requantize_activate(pixels * c, y, cov, 0, channels);
}

template <bool kDecode>
void BnStage::run_scaled(const std::int64_t* mac, const std::int64_t* scales,
                         const std::int64_t* bias, int o_begin, int o_end, std::int64_t* y,
                         Coverage* cov) {
  if (o_end <= o_begin) return;
  const units::BnActConfig& cfg = cfg_;
  for (int o = o_begin; o < o_end; ++o) {
    const std::int64_t scale = kDecode ? scale_terms_.value(scales[o]) : scales[o];
    y[o - o_begin] = units::bn_sum(cfg, mac[o - o_begin] * scale, bias[o]);
  }
  requantize_activate(static_cast<std::size_t>(o_end - o_begin), y, cov, o_begin, 0);
}

void BnStage::requantize_activate(std::size_t n, std::int64_t* y, Coverage* cov, int o_begin,
                                  int row) {
  fx::CastStats stats;
  if (lanes_) {
    lanes_->cast(y, n, o_begin, row, y, &stats);
  } else {
    requant_->cast_array(y, n, y, &stats);
  }
  cov->bn_requant.count += stats.count;
  cov->bn_requant.overflows += stats.overflows;
  cov->bn_requant.ties += stats.ties;
  cov->bn_requant.inexact += stats.inexact;
  const units::BnActConfig& cfg = cfg_;
  std::uint64_t changed = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t r = y[i];
    y[i] = units::activate(cfg, r);
    changed += y[i] != r;
  }
  cov->activation.count += n;
  cov->activation.overflows += changed;
}

RequantStage::RequantStage(const units::IntRequantConfig& cfg) : cfg_(cfg) {}

std::vector<units::IntRequantChannel> RequantStage::channels(const std::int64_t* multiplier_words,
                                                             const std::int64_t* bias,
                                                             int n) const {
  std::vector<units::IntRequantChannel> ch(static_cast<std::size_t>(n));
  for (int o = 0; o < n; ++o) {
    ch[o].bias = bias[o];
    ch[o].multiplier = requant_multiplier_of_word(multiplier_words[o], cfg_.m0_bits);
    try {
      units::check_channel(cfg_, ch[o]);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("channel " + std::to_string(o) + ": " + e.what());
    }
  }
  return ch;
}

void RequantStage::run(const std::int64_t* acc, const units::IntRequantChannel* channels,
                       int o_begin, int o_end, std::int64_t* y, Coverage* cov) const {
  if (o_end <= o_begin) return;
  const units::IntRequantConfig& c = cfg_;
  const std::int64_t lo = c.lo(), hi = c.hi();
  // The value before the clamp, for the coverage of outputs at a bound only: the rounded r as
  // an int<32> (exact unless |r| >= 2^31, which only left shifts reach) plus ZP.
  static const fx::AffineInt wide = fx::AffineInt::make(true, 32);
  std::uint64_t saturated = 0, raised = 0;
  for (int o = o_begin; o < o_end; ++o) {
    const units::IntRequantChannel& ch = channels[o];
    const std::int64_t a = acc[o - o_begin];
    const std::int64_t v = units::int_requant(c, a, ch);
    y[o - o_begin] = v;
    if (v != lo && v != hi) continue;
    const std::int64_t s = fx::wrap_signed(
        static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(ch.bias), c.acc_w);
    const std::int64_t unclamped =
        fx::requantize_integer(static_cast<std::int32_t>(s), ch.multiplier, 0, wide, c.rounding) +
        c.zp;
    if (unclamped < c.out.q_min() || unclamped > c.out.q_max()) {
      ++saturated;
    } else if (unclamped < lo) {
      ++raised;  // inside the range, below ZP: the fused ReLU's doing
    }
  }
  const auto n = static_cast<std::uint64_t>(o_end - o_begin);
  cov->int_requant.count += n;
  cov->int_requant.overflows += saturated;
  if (c.relu) {
    cov->activation.count += n;
    cov->activation.overflows += raised;
  }
}

XnorArrayStage::XnorArrayStage(const units::XnorPeConfig& cfg) : cfg_(cfg), acc_(cfg) {}

void XnorArrayStage::run(const std::uint64_t* codes, const std::int64_t* x, int n_in, int o_begin,
                         int o_end, std::int64_t* out, Coverage* cov) {
  const int simd = cfg_.simd;
  std::uint64_t overflows = 0, beats = 0;
  for (int o = o_begin; o < o_end; ++o) {
    const std::uint64_t* w = codes + static_cast<std::size_t>(o) * n_in;
    std::int64_t prev = 0;
    for (int i = 0; i < n_in; i += simd) {
      const int lanes = std::min(simd, n_in - i);
      const std::int64_t beat = units::xnor_beat_sum(cfg_.mode, simd, x + i, w + i, lanes);
      acc_.beat(beat, i == 0, i + simd >= n_in);
      overflows += acc_.value() != prev + beat;  // wrapped or saturated on this beat
      prev = acc_.value();
      ++beats;
    }
    out[o - o_begin] = acc_.value();
  }
  cov->accumulator.count += beats;
  cov->accumulator.overflows += overflows;
  cov->mac_requant.count += static_cast<std::uint64_t>(std::max(0, o_end - o_begin));
}

ThresholdStage::ThresholdStage(const units::ThresholdConfig& cfg) : cfg_(cfg) {}

std::vector<units::ThresholdChannel> ThresholdStage::channels(const std::int64_t* directions,
                                                              const std::int64_t* thresholds,
                                                              int n) const {
  const auto t = static_cast<std::size_t>(cfg_.thresholds);
  std::vector<units::ThresholdChannel> ch(static_cast<std::size_t>(n));
  for (int o = 0; o < n; ++o) {
    ch[o].descending = (directions[o] & 1) != 0;
    ch[o].thresholds.assign(thresholds + o * t, thresholds + (o + 1) * t);
    try {
      units::check_channel(cfg_, ch[o]);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("channel " + std::to_string(o) + ": " + e.what());
    }
  }
  return ch;
}

void ThresholdStage::run(const std::int64_t* acc, const units::ThresholdChannel* channels,
                         int o_begin, int o_end, std::int64_t* y, Coverage* cov) const {
  if (o_end <= o_begin) return;
  for (int o = o_begin; o < o_end; ++o) {
    y[o - o_begin] = units::threshold(cfg_, acc[o - o_begin], channels[o]);
  }
  cov->activation.count += static_cast<std::uint64_t>(o_end - o_begin);
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
  if (cfg.requant) {
    c.has_requant = true;
    c.requant_rounding = cfg.requant->rounding;
    c.act = cfg.requant->relu ? units::Activation::RELU : units::Activation::NONE;
    c.int_requant.rounding = fx::Rounding::RND;  // nearest (the roundings: requant_rounding)
    c.int_requant.overflow = fx::Overflow::SAT;  // the clamp
  }
  if (cfg.threshold) c.act = units::Activation::NONE;  // threshold: counted in activation
  return c;
}

namespace {

// Binary / ternary kinds: the xnor_pe array on the weight codes, then threshold, bn_act or
// nothing.
LayerReference bipolar_reference(const Elaboration& e, const LayerOperands& ops,
                                 LayerReference ref) {
  const EngineConfig& cfg = e.point;
  const int n_in = cfg.in_features, n_out = cfg.out_features;
  const std::vector<std::uint64_t> codes(ops.weight_words,
                                         ops.weight_words + static_cast<std::size_t>(n_in) * n_out);
  XnorArrayStage pe(e.xnor_pe());
  for (int b = 0; b < ops.batch; ++b) {
    pe.run(codes.data(), ops.input + static_cast<std::size_t>(b) * n_in, n_in, 0, n_out,
           ref.mac_output.data() + static_cast<std::size_t>(b) * n_out, &ref.coverage);
  }
  ref.output.resize(ref.mac_output.size());
  if (cfg.threshold) {
    const ThresholdStage th(*e.threshold_config);
    const std::vector<units::ThresholdChannel> ch =
        th.channels(ops.bn_scale_words, ops.bn_bias, n_out);
    for (int b = 0; b < ops.batch; ++b) {
      const std::size_t at = static_cast<std::size_t>(b) * n_out;
      th.run(ref.mac_output.data() + at, ch.data(), 0, n_out, ref.output.data() + at,
             &ref.coverage);
    }
  } else if (cfg.bn) {
    BnStage bn(*e.bn_config);
    const std::vector<std::int64_t> scales = bn.scale_values(ops.bn_scale_words, n_out);
    for (int b = 0; b < ops.batch; ++b) {
      const std::size_t at = static_cast<std::size_t>(b) * n_out;
      bn.run_decoded(ref.mac_output.data() + at, scales.data(), ops.bn_bias, 0, n_out,
                     ref.output.data() + at, &ref.coverage);
    }
  } else {
    ref.output = ref.mac_output;
  }
  return ref;
}

}  // namespace

LayerReference compute_reference(const Elaboration& e, const LayerOperands& ops) {
  const EngineConfig& cfg = e.point;
  const int n_in = cfg.in_features;
  const int n_out = cfg.out_features;
  LayerReference ref;
  ref.coverage = empty_coverage(cfg);
  ref.mac_output.resize(static_cast<std::size_t>(ops.batch) * n_out);
  if (cfg.is_bipolar()) return bipolar_reference(e, ops, std::move(ref));

  std::vector<std::int64_t> values;  // K-hot weights as raw values, decoded once per run
  const std::int64_t* weights = weight_values(e, ops.weight_words, ops.weight_values, &values);
  // The same sums on int16 raws when they bound every prefix (8 or 16 products per instruction).
  // Bounding and narrowing the weights costs about two passes over them, which only pays when
  // they are read for several vectors: with fewer (a sweep point's batch of 2 was 15% slower),
  // the int64 path with the format's bound, as before.
  constexpr int kNarrowMinBatch = 8;
  const bool amortized = ops.batch >= kNarrowMinBatch;
  PeArrayStage pe(
      e.accumulator(),
      amortized ? weight_bounds(weights, n_in, n_out) : WeightBounds{weight_max_abs(e), -1},
      mac_lane_seeds(cfg));
  std::vector<std::int16_t> w16, x16;
  bool narrow = amortized && pe.fits_int16(n_in);
  if (narrow) {
    w16.resize(static_cast<std::size_t>(n_in) * n_out);
    x16.resize(static_cast<std::size_t>(n_in));
    narrow = narrow_to_int16(weights, w16.size(), w16.data());
  }
  for (int b = 0; b < ops.batch; ++b) {
    const std::int64_t* x = ops.input + static_cast<std::size_t>(b) * n_in;
    std::int64_t* out = ref.mac_output.data() + static_cast<std::size_t>(b) * n_out;
    if (narrow && narrow_to_int16(x, x16.size(), x16.data())) {
      pe.run16(w16.data(), x16.data(), n_in, 0, n_out, out, &ref.coverage);
    } else {
      pe.run(weights, x, n_in, 0, n_out, out, &ref.coverage);
    }
  }
  if (cfg.requant) {
    ref.output.resize(ref.mac_output.size());
    const RequantStage rq(*e.requant_config);
    const std::vector<units::IntRequantChannel> ch =
        rq.channels(ops.bn_scale_words, ops.bn_bias, n_out);
    for (int b = 0; b < ops.batch; ++b) {
      const std::size_t at = static_cast<std::size_t>(b) * n_out;
      rq.run(ref.mac_output.data() + at, ch.data(), 0, n_out, ref.output.data() + at,
             &ref.coverage);
    }
    return ref;
  }
  if (!cfg.bn) {
    ref.output = ref.mac_output;
    return ref;
  }
  ref.output.resize(ref.mac_output.size());
  BnStage bn(*e.bn_config, bn_lane_seeds(cfg));
  const std::vector<std::int64_t> scales = bn.scale_values(ops.bn_scale_words, n_out);
  for (int b = 0; b < ops.batch; ++b) {
    const std::size_t at = static_cast<std::size_t>(b) * n_out;
    bn.run_decoded(ref.mac_output.data() + at, scales.data(), ops.bn_bias, 0, n_out,
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
  int_requant += o.int_requant;
  activation += o.activation;
  tlm_errors += o.tlm_errors;
  return *this;
}

}  // namespace fxsim::engine
