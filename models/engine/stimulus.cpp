// Deterministic stimulus of a design point (the mapping is documented in engine_config.hpp).
#include "models/engine/stimulus.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "fx/khot_codec.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/memory_map.hpp"

namespace fxsim::engine {
namespace {

// Per-buffer stream constants: changing one buffer's size never changes another's values.
constexpr std::uint64_t kWeightStream = 0x5745494748545321ull;
constexpr std::uint64_t kScaleStream = 0x424E5343414C4521ull;
constexpr std::uint64_t kBiasStream = 0x424E424941532121ull;
constexpr std::uint64_t kInputStream = 0x494E505554532121ull;

// Raw values over [lo, hi] of one format, uniform or normal (no std:: distribution).
class RawSource {
 public:
  RawSource(std::uint64_t seed, Distribution d, std::int64_t lo, std::int64_t hi)
      : rng_(seed), dist_(d), lo_(lo), hi_(hi) {}

  std::int64_t next() {
    if (dist_ == Distribution::UNIFORM) {
      const std::uint64_t span = static_cast<std::uint64_t>(hi_ - lo_) + 1;
      return lo_ + static_cast<std::int64_t>(rng_() % span);
    }
    double z = -6.0;  // Irwin-Hall: sum of 12 U[0,1) has mean 6 and variance 1
    for (int i = 0; i < 12; ++i) z += std::ldexp(static_cast<double>(rng_() >> 11), -53);
    const double sigma = static_cast<double>(hi_ - lo_) / 8.0;
    const double centre = (static_cast<double>(lo_) + static_cast<double>(hi_)) / 2.0;
    const double r = std::round(centre + z * sigma);
    return std::clamp(static_cast<std::int64_t>(r), lo_, hi_);
  }

 private:
  std::mt19937_64 rng_;
  Distribution dist_;
  std::int64_t lo_, hi_;
};

void fill_fixed(std::uint64_t seed, Distribution d, const fx::FxType& t, std::size_t n,
                std::vector<std::int64_t>* raw) {
  RawSource src(seed, d, t.raw_min(), t.raw_max());
  raw->resize(n);
  for (auto& r : *raw) r = src.next();
}

// K-hot values: a raw of fixed<W,I> (same signedness), then the nearest K-hot value of it.
// One codec per buffer: its tables make quantize and encode lookups, with no allocation.
void fill_khot(std::uint64_t seed, Distribution d, const fx::KhotType& t, std::size_t n,
               std::vector<std::int64_t>* raw, std::vector<std::int64_t>* words) {
  const fx::FxType grid = fx::FxType::make(t.is_signed(), t.width, t.int_bits);
  RawSource src(seed, d, grid.raw_min(), grid.raw_max());
  const fx::KhotCodec codec(t);
  const TermWordEncoder encoder(codec, t.k, khot_shift_bits(t));
  raw->resize(n);
  words->resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double value = std::ldexp(static_cast<double>(src.next()), -t.frac_bits());
    (*raw)[i] = codec.quantize(value);
    (*words)[i] = encoder.word((*raw)[i]);
  }
}

// A uniform double in [0, 1) from the 53 high bits of one word: our own mapping, as RawSource's.
double unit_uniform(std::mt19937_64& rng) {
  return std::ldexp(static_cast<double>(rng() >> 11), -53);
}

// The root mean square of a format's raws drawn by `d`: sqrt(mean^2 + variance), the mean the
// middle of [lo, hi], the variance span^2 / 12 (uniform) or (span / 8)^2 (normal, RawSource's
// sigma), span = hi - lo. An unsigned format's raws have a large mean, which counts as much as
// their spread in a sum of products with zero-mean weights.
double raw_rms(const fx::FxType& t, Distribution d) {
  const double lo = static_cast<double>(t.raw_min()), hi = static_cast<double>(t.raw_max());
  const double span = hi - lo, mean = (lo + hi) / 2.0;
  const double variance = d == Distribution::UNIFORM ? span * span / 12.0 : span * span / 64.0;
  return std::sqrt(mean * mean + variance);
}

// [requant]'s per-channel parameters (docs/engine.md, "Affine integer layers"). An accumulator
// of N_in products of independent raws has a standard deviation of about sigma = sqrt(N_in)
// rms_a rms_w; a multiplier M = (half the output range) / (3 sigma) maps three of them onto
// the output range, so the outputs cover it. Each channel takes M x f, f uniform in [0.5, 1.5)
// (a few outputs of the larger ones saturate), kept below 2^LSHIFT_MAX so that the unit can
// shift it, through fx::integer_multiplier with M0_BITS bits. Biases: uniform over
// [-sigma/2, sigma/2] (a trained bias moves an output by less than its spread), within the
// bias_width bits.
void fill_requant(const EngineConfig& cfg, std::uint64_t seed, Stimulus* s) {
  const RequantConfig& r = *cfg.requant;
  const auto n_out = static_cast<std::size_t>(cfg.out_features);
  const double sigma = std::max(1.0, std::sqrt(static_cast<double>(cfg.in_features)) *
                                         raw_rms(cfg.activation, cfg.distribution) *
                                         raw_rms(cfg.fx_weight(), cfg.distribution));
  const double half_out = static_cast<double>(r.output.q_max() - r.output.q_min()) / 2.0;
  const double m_base = half_out / (3.0 * sigma);
  const double m_max = std::ldexp(0.99, r.lshift_max);  // shift n >= -LSHIFT_MAX
  std::mt19937_64 rng(seed ^ kScaleStream);
  s->bn_scale_words.resize(n_out);
  for (std::size_t o = 0; o < n_out; ++o) {
    const double m = std::min(m_base * (0.5 + unit_uniform(rng)), m_max);
    s->bn_scale_words[o] = requant_multiplier_word(fx::integer_multiplier(m, r.m0_bits));
  }
  s->bn_scale = s->bn_scale_words;
  const std::int64_t bias_max = (std::int64_t{1} << (r.bias_width - 1)) - 1;
  const std::int64_t b = std::min(bias_max, static_cast<std::int64_t>(sigma / 2.0));
  RawSource bias(seed ^ kBiasStream, Distribution::UNIFORM, -b, b);
  s->bn_bias.resize(n_out);
  for (auto& v : s->bn_bias) v = bias.next();
}

// Binary / ternary weights: v uniform over {-1, +1} or {-1, 0, +1} (either distribution: a
// bipolar weight has no range to shape), one draw of the weight stream per weight; the words are
// xnor_pe's codes (fx::bipolar_code).
void fill_bipolar(std::uint64_t seed, const fx::BipolarType& t, std::size_t n,
                  std::vector<std::int64_t>* values, std::vector<std::int64_t>* words) {
  std::mt19937_64 rng(seed);
  values->resize(n);
  words->resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int v = t.is_ternary() ? static_cast<int>(rng() % 3) - 1 : (rng() & 1 ? 1 : -1);
    (*values)[i] = v;
    (*words)[i] = static_cast<std::int64_t>(fx::bipolar_code(t.kind, v));
  }
}

// [threshold]'s per-channel parameters (docs/engine.md, "Binary and ternary layers"): a random
// direction bit per channel and T thresholds uniform over [-2 sigma, 2 sigma] about the mean
// accumulator (sigma: the spread of a sum of N_in independent terms v x a, as fill_requant's),
// kept within [x_min - 1, x_max + 1] (the unit's range) and sorted ascending. Directions are
// bn_scale / bn_scale_words, the N_out x T thresholds bn_bias (channel after channel).
void fill_thresholds(const EngineConfig& cfg, std::uint64_t seed, Stimulus* s) {
  const auto n_out = static_cast<std::size_t>(cfg.out_features);
  const auto t = static_cast<std::size_t>(cfg.threshold->thresholds);
  const fx::FxType& a = cfg.activation;
  // An activation bit is +-1 (rms 1); the weights have mean 0, so the accumulator has too.
  const double a_rms = cfg.binary_activation ? 1.0 : raw_rms(a, cfg.distribution);
  const double w_rms = cfg.kind == EngineKind::TERNARY ? std::sqrt(2.0 / 3.0) : 1.0;
  const double sigma =
      std::max(1.0, std::sqrt(static_cast<double>(cfg.in_features)) * a_rms * w_rms);
  const std::int64_t x_w = cfg.output.width;
  const std::int64_t lo = -(std::int64_t{1} << (x_w - 1)) - 1;
  const std::int64_t hi = (std::int64_t{1} << (x_w - 1));
  const std::int64_t span = static_cast<std::int64_t>(2.0 * sigma);
  RawSource dir(seed ^ kScaleStream, Distribution::UNIFORM, 0, 1);
  RawSource th(seed ^ kBiasStream, Distribution::UNIFORM, std::max(lo, -span), std::min(hi, span));
  s->bn_scale.resize(n_out);
  for (auto& d : s->bn_scale) d = dir.next();
  s->bn_scale_words = s->bn_scale;
  s->bn_bias.resize(n_out * t);
  for (std::size_t o = 0; o < n_out; ++o) {
    for (std::size_t k = 0; k < t; ++k) s->bn_bias[o * t + k] = th.next();
    std::sort(s->bn_bias.begin() + static_cast<std::ptrdiff_t>(o * t),
              s->bn_bias.begin() + static_cast<std::ptrdiff_t>((o + 1) * t));
  }
}

}  // namespace

Stimulus make_stimulus(const EngineConfig& cfg, std::uint64_t seed, int batch) {
  Stimulus s;
  s.batch = batch;
  const auto n_in = static_cast<std::size_t>(cfg.in_features);
  const auto n_out = static_cast<std::size_t>(cfg.out_features);
  if (cfg.is_bipolar()) {
    fill_bipolar(seed ^ kWeightStream, *cfg.bipolar, n_out * n_in, &s.weights, &s.weight_words);
  } else if (cfg.kind == EngineKind::FX_MAC) {
    fill_fixed(seed ^ kWeightStream, cfg.distribution, cfg.fx_weight(), n_out * n_in, &s.weights);
    s.weight_words = s.weights;
  } else {
    fill_khot(seed ^ kWeightStream, cfg.distribution, cfg.khot_weight(), n_out * n_in, &s.weights,
              &s.weight_words);
  }
  if (cfg.bn) {
    if (cfg.bn->khot_scale()) {
      fill_khot(seed ^ kScaleStream, cfg.distribution, std::get<fx::KhotType>(cfg.bn->scale), n_out,
                &s.bn_scale, &s.bn_scale_words);
    } else {
      fill_fixed(seed ^ kScaleStream, cfg.distribution, std::get<fx::FxType>(cfg.bn->scale), n_out,
                 &s.bn_scale);
      s.bn_scale_words = s.bn_scale;
    }
    fill_fixed(seed ^ kBiasStream, cfg.distribution, cfg.bn->bias, n_out, &s.bn_bias);
  }
  if (cfg.requant) fill_requant(cfg, seed, &s);
  if (cfg.threshold) fill_thresholds(cfg, seed, &s);
  fill_fixed(seed ^ kInputStream, cfg.distribution, cfg.activation,
             static_cast<std::size_t>(batch) * n_in, &s.input);
  return s;
}

std::int64_t zero_weight_word(const EngineConfig& cfg) {
  if (cfg.kind == EngineKind::FX_MAC || cfg.kind == EngineKind::TERNARY) return 0;
  if (cfg.is_bipolar()) {
    throw std::invalid_argument("zero_weight_word: a binary weight has no zero (+1 or -1)");
  }
  const fx::KhotType& t = cfg.khot_weight();
  return pack_terms(nullptr, 0, t.k, khot_shift_bits(t));
}

void zero_padded_weights(const EngineConfig& cfg, int padded, int channels, Stimulus* stim) {
  if (padded == channels) return;
  const std::int64_t zero_word = zero_weight_word(cfg);
  const std::size_t n_in = static_cast<std::size_t>(cfg.in_features);
  for (std::size_t o = 0; o < static_cast<std::size_t>(cfg.out_features); ++o) {
    for (std::size_t e = 0; e < n_in; ++e) {
      if (static_cast<int>(e % static_cast<std::size_t>(padded)) < channels) continue;
      stim->weights[o * n_in + e] = 0;
      stim->weight_words[o * n_in + e] = zero_word;
    }
  }
}

}  // namespace fxsim::engine
