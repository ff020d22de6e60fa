#include "models/units/khot_pe/khot_pe.hpp"

#include <algorithm>

#include "fx/width_rules.hpp"
#include "models/units/common/param_groups.hpp"

namespace fxsim::units {
namespace {

void check(const UnitSpec& unit, const ParamMap& p) {
  check_output(unit, p);
  check_width(
      unit, "the beat sum (A_W + 2 + 2^SH_W - 1 + clog2(K) + clog2(SIMD))",
      beat_width(khot_product_width(p.at("A_W"), p.at("SH_W"), p.at("K")), p.at("SIMD")) + 1);
}

// SIMD lanes of K shift-add terms, then the PE stream.
resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family family, bool) {
  const Params p(resolved);
  resources::CostTally t;
  const int a = resources::operand_width(p("A_W"), p("A_SIGNED"));
  const int term_w = p("A_W") + (1 << p("SH_W")) + 1;  // TW in rtl/khot_pe.sv
  const int product_w = term_w + fx::ceil_log2(static_cast<unsigned long long>(p("K")));
  resources::shift_add(p("K"), a, p("SH_W"), product_w, p("SIMD"), t);
  pe_stream_cost(resolved, product_w, product_w, family, t);
  return t.rounded();
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "khot_pe";
  u.top_module = "khot_pe";
  u.rtl_files = {"fx_requant.sv", "fx_lfsr.sv", "fx_pipe.sv", "fx_acc_out.sv", "khot_pe.sv"};
  u.params = concat(std::vector<ParamSpec>{{"SIMD", 8, 1, 64, "lanes per beat"}},
                    format_group("A", 8, 4, 2, 32, 32, "an activation"),
                    std::vector<ParamSpec>{{"K", 2, 1, 8, "shift-add terms per weight"},
                                           {"SH_W", 3, 1, 5, "bits of a term's shift"},
                                           {"W_FRAC", 7, -32, 32, "fraction bits of a weight"}},
                    accumulator_params(), output_params(), std::vector<ParamSpec>{stages_param()});
  u.check = check;
  u.latency = stages_latency;
  u.cost = cost;
  return u;
}

}  // namespace

const UnitSpec& khot_pe_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

KhotPeConfig KhotPeConfig::from(const ParamMap& m) {
  KhotPeConfig c;
  static_cast<AccumulatorConfig&>(c) =
      AccumulatorConfig::from(m, static_cast<int>(param(m, "W_FRAC")));
  c.k = static_cast<int>(param(m, "K"));
  c.sh_w = static_cast<int>(param(m, "SH_W"));
  return c;
}

std::int64_t khot_beat_sum(const std::int64_t* a, const fx::Terms* w, int n) {
  std::int64_t s = 0;
  for (int i = 0; i < n; ++i) s += fx::shift_add(a[i], w[i]);
  return s;
}

std::optional<PeResult> KhotPe::beat(const std::vector<std::int64_t>& a,
                                     const std::vector<fx::Terms>& w, bool start, bool last) {
  const int n = static_cast<int>(std::min({a.size(), w.size(), std::size_t(cfg_.simd)}));
  return acc_.beat(khot_beat_sum(a.data(), w.data(), n), start, last);
}

PeResult khot_dot(const KhotPeConfig& cfg, const std::vector<std::int64_t>& a,
                  const std::vector<fx::Terms>& w) {
  return accumulate_dot(cfg, a, w, khot_beat_sum);
}

}  // namespace fxsim::units
