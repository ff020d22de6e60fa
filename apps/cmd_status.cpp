// `fxsim status DIR`: how far a sweep directory is (docs/slurm.md): for a Slurm submission
// (`fxsim sweep --slurm`) the points done / total and failed of every shard, the merge, the job
// ids and, when squeue is on PATH, the state of those jobs; for a local sweep directory its
// point counts. Reads files only (and squeue): never changes DIR. Exit codes: 0 shown; 1 an
// unreadable file in DIR; 2 DIR is not a sweep directory.
#include <fmt/core.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "apps/commands.hpp"
#include "explore/slurm/slurm_state.hpp"
#include "explore/slurm/slurm_submit.hpp"
#include "explore/sweep_spec.hpp"

namespace fxsim::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCommand = "fxsim status";

struct StatusCommandOptions {
  std::string dir;
  bool json = false;
};

nlohmann::json counts_json(const slurm::DbCounts& c, const fs::path& db) {
  nlohmann::json j = {{"database", db.string()},
                      {"exists", c.exists},
                      {"points", c.points},
                      {"ok", c.ok},
                      {"failed", c.failed},
                      {"pruned", c.pruned},
                      {"sweep_sha256", c.sweep_sha256}};
  j["problem"] = c.problem.empty() ? nlohmann::json() : nlohmann::json(c.problem);
  return j;
}

// A results directory of a plain `fxsim sweep` (no Slurm submission).
int local_status(const StatusCommandOptions& o, const fs::path& dir) {
  const slurm::DbCounts c = slurm::read_db_counts(dir / "results.sqlite");
  if (!c.problem.empty()) {
    print_error(kCommand, "{}", c.problem);
    return kExitFailure;
  }
  if (o.json) {
    nlohmann::json j = {
        {"dir", dir.string()}, {"layout", "local"}, {"points_total", c.points_total}};
    j["results"] = counts_json(c, dir / "results.sqlite");
    fmt::print("{}\n", j.dump(2));
    return kExitOk;
  }
  fmt::print(
      "{}: results of a local fxsim sweep (no Slurm submission): {} of the sweep's {} points "
      "({} ok, {} failed, {} pruned) in {}\n",
      dir.string(), c.points, c.points_total, c.ok, c.failed, c.pruned,
      (dir / "results.sqlite").string());
  return kExitOk;
}

nlohmann::json shards_json(const slurm::DirState& st) {
  nlohmann::json shards = nlohmann::json::array();
  for (const slurm::ShardState& s : st.shards) {
    nlohmann::json j = counts_json(s.counts, s.db);
    j["index"] = s.index;
    j["total"] = s.total;
    j["complete"] = s.complete(st.sweep_sha256);
    shards.push_back(j);
  }
  return shards;
}

// null when squeue could not tell, else the queued jobs (maybe none).
nlohmann::json queue_json(const std::optional<std::vector<slurm::QueuedJob>>& queue) {
  if (!queue) return nlohmann::json();
  nlohmann::json q = nlohmann::json::array();
  for (const slurm::QueuedJob& j : *queue) {
    q.push_back(
        {{"job", j.job}, {"array_job", j.array_job}, {"state", j.state}, {"reason", j.reason}});
  }
  return q;
}

void print_status_json(const slurm::SlurmStatus& status) {
  const slurm::DirState& st = status.state;
  const slurm::Layout& layout = st.layout;
  nlohmann::json merged = counts_json(st.merged, layout.merged_db());
  merged["complete"] = st.merged_complete();
  nlohmann::json subs = nlohmann::json::array();
  if (status.record) {
    for (const slurm::Submission& s : status.record->submissions) {
      subs.push_back(slurm::submission_json(s));
    }
  }
  const nlohmann::json j = {
      {"dir", layout.dir.string()},
      {"layout", "slurm"},
      {"sweep",
       {{"name", st.sweep_name},
        {"sha256", st.sweep_sha256},
        {"points", st.points},
        {"file", layout.sweep_copy().string()}}},
      {"tasks", st.tasks},
      {"shards", shards_json(st)},
      {"done", status.done},
      {"failed", status.failed},
      {"pruned", status.pruned},
      {"merged", merged},
      {"submissions", subs},
      {"queue", queue_json(status.queue)},
      {"queue_unavailable",
       status.queue ? nlohmann::json() : nlohmann::json(status.queue_unavailable)}};
  fmt::print("{}\n", j.dump(2));
}

// One row per shard (its database, or why there is none usable), a total row, the merge.
void print_shards_text(const slurm::SlurmStatus& status) {
  const slurm::DirState& st = status.state;
  fmt::print("{:<6}{:>8}{:>8}{:>8}{:>8}  {}\n", "shard", "done", "total", "failed", "pruned",
             "database");
  for (const slurm::ShardState& s : st.shards) {
    std::string where = s.db.string();
    if (!s.counts.exists) where = "none yet";
    if (!s.counts.problem.empty()) where = s.counts.problem;
    if (s.counts.of_another_sweep(st.sweep_sha256)) where += " (results of ANOTHER sweep file)";
    fmt::print("{:<6}{:>8}{:>8}{:>8}{:>8}  {}\n", s.index, s.counts.points, s.total,
               s.counts.failed, s.counts.pruned, where);
  }
  fmt::print("{:<6}{:>8}{:>8}{:>8}{:>8}\n", "all", status.done, st.points, status.failed,
             status.pruned);
  if (!st.merged.exists) {
    fmt::print("merged: not yet (no {})\n", st.layout.merged_db().string());
  } else if (!st.merged.problem.empty()) {
    fmt::print("merged: {}\n", st.merged.problem);
  } else {
    fmt::print("merged: {} of {} points in {} ({})\n", st.merged.points, st.points,
               st.layout.merged_db().string(), st.merged_complete() ? "complete" : "incomplete");
  }
}

// The jobs of the last submission, their queue state and their logs.
void print_jobs_text(const slurm::SlurmStatus& status) {
  const slurm::Layout& layout = status.state.layout;
  const slurm::Submission* last = status.last();
  if (!last) {
    fmt::print("jobs: no submission recorded in {}\n", layout.jobs_file().string());
    return;
  }
  fmt::print("jobs: array {} (tasks {}), merge {}, submitted {} (the last of {} submissions)\n",
             last->array_job.empty() ? "none" : last->array_job,
             last->array.empty() ? "none" : last->array, last->merge_job, last->submitted_at,
             status.record->submissions.size());
  if (!status.queue) {
    fmt::print("queue: unknown ({})\n", status.queue_unavailable);
  } else if (status.queue->empty()) {
    fmt::print("queue: none of these jobs is queued any more\n");
  } else {
    std::string s;
    for (const slurm::QueuedJob& j : *status.queue) {
      s += (s.empty() ? "" : ", ") + slurm::queued_job_text(j);
    }
    fmt::print("queue: {}\n", s);
  }
  const std::string slurm_dir = layout.slurm_dir().string();
  if (!last->array_job.empty()) {
    fmt::print("logs: {}/task_{}_<I>.log, {}/merge_{}.log\n", slurm_dir, last->array_job, slurm_dir,
               last->merge_job);
  } else {
    fmt::print("logs: {}/merge_{}.log\n", slurm_dir, last->merge_job);
  }
}

int status_command(const StatusCommandOptions& o) {
  slurm::Layout layout;
  layout.dir = fs::absolute(o.dir).lexically_normal();
  const std::string dir = layout.dir.string();
  switch (slurm::sweep_dir_kind(layout)) {
    case slurm::SweepDirKind::NOT_A_DIRECTORY:
      print_error(kCommand, "{}: no such directory", dir);
      return kExitUsage;
    case slurm::SweepDirKind::UNKNOWN:
      print_error(kCommand,
                  "{}: not a sweep directory: it holds neither slurm/sweep.toml (written by fxsim "
                  "sweep --slurm --out DIR) nor results.sqlite (fxsim sweep --out DIR)",
                  dir);
      return kExitUsage;
    case slurm::SweepDirKind::LOCAL:
      return local_status(o, layout.dir);
    case slurm::SweepDirKind::SLURM:
      break;
  }
  slurm::SlurmStatus status;
  try {
    status = slurm::read_slurm_status(layout);
  } catch (const slurm::SlurmError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitFailure;
  } catch (const explore::SweepFileError& e) {
    print_error(kCommand, "the submitted sweep file: {}", e.what());
    return kExitFailure;
  }
  if (o.json) {
    print_status_json(status);
    return kExitOk;
  }
  fmt::print("sweep {}: {} points in {} shards ({})\n", status.state.sweep_name,
             status.state.points, status.state.tasks, layout.sweep_copy().string());
  print_shards_text(status);
  print_jobs_text(status);
  return kExitOk;
}

}  // namespace

void add_status_command(CLI::App& app, CommandStatus& status) {
  auto o = std::make_shared<StatusCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "status", "How far a sweep directory is: points per shard, merge, Slurm jobs");
  cmd->add_option("dir", o->dir,
                  "Sweep directory: the --out of fxsim sweep --slurm (or of a local fxsim sweep)")
      ->required();
  cmd->add_flag("--json", o->json, "Print the status as one JSON object");
  cmd->footer(
      "For a Slurm submission: per shard the points in its database (done; ok, failed or\n"
      "pruned) against the points of that shard, the merged DIR/results.sqlite, the job ids of\n"
      "the last submission (DIR/slurm/jobs.json) and their squeue state when squeue is on PATH.\n"
      "Reads only; safe while the tasks run.\n"
      "Exit codes: 0 shown; 1 an unreadable file in DIR; 2 DIR is not a sweep directory.\n"
      "Example: fxsim status results/big --json");
  cmd->callback([o, &status] { status.exit_code = status_command(*o); });
}

}  // namespace fxsim::cli
