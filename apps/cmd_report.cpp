// `fxsim report DIR`: DIR/report.md, a markdown summary of a sweep's results (best point per
// objective, Pareto tables, failed points). Exit codes: 0 written; 1 no results / unwritable.
#include <fmt/core.h>

#include <memory>
#include <string>

#include "apps/commands.hpp"
#include "apps/sweep/report.hpp"

namespace fxsim::cli {

void add_report_command(CLI::App& app, CommandStatus& status) {
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("report", "Write a markdown summary of a sweep's results");
  cmd->add_option("dir", *dir, "Results directory of fxsim sweep or fxsim merge")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->footer(
      "Writes DIR/report.md: the run, point counts, the best point per objective and "
      "the Pareto tables.");
  cmd->callback([dir, &status] {
    try {
      const auto path = sweep::write_report(*dir);
      fmt::print("report: {}\n", path.string());
      status.exit_code = kExitOk;
    } catch (const std::exception& e) {
      fmt::print(stderr, "fxsim report: {}\n", e.what());
      status.exit_code = kExitFailure;
    }
  });
}

}  // namespace fxsim::cli
