// Decimal numbers read one per line (the input of `fxsim quantize`), with errors that name the
// line: strict decimal syntax ([+-] digits [. digits] [e [+-] digits]), never what std::strtod
// would also accept (hexadecimal, nan, inf).
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fxsim::util {

// A malformed line: "<source> line N: expected a decimal number, got '...'".
struct DecimalInputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool is_decimal_syntax(std::string_view s);

class DecimalLineReader {
 public:
  // `source` names the input in messages ("stdin").
  DecimalLineReader(std::istream& in, std::string source) : in_(in), source_(std::move(source)) {}
  // The next value, the double nearest to the decimal (subnormal or zero on underflow); nullopt
  // at the end of input. Leading and trailing white space and a CR are ignored. Throws
  // DecimalInputError for a malformed line or a value beyond the range of a double.
  std::optional<double> next();

 private:
  std::istream& in_;
  std::string source_;
  std::string line_;
  std::size_t line_number_ = 0;
};

}  // namespace fxsim::util
