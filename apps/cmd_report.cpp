// `fxsim report DIR`: DIR/report.md, a markdown summary of a sweep's results (best point per
// objective, Pareto tables, failed points) and PNG plots in DIR/plots. Exit codes: 0 written
// (with or without plots); 1 no results / unwritable.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "apps/commands.hpp"
#include "explore/report.hpp"

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim report";

}  // namespace

void add_report_command(CLI::App& app, CommandStatus& status) {
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("report", "Write a markdown summary of a sweep's results");
  cmd->add_option("dir", *dir, "Results directory of fxsim sweep or fxsim merge")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->footer(
      "Writes DIR/report.md: the run, point counts, the best point per objective, the Pareto "
      "tables and, when python3 with matplotlib is there, PNG plots in DIR/plots "
      "(scripts/plot_results.py; FXSIM_PYTHON / FXSIM_PLOT_SCRIPT override the interpreter and "
      "script).");
  cmd->callback([dir, &status] {
    try {
      const auto path = explore::write_report(*dir);
      const explore::PlotOutcome plots = explore::draw_plots(*dir);
      explore::append_plots(path, *dir, plots);
      fmt::print("report: {}\n", path.string());
      if (plots.drawn()) {
        fmt::print("plots: {} PNG files in {}/plots\n", plots.lines.size(), *dir);
      } else {
        fmt::print("plots: not drawn ({})\n", plots.why_not());
      }
      status.exit_code = kExitOk;
    } catch (const std::exception& e) {
      print_error(kCommand, "{}", e.what());
      status.exit_code = kExitFailure;
    }
  });
}

}  // namespace fxsim::cli
