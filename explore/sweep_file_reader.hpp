// What the readers of the sweep file's tables share (sweep_file.cpp, sweep_workload_file.cpp,
// sweep_axes_file.cpp): the one TOML table reader (util/toml_table.hpp) with columns in every
// location, and the sweep file's own value kinds: fx types, [low, high] ranges, axes.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "explore/sweep_spec.hpp"
#include "fx/type_parser.hpp"
#include "util/toml_table.hpp"

namespace fxsim::explore::sweep_file {

using util::TomlTable;

inline Location location_of(const toml::source_region& r) {
  const util::TomlLocation l = util::toml_location(r);
  return {l.line, l.column};
}
inline util::TomlLocation toml_at(Location l) { return {l.line, l.column}; }

// `FILE:LINE:COLUMN: key: what` at a location the table does not hold (e.g. an axis value).
[[noreturn]] inline void fail_at(const TomlTable& t, Location at, const std::string& key,
                                 const std::string& what) {
  t.errors().fail(toml_at(at), key, what);
}

// A fixed-point type string.
fx::FxType fx_type(const TomlTable& t, const toml::node& n, const std::string& key);

// [lo, hi] with lo < hi; nullopt when absent.
std::optional<std::pair<double, double>> range(const TomlTable& t, const std::string& key);

// An axis: a value or an array of values, each converted by `convert` (which fails through the
// table). Absent: `defaults` at the table's location. A value listed twice fails.
template <typename T, typename Convert>
Axis<T> axis(const TomlTable& t, const std::string& key, std::vector<T> defaults, Convert convert) {
  Axis<T> ax;
  const toml::node* n = t.find(key);
  const Location table_at{t.where().line, t.where().column};
  if (!n) {
    ax.values = std::move(defaults);
    ax.key = table_at;
    ax.where.assign(ax.values.size(), table_at);
    return ax;
  }
  ax.key = location_of(n->source());
  auto add = [&](const toml::node& v) {
    T value = convert(v);
    if (std::find(ax.values.begin(), ax.values.end(), value) != ax.values.end()) {
      t.fail(v, key, "value listed twice");
    }
    ax.values.push_back(std::move(value));
    ax.where.push_back(location_of(v.source()));
  };
  if (const toml::array* a = n->as_array()) {
    if (a->empty()) t.fail(*n, key, "expected at least one value");
    for (const toml::node& v : *a) add(v);
  } else {
    add(*n);
  }
  return ax;
}

// The readers of the tables, in the order parse_sweep calls them.
void read_workload(SweepSpec* spec, const TomlTable& root);
void read_axes(SweepSpec* spec, const TomlTable& root);

}  // namespace fxsim::explore::sweep_file
