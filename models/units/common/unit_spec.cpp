#include "models/units/common/unit_spec.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <set>

namespace fxsim::units {

void fail(const UnitSpec& unit, const std::string& what) {
  throw UnitParamError(unit.name + ": " + what);
}

std::int64_t param(const ParamMap& resolved, const std::string& name) {
  const auto it = resolved.find(name);
  if (it == resolved.end()) throw UnitParamError("parameter " + name + " is not set");
  return it->second;
}

namespace {

// The name of `value` of an enumerated parameter; its decimal digits otherwise (or out of range).
std::string value_text(const ParamSpec& spec, std::int64_t value) {
  const std::int64_t i = value - spec.min;
  if (i >= 0 && i < static_cast<std::int64_t>(spec.value_names.size())) {
    return spec.value_names[static_cast<std::size_t>(i)];
  }
  return std::to_string(value);
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Upper case, '-' as '_', without an SC_ / AP_ prefix: how value names are compared.
std::string normalized(const std::string& s) {
  std::string n = upper(s);
  for (char& c : n) c = c == '-' ? '_' : c;
  if (n.rfind("SC_", 0) == 0 || n.rfind("AP_", 0) == 0) n.erase(0, 3);
  return n;
}

std::optional<std::int64_t> decimal(const std::string& text) {
  const char* first = text.c_str();
  const char* last = first + text.size();
  if (first != last && *first == '+') ++first;  // from_chars takes no '+'
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(first, last, v);
  if (first == last || ec != std::errc() || end != last) return std::nullopt;
  return v;
}

}  // namespace

std::string format_params(const UnitSpec& unit, const ParamMap& resolved) {
  std::string s;
  for (const ParamSpec& spec : unit.params) {
    const auto it = resolved.find(spec.name);
    if (it == resolved.end()) continue;
    s += (s.empty() ? "" : " ") + spec.name + "=" + value_text(spec, it->second);
  }
  return s;
}

std::string summarize_params(const UnitSpec& unit, const ParamMap& resolved) {
  auto has = [&](const std::string& n) { return resolved.count(n) > 0; };
  std::set<std::string> done;
  std::string s;
  if (unit.ignored) {
    for (const ParamSpec& spec : unit.params) {
      if (unit.ignored(spec.name, resolved)) done.insert(spec.name);
    }
  }
  for (const ParamSpec& spec : unit.params) {
    if (done.count(spec.name) || !has(spec.name)) continue;
    std::string item;
    const std::string& n = spec.name;
    const std::string prefix = n.size() > 2 ? n.substr(0, n.size() - 2) : std::string();
    if (n.size() > 2 && n.compare(n.size() - 2, 2, "_W") == 0 && has(prefix + "_FRAC") &&
        !done.count(prefix + "_FRAC")) {
      const std::int64_t w = resolved.at(n);
      const std::int64_t frac = resolved.at(prefix + "_FRAC");
      const bool is_signed = !has(prefix + "_SIGNED") || resolved.at(prefix + "_SIGNED") != 0;
      // The output's AP parameter is its semantics: spelled as ap_fixed (AP_ modes) when set.
      const bool ap = prefix == "OUT" && has("AP") && resolved.at("AP") != 0;
      if (prefix == "OUT") done.insert("AP");
      item = prefix + "=" + (ap ? "ap_" : "") + (is_signed ? "fixed<" : "ufixed<") +
             std::to_string(w) + "," + std::to_string(w - frac);
      done.insert({n, prefix + "_FRAC", prefix + "_SIGNED"});
      if (prefix == "OUT" && has("Q") && has("O")) {
        for (const ParamSpec& m : unit.params) {
          if (m.name == "Q" || m.name == "O") {
            item += std::string(",") + (ap ? "AP_" : "") + value_text(m, resolved.at(m.name));
          }
        }
        if (has("N") && resolved.at("N") != 0) item += "," + std::to_string(resolved.at("N"));
        done.insert({"Q", "O", "N"});
      }
      item += ">";
    } else {
      item = n + "=" + value_text(spec, resolved.at(n));
    }
    s += (s.empty() ? "" : " ") + item;
  }
  return s;
}

std::string describe_value_names(const ParamSpec& spec) {
  std::string s;
  for (std::size_t i = 0; i < spec.value_names.size(); ++i) {
    s += (i ? ", " : "") + std::to_string(spec.min + static_cast<std::int64_t>(i)) + " " +
         spec.value_names[i];
  }
  return s;
}

std::int64_t parse_param_value(const UnitSpec& unit, const std::string& name,
                               const std::string& text) {
  const auto spec = std::find_if(unit.params.begin(), unit.params.end(),
                                 [&](const ParamSpec& p) { return p.name == name; });
  if (spec == unit.params.end()) {
    std::string names;
    for (const ParamSpec& p : unit.params) names += (names.empty() ? "" : ", ") + p.name;
    fail(unit, "unknown parameter \"" + name + "\"; known parameters: " + names);
  }
  if (const std::optional<std::int64_t> v = decimal(text)) return *v;
  if (spec->value_names.empty()) {
    fail(unit, "the value of " + name + " must be a decimal integer, got \"" + text + "\"");
  }
  const std::string want = normalized(text);
  for (std::size_t i = 0; i < spec->value_names.size(); ++i) {
    if (normalized(spec->value_names[i]) == want) {
      return spec->min + static_cast<std::int64_t>(i);
    }
  }
  fail(unit, "\"" + text + "\" is not a value of " + name + "; expected an integer " +
                 std::to_string(spec->min) + ".." + std::to_string(spec->max) +
                 " or a name: " + describe_value_names(*spec));
}

}  // namespace fxsim::units
