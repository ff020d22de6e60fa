// `fxsim quantize`: quantize decimal numbers read from stdin to a number format
// (fixed/ufixed/ap_fixed/ap_ufixed/khot/ukhot/spt) and print the values, raw
// integers, K-hot terms, or error statistics over the whole input.
//
// Every input line is read to the nearest double; the cast then uses that
// double's exact binary value (so "0.1" is quantized as
// 0.1000000000000000055511151231257827...).
#include <fmt/core.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "apps/commands.hpp"
#include "fx/fx.hpp"
#include "util/strings.hpp"

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim quantize";

struct QuantizeOptions {
  std::string type;
  bool raw = false;
  bool encode = false;
  bool stats = false;
  bool all_modes = false;
};

template <typename... Args>
void print_error(fmt::format_string<Args...> format, Args&&... args) {
  std::fflush(stdout);  // everything printed so far comes before the error
  fmt::print(stderr, "{}: {}\n", kCommand, fmt::format(format, std::forward<Args>(args)...));
}

// ---------------------------------------------------------------------------
// Input: one decimal number per line.

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// A decimal number: [+-] (digits [. digits] | . digits) [(e|E) [+-] digits].
// No hexadecimal, nan, inf or anything else std::strtod would also accept.
bool is_decimal_syntax(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  size_t mantissa_digits = 0;
  while (i < n && is_digit(s[i])) ++i, ++mantissa_digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_digit(s[i])) ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exponent_digits = 0;
    while (i < n && is_digit(s[i])) ++i, ++exponent_digits;
    if (exponent_digits == 0) return false;
  }
  return i == n;
}

// What a malformed line looked like, shortened for the error message.
std::string quote_line(std::string_view line) {
  constexpr size_t kMaxShown = 80;
  if (line.size() <= kMaxShown) return fmt::format("'{}'", line);
  return fmt::format("'{}'... ({} characters)", line.substr(0, kMaxShown), line.size());
}

// A malformed input line (exit code 2), as opposed to any other failure.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads stdin line by line; parse errors name the line number and content.
class InputReader {
 public:
  // The next value; nullopt at the end of input. Throws InputError for a malformed line.
  std::optional<double> next() {
    if (!std::getline(std::cin, line_)) return std::nullopt;
    ++line_number_;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();  // CRLF files
    const std::string_view text = util::trim(line_);
    if (!is_decimal_syntax(text)) {
      throw InputError(fmt::format("stdin line {}: expected a decimal number, got {}", line_number_,
                                   quote_line(line_)));
    }
    const std::string token(text);
    char* end = nullptr;
    const double value = std::strtod(token.c_str(), &end);
    if (end != token.c_str() + token.size()) {  // cannot happen after the syntax check
      throw InputError(fmt::format("stdin line {}: expected a decimal number, got {}", line_number_,
                                   quote_line(line_)));
    }
    if (std::isinf(value)) {
      throw InputError(
          fmt::format("stdin line {}: {} is beyond the range of a double (about 1.8e308)",
                      line_number_, quote_line(line_)));
    }
    // Underflow is fine: the nearest double, possibly subnormal or zero, is
    // exactly what we quantize.
    return value;
  }

 private:
  std::string line_;
  size_t line_number_ = 0;
};

// ---------------------------------------------------------------------------
// Value, raw and term output.

std::string raw_text(int64_t raw, bool is_unsigned) {
  return is_unsigned ? fmt::format("{}", static_cast<uint64_t>(raw)) : fmt::format("{}", raw);
}

std::string quantize_one(double x, const fx::FxType& t, const QuantizeOptions& o) {
  const int64_t raw = fx::cast_from_double(x, t);
  return o.raw ? raw_text(raw, !t.is_signed) : fx::exact_decimal(raw, t);
}

std::string quantize_one(double x, const fx::KhotType& t, const QuantizeOptions& o) {
  const int64_t raw = fx::khot_quantize(x, t);
  const bool is_unsigned = !t.is_signed();
  if (o.raw) return raw_text(raw, is_unsigned);
  if (o.encode) return fx::format_terms(fx::khot_encode(raw, t), t.frac_bits());
  return fx::exact_decimal(raw, t.frac_bits(), is_unsigned);
}

int run_values(const fx::NumType& type, const QuantizeOptions& o) {
  InputReader reader;
  std::string out;
  constexpr size_t kFlushAt = 1 << 16;
  auto flush = [&out] {
    std::fwrite(out.data(), 1, out.size(), stdout);
    out.clear();
  };
  try {
    while (const std::optional<double> x = reader.next()) {
      out += std::visit([&](const auto& t) { return quantize_one(*x, t, o); }, type);
      out += '\n';
      if (out.size() >= kFlushAt) flush();
    }
  } catch (const InputError& e) {
    flush();
    print_error("{}", e.what());
    return kExitUsage;
  } catch (...) {
    flush();  // the values before the failure, then the caller reports it
    throw;
  }
  flush();
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    print_error("error writing to stdout");
    return kExitFailure;
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------
// Error statistics.

struct ErrorStats {
  std::string type;
  uint64_t count = 0;
  long double sum_error = 0;    // sum of (quantized - input)
  long double sum_error2 = 0;   // sum of (quantized - input)^2
  long double sum_signal2 = 0;  // sum of input^2
  long double max_abs_error = 0;
  uint64_t overflows = 0;
  std::optional<uint64_t> ties;  // not defined for K-hot types
  uint64_t inexact = 0;

  void add(double x, long double q) {
    const long double e = q - static_cast<long double>(x);
    ++count;
    sum_error += e;
    sum_error2 += e * e;
    sum_signal2 += static_cast<long double>(x) * x;
    max_abs_error = std::max(max_abs_error, std::fabs(e));
  }
};

// The exact value of a raw integer with `frac_bits` fraction bits (long double
// holds every 64-bit raw exactly on x86-64).
long double raw_value(int64_t raw, int frac_bits, bool is_unsigned) {
  const long double r = is_unsigned ? static_cast<long double>(static_cast<uint64_t>(raw))
                                    : static_cast<long double>(raw);
  return std::ldexp(r, -frac_bits);
}

ErrorStats compute_stats(const std::vector<double>& xs, const fx::FxType& t) {
  ErrorStats s;
  s.type = t.str();
  std::vector<int64_t> raw(xs.size());
  fx::CastStats flags;
  fx::cast_array_from_double(xs.data(), xs.size(), raw.data(), t, &flags);
  for (size_t i = 0; i < xs.size(); ++i) {
    s.add(xs[i], raw_value(raw[i], t.frac_bits(), !t.is_signed));
  }
  s.overflows = flags.overflows;
  s.ties = flags.ties;
  s.inexact = flags.inexact;
  return s;
}

// K-hot / SPT: an overflow is an input outside [min, max] of the type (it is
// clamped); inexact counts values that rounding changed, i.e. whose quantized
// value differs from the input clamped to [min, max]; ties are not reported.
ErrorStats compute_stats(const std::vector<double>& xs, const fx::KhotType& t) {
  ErrorStats s;
  s.type = t.str();
  const long double max_value =
      std::ldexp(static_cast<long double>(t.max_magnitude()), -t.frac_bits());
  const long double min_value = t.is_signed() ? -max_value : 0.0L;
  for (const double x : xs) {
    const long double q = raw_value(fx::khot_quantize(x, t), t.frac_bits(), !t.is_signed());
    s.add(x, q);
    s.overflows += (x > max_value || x < min_value);
    const long double clamped = std::clamp(static_cast<long double>(x), min_value, max_value);
    s.inexact += (q != clamped);
  }
  return s;
}

std::string format_real(long double v) { return fmt::format("{:.6g}", static_cast<double>(v)); }

// One table row, as text cells, in the column order of kStatsColumns.
constexpr const char* kStatsColumns[] = {"type",     "count",   "mse",       "rmse", "max_abs_err",
                                         "mean_err", "sqnr_db", "overflows", "ties", "inexact"};
constexpr size_t kNumStatsColumns = sizeof(kStatsColumns) / sizeof(kStatsColumns[0]);

std::vector<std::string> stats_row(const ErrorStats& s) {
  std::vector<std::string> row{s.type, fmt::format("{}", s.count)};
  if (s.count == 0) {
    for (int i = 0; i < 5; ++i) row.emplace_back("n/a");
  } else {
    const long double n = static_cast<long double>(s.count);
    const long double mse = s.sum_error2 / n;
    row.push_back(format_real(mse));
    row.push_back(format_real(std::sqrt(mse)));
    row.push_back(format_real(s.max_abs_error));
    row.push_back(format_real(s.sum_error / n));
    if (s.sum_error2 == 0) {
      row.emplace_back("inf");
    } else if (s.sum_signal2 == 0) {
      row.emplace_back("-inf");
    } else {
      row.push_back(fmt::format(
          "{:.2f}", static_cast<double>(10.0L * std::log10(s.sum_signal2 / s.sum_error2))));
    }
  }
  row.push_back(fmt::format("{}", s.overflows));
  row.push_back(s.ties ? fmt::format("{}", *s.ties) : std::string("n/a"));
  row.push_back(fmt::format("{}", s.inexact));
  return row;
}

// Aligned table: the type column left-aligned, numbers right-aligned, two
// spaces between columns.
void print_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(kNumStatsColumns);
  for (size_t c = 0; c < kNumStatsColumns; ++c)
    width[c] = std::string_view(kStatsColumns[c]).size();
  for (const auto& row : rows) {
    for (size_t c = 0; c < kNumStatsColumns; ++c) width[c] = std::max(width[c], row[c].size());
  }
  auto print_row = [&](auto cell_of) {
    std::string line;
    for (size_t c = 0; c < kNumStatsColumns; ++c) {
      if (c > 0) line += "  ";
      if (c == 0) {
        line += fmt::format("{:<{}}", cell_of(c), width[c]);
      } else {
        line += fmt::format("{:>{}}", cell_of(c), width[c]);
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    fmt::print("{}\n", line);
  };
  print_row([](size_t c) { return std::string_view(kStatsColumns[c]); });
  for (const auto& row : rows) print_row([&row](size_t c) { return std::string_view(row[c]); });
}

// Every rounding x overflow combination at the signedness, W, I and N of t
// (N only matters for WRAP and WRAP_SM; WRAP_SM only exists for signed types).
std::vector<fx::FxType> all_mode_types(const fx::FxType& t) {
  std::vector<fx::FxType> types;
  for (const fx::Rounding q : fx::kAllRoundings) {
    for (const fx::Overflow o : fx::kAllOverflows) {
      if (!t.is_signed && o == fx::Overflow::WRAP_SM) continue;
      const bool wraps = (o == fx::Overflow::WRAP || o == fx::Overflow::WRAP_SM);
      const int n = wraps ? t.sat_bits : 0;
      types.push_back(t.is_signed ? fx::FxType::make_signed(t.width, t.int_bits, q, o, n)
                                  : fx::FxType::make_unsigned(t.width, t.int_bits, q, o, n));
    }
  }
  return types;
}

int run_stats(const fx::NumType& type, const QuantizeOptions& o) {
  std::vector<double> xs;
  try {
    InputReader reader;
    while (const std::optional<double> x = reader.next()) xs.push_back(*x);
  } catch (const InputError& e) {
    print_error("{}", e.what());
    return kExitUsage;
  }

  std::vector<std::vector<std::string>> rows;
  if (o.all_modes) {
    for (const fx::FxType& t : all_mode_types(std::get<fx::FxType>(type))) {
      rows.push_back(stats_row(compute_stats(xs, t)));
    }
  } else {
    rows.push_back(
        stats_row(std::visit([&](const auto& t) { return compute_stats(xs, t); }, type)));
  }
  print_table(rows);
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    print_error("error writing to stdout");
    return kExitFailure;
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------

int run_quantize(const QuantizeOptions& o) {
  fx::NumType type;
  try {
    type = fx::parse_type(o.type);
  } catch (const std::invalid_argument& e) {  // TypeParseError or FxTypeError
    print_error("--type: {}", e.what());
    return kExitUsage;
  }
  const bool is_fixed = std::holds_alternative<fx::FxType>(type);
  if (o.encode && is_fixed) {
    print_error(
        "--encode prints K-hot / signed-power-of-two terms and needs a khot<W,I,K>, "
        "ukhot<W,I,K> or spt<W,I,K> type, not {}",
        fx::type_str(type));
    return kExitUsage;
  }
  if (o.all_modes && !is_fixed) {
    print_error(
        "--all-modes varies the rounding and overflow modes of a fixed-point type "
        "(fixed/ufixed/ap_fixed/ap_ufixed), not {}",
        fx::type_str(type));
    return kExitUsage;
  }
  try {
    return o.stats ? run_stats(type, o) : run_values(type, o);
  } catch (const std::exception& e) {  // a bug in fx/ rather than bad input
    print_error("internal error: {}", e.what());
    return kExitFailure;
  }
}

}  // namespace

void add_quantize_command(CLI::App& app, CommandStatus& status) {
  auto options = std::make_shared<QuantizeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "quantize", "Quantize numbers read from stdin to a fixed-point or K-hot format");
  cmd->add_option("-t,--type", options->type,
                  "Number format: fixed<W,I[,Q[,O[,N]]]>, ufixed<...>, ap_fixed<...>, "
                  "ap_ufixed<...>, khot<W,I,K>, ukhot<W,I,K> or spt<W,I,K>")
      ->required();
  CLI::Option* raw =
      cmd->add_flag("--raw", options->raw,
                    "Print the raw integer (value x 2^(W-I)) in decimal instead of the value");
  CLI::Option* encode =
      cmd->add_flag("--encode", options->encode,
                    "Print the shift-add terms of the quantized value, e.g. '+2^-1 -2^-4' "
                    "(khot/ukhot/spt types only)");
  CLI::Option* stats = cmd->add_flag(
      "--stats", options->stats,
      "Print error statistics of the whole input instead of values: count, mse, rmse, "
      "max_abs_err, mean_err, sqnr_db, overflows, ties, inexact");
  CLI::Option* all_modes =
      cmd->add_flag("--all-modes", options->all_modes,
                    "With --stats: one row per rounding x overflow mode at the W, I (and N) of a "
                    "fixed-point TYPE");
  raw->excludes(encode);
  stats->excludes(raw);
  stats->excludes(encode);
  all_modes->needs(stats);
  cmd->footer(
      "Prints one line per input line: the exact quantized value, the raw integer (--raw) or\n"
      "the K-hot terms (--encode); or, with --stats, error statistics of the whole input.\n"
      "Each line of stdin holds one decimal number (surrounding whitespace allowed; no nan, inf\n"
      "or hexadecimal). It is read to the nearest double, which is then quantized exactly.\n"
      "A malformed line stops the command with exit code 2.\n"
      "Examples:\n"
      "  echo 1.03125 | fxsim quantize --type 'fixed<8,3,RND_CONV,SAT>'\n"
      "  printf '0.3\\n-0.46\\n' | fxsim quantize --type 'spt<8,1,2>' --encode\n"
      "  fxsim quantize --type 'fixed<8,3>' --stats --all-modes < tensor.txt");
  cmd->callback([options, &status] { status.exit_code = run_quantize(*options); });
}

}  // namespace fxsim::cli
