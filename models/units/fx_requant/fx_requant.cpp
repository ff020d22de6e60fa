#include "models/units/fx_requant/fx_requant.hpp"

#include <stdexcept>

#include "fx/stochastic.hpp"
#include "models/resources/cost_tally.hpp"
#include "models/units/common/param_groups.hpp"

namespace fxsim::units {
namespace {

resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family, bool) {
  const Params p(resolved);
  resources::CostTally t;
  t.logic +=
      resources::requantizer(p("IN_W"), p("IN_FRAC"), p("OUT_W"), p("OUT_FRAC"),
                             static_cast<fx::Rounding>(p("Q")), static_cast<fx::Overflow>(p("O")));
  return t.rounded();
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "fx_requant";
  u.top_module = "fx_requant";
  u.rtl_files = {"fx_requant.sv"};
  u.params = concat(format_group("IN", 16, 8, 1, 63, 64, "the input"),
                    output_params(63, 5, 3, "the requantizer"));
  u.check = check_output;
  u.latency = [](const ParamMap&) { return 0; };  // combinational
  u.cost = cost;
  return u;
}

}  // namespace

const UnitSpec& fx_requant_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

RequantConfig RequantConfig::from(const ParamMap& m) {
  RequantConfig c;
  c.in = format_from_params(param(m, "IN_W"), param(m, "IN_FRAC"), param(m, "IN_SIGNED"));
  c.out = output_format(m);
  return c;
}

Requantized requant(std::int64_t raw, const RequantConfig& cfg, fx::Lfsr* lfsr) {
  Requantized r;
  if (fx::is_stochastic(cfg.out.rounding)) {
    if (lfsr == nullptr) throw std::invalid_argument("fx_requant: Q = 7 (RND_STOCH) needs an LFSR");
    r.raw = fx::StochasticCaster(cfg.out, *lfsr).cast_from_raw(raw, cfg.in.frac_bits(), &r.flags);
  } else {
    r.raw = fx::convert(raw, cfg.in, cfg.out, &r.flags);
  }
  return r;
}

}  // namespace fxsim::units
