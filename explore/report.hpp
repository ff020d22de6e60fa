// `fxsim report DIR`: DIR/report.md from DIR/results.sqlite: the run, point counts by status,
// the best point per objective, the Pareto tables, the failed points. (PNG plots: notebooks/.)
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

}  // namespace fxsim::explore
