#include "explore/threshold_point.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/units/threshold/threshold.hpp"

namespace fxsim::explore {

std::vector<double> threshold_levels(const std::vector<double>& products, int thresholds) {
  if (products.empty() || thresholds < 1) {
    throw std::invalid_argument("threshold_levels: no products or T < 1");
  }
  const auto [lo, hi] = std::minmax_element(products.begin(), products.end());
  std::vector<double> levels(static_cast<std::size_t>(thresholds));
  for (int k = 0; k < thresholds; ++k) {
    levels[static_cast<std::size_t>(k)] = *lo + (k + 1) * (*hi - *lo) / (thresholds + 1);
  }
  return levels;
}

std::vector<double> threshold_reference(const std::vector<double>& products,
                                        const std::vector<double>& levels) {
  std::vector<double> q(products.size());
  for (std::size_t i = 0; i < products.size(); ++i) {
    int n = 0;
    for (double l : levels) n += products[i] >= l ? 1 : 0;
    q[i] = n;
  }
  return q;
}

void set_threshold_params(const BipolarLayer& l, const engine::EngineConfig& cfg,
                          const std::vector<double>& levels, engine::Stimulus* s) {
  if (!cfg.threshold || cfg.bn || l.exponent != 0) {
    throw std::invalid_argument("set_threshold_params: a point without [threshold] (or with bn)");
  }
  const double lsb = std::ldexp(l.output_scale(), -cfg.accumulator.frac_bits());
  const units::ThresholdChannel ch =
      units::thresholds_from_batch_norm(1.0, 0.0, lsb, levels, cfg.accumulator.width);
  const auto n_out = static_cast<std::size_t>(cfg.out_features);
  s->bn_scale.assign(n_out, 0);
  s->bn_scale_words = s->bn_scale;
  s->bn_bias.clear();
  s->bn_bias.reserve(n_out * ch.thresholds.size());
  for (std::size_t o = 0; o < n_out; ++o) {
    s->bn_bias.insert(s->bn_bias.end(), ch.thresholds.begin(), ch.thresholds.end());
  }
}

}  // namespace fxsim::explore
