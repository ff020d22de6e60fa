// The fxsim subcommands. Each lives in its own apps/cmd_<name>.cpp and adds
// itself to the top-level CLI11 app through one add_<name>_command function
// called from apps/main.cpp.
#pragma once

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

// CLI11 checks whose messages say what to do, e.g. "--model: File does not exist: m.fxm; train
// one with ...": `hint` is appended to CLI11's own message when the check fails.
inline CLI::Validator existing_file(const std::string& hint) {
  return CLI::Validator(
      [hint](std::string& path) {
        const std::string problem = CLI::ExistingFile(path);
        return problem.empty() ? problem : problem + "; " + hint;
      },
      "FILE");
}
inline CLI::Validator existing_directory(const std::string& hint) {
  return CLI::Validator(
      [hint](std::string& path) {
        const std::string problem = CLI::ExistingDirectory(path);
        return problem.empty() ? problem : problem + "; " + hint;
      },
      "DIR");
}

// What `fxsim verify` and `fxsim run` say about a missing model file / point file.
inline constexpr const char* kModelFileHint =
    "train one with `fxsim train --config docs/examples/train_small.toml --out DIR` (writes "
    "DIR/model_*.fxm), or run `make run`, which trains results/train_small/";
inline constexpr const char* kPointFileHint =
    "start from docs/examples/point_fx_mac.toml or point_khot.toml (format: docs/engine.md)";

// The exit code of a failed app.parse(): --help and --version print and return kExitOk; every
// other parse error (a missing or malformed option, a failed check, an unexpected argument) is
// reported like any other error of the subcommand being parsed, through print_error
// ("fxsim verify: --model: ..."), followed by where its options are listed, and is kExitUsage.
inline int parse_error_exit(CLI::App& app, const CLI::ParseError& e) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  std::string command = app.get_name();
  for (const CLI::App* sub = &app; sub != nullptr;) {
    const std::vector<CLI::App*> parsed = sub->get_subcommands();
    sub = parsed.empty() ? nullptr : parsed.back();
    if (sub) command += " " + sub->get_name();
  }
  print_error(command, "{}", e.what());
  fmt::print(stderr, "Run '{} --help' for its options.\n", command);
  return kExitUsage;
}

// `fxsim quantize`: apps/cmd_quantize.cpp.
void add_quantize_command(CLI::App& app, CommandStatus& status);

// `fxsim synth`: apps/cmd_synth.cpp.
void add_synth_command(CLI::App& app, CommandStatus& status);

// `fxsim run`: apps/cmd_run.cpp.
void add_run_command(CLI::App& app, CommandStatus& status);

// `fxsim train`: apps/cmd_train.cpp.
void add_train_command(CLI::App& app, CommandStatus& status);
// `fxsim import`: apps/cmd_import.cpp (in fxsim-train; fxsim forwards to it like train).
void add_import_command(CLI::App& app, CommandStatus& status);

// `fxsim verify`: apps/cmd_verify.cpp.
void add_verify_command(CLI::App& app, CommandStatus& status);

// `fxsim network-from-model`: apps/cmd_network_from_model.cpp.
void add_network_from_model_command(CLI::App& app, CommandStatus& status);

// `fxsim fold`: apps/cmd_fold.cpp.
void add_fold_command(CLI::App& app, CommandStatus& status);

// `fxsim sweep` (+ the hidden `fxsim sweep-worker`), `fxsim merge`, `fxsim report`:
// apps/cmd_sweep.cpp, apps/cmd_merge.cpp, apps/cmd_report.cpp.
void add_sweep_command(CLI::App& app, CommandStatus& status);
void add_merge_command(CLI::App& app, CommandStatus& status);
void add_report_command(CLI::App& app, CommandStatus& status);
void add_status_command(CLI::App& app, CommandStatus& status);  // apps/cmd_status.cpp

}  // namespace fxsim::cli
