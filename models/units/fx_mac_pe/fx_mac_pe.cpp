#include "models/units/fx_mac_pe/fx_mac_pe.hpp"

#include <algorithm>

#include "models/units/common/param_groups.hpp"

namespace fxsim::units {
namespace {

void check(const UnitSpec& unit, const ParamMap& p) {
  check_output(unit, p);
  check_width(unit, "the beat sum (A_W + W_W + 1 + clog2(SIMD))",
              beat_width(p.at("A_W") + p.at("W_W") + 1, p.at("SIMD")));
}

// SIMD multipliers (on DSP48s by mul2dsp's rules, else soft), then the PE stream.
resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family family, bool use_dsp) {
  const Params p(resolved);
  resources::CostTally t;
  const int a = resources::operand_width(p("A_W"), p("A_SIGNED"));
  const int w = resources::operand_width(p("W_W"), p("W_SIGNED"));
  resources::multiplier(a, w, family, use_dsp, p("SIMD"), t);
  pe_stream_cost(resolved, a + w, p("A_W") + p("W_W") + 1, family, t);
  return t.rounded();
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "fx_mac_pe";
  u.top_module = "fx_mac_pe";
  u.rtl_files = {"fx_requant.sv", "fx_lfsr.sv", "fx_pipe.sv", "fx_acc_out.sv", "fx_mac_pe.sv"};
  u.params = concat(std::vector<ParamSpec>{{"SIMD", 8, 1, 64, "lanes (multipliers) per beat"}},
                    format_group("A", 8, 4, 2, 32, 32, "an activation"),
                    format_group("W", 8, 6, 2, 32, 32, "a weight"), accumulator_params(),
                    output_params(), std::vector<ParamSpec>{stages_param()});
  u.check = check;
  u.latency = stages_latency;
  u.cost = cost;
  return u;
}

}  // namespace

const UnitSpec& fx_mac_pe_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

MacPeConfig MacPeConfig::from(const ParamMap& m) {
  MacPeConfig c;
  c.w = format_from_params(param(m, "W_W"), param(m, "W_FRAC"), param(m, "W_SIGNED"));
  static_cast<AccumulatorConfig&>(c) = AccumulatorConfig::from(m, c.w.frac_bits());
  return c;
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

PeResult mac_dot(const MacPeConfig& cfg, const std::vector<std::int64_t>& a,
                 const std::vector<std::int64_t>& w) {
  return accumulate_dot(cfg, a, w, mac_beat_sum);
}

}  // namespace fxsim::units
