#include "explore/bipolar_point.hpp"

#include <cmath>
#include <stdexcept>

#include "fx/cast.hpp"

namespace fxsim::explore {

double BipolarLayer::residual() const { return std::ldexp(output_scale(), -exponent); }

fx::BipolarType BipolarLayer::engine_type() const {
  const double s = std::ldexp(1.0, exponent);
  return kind == fx::Bipolar::TERNARY ? fx::BipolarType::ternary(s) : fx::BipolarType::binary(s);
}

double binary_activation_scale(const std::vector<double>& x) {
  if (x.empty()) throw std::invalid_argument("binary_activation_scale: no activations");
  double sum = 0;
  for (double a : x) sum += std::fabs(a);
  return sum / static_cast<double>(x.size());
}

std::vector<std::int64_t> binarize_activations(const std::vector<double>& x) {
  std::vector<std::int64_t> bits(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) bits[i] = x[i] >= 0 ? 1 : 0;
  return bits;
}

BipolarLayer quantize_bipolar_layer(const FloatLayer& f, fx::Bipolar kind, bool bn,
                                    bool binary_activation) {
  if (binary_activation && kind != fx::Bipolar::BINARY) {
    throw std::invalid_argument("quantize_bipolar_layer: binary activations need binary weights");
  }
  const fx::BipolarTensor t = fx::quantize_bipolar(kind, f.weights);
  BipolarLayer l;
  l.kind = kind;
  l.scale = t.type.scale;
  l.binary_activation = binary_activation;
  // An all-zero input tensor has beta 0, which has no 2^e: such a (degenerate) point takes
  // beta = 1 instead.
  if (binary_activation) {
    const double beta = binary_activation_scale(f.input);
    l.activation_scale = beta > 0 ? beta : 1.0;
  }
  l.v.assign(t.v.begin(), t.v.end());
  // ceil: the residual is in (1/2, 1], so the folded BN scale stays in the BN scale's range.
  if (bn) l.exponent = static_cast<int>(std::ceil(std::log2(l.output_scale())));
  return l;
}

engine::Stimulus bipolar_stimulus(const FloatLayer& f, const BipolarLayer& l,
                                  const engine::EngineConfig& cfg) {
  // quantize_layer on an fx_mac view of the point: the v's are exact in fixed<2,2> (the engine's
  // weight raws), the inputs and the BN parameters take the point's own formats and modes.
  engine::EngineConfig view = cfg;
  view.kind = engine::EngineKind::FX_MAC;
  view.weight = fx::FxType::make_signed(2, 2);
  view.bipolar.reset();
  view.binary_activation = false;
  view.threshold.reset();
  FloatLayer g = f;
  g.weights.assign(l.v.begin(), l.v.end());
  if (cfg.bn) {
    for (double& s : g.bn_scale) s *= l.residual();
  }
  engine::Stimulus s = quantize_layer(g, view);
  if (l.binary_activation) s.input = binarize_activations(f.input);
  for (std::size_t i = 0; i < s.weights.size(); ++i) {
    s.weight_words[i] =
        static_cast<std::int64_t>(fx::bipolar_code(l.kind, static_cast<int>(s.weights[i])));
  }
  return s;
}

std::vector<double> bipolar_output_values(const BipolarLayer& l,
                                          const std::vector<std::int64_t>& raw,
                                          const engine::EngineConfig& cfg) {
  const fx::FxType t = cfg.final_output();
  const double factor = cfg.bn || cfg.threshold ? 1.0 : l.residual();
  std::vector<double> v(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) v[i] = fx::to_double(raw[i], t) * factor;
  return v;
}

}  // namespace fxsim::explore
