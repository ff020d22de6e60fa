#include "models/units/unit_params.hpp"

#include <algorithm>
#include <functional>

namespace fxsim::units {
namespace {

constexpr std::int64_t kMaxWorkWidth = 62;  // every intermediate fits an int64 in models/arith

int clog2(std::int64_t n) {
  int b = 0;
  while ((std::int64_t{1} << b) < n) ++b;
  return b;
}

std::vector<ParamSpec> format_group(const std::string& p, std::int64_t w, std::int64_t frac,
                                    std::int64_t min_w, std::int64_t max_w, std::int64_t frac_range,
                                    const std::string& what) {
  return {{p + "_W", w, min_w, max_w, "word length of " + what},
          {p + "_FRAC", frac, -frac_range, frac_range, "fraction bits of " + what},
          {p + "_SIGNED", 1, 0, 1, "1 if " + what + " is signed"}};
}

std::vector<ParamSpec> output_params() {
  return {{"OUT_W", 8, 1, 62, "word length of the output"},
          {"OUT_FRAC", 4, -64, 64, "fraction bits of the output"},
          {"OUT_SIGNED", 1, 0, 1, "1 if the output is signed"},
          {"Q", 4, 0, 6, "output rounding mode (fx::Rounding order, 4 = RND_CONV)"},
          {"O", 0, 0, 4, "output overflow mode (fx::Overflow order, 0 = SAT)"},
          {"N", 0, 0, 64, "output saturation bits (WRAP / WRAP_SM)"}};
}

std::vector<ParamSpec> accumulator_params() {
  return {{"ACC_W", 24, 2, kMaxWorkWidth, "accumulator word length"},
          {"ACC_O", 3, 0, 4, "accumulator overflow mode (3 = WRAP, 0 = SAT)"}};
}

ParamSpec stages_param() {
  return {"STAGES", 2, 1, 8, "pipeline register stages = latency in cycles"};
}

template <typename... Lists>
std::vector<ParamSpec> concat(Lists&&... lists) {
  std::vector<ParamSpec> all;
  (all.insert(all.end(), lists.begin(), lists.end()), ...);
  return all;
}

std::vector<UnitSpec> make_units() {
  std::vector<UnitSpec> u;
  u.push_back(
      {"fx_requant",
       "fx_requant",
       {"fx_requant.sv"},
       concat(format_group("IN", 16, 8, 1, 63, 64, "the input"),
              std::vector<ParamSpec>{{"OUT_W", 8, 1, 63, "word length of the output"},
                                     {"OUT_FRAC", 4, -64, 64, "fraction bits of the output"},
                                     {"OUT_SIGNED", 1, 0, 1, "1 if the output is signed"},
                                     {"Q", 5, 0, 6, "rounding mode (fx::Rounding order, 5 = TRN)"},
                                     {"O", 3, 0, 4, "overflow mode (fx::Overflow order, 3 = WRAP)"},
                                     {"N", 0, 0, 64, "saturation bits (WRAP / WRAP_SM)"}})});
  u.push_back({"fx_mac_pe",
               "fx_mac_pe",
               {"fx_requant.sv", "fx_pipe.sv", "fx_acc_out.sv", "fx_mac_pe.sv"},
               concat(std::vector<ParamSpec>{{"SIMD", 8, 1, 64, "lanes (multipliers) per beat"}},
                      format_group("A", 8, 4, 2, 32, 32, "an activation"),
                      format_group("W", 8, 6, 2, 32, 32, "a weight"), accumulator_params(),
                      output_params(), std::vector<ParamSpec>{stages_param()})});
  u.push_back(
      {"khot_pe",
       "khot_pe",
       {"fx_requant.sv", "fx_pipe.sv", "fx_acc_out.sv", "khot_pe.sv"},
       concat(std::vector<ParamSpec>{{"SIMD", 8, 1, 64, "lanes per beat"}},
              format_group("A", 8, 4, 2, 32, 32, "an activation"),
              std::vector<ParamSpec>{{"K", 2, 1, 8, "shift-add terms per weight"},
                                     {"SH_W", 3, 1, 5, "bits of a term's shift"},
                                     {"W_FRAC", 7, -32, 32, "fraction bits of a weight"}},
              accumulator_params(), output_params(), std::vector<ParamSpec>{stages_param()})});
  u.push_back({"bn_act",
               "bn_act",
               {"fx_requant.sv", "fx_pipe.sv", "bn_act.sv"},
               concat(format_group("X", 16, 8, 2, 32, 32, "the input element"),
                      std::vector<ParamSpec>{{"SCALE_KIND", 0, 0, 1,
                                              "0 fixed-point scale (multiplier), 1 K-hot scale"}},
                      format_group("S", 8, 6, 2, 32, 32, "the scale"),
                      std::vector<ParamSpec>{{"K", 2, 1, 8, "terms of a K-hot scale"},
                                             {"SH_W", 3, 1, 5, "bits of a K-hot term's shift"},
                                             {"B_W", 16, 2, 32, "word length of the (signed) bias"},
                                             {"B_FRAC", 8, -32, 32, "fraction bits of the bias"}},
                      output_params(),
                      std::vector<ParamSpec>{
                          {"ACT", 1, 0, 4, "0 none, 1 relu, 2 relu-clip, 3 hardtanh, 4 sign"},
                          {"CLIP", 96, 0, 2147483647, "raw output upper bound of relu-clip"},
                          stages_param()})});
  return u;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

[[noreturn]] void fail(const UnitSpec& unit, const std::string& what) {
  throw UnitParamError(unit.name + ": " + what);
}

void check_output(const UnitSpec& unit, const ParamMap& p) {
  if (p.at("O") == 4 && p.at("OUT_SIGNED") == 0) {
    fail(unit, "O = 4 (WRAP_SM) needs OUT_SIGNED = 1 (sign-magnitude wrap of a signed output)");
  }
}

void check_width(const UnitSpec& unit, const std::string& what, std::int64_t width) {
  if (width > kMaxWorkWidth) {
    fail(unit, what + " needs " + std::to_string(width) + " bits, expected at most " +
                   std::to_string(kMaxWorkWidth));
  }
}

// Width of the exact sum of SIMD lanes of products `product_w` bits wide (signed).
std::int64_t beat_width(std::int64_t product_w, std::int64_t simd) {
  return product_w + clog2(simd);
}

std::int64_t khot_product_width(std::int64_t a_w, std::int64_t sh_w, std::int64_t k) {
  return a_w + 1 + ((std::int64_t{1} << sh_w) - 1) + clog2(k);
}

void check_cross(const UnitSpec& unit, const ParamMap& p) {
  check_output(unit, p);
  if (unit.name == "fx_mac_pe") {
    check_width(unit, "the beat sum (A_W + W_W + 1 + clog2(SIMD))",
                beat_width(p.at("A_W") + p.at("W_W") + 1, p.at("SIMD")));
  } else if (unit.name == "khot_pe") {
    check_width(
        unit, "the beat sum (A_W + 2 + 2^SH_W - 1 + clog2(K) + clog2(SIMD))",
        beat_width(khot_product_width(p.at("A_W"), p.at("SH_W"), p.at("K")), p.at("SIMD")) + 1);
  } else if (unit.name == "bn_act") {
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
      fail(unit, "CLIP = " + std::to_string(p.at("CLIP")) +
                     " is not an output value, expected 0.." + std::to_string(out_max));
    }
  }
}

}  // namespace

const std::vector<UnitSpec>& all_units() {
  static const std::vector<UnitSpec> units = make_units();
  return units;
}

const UnitSpec& find_unit(std::string_view name) {
  std::string known;
  for (const UnitSpec& u : all_units()) {
    if (u.name == name) return u;
    known += (known.empty() ? "" : ", ") + u.name;
  }
  throw UnitParamError("unknown unit " + quoted(std::string(name)) + "; known units: " + known);
}

ParamMap resolve_params(const UnitSpec& unit, const ParamMap& overrides) {
  for (const auto& [name, value] : overrides) {
    const bool known = std::any_of(unit.params.begin(), unit.params.end(),
                                   [&](const ParamSpec& s) { return s.name == name; });
    if (!known) {
      std::string names;
      for (const ParamSpec& s : unit.params) names += (names.empty() ? "" : ", ") + s.name;
      fail(unit, "unknown parameter " + quoted(name) + "; known parameters: " + names);
    }
  }
  ParamMap resolved;
  for (const ParamSpec& s : unit.params) {
    const auto it = overrides.find(s.name);
    const std::int64_t v = it == overrides.end() ? s.default_value : it->second;
    if (v < s.min || v > s.max) {
      fail(unit, "parameter " + s.name + " = " + std::to_string(v) + " is out of range, expected " +
                     std::to_string(s.min) + ".." + std::to_string(s.max) + " (" + s.doc + ")");
    }
    resolved[s.name] = v;
  }
  check_cross(unit, resolved);
  return resolved;
}

int latency_cycles(const UnitSpec& unit, const ParamMap& resolved) {
  if (unit.name == "fx_requant") return 0;
  return static_cast<int>(param(resolved, "STAGES"));
}

std::int64_t param(const ParamMap& resolved, const std::string& name) {
  const auto it = resolved.find(name);
  if (it == resolved.end()) throw UnitParamError("parameter " + name + " is not set");
  return it->second;
}

std::string format_params(const UnitSpec& unit, const ParamMap& resolved) {
  std::string s;
  for (const ParamSpec& spec : unit.params) {
    const auto it = resolved.find(spec.name);
    if (it == resolved.end()) continue;
    s += (s.empty() ? "" : " ") + spec.name + "=" + std::to_string(it->second);
  }
  return s;
}

}  // namespace fxsim::units
