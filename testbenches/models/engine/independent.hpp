// An independent computation of a layer, written for the tests from the contract and fx alone
// (no models/units, no models/units, no term words): raw weight values, a per-beat accumulator
// cast, the output cast, then x * scale + bias and the activation by hand.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "fx/cast.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"

namespace fxsim::tlm_test {

inline std::vector<std::int64_t> independent_layer(const engine::EngineConfig& c,
                                                   const engine::Stimulus& s) {
  const int wf = std::holds_alternative<fx::FxType>(c.weight)
                     ? std::get<fx::FxType>(c.weight).frac_bits()
                     : std::get<fx::KhotType>(c.weight).frac_bits();
  const int pf = c.activation.frac_bits() + wf;
  std::vector<std::int64_t> out;
  for (int b = 0; b < s.batch; ++b) {
    for (int o = 0; o < c.out_features; ++o) {
      std::int64_t acc = 0;
      for (int i0 = 0; i0 < c.in_features; i0 += c.simd) {
        std::int64_t beat = 0;
        for (int i = i0; i < std::min(c.in_features, i0 + c.simd); ++i) {
          beat += s.input[static_cast<std::size_t>(b) * c.in_features + i] *
                  s.weights[static_cast<std::size_t>(o) * c.in_features + i];
        }
        acc = fx::cast_from_raw((i0 == 0 ? 0 : acc) + beat, pf, c.accumulator);
      }
      std::int64_t y = fx::cast_from_raw(acc, pf, c.output);
      if (c.bn) {
        const fx::FxType& bo = c.bn->output;
        const int sf = std::holds_alternative<fx::FxType>(c.bn->scale)
                           ? std::get<fx::FxType>(c.bn->scale).frac_bits()
                           : std::get<fx::KhotType>(c.bn->scale).frac_bits();
        const int spf = c.output.frac_bits() + sf;
        const int bf = c.bn->bias.frac_bits();
        const int f = std::max(spf, bf);
        const std::int64_t t = (y * s.bn_scale[o]) * (std::int64_t{1} << (f - spf)) +
                               s.bn_bias[o] * (std::int64_t{1} << (f - bf));
        std::int64_t r = fx::cast_from_raw(t, f, bo);
        const std::int64_t one =
            std::min<std::int64_t>(std::int64_t{1} << bo.frac_bits(), bo.raw_max());
        switch (c.bn->activation) {
          case units::Activation::RELU:
            r = std::max<std::int64_t>(r, 0);
            break;
          case units::Activation::HARDTANH:
            r = std::clamp(r, -one, one);
            break;
          default:
            break;
        }
        y = r;
      }
      out.push_back(y);
    }
  }
  return out;
}

}  // namespace fxsim::tlm_test
