// The one reader of fxsim's TOML files (design points, sweeps, training configs): toml++ for the
// syntax, then every table checked the same way, with one error format
// `FILE:LINE[:COLUMN]: key: what was expected` and the first unknown key of a table reported in
// file order. Each parser keeps its own keys, ranges and rules; this is what they share.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fxsim::util {

struct TomlLocation {
  int line = 0;  // 0: no line (the whole file)
  int column = 0;
};
TomlLocation toml_location(const toml::source_region& r);

// "string", "integer", "float", "boolean", "array", "table", "date/time".
std::string toml_type_name(const toml::node& n);

// The names a key may take, in the order messages list them.
template <typename E>
using NameTable = std::vector<std::pair<std::string, E>>;

// Where a file's problems are reported and how: "FILE:LINE: " or "FILE:LINE:COLUMN: " before
// "key: what", handed to `raise`, which throws the parser's own error type (never returns).
class TomlErrors {
 public:
  using Raise = void (*)(const std::string& message);
  TomlErrors(std::string path, bool columns, Raise raise)
      : path_(std::move(path)), columns_(columns), raise_(raise) {}
  const std::string& path() const { return path_; }
  std::string where(TomlLocation at) const;  // "FILE:LINE[:COLUMN]: ", or "FILE: " without a line
  [[noreturn]] void fail(TomlLocation at, const std::string& key, const std::string& what) const;
  [[noreturn]] void raise(const std::string& message) const;

 private:
  std::string path_;
  bool columns_;
  Raise raise_;
};

// The document; a syntax error is "FILE:LINE[:COLUMN]: toml: <toml++'s description>".
toml::table parse_toml(std::string_view text, const TomlErrors& errors);
// The file's bytes; an unreadable file is "FILE: cannot open <what>".
std::string read_toml_file(const std::string& path, const std::string& what,
                           const TomlErrors& errors);

// More about an unknown key than the names its table allows, e.g. where the key belongs
// ("`epochs` is a key of [float] and [qat]"); appended to the message after "; ".
using UnknownKeyHint = std::function<std::string(const std::string& key)>;

class TomlTable {
 public:
  // The table `name` ("" for the root: its keys' names are the keys alone) found at `where`;
  // `t` null: an absent table, whose keys are all absent. Fails on the first key, in file order,
  // that `allowed` does not list: "unknown key; expected one of A, B" (then "; " and `hint`'s
  // text for the key, when there is one).
  TomlTable(const TomlErrors& errors, const toml::table* t, std::string name, TomlLocation where,
            const std::vector<std::string>& allowed, const UnknownKeyHint& hint = {});

  bool present() const { return t_ != nullptr; }
  TomlLocation where() const { return where_; }
  const std::string& name() const { return name_; }
  std::string full(const std::string& key) const;  // "name.key"
  const toml::node* find(const std::string& key) const;
  // The key's value, or the table's location when the key is absent.
  TomlLocation location(const std::string& key) const;
  // The sub-table `key` (its location in *at); null when absent; another type fails.
  const toml::table* table(const std::string& key, TomlLocation* at = nullptr) const;
  // The same as a TomlTable named "name.key" (absent: no location), rejecting unknown keys.
  TomlTable sub(const std::string& key, const std::vector<std::string>& allowed) const;
  const TomlErrors& errors() const { return errors_; }

  [[noreturn]] void fail(const toml::node& n, const std::string& key,
                         const std::string& what) const;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;  // at location()
  [[noreturn]] void missing(const std::string& key, const std::string& expected) const;

  // Values by type: nullopt when absent; another type fails "expected <expected>, found a T".
  std::optional<std::int64_t> integer(const std::string& key,
                                      const std::string& expected = "an integer") const;
  std::optional<double> number(const std::string& key,  // an integer is a number too
                               const std::string& expected = "a number") const;
  std::optional<std::string> string(const std::string& key,
                                    const std::string& expected = "a string") const;
  std::optional<bool> boolean(const std::string& key,
                              const std::string& expected = "true or false") const;
  // An integer in lo..hi: "expected an integer in lo..hi, got V" beyond it.
  std::optional<std::int64_t> integer_in(const std::string& key, std::int64_t lo,
                                         std::int64_t hi) const;
  // One of `names`: "\"V\" is not one of A, B".
  template <typename E>
  std::optional<E> name(const std::string& key, const NameTable<E>& names) const {
    const toml::node* n = find(key);
    if (!n) return std::nullopt;
    return pick(*n, key, names);
  }

  // The same checks of one node (an array element, an axis value) of key `key`.
  std::int64_t as_integer(const toml::node& n, const std::string& key,
                          const std::string& expected) const;
  std::int64_t as_integer_in(const toml::node& n, const std::string& key, std::int64_t lo,
                             std::int64_t hi) const;
  double as_number(const toml::node& n, const std::string& key,
                   const std::string& expected = "a number") const;
  std::string as_string(const toml::node& n, const std::string& key,
                        const std::string& expected = "a string") const;
  template <typename E>
  E pick(const toml::node& n, const std::string& key, const NameTable<E>& names) const {
    const std::string value = as_string(n, key, "a string, one of " + list(names));
    for (const auto& [name, e] : names) {
      if (name == value) return e;
    }
    fail(n, key, "\"" + value + "\" is not one of " + list(names));
  }

 private:
  template <typename E>
  static std::string list(const NameTable<E>& names) {
    std::string s;
    for (const auto& entry : names) s += (s.empty() ? "" : ", ") + entry.first;
    return s;
  }

  const TomlErrors& errors_;
  const toml::table* t_;
  std::string name_;
  TomlLocation where_;
};

}  // namespace fxsim::util
