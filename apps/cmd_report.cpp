// `fxsim report DIR`: DIR/report.md, a markdown summary of a sweep's results (best point per
// objective, Pareto tables, failed points) and PNG plots in DIR/plots. Exit codes: 0 written
// (with or without plots); 1 no results / unwritable.
#include <fmt/core.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "explore/report.hpp"

namespace fxsim::cli {
namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// scripts/plot_results.py DIR (docs/notebooks/README.md): its exit code and output lines
// (the PNG paths on success, the reason otherwise). The report is written either way.
struct PlotOutcome {
  int exit_code = 127;
  std::vector<std::string> lines;
};

PlotOutcome draw_plots(const std::string& dir) {
  const char* env_python = std::getenv("FXSIM_PYTHON");
  const std::string python = env_python                                ? env_python
                             : ::access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3"
                                                                       : "python3";
  const char* env_script = std::getenv("FXSIM_PLOT_SCRIPT");
  const std::string script =
      env_script ? env_script : std::string(FXSIM_SOURCE_DIR) + "/scripts/plot_results.py";
  const std::string cmd =
      shell_quote(python) + " " + shell_quote(script) + " " + shell_quote(dir) + " 2>&1";
  PlotOutcome out;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf{};
  std::string text;
  while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) text += buf.data();
  const int status = ::pclose(pipe);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 127;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) out.lines.push_back(line);
  }
  return out;
}

// Appends a "Plots" section to report.md: the PNGs as images, or why there are none.
void append_plots(const std::filesystem::path& report, const std::string& dir,
                  const PlotOutcome& plots) {
  std::ofstream md(report, std::ios::binary | std::ios::app);
  md << "\n## Plots\n\n";
  if (plots.exit_code == 0) {
    for (const std::string& png : plots.lines) {
      const std::string rel = std::filesystem::path(png).lexically_relative(dir).generic_string();
      const std::string name = std::filesystem::path(png).stem().string();
      md << "![" << name << "](" << rel << ")\n\n";
    }
  } else {
    const std::string why = plots.lines.empty() ? "python3 not found" : plots.lines.back();
    md << "Plots not drawn: " << why << "\n";
  }
}

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
      const PlotOutcome plots = draw_plots(*dir);
      append_plots(path, *dir, plots);
      fmt::print("report: {}\n", path.string());
      if (plots.exit_code == 0) {
        fmt::print("plots: {} PNG files in {}/plots\n", plots.lines.size(), *dir);
      } else {
        fmt::print("plots: not drawn ({})\n",
                   plots.lines.empty() ? "python3 not found" : plots.lines.back());
      }
      status.exit_code = kExitOk;
    } catch (const std::exception& e) {
      fmt::print(stderr, "fxsim report: {}\n", e.what());
      status.exit_code = kExitFailure;
    }
  });
}

}  // namespace fxsim::cli
