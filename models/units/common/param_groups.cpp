#include "models/units/common/param_groups.hpp"

#include "fx/width_rules.hpp"

namespace fxsim::units {

std::vector<ParamSpec> format_group(const std::string& p, std::int64_t w, std::int64_t frac,
                                    std::int64_t min_w, std::int64_t max_w, std::int64_t frac_range,
                                    const std::string& what) {
  return {{p + "_W", w, min_w, max_w, "word length of " + what},
          {p + "_FRAC", frac, -frac_range, frac_range, "fraction bits of " + what},
          {p + "_SIGNED", 1, 0, 1, "1 if " + what + " is signed"}};
}

std::vector<std::string> rounding_value_names() {
  std::vector<std::string> names;
  for (fx::Rounding q : fx::kAllRoundings) names.emplace_back(fx::to_string(q));
  names.emplace_back(fx::to_string(fx::Rounding::RND_STOCH));  // Q = 7: fx_lfsr's random bits
  return names;
}

std::vector<std::string> overflow_value_names() {
  std::vector<std::string> names;
  for (fx::Overflow o : fx::kAllOverflows) names.emplace_back(fx::to_string(o));
  return names;
}

std::vector<ParamSpec> output_params(std::int64_t max_w, std::int64_t q_default,
                                     std::int64_t o_default, const std::string& what) {
  const std::string q_doc = what == "output" ? "output rounding mode" : "rounding mode";
  const std::string o_doc = what == "output" ? "output overflow mode" : "overflow mode";
  const std::string n_doc = what == "output" ? "output saturation bits" : "saturation bits";
  return {{"OUT_W", 8, 1, max_w, "word length of the output"},
          {"OUT_FRAC", 4, -64, 64, "fraction bits of the output"},
          {"OUT_SIGNED", 1, 0, 1, "1 if the output is signed"},
          {"Q", q_default, 0, 7,
           q_doc + " (fx::Rounding order, " + std::to_string(q_default) +
               (q_default == 4 ? " = RND_CONV)" : " = TRN)"),
           rounding_value_names()},
          {"O", o_default, 0, 4,
           o_doc + " (fx::Overflow order, " + std::to_string(o_default) +
               (o_default == 0 ? " = SAT)" : " = WRAP)"),
           overflow_value_names()},
          {"N", 0, 0, 64, n_doc + " (WRAP / WRAP_SM)"},
          {"AP", 0, 0, 1,
           "1: Xilinx ap_fixed semantics of the " +
               (what == "output" ? std::string("output ") : std::string()) +
               "rounding and overflow, 0: SystemC's (they differ in three overflow corners, "
               "docs/fixed_point.md)"}};
}

ParamSpec stages_param() {
  return {"STAGES", 2, 1, 8, "pipeline register stages = latency in cycles"};
}

fx::FxType format_from_params(std::int64_t width, std::int64_t frac, std::int64_t is_signed,
                              fx::Rounding q, fx::Overflow o, std::int64_t n, std::int64_t ap) {
  const fx::FxType t = fx::FxType::make(is_signed != 0, static_cast<int>(width),
                                        static_cast<int>(width - frac), q, o, static_cast<int>(n));
  return ap != 0 ? t.with_semantics(fx::Semantics::AP_FIXED) : t;
}

fx::FxType output_format(const ParamMap& m) {
  return format_from_params(param(m, "OUT_W"), param(m, "OUT_FRAC"), param(m, "OUT_SIGNED"),
                            static_cast<fx::Rounding>(param(m, "Q")),
                            static_cast<fx::Overflow>(param(m, "O")), param(m, "N"),
                            param(m, "AP"));
}

std::int64_t ap_param(const fx::FxType& t) { return t.ap_semantics() ? 1 : 0; }

void check_output(const UnitSpec& unit, const ParamMap& p) {
  if (static_cast<fx::Overflow>(p.at("O")) == fx::Overflow::WRAP_SM && p.at("OUT_SIGNED") == 0) {
    fail(unit, "O = 4 (WRAP_SM) needs OUT_SIGNED = 1 (sign-magnitude wrap of a signed output)");
  }
}

void check_width(const UnitSpec& unit, const std::string& what, std::int64_t width) {
  if (width > kMaxWorkWidth) {
    fail(unit, what + " needs " + std::to_string(width) + " bits, expected at most " +
                   std::to_string(kMaxWorkWidth));
  }
}

std::int64_t beat_width(std::int64_t product_w, std::int64_t simd) {
  return product_w + fx::ceil_log2(static_cast<unsigned long long>(simd));
}

std::int64_t khot_product_width(std::int64_t a_w, std::int64_t sh_w, std::int64_t k) {
  return a_w + 1 + ((std::int64_t{1} << sh_w) - 1) +
         fx::ceil_log2(static_cast<unsigned long long>(k));
}

int stages_latency(const ParamMap& resolved) { return static_cast<int>(param(resolved, "STAGES")); }

}  // namespace fxsim::units
