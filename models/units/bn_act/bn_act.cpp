#include "models/units/bn_act/bn_act.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "fx/cast.hpp"
#include "fx/stochastic.hpp"
#include "fx/width_rules.hpp"
#include "models/resources/cost_tally.hpp"
#include "models/units/common/param_groups.hpp"

namespace fxsim::units {
namespace {

void check(const UnitSpec& unit, const ParamMap& p) {
  check_output(unit, p);
  const std::int64_t pw = p.at("SCALE_KIND") == 0
                              ? p.at("X_W") + p.at("S_W") + 1
                              : khot_product_width(p.at("X_W"), p.at("SH_W"), p.at("K")) + 1;
  const std::int64_t pf = p.at("X_FRAC") + p.at("S_FRAC");
  const std::int64_t f = std::max(pf, p.at("B_FRAC"));
  check_width(unit, "x * scale + bias",
              std::max(pw + f - pf, p.at("B_W") + f - p.at("B_FRAC")) + 1);
  const std::int64_t act = p.at("ACT");
  if ((act == 3 || act == 4) && p.at("OUT_FRAC") < 0) {
    fail(unit, "ACT = " + std::to_string(act) +
                   " (hardtanh / sign) needs OUT_FRAC >= 0 so that 1.0 is an output value");
  }
  const std::int64_t out_max = p.at("OUT_SIGNED") ? (std::int64_t{1} << (p.at("OUT_W") - 1)) - 1
                                                  : (std::int64_t{1} << p.at("OUT_W")) - 1;
  if (act == 2 && p.at("CLIP") > out_max) {
    fail(unit, "CLIP = " + std::to_string(p.at("CLIP")) + " is not an output value, expected 0.." +
                   std::to_string(out_max));
  }
}

// Activation after the requantizer, on OUT_W-bit raw values (rtl/bn_act.sv).
resources::LogicCost activation_cost(Activation act, int out_w) {
  switch (act) {
    case Activation::RELU:
      return {0.5 * out_w, 0};  // clear on the sign bit
    case Activation::RELU_CLIP:
      return {1.5 * out_w, std::ceil(out_w / 4.0)};  // compare with CLIP + mux
    case Activation::HARDTANH:
      return {2.0 * out_w, 2 * std::ceil(out_w / 4.0)};  // two compares + mux
    case Activation::SIGN:
      return {1.0, 0};  // the sign bit selects +-ONE
    case Activation::NONE:
      break;
  }
  return {};
}

// The scale product (a multiplier, or K shift-add terms), + bias, the requantizer, the
// activation and the pipeline registers.
resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family family, bool use_dsp) {
  const Params p(resolved);
  resources::CostTally t;
  const int x_w = p("X_W");
  int product_w = 0;
  int product_reg_w = 0;  // the RTL's PW: the product register keeps its sign-extension bit
  if (p("SCALE_KIND") == 0) {
    const int x = resources::operand_width(x_w, p("X_SIGNED"));
    const int s = resources::operand_width(p("S_W"), p("S_SIGNED"));
    resources::multiplier(x, s, family, use_dsp, 1, t);
    product_w = x + s;
    product_reg_w = x_w + p("S_W") + 1;
  } else {
    const int term_w = x_w + (1 << p("SH_W")) + 1;  // KTW in rtl/bn_act.sv
    product_w = term_w + fx::ceil_log2(static_cast<unsigned long long>(p("K")));
    product_reg_w = product_w;
    resources::shift_add(p("K"), resources::operand_width(x_w, p("X_SIGNED")), p("SH_W"), product_w,
                         1, t);
  }
  const int product_frac = p("X_FRAC") + p("S_FRAC");
  const int frac = std::max(product_frac, p("B_FRAC"));
  const int sum_w = std::max(product_w + frac - product_frac, p("B_W") + frac - p("B_FRAC")) + 1;
  // + bias: below the lowest bit of the operand shifted left for alignment (LP or LB zero bits)
  // the sum is the other operand's bits, wires rather than adder LUTs.
  const int aligned_zeros = std::max(frac - product_frac, frac - p("B_FRAC"));
  t.logic += resources::adder(sum_w - aligned_zeros);
  t.logic +=
      resources::requantizer(sum_w, frac, p("OUT_W"), p("OUT_FRAC"),
                             static_cast<fx::Rounding>(p("Q")), static_cast<fx::Overflow>(p("O")));
  t.logic += activation_cost(static_cast<Activation>(p("ACT")), p("OUT_W"));
  // RND_STOCH: the LFSR (rtl/fx_lfsr.sv) when the requantizer drops bits.
  if (fx::is_stochastic(static_cast<fx::Rounding>(p("Q"))) && frac > p("OUT_FRAC")) {
    t.logic += resources::lfsr();
    t.ff += resources::kLfsrFlipFlops;
  }
  const int stages = p("STAGES");
  const int p_depth = stages >= 2 ? 1 : 0;
  const int t_depth = stages >= 3 ? 1 : 0;
  t.ff += p_depth * (product_reg_w + p("B_W") + 1);
  t.ff += t_depth * (sum_w + 1);
  t.ff += (stages - p_depth - t_depth) * (p("OUT_W") + 1);
  t.logic.lut += stages;  // INV of each valid bit's reset
  return t.rounded();
}

// ACT's value names: activation_names() in Activation order (0 none ... 4 sign).
std::vector<std::string> activation_value_names() {
  std::vector<std::string> names(activation_names().size());
  for (const auto& [name, act] : activation_names()) names[static_cast<std::size_t>(act)] = name;
  return names;
}

ParamSpec scale_kind_param() {
  ParamSpec p{"SCALE_KIND", 0, 0, 1, "0 fixed-point scale (multiplier), 1 K-hot scale"};
  p.value_names = {"fixed", "khot"};
  return p;
}

// K and SH_W describe a K-hot scale, S_W and S_SIGNED a fixed-point one (S_FRAC both); CLIP
// only relu_clip.
bool ignored(const std::string& name, const ParamMap& p) {
  const bool khot = p.count("SCALE_KIND") && p.at("SCALE_KIND") == 1;
  if (name == "K" || name == "SH_W") return !khot;
  if (name == "S_W" || name == "S_SIGNED") return khot;
  if (name == "CLIP") return !p.count("ACT") || p.at("ACT") != 2;
  return false;
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "bn_act";
  u.top_module = "bn_act";
  u.rtl_files = {"fx_requant.sv", "fx_lfsr.sv", "fx_pipe.sv", "bn_act.sv"};
  u.params = concat(
      format_group("X", 16, 8, 2, 32, 32, "the input element"),
      std::vector<ParamSpec>{scale_kind_param()}, format_group("S", 8, 6, 2, 32, 32, "the scale"),
      std::vector<ParamSpec>{{"K", 2, 1, 8, "terms of a K-hot scale"},
                             {"SH_W", 3, 1, 5, "bits of a K-hot term's shift"},
                             {"B_W", 16, 2, 32, "word length of the (signed) bias"},
                             {"B_FRAC", 8, -32, 32, "fraction bits of the bias"}},
      output_params(),
      std::vector<ParamSpec>{{"ACT", 1, 0, 4, "0 none, 1 relu, 2 relu-clip, 3 hardtanh, 4 sign",
                              activation_value_names()},
                             {"CLIP", 96, 0, 2147483647, "raw output upper bound of relu-clip"},
                             stages_param()});
  u.check = check;
  u.latency = stages_latency;
  u.cost = cost;
  u.ignored = ignored;
  return u;
}

}  // namespace

const UnitSpec& bn_act_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

BnActConfig BnActConfig::from(const ParamMap& m) {
  BnActConfig c;
  c.x = format_from_params(param(m, "X_W"), param(m, "X_FRAC"), param(m, "X_SIGNED"));
  c.scale_kind = static_cast<int>(param(m, "SCALE_KIND"));
  c.scale = format_from_params(param(m, "S_W"), param(m, "S_FRAC"), param(m, "S_SIGNED"));
  c.s_frac = static_cast<int>(param(m, "S_FRAC"));
  c.k = static_cast<int>(param(m, "K"));
  c.sh_w = static_cast<int>(param(m, "SH_W"));
  c.bias = format_from_params(param(m, "B_W"), param(m, "B_FRAC"), 1);
  c.out = output_format(m);
  c.act = static_cast<Activation>(param(m, "ACT"));
  c.clip = param(m, "CLIP");
  c.stages = static_cast<int>(param(m, "STAGES"));
  return c;
}

const std::vector<std::pair<std::string, Activation>>& activation_names() {
  static const std::vector<std::pair<std::string, Activation>> names = {
      {"none", Activation::NONE},
      {"relu", Activation::RELU},
      {"relu_clip", Activation::RELU_CLIP},
      {"hardtanh", Activation::HARDTANH},
      {"sign", Activation::SIGN}};
  return names;
}

std::string_view activation_name(Activation a) {
  for (const auto& [name, act] : activation_names()) {
    if (act == a) return name;
  }
  return "?";
}

BnActResult bn_act(const BnActConfig& cfg, std::int64_t x, std::int64_t scale,
                   const fx::Terms& scale_terms, std::int64_t bias, fx::Lfsr* lfsr) {
  const std::int64_t product = cfg.scale_kind == 0 ? x * scale : fx::shift_add(x, scale_terms);
  BnActResult r;
  r.t = bn_sum(cfg, product, bias);
  if (fx::is_stochastic(cfg.out.rounding)) {
    if (lfsr == nullptr) throw std::invalid_argument("bn_act: Q = 7 (RND_STOCH) needs an LFSR");
    r.requantized.raw = fx::StochasticCaster(cfg.out, *lfsr)
                            .cast_from_raw(r.t, cfg.sum_frac(), &r.requantized.flags);
  } else {
    r.requantized.raw = fx::cast_from_raw(r.t, cfg.sum_frac(), cfg.out, &r.requantized.flags);
  }
  r.y = activate(cfg, r.requantized.raw);
  return r;
}

}  // namespace fxsim::units
