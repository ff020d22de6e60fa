// The names of a design point's choices, as its file spells them.
#include "models/engine/engine_config.hpp"

namespace fxsim::engine {

std::string_view to_string(EngineKind k) {
  switch (k) {
    case EngineKind::FX_MAC:
      return "fx_mac";
    case EngineKind::KHOT:
      return "khot";
    case EngineKind::SPT:
      return "spt";
  }
  return "?";
}

std::string_view to_string(Distribution d) {
  return d == Distribution::UNIFORM ? "uniform" : "normal";
}

std::string_view to_string(units::Activation a) { return units::activation_name(a); }

}  // namespace fxsim::engine
