#include "util/toml_table.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fxsim::util {

TomlLocation toml_location(const toml::source_region& r) {
  return {std::max<int>(1, r.begin.line), std::max<int>(1, r.begin.column)};
}

std::string toml_type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "string";
    case toml::node_type::integer:
      return "integer";
    case toml::node_type::floating_point:
      return "float";
    case toml::node_type::boolean:
      return "boolean";
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "array";
    default:
      return "date/time";
  }
}

std::string TomlErrors::where(TomlLocation at) const {
  if (at.line <= 0) return path_ + ": ";
  std::string s = path_ + ":" + std::to_string(at.line);
  if (columns_) s += ":" + std::to_string(at.column);
  return s + ": ";
}

void TomlErrors::fail(TomlLocation at, const std::string& key, const std::string& what) const {
  raise(where(at) + key + ": " + what);
}

void TomlErrors::raise(const std::string& message) const {
  raise_(message);
  std::abort();  // raise_ throws; a Raise that returns is a programming error
}

toml::table parse_toml(std::string_view text, const TomlErrors& errors) {
  try {
    return toml::parse(text, errors.path());
  } catch (const toml::parse_error& e) {
    errors.raise(errors.where(toml_location(e.source())) + "toml: " + std::string(e.description()));
  }
}

std::string read_toml_file(const std::string& path, const std::string& what,
                           const TomlErrors& errors) {
  std::ifstream in(path, std::ios::binary);
  if (!in) errors.raise(path + ": cannot open " + what);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TomlTable::TomlTable(const TomlErrors& errors, const toml::table* t, std::string name,
                     TomlLocation where, const std::vector<std::string>& allowed,
                     const UnknownKeyHint& hint)
    : errors_(errors), t_(t), name_(std::move(name)), where_(where) {
  if (!t_) return;
  const toml::key* bad = nullptr;  // the first unknown key in file order
  for (const auto& [k, v] : *t_) {
    (void)v;
    if (std::find(allowed.begin(), allowed.end(), std::string(k.str())) != allowed.end()) continue;
    if (!bad || k.source().begin < bad->source().begin) bad = &k;
  }
  if (bad) {
    std::string names;
    for (const std::string& a : allowed) names += (names.empty() ? "" : ", ") + a;
    const std::string more = hint ? hint(std::string(bad->str())) : std::string();
    errors_.fail(toml_location(bad->source()), full(std::string(bad->str())),
                 "unknown key; expected one of " + names + (more.empty() ? "" : "; " + more));
  }
}

std::string TomlTable::full(const std::string& key) const {
  return name_.empty() ? key : name_ + "." + key;
}

const toml::node* TomlTable::find(const std::string& key) const {
  return t_ ? t_->get(key) : nullptr;
}

TomlLocation TomlTable::location(const std::string& key) const {
  const toml::node* n = find(key);
  return n ? toml_location(n->source()) : where_;
}

const toml::table* TomlTable::table(const std::string& key, TomlLocation* at) const {
  const toml::node* n = find(key);
  if (!n) return nullptr;
  if (at) *at = toml_location(n->source());
  if (!n->is_table()) {
    fail(*n, key, "expected a table [" + full(key) + "], found a " + toml_type_name(*n));
  }
  return n->as_table();
}

TomlTable TomlTable::sub(const std::string& key, const std::vector<std::string>& allowed) const {
  TomlLocation at;
  const toml::table* t = table(key, &at);
  return TomlTable(errors_, t, full(key), at, allowed);
}

void TomlTable::fail(const toml::node& n, const std::string& key, const std::string& what) const {
  errors_.fail(toml_location(n.source()), full(key), what);
}

void TomlTable::fail(const std::string& key, const std::string& what) const {
  errors_.fail(location(key), full(key), what);
}

void TomlTable::missing(const std::string& key, const std::string& expected) const {
  errors_.fail(where_, full(key), "missing; expected " + expected);
}

std::optional<std::int64_t> TomlTable::integer(const std::string& key,
                                               const std::string& expected) const {
  const toml::node* n = find(key);
  if (!n) return std::nullopt;
  return as_integer(*n, key, expected);
}

std::optional<double> TomlTable::number(const std::string& key, const std::string& expected) const {
  const toml::node* n = find(key);
  if (!n) return std::nullopt;
  return as_number(*n, key, expected);
}

std::optional<std::string> TomlTable::string(const std::string& key,
                                             const std::string& expected) const {
  const toml::node* n = find(key);
  if (!n) return std::nullopt;
  return as_string(*n, key, expected);
}

std::optional<bool> TomlTable::boolean(const std::string& key, const std::string& expected) const {
  const toml::node* n = find(key);
  if (!n) return std::nullopt;
  if (!n->is_boolean()) fail(*n, key, "expected " + expected + ", found a " + toml_type_name(*n));
  return n->as_boolean()->get();
}

std::optional<std::int64_t> TomlTable::integer_in(const std::string& key, std::int64_t lo,
                                                  std::int64_t hi) const {
  const toml::node* n = find(key);
  if (!n) return std::nullopt;
  return as_integer_in(*n, key, lo, hi);
}

std::int64_t TomlTable::as_integer(const toml::node& n, const std::string& key,
                                   const std::string& expected) const {
  if (!n.is_integer()) fail(n, key, "expected " + expected + ", found a " + toml_type_name(n));
  return n.as_integer()->get();
}

std::int64_t TomlTable::as_integer_in(const toml::node& n, const std::string& key, std::int64_t lo,
                                      std::int64_t hi) const {
  const std::string expected = "an integer in " + std::to_string(lo) + ".." + std::to_string(hi);
  const std::int64_t v = as_integer(n, key, expected);
  if (v < lo || v > hi) fail(n, key, "expected " + expected + ", got " + std::to_string(v));
  return v;
}

double TomlTable::as_number(const toml::node& n, const std::string& key,
                            const std::string& expected) const {
  if (n.is_integer()) return static_cast<double>(n.as_integer()->get());
  if (!n.is_floating_point()) {
    fail(n, key, "expected " + expected + ", found a " + toml_type_name(n));
  }
  return n.as_floating_point()->get();
}

std::string TomlTable::as_string(const toml::node& n, const std::string& key,
                                 const std::string& expected) const {
  if (!n.is_string()) fail(n, key, "expected " + expected + ", found a " + toml_type_name(n));
  return n.as_string()->get();
}

}  // namespace fxsim::util
