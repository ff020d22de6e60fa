// The fxsim subcommands. Each lives in its own apps/cmd_<name>.cpp and adds
// itself to the top-level CLI11 app through one add_<name>_command function
// called from apps/main.cpp.
#pragma once

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string_view>
#include <utility>

namespace fxsim::cli {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed (I/O error, ...)
inline constexpr int kExitUsage = 2;    // bad arguments or bad input

// Where a subcommand's callback leaves its exit code for main() to return.
struct CommandStatus {
  int exit_code = kExitOk;
};

// "COMMAND: MESSAGE\n" on stderr, e.g. print_error("fxsim run", "cannot write {}", path). stdout
// is flushed first so that everything printed so far comes before the error.
template <typename... Args>
void print_error(std::string_view command, fmt::format_string<Args...> format, Args&&... args) {
  std::fflush(stdout);
  fmt::print(stderr, "{}: {}\n", command, fmt::format(format, std::forward<Args>(args)...));
}

// `fxsim quantize`: apps/cmd_quantize.cpp.
void add_quantize_command(CLI::App& app, CommandStatus& status);

// `fxsim synth`: apps/cmd_synth.cpp.
void add_synth_command(CLI::App& app, CommandStatus& status);

// `fxsim run`: apps/cmd_run.cpp.
void add_run_command(CLI::App& app, CommandStatus& status);

// `fxsim train`: apps/cmd_train.cpp.
void add_train_command(CLI::App& app, CommandStatus& status);

// `fxsim verify`: apps/cmd_verify.cpp.
void add_verify_command(CLI::App& app, CommandStatus& status);

// `fxsim sweep` (+ the hidden `fxsim sweep-worker`), `fxsim merge`, `fxsim report`:
// apps/cmd_sweep.cpp, apps/cmd_merge.cpp, apps/cmd_report.cpp.
void add_sweep_command(CLI::App& app, CommandStatus& status);
void add_merge_command(CLI::App& app, CommandStatus& status);
void add_report_command(CLI::App& app, CommandStatus& status);
void add_status_command(CLI::App& app, CommandStatus& status);  // apps/cmd_status.cpp

}  // namespace fxsim::cli
