// `fxsim report DIR`: DIR/report.md from DIR/results.sqlite: the run, point counts by status,
// the best point per objective, the Pareto tables, the failed points; then PNG plots in
// DIR/plots drawn by scripts/plot_results.py (docs/notebooks/README.md) and linked from a
// "Plots" section of report.md.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "traces/results_db.hpp"

namespace fxsim::explore {

std::string report_markdown(const std::vector<traces::RunInfo>& runs,
                            const std::vector<traces::ResultRow>& rows);

// Writes DIR/report.md; returns its path. Throws traces::ResultsDbError / std::runtime_error.
std::filesystem::path write_report(const std::filesystem::path& dir);

// What the plot script did: its exit code and non-empty output lines (the PNG paths on success,
// the reason otherwise). The report is written either way.
struct PlotOutcome {
  int exit_code = 127;
  std::vector<std::string> lines;

  bool drawn() const { return exit_code == 0; }
  // Why there are no plots: the script's last line.
  std::string why_not() const { return lines.empty() ? "python3 not found" : lines.back(); }
};

// Runs $FXSIM_PLOT_SCRIPT (default: scripts/plot_results.py of this source tree) on DIR with
// $FXSIM_PYTHON (default: /usr/bin/python3 when executable, else python3 on PATH).
PlotOutcome draw_plots(const std::filesystem::path& dir);

// Appends a "Plots" section to `report`: the PNGs as images (paths relative to DIR), or why
// there are none.
void append_plots(const std::filesystem::path& report, const std::filesystem::path& dir,
                  const PlotOutcome& plots);

}  // namespace fxsim::explore
