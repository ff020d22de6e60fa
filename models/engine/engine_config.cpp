// The names of a design point's choices, as its file spells them.
#include "models/engine/engine_config.hpp"

#include <algorithm>

#include "fx/width_rules.hpp"

namespace fxsim::engine {

const std::vector<std::pair<std::string, EngineKind>>& engine_kind_names() {
  static const std::vector<std::pair<std::string, EngineKind>> names = {
      {"fx_mac", EngineKind::FX_MAC}, {"khot", EngineKind::KHOT},       {"spt", EngineKind::SPT},
      {"binary", EngineKind::BINARY}, {"ternary", EngineKind::TERNARY}, {"xnor", EngineKind::XNOR}};
  return names;
}

const std::vector<std::pair<std::string, Distribution>>& distribution_names() {
  static const std::vector<std::pair<std::string, Distribution>> names = {
      {"uniform", Distribution::UNIFORM}, {"normal", Distribution::NORMAL}};
  return names;
}

namespace {

template <typename E>
std::string_view name_of(const std::vector<std::pair<std::string, E>>& names, E e) {
  for (const auto& [name, value] : names) {
    if (value == e) return name;
  }
  return "?";
}

}  // namespace

std::string_view to_string(EngineKind k) { return name_of(engine_kind_names(), k); }

std::string_view to_string(Distribution d) { return name_of(distribution_names(), d); }

std::string_view to_string(units::Activation a) { return units::activation_name(a); }

}  // namespace fxsim::engine

namespace fxsim::engine {

fx::FxType RequantConfig::output_format() const {
  return output.is_signed ? fx::FxType::make_signed(output.width, output.width)
                          : fx::FxType::make_unsigned(output.width, output.width);
}

}  // namespace fxsim::engine

namespace fxsim::engine {

// The accumulator of a binary / ternary MAC array when the file names none: exact for
// in_features terms of |v x a| <= max |a| (WRAP), with the fraction bits of an integer dot
// product in the activation's LSBs times the weight scale 2^e: F_activation - e.
std::optional<fx::FxType> bipolar_default_accumulator(const EngineConfig& cfg) {
  const std::int64_t a_max = std::max(-cfg.activation.raw_min(), cfg.activation.raw_max());
  const std::uint64_t bound = static_cast<std::uint64_t>(cfg.in_features) *
                              static_cast<std::uint64_t>(cfg.binary_activation ? 1 : a_max);
  const int width = fx::ceil_log2(bound + 1) + 1;
  const int frac = cfg.activation.frac_bits() - cfg.bipolar->scale_exponent();
  try {
    return fx::FxType::make_signed(width, width - frac, fx::Rounding::TRN, fx::Overflow::WRAP);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

int ThresholdTable::output_bits() const {
  int b = 0;
  while ((1 << b) < thresholds + 1) ++b;
  return b;
}

fx::FxType ThresholdTable::output_format() const {
  return fx::FxType::make_unsigned(output_bits(), output_bits());
}

}  // namespace fxsim::engine
