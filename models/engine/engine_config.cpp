// The names of a design point's choices, as its file spells them.
#include "models/engine/engine_config.hpp"

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

int ThresholdTable::output_bits() const {
  int b = 0;
  while ((1 << b) < thresholds + 1) ++b;
  return b;
}

fx::FxType ThresholdTable::output_format() const {
  return fx::FxType::make_unsigned(output_bits(), output_bits());
}

}  // namespace fxsim::engine
