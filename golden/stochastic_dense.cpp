#include "golden/stochastic_dense.hpp"

#include <stdexcept>
#include <string>

#include "fx/cast.hpp"
#include "fx/lfsr.hpp"
#include "fx/stochastic.hpp"
#include "golden/quant_network.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_acc_out/fx_acc_out.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"

namespace fxsim::golden {

bool rounds_stochastically(const DenseLayer& l) {
  return fx::is_stochastic(l.out_type.rounding) ||
         (l.bn && fx::is_stochastic(l.bn->out_type.rounding));
}

void lane_requant(const std::int64_t* in, int n, int channels, int src_frac_bits,
                  const fx::FxType& to, const StochasticLanes& lanes, std::int64_t* out) {
  if (lanes.pe < 1 || channels % lanes.pe != 0) {
    throw std::invalid_argument("stochastic requant: PE = " + std::to_string(lanes.pe) +
                                " must be >= 1 and divide the " + std::to_string(channels) +
                                " output channels");
  }
  const std::size_t total = static_cast<std::size_t>(n) * channels;
  if (!fx::is_stochastic(to.rounding)) {
    for (std::size_t i = 0; i < total; ++i) out[i] = fx::cast_from_raw(in[i], src_frac_bits, to);
    return;
  }
  // Lanes are independent: run lane p's whole stream (vector by vector, fold by fold) at once.
  const int folds = channels / lanes.pe;
  for (int p = 0; p < lanes.pe; ++p) {
    fx::Lfsr lfsr = fx::Lfsr::for_lane(lanes.seed, lanes.layer,
                                       lanes.first_lane + static_cast<std::uint64_t>(p));
    fx::StochasticCaster caster(to, lfsr);
    for (int v = 0; v < n; ++v) {
      for (int f = 0; f < folds; ++f) {
        const std::size_t i = static_cast<std::size_t>(v) * channels + f * lanes.pe + p;
        out[i] = caster.cast_from_raw(in[i], src_frac_bits);
      }
    }
  }
}

std::vector<std::int64_t> bn_sums(const DenseLayer& l, const std::vector<std::int64_t>& x,
                                  int* sum_frac_bits) {
  const units::BnActConfig cfg = bn_config(l);
  const BnActLayer& b = l.bn.value();
  const auto* khot = std::get_if<fx::KhotType>(&b.scale_type);
  std::vector<fx::Terms> terms(l.out_features);
  if (khot) {
    for (int o = 0; o < l.out_features; ++o) terms[o] = fx::khot_encode(b.scale_raw[o], *khot);
  }
  std::vector<std::int64_t> t(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const int o = static_cast<int>(i % l.out_features);
    const std::int64_t product = khot ? fx::shift_add(x[i], terms[o]) : x[i] * b.scale_raw[o];
    t[i] = units::bn_sum(cfg, product, b.bias_raw[o]);
  }
  *sum_frac_bits = cfg.sum_frac();
  return t;
}

std::vector<std::int64_t> stochastic_dense(const DenseLayer& l,
                                           const std::vector<std::int64_t>& inputs, int n,
                                           const StochasticLanes& lanes) {
  if (inputs.size() != static_cast<std::size_t>(n) * l.in_features) {
    throw std::invalid_argument(l.name + ": expected " + std::to_string(n) + " x " +
                                std::to_string(l.in_features) + " input raws, found " +
                                std::to_string(inputs.size()));
  }
  // The accumulator's beats as models/units runs them; its own output requant (run on the last
  // beat) is made the identity, as the requant to out_type follows below.
  units::MacPeConfig mac = mac_config(l);
  mac.out = l.acc_type;
  std::vector<std::int64_t> acc(static_cast<std::size_t>(n) * l.out_features);
  for (int v = 0; v < n; ++v) {
    const std::int64_t* a = inputs.data() + static_cast<std::size_t>(v) * l.in_features;
    for (int o = 0; o < l.out_features; ++o) {
      const std::int64_t* w = l.weight_raw.data() + static_cast<std::size_t>(o) * l.in_features;
      units::Accumulator accumulator(mac);
      for (int i = 0; i < l.in_features; i += l.simd) {
        const int len = std::min(l.simd, l.in_features - i);
        accumulator.beat(units::mac_beat_sum(a + i, w + i, len), i == 0,
                         i + l.simd >= l.in_features);
      }
      acc[static_cast<std::size_t>(v) * l.out_features + o] = accumulator.value();
    }
  }
  std::vector<std::int64_t> x(acc.size());
  lane_requant(acc.data(), n, l.out_features, mac.product_frac(), l.out_type, lanes, x.data());
  if (!l.bn) return x;
  int sum_frac = 0;
  const std::vector<std::int64_t> t = bn_sums(l, x, &sum_frac);
  std::vector<std::int64_t> y(t.size());
  StochasticLanes bn_lanes = lanes;  // bn_act lanes PE .. 2 PE - 1
  bn_lanes.first_lane = lanes.first_lane + static_cast<std::uint64_t>(lanes.pe);
  lane_requant(t.data(), n, l.out_features, sum_frac, l.bn->out_type, bn_lanes, y.data());
  const units::BnActConfig cfg = bn_config(l);
  for (std::int64_t& r : y) r = units::activate(cfg, r);
  return y;
}

QuantNetwork with_stochastic_requants(QuantNetwork m, bool mac, bool bn) {
  for (std::size_t i = 0; i < m.layers.size(); ++i) {
    DenseLayer& l = m.layers[i];
    if (i > 0) l.input_type = m.layers[i - 1].output_type();
    if (mac) l.out_type.rounding = fx::Rounding::RND_STOCH;
    if (bn && l.bn) l.bn->out_type.rounding = fx::Rounding::RND_STOCH;
  }
  return m;
}

}  // namespace fxsim::golden
