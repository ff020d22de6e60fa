#include "models/arith/unit_arith.hpp"

#include <algorithm>
#include <stdexcept>

namespace fxsim::arith {

Requantized requant(std::int64_t raw, const units::RequantConfig& cfg) {
  Requantized r;
  r.raw = fx::convert(raw, cfg.in, cfg.out, &r.flags);
  return r;
}

std::optional<PeResult> Accumulator::beat(std::int64_t beat_sum, bool start, bool last) {
  // The widths are checked by units::resolve_params (<= 62 bits), so the sum is exact here;
  // fx applies the accumulator's wrap or saturation (TRN: same LSB, nothing to round).
  const std::int64_t sum = (start ? 0 : acc_) + beat_sum;
  acc_ = fx::cast_from_raw(sum, cfg_.product_frac(), cfg_.acc);
  if (!last) return std::nullopt;
  return output();
}

PeResult Accumulator::output() const {
  fx::CastFlags flags;
  PeResult r;
  r.data = fx::cast_from_raw(acc_, cfg_.product_frac(), cfg_.out, &flags);
  r.overflow = flags.overflow;
  return r;
}

std::int64_t mac_beat_sum(const std::int64_t* a, const std::int64_t* w, int n) {
  std::int64_t s = 0;
  for (int i = 0; i < n; ++i) s += a[i] * w[i];
  return s;
}

std::optional<PeResult> MacPe::beat(const std::vector<std::int64_t>& a,
                                    const std::vector<std::int64_t>& w, bool start, bool last) {
  const int n = static_cast<int>(std::min({a.size(), w.size(), std::size_t(cfg_.simd)}));
  return acc_.beat(mac_beat_sum(a.data(), w.data(), n), start, last);
}

namespace {

template <typename W, typename BeatSum>
PeResult dot(const units::AccumulatorConfig& cfg, const std::vector<std::int64_t>& a,
             const std::vector<W>& w, BeatSum beat_sum) {
  if (a.size() != w.size() || a.empty()) {
    throw std::invalid_argument("dot product: expected two non-empty vectors of equal length");
  }
  Accumulator acc(cfg);
  const std::size_t n = a.size();
  std::optional<PeResult> out;
  for (std::size_t i = 0; i < n; i += cfg.simd) {
    const int lanes = static_cast<int>(std::min<std::size_t>(cfg.simd, n - i));
    out = acc.beat(beat_sum(&a[i], &w[i], lanes), i == 0, i + cfg.simd >= n);
  }
  return *out;
}

}  // namespace

PeResult mac_dot(const units::MacPeConfig& cfg, const std::vector<std::int64_t>& a,
                 const std::vector<std::int64_t>& w) {
  return dot(cfg, a, w, mac_beat_sum);
}

std::int64_t khot_product(std::int64_t a, const Terms& w) {
  std::int64_t p = 0;
  for (const fx::Term& t : w) {
    const std::int64_t shifted = a * (std::int64_t{1} << t.shift);  // a << shift, sign kept
    p += t.negative ? -shifted : shifted;
  }
  return p;
}

std::int64_t khot_beat_sum(const std::int64_t* a, const Terms* w, int n) {
  std::int64_t s = 0;
  for (int i = 0; i < n; ++i) s += khot_product(a[i], w[i]);
  return s;
}

std::optional<PeResult> KhotPe::beat(const std::vector<std::int64_t>& a,
                                     const std::vector<Terms>& w, bool start, bool last) {
  const int n = static_cast<int>(std::min({a.size(), w.size(), std::size_t(cfg_.simd)}));
  return acc_.beat(khot_beat_sum(a.data(), w.data(), n), start, last);
}

PeResult khot_dot(const units::KhotPeConfig& cfg, const std::vector<std::int64_t>& a,
                  const std::vector<Terms>& w) {
  return dot(cfg, a, w, khot_beat_sum);
}

std::int64_t raw_one(const fx::FxType& out) {
  const int f = out.frac_bits();
  if (f < 0) return 0;
  if (f >= out.width - (out.is_signed ? 1 : 0)) return out.raw_max();
  return std::int64_t{1} << f;
}

std::int64_t activate(const units::BnActConfig& cfg, std::int64_t r) {
  const std::int64_t one = raw_one(cfg.out);
  switch (cfg.act) {
    case units::Activation::RELU:
      return std::max<std::int64_t>(r, 0);
    case units::Activation::RELU_CLIP:
      return std::min(std::max<std::int64_t>(r, 0), cfg.clip);
    case units::Activation::HARDTANH:
      return std::clamp(r, -one, one);
    case units::Activation::SIGN:
      return r >= 0 ? one : (cfg.out.is_signed ? -one : 0);
    case units::Activation::NONE:
      break;
  }
  return r;
}

BnActResult bn_act(const units::BnActConfig& cfg, std::int64_t x, std::int64_t scale,
                   const Terms& scale_terms, std::int64_t bias) {
  const std::int64_t product = cfg.scale_kind == 0 ? x * scale : khot_product(x, scale_terms);
  const int f = cfg.sum_frac();
  BnActResult r;
  r.t = product * (std::int64_t{1} << (f - cfg.product_frac())) +
        bias * (std::int64_t{1} << (f - cfg.bias.frac_bits()));
  r.requantized.raw = fx::cast_from_raw(r.t, f, cfg.out, &r.requantized.flags);
  r.y = activate(cfg, r.requantized.raw);
  return r;
}

}  // namespace fxsim::arith
