// `fxsim merge -o OUT DIR...`: shard results of one sweep into one results directory
// (docs/sweeps.md, "Sharding"). Exit codes: 0 merged; 1 an unreadable database; 2 bad options or
// inputs of different sweep files.
#include <fmt/core.h>

#include <memory>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "explore/merge.hpp"
#include "traces/results_db.hpp"

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim merge";

struct MergeCommandOptions {
  std::vector<std::string> inputs;
  std::string out;
};

int merge_command(const MergeCommandOptions& o) {
  std::vector<std::filesystem::path> dirs(o.inputs.begin(), o.inputs.end());
  try {
    const explore::MergeOutcome r = explore::merge_results(dirs, o.out);
    fmt::print("merged {} results directories into {}: {} of {} points", r.inputs, o.out, r.points,
               r.expected);
    if (r.duplicates) fmt::print(" ({} points found in more than one input)", r.duplicates);
    fmt::print("\n");
    if (r.points < r.expected) {
      fmt::print(
          "{} points are missing: run the missing shards (or resume them) and merge "
          "again\n",
          r.expected - r.points);
    }
  } catch (const explore::MergeError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    print_error(kCommand, "{}", e.what());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void add_merge_command(CLI::App& app, CommandStatus& status) {
  auto o = std::make_shared<MergeCommandOptions>();
  CLI::App* cmd =
      app.add_subcommand("merge", "Merge the results of sweep shards into one database");
  cmd->add_option("dirs", o->inputs, "Results directories of `fxsim sweep --shard I/N`")
      ->required()
      ->check(existing_directory("expected the --out directory of a `fxsim sweep --shard I/N`"));
  cmd->add_option("-o,--out", o->out, "Output results directory")->required();
  cmd->footer(
      "Refuses directories whose results come from different sweep files (SHA-256 of the file),\n"
      "and points that differ between inputs. The Pareto flags and results.csv are recomputed.\n"
      "Example: fxsim merge -o results/all shard0 shard1 shard2 shard3");
  cmd->callback([o, &status] { status.exit_code = merge_command(*o); });
}

}  // namespace fxsim::cli
