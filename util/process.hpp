// Starting an external program (yosys) without a shell: no quoting problems with paths, and the
// exit status is the program's own. For the few places that do hand a command to a shell (the
// Slurm job scripts, the plot script), shell_quote makes one word of each argument.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fxsim::util {

// `program` as given when it holds a '/', else the first executable file of that name on $PATH;
// nullopt when there is none (or the path is not an executable file).
std::optional<std::filesystem::path> find_executable(const std::string& program);

// The running executable (/proc/self/exe), so that a program can start more of itself (sweep
// workers, Slurm tasks, fxsim-train next to fxsim); nullopt when it cannot be read.
std::optional<std::filesystem::path> self_executable();

// `s` as one word for bash / sh: single-quoted unless it holds only safe characters.
std::string shell_quote(std::string_view s);

struct ProcessResult {
  bool started = false;  // false: the program could not be executed (see `error`)
  int exit_code = -1;    // the exit status, or 128 + signal number when killed by a signal
  std::string error;     // why it could not start
};

// Runs argv[0] (a path) with the given arguments in `cwd`, stdin from /dev/null, stdout and
// stderr together into `output_file` (truncated), and waits for it.
ProcessResult run_to_file(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                          const std::filesystem::path& output_file);

// Runs argv[0] (a path) and returns its stdout (stderr discarded); nullopt when it could not be
// started or exited non-zero.
std::optional<std::string> run_capture(const std::vector<std::string>& argv);

}  // namespace fxsim::util
