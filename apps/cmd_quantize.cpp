// `fxsim quantize`: quantize decimal numbers read from stdin to a number format
// (fixed/ufixed, sc_fixed/sc_ufixed/sc_int/sc_uint, ap_fixed/ap_ufixed/ap_int/ap_uint,
// khot/ukhot/spt) and print the values, raw integers, K-hot terms, or error
// statistics over the whole input. The spelling selects the semantics: SystemC
// for fixed and sc_*, Xilinx ap_fixed for ap_*.
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
#include "fx/quantization_error.hpp"
#include "util/decimal_lines.hpp"

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
  util::DecimalLineReader reader(std::cin, "stdin");
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
  } catch (const util::DecimalInputError& e) {
    flush();
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (...) {
    flush();  // the values before the failure, then the caller reports it
    throw;
  }
  flush();
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    print_error(kCommand, "error writing to stdout");
    return kExitFailure;
  }
  return kExitOk;
}

// ---------------------------------------------------------------------------
// Error statistics.

std::string format_real(long double v) { return fmt::format("{:.6g}", static_cast<double>(v)); }

// One table row, as text cells, in the column order of kStatsColumns.
constexpr const char* kStatsColumns[] = {"type",     "count",   "mse",       "rmse", "max_abs_err",
                                         "mean_err", "sqnr_db", "overflows", "ties", "inexact"};
constexpr size_t kNumStatsColumns = sizeof(kStatsColumns) / sizeof(kStatsColumns[0]);

std::vector<std::string> stats_row(const fx::QuantizationError& s) {
  std::vector<std::string> row{s.type, fmt::format("{}", s.count)};
  if (s.count == 0) {
    for (int i = 0; i < 5; ++i) row.emplace_back("n/a");
  } else {
    row.push_back(format_real(s.mse()));
    row.push_back(format_real(std::sqrt(s.mse())));
    row.push_back(format_real(s.max_abs_error));
    row.push_back(format_real(s.mean_error()));
    const long double sqnr = s.sqnr_db();
    if (std::isinf(sqnr)) {
      row.emplace_back(sqnr > 0 ? "inf" : "-inf");
    } else {
      row.push_back(fmt::format("{:.2f}", static_cast<double>(sqnr)));
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

// Every rounding x overflow combination at the signedness, W, I and N of t, in
// t's spelling and semantics (N only matters for WRAP and WRAP_SM; WRAP_SM only
// exists for signed types).
std::vector<fx::FxType> all_mode_types(const fx::FxType& t) {
  std::vector<fx::FxType> types;
  for (const fx::Rounding q : fx::kAllRoundings) {
    for (const fx::Overflow o : fx::kAllOverflows) {
      if (!t.is_signed && o == fx::Overflow::WRAP_SM) continue;
      const bool wraps = (o == fx::Overflow::WRAP || o == fx::Overflow::WRAP_SM);
      fx::FxType m = t;
      m.rounding = q;
      m.overflow = o;
      m.sat_bits = wraps ? t.sat_bits : 0;
      m.validate();
      types.push_back(m);
    }
  }
  return types;
}

int run_stats(const fx::NumType& type, const QuantizeOptions& o) {
  std::vector<double> xs;
  try {
    util::DecimalLineReader reader(std::cin, "stdin");
    while (const std::optional<double> x = reader.next()) xs.push_back(*x);
  } catch (const util::DecimalInputError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }

  std::vector<std::vector<std::string>> rows;
  if (o.all_modes) {
    for (const fx::FxType& t : all_mode_types(std::get<fx::FxType>(type))) {
      rows.push_back(stats_row(fx::quantization_error(xs, t)));
    }
  } else {
    rows.push_back(
        stats_row(std::visit([&](const auto& t) { return fx::quantization_error(xs, t); }, type)));
  }
  print_table(rows);
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    print_error(kCommand, "error writing to stdout");
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
    print_error(kCommand, "--type: {}", e.what());
    return kExitUsage;
  }
  const bool is_fixed = std::holds_alternative<fx::FxType>(type);
  if (o.encode && is_fixed) {
    print_error(kCommand,
                "--encode prints K-hot / signed-power-of-two terms and needs a khot<W,I,K>, "
                "ukhot<W,I,K> or spt<W,I,K> type, not {}",
                fx::type_str(type));
    return kExitUsage;
  }
  if (o.all_modes && !is_fixed) {
    print_error(kCommand,
                "--all-modes varies the rounding and overflow modes of a fixed-point type "
                "(fixed/ufixed, sc_fixed/sc_ufixed/sc_int/sc_uint, "
                "ap_fixed/ap_ufixed/ap_int/ap_uint), not {}",
                fx::type_str(type));
    return kExitUsage;
  }
  try {
    return o.stats ? run_stats(type, o) : run_values(type, o);
  } catch (const std::exception& e) {  // a bug in fx/ rather than bad input
    print_error(kCommand, "internal error: {}", e.what());
    return kExitFailure;
  }
}

}  // namespace

void add_quantize_command(CLI::App& app, CommandStatus& status) {
  auto options = std::make_shared<QuantizeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "quantize", "Quantize numbers read from stdin to a fixed-point or K-hot format");
  cmd->add_option("-t,--type", options->type,
                  "Number format: fixed<W,I[,Q[,O[,N]]]>, ufixed<...>, sc_fixed<...>, "
                  "sc_ufixed<...>, sc_int<W>, sc_uint<W> (SystemC semantics); ap_fixed<...>, "
                  "ap_ufixed<...>, ap_int<W>, ap_uint<W> (Xilinx ap_fixed semantics); "
                  "khot<W,I,K>, ukhot<W,I,K> or spt<W,I,K>")
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
      "Semantics follow the spelling: fixed<...>, ufixed<...> and the sc_ types round and\n"
      "overflow as SystemC sc_fixed; the ap_ types as Xilinx ap_fixed (Vitis HLS), which\n"
      "differs in three overflow corners: signed WRAP_SM with N = 0 when rounding carries\n"
      "into the top bit, unsigned WRAP with N > 0 below the range, signed 1-bit SAT_SYM\n"
      "(docs/fixed_point.md). ap_int<W>/sc_int<W> (and the uint ones) are <W,W,TRN,WRAP,0>.\n"
      "Examples:\n"
      "  echo 1.03125 | fxsim quantize --type 'fixed<8,3,RND_CONV,SAT>'\n"
      "  echo 15.5 | fxsim quantize --type 'ap_fixed<4,4,AP_RND,AP_WRAP_SM>'  # 0 (fixed<...>: "
      "-1)\n"
      "  printf '0.3\\n-0.46\\n' | fxsim quantize --type 'spt<8,1,2>' --encode\n"
      "  fxsim quantize --type 'fixed<8,3>' --stats --all-modes < tensor.txt");
  cmd->callback([options, &status] { status.exit_code = run_quantize(*options); });
}

}  // namespace fxsim::cli
