// CSV as RFC 4180 writes it: fields separated by a comma with no space around it, no trailing
// comma, CRLF line ends, a field quoted (and its quotes doubled) only when it holds a comma, a
// quote, CR or LF. The SCALE-Sim / Timeloop pitfalls (", " separators, trailing commas) cannot
// happen here because no caller formats a line itself.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace fxsim::traces {

// The field as it appears in the file (quoted when it must be).
std::string csv_field(std::string_view value);

class CsvWriter {
 public:
  explicit CsvWriter(std::ostream& out) : out_(out) {}
  // One record; every record of a file should have the header's field count (not checked here:
  // the callers build rows from one column list).
  void row(const std::vector<std::string>& fields);

 private:
  std::ostream& out_;
};

}  // namespace fxsim::traces
