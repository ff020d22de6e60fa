// The columns of a sweep's results (DIR/results.sqlite table `points`, DIR/results.csv): one
// list, used by the database writer, the CSV writer and the documentation (traces/README.md).
// A row is one value per column, in this order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace fxsim::traces {

enum class ColumnType { INTEGER, REAL, TEXT };

struct Column {
  const char* name;
  ColumnType type;
  const char* meaning;  // one line for traces/README.md
};

// NULL, INTEGER, REAL, TEXT: what an SQLite cell holds.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

// Bumped whenever a column is added, removed or changes meaning; a results database of another
// version is refused (no silent mixing of schemas).
inline constexpr int kResultsSchemaVersion = 5;

const std::vector<Column>& result_columns();
// Index of `name` in result_columns(); throws std::out_of_range for an unknown name.
std::size_t column_index(std::string_view name);
std::string_view to_string(ColumnType t);  // "INTEGER", "REAL", "TEXT"

// A row of result_columns().size() values, addressed by column name.
class ResultRow {
 public:
  ResultRow();
  explicit ResultRow(std::vector<Value> values);
  void set(std::string_view column, Value v);
  const Value& get(std::string_view column) const;
  // Typed reads: nullopt-like defaults are the caller's business; these throw
  // std::bad_variant_access when the cell holds another type (NULL included).
  std::int64_t integer(std::string_view column) const;
  double real(std::string_view column) const;  // INTEGER cells convert
  const std::string& text(std::string_view column) const;
  bool is_null(std::string_view column) const;
  const std::vector<Value>& values() const { return values_; }

 private:
  std::vector<Value> values_;
};

// The CSV spelling of a cell: empty for NULL, decimal integers, the shortest decimal that reads
// back as the same double ("inf" for +infinity), text as is. Deterministic.
std::string format_value(const Value& v);

}  // namespace fxsim::traces
