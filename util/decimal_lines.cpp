#include "util/decimal_lines.hpp"

#include <cmath>
#include <cstdlib>

#include "util/strings.hpp"

namespace fxsim::util {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// What a malformed line looked like, shortened for the error message.
std::string quote_line(std::string_view line) {
  constexpr std::size_t kMaxShown = 80;
  if (line.size() <= kMaxShown) return "'" + std::string(line) + "'";
  return "'" + std::string(line.substr(0, kMaxShown)) + "'... (" + std::to_string(line.size()) +
         " characters)";
}

}  // namespace

bool is_decimal_syntax(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  std::size_t mantissa_digits = 0;
  while (i < n && is_digit(s[i])) ++i, ++mantissa_digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_digit(s[i])) ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exponent_digits = 0;
    while (i < n && is_digit(s[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  return i == n;
}

std::optional<double> DecimalLineReader::next() {
  if (!std::getline(in_, line_)) return std::nullopt;
  ++line_number_;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();  // CRLF files
  const std::string where = source_ + " line " + std::to_string(line_number_) + ": ";
  const std::string_view text = trim(line_);
  if (!is_decimal_syntax(text)) {
    throw DecimalInputError(where + "expected a decimal number, got " + quote_line(line_));
  }
  const std::string token(text);
  const double value = std::strtod(token.c_str(), nullptr);  // the syntax is checked
  if (std::isinf(value)) {
    throw DecimalInputError(where + quote_line(line_) +
                            " is beyond the range of a double (about 1.8e308)");
  }
  return value;
}

}  // namespace fxsim::util
