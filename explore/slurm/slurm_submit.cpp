#include "explore/slurm/slurm_submit.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "explore/slurm/slurm_state.hpp"
#include "explore/sweep_runner.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

extern char** environ;

namespace fxsim::slurm {
namespace {

std::string trim(std::string_view s) { return std::string(util::trim(s)); }

std::string join(const std::vector<std::string>& words, const std::string& sep) {
  return fmt::format("{}", fmt::join(words, sep));
}

// The options both sbatch calls share, after fxsim's own ones so that --sbatch-arg can
// override them (sbatch takes the last occurrence of an option).
void add_common_options(const SubmitSpec& spec, std::vector<std::string>& argv) {
  if (!spec.partition.empty()) argv.push_back("--partition=" + spec.partition);
  if (!spec.time.empty()) argv.push_back("--time=" + spec.time);
  argv.insert(argv.end(), spec.sbatch_args.begin(), spec.sbatch_args.end());
}

// stdout and stderr of a child, read together so that neither pipe fills up and blocks it.
void read_both(int out_fd, int err_fd, std::string& out, std::string& err) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&out, &err};
  int open = 2;
  char buf[4096];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // poll ignores negative descriptors
        --open;
      }
    }
  }
}

std::string sbatch_failure(const std::vector<std::string>& argv, const CommandResult& r) {
  if (!r.started) return "cannot run " + argv[0] + ": " + r.error;
  std::string msg = join(argv, " ") + " failed (exit code " + std::to_string(r.exit_code) + ")";
  const std::string err = trim(r.err);
  return err.empty() ? msg : msg + ": " + err;
}

std::string job_list(const std::vector<std::string>& ids, const std::string& sep) {
  std::vector<std::string> v;
  for (const std::string& id : ids) {
    if (!id.empty()) v.push_back(id);
  }
  return join(v, sep);
}

}  // namespace

std::string array_ranges(const std::vector<int>& indices) {
  std::vector<int> v(indices);
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::string s;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    s += (s.empty() ? "" : ",") + std::to_string(v[i]);
    if (j > i) s += "-" + std::to_string(v[j]);
    i = j + 1;
  }
  return s;
}

std::string task_script(const SubmitSpec& spec) {
  const Layout& l = spec.layout;
  const std::string sweep = shell_quote(spec.sweep_file.string());
  const std::string copy = shell_quote(l.sweep_copy().string());
  std::string s =
      "#!/bin/bash\n"
      "# Written by `fxsim sweep --slurm` (docs/slurm.md). Array task I runs shard I/" +
      std::to_string(spec.tasks) +
      " of the sweep\n"
      "# into DIR/shards/I; a shard resumes from its own database, so a rerun does only the "
      "missing points.\n"
      "set -euo pipefail\n"
      "shard=${SLURM_ARRAY_TASK_ID:?runs as a task of a Slurm job array (sbatch --array)}\n"
      "# The tasks read the sweep file itself: refuse to run one edited since the submission.\n"
      "if ! cmp -s " +
      sweep + " " + copy +
      "; then\n"
      "  echo \"fxsim sweep --slurm: the sweep file\" " +
      sweep + " \"differs from the submitted copy\" " + copy +
      " \"(resubmit)\" >&2\n"
      "  exit 2\n"
      "fi\n"
      "exec " +
      shell_quote(spec.fxsim.string()) + " sweep " + sweep + " --shard \"${shard}/" +
      std::to_string(spec.tasks) + "\" --out " + shell_quote(l.shards_dir().string()) +
      "/\"${shard}\" --jobs " +
      (spec.jobs > 0 ? std::to_string(spec.jobs) : std::string("\"${SLURM_CPUS_PER_TASK:-1}\"")) +
      " --progress lines";
  if (!spec.yosys_cache.empty()) s += " --yosys-cache " + shell_quote(spec.yosys_cache);
  return s + "\n";
}

std::string merge_script(const SubmitSpec& spec) {
  const Layout& l = spec.layout;
  std::string s =
      "#!/bin/bash\n"
      "# Written by `fxsim sweep --slurm` (docs/slurm.md). Runs once every array task succeeded\n"
      "# (sbatch --dependency=afterok): the " +
      std::to_string(spec.tasks) +
      " shard databases into DIR/results.sqlite and DIR/results.csv.\n"
      "set -euo pipefail\n"
      "exec " +
      shell_quote(spec.fxsim.string()) + " merge -o " + shell_quote(l.dir.string());
  for (int i = 0; i < spec.tasks; ++i) s += " " + shell_quote(l.shard_dir(i).string());
  return s + "\n";
}

std::vector<std::string> array_sbatch_argv(const SubmitSpec& spec, const std::vector<int>& shards) {
  std::vector<std::string> argv = {"sbatch", "--parsable", "--job-name=fxsim-" + spec.sweep_name,
                                   "--array=" + array_ranges(shards),
                                   "--output=" + spec.layout.task_log_pattern().string()};
  add_common_options(spec, argv);
  argv.push_back(spec.layout.task_script().string());
  return argv;
}

std::vector<std::string> merge_sbatch_argv(const SubmitSpec& spec, const std::string& after_job) {
  std::vector<std::string> argv = {"sbatch", "--parsable",
                                   "--job-name=fxsim-merge-" + spec.sweep_name};
  if (!after_job.empty()) {
    // A failed or cancelled task can never satisfy afterok: without --kill-on-invalid-dep the
    // merge job would stay pending (DependencyNeverSatisfied) and block the resubmission.
    argv.push_back("--dependency=afterok:" + after_job);
    argv.push_back("--kill-on-invalid-dep=yes");
  }
  argv.push_back("--output=" + spec.layout.merge_log_pattern().string());
  add_common_options(spec, argv);
  argv.push_back(spec.layout.merge_script().string());
  return argv;
}

std::string parse_job_id(const std::string& sbatch_output) {
  std::string id = trim(sbatch_output);
  id = id.substr(0, id.find(';'));  // "123;cluster" on a multi-cluster set-up
  if (id.empty() ||
      !std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); })) {
    throw SlurmError("sbatch --parsable printed '" + trim(sbatch_output) + "', expected a job id",
                     false);
  }
  return id;
}

CommandResult run_command(const std::vector<std::string>& argv) {
  CommandResult r;
  const auto exe = util::find_executable(argv.at(0));
  if (!exe) {
    r.error = argv[0] + " not found on PATH";
    return r;
  }
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    r.error = std::strerror(errno);
    return r;
  }
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    r.error = std::strerror(errno);
    ::close(out_pipe[0]);
    ::close(out_pipe[1]);
    return r;
  }
  posix_spawn_file_actions_t fa;
  ::posix_spawn_file_actions_init(&fa);
  ::posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(&fa, out_pipe[1], STDOUT_FILENO);
  ::posix_spawn_file_actions_adddup2(&fa, err_pipe[1], STDERR_FILENO);
  std::vector<char*> args;
  const std::string path = exe->string();
  args.push_back(const_cast<char*>(path.c_str()));
  for (std::size_t i = 1; i < argv.size(); ++i) args.push_back(const_cast<char*>(argv[i].c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, path.c_str(), &fa, nullptr, args.data(), environ);
  ::posix_spawn_file_actions_destroy(&fa);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (rc != 0) {
    r.error = path + ": " + std::strerror(rc);
  } else {
    r.started = true;
    read_both(out_pipe[0], err_pipe[0], r.out, r.err);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.exit_code = WIFEXITED(status)     ? WEXITSTATUS(status)
                  : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                        : -1;
  }
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  return r;
}

std::string queued_job_text(const QueuedJob& j) {
  return j.job + " " + j.state +
         (j.reason.empty() || j.reason == "None" ? "" : " (" + j.reason + ")");
}

std::vector<std::string> squeue_argv() {
  return {"squeue", "--noheader", "--all", "--format=%i|%F|%T|%r"};
}

std::vector<QueuedJob> parse_squeue(const std::string& output,
                                    const std::vector<std::string>& job_ids) {
  const std::set<std::string> ids(job_ids.begin(), job_ids.end());
  std::vector<QueuedJob> jobs;
  std::size_t begin = 0;
  while (begin < output.size()) {
    std::size_t end = output.find('\n', begin);
    if (end == std::string::npos) end = output.size();
    const std::string line = trim(output.substr(begin, end - begin));
    begin = end + 1;
    std::vector<std::string> f;
    std::size_t b = 0;
    for (std::size_t bar; (bar = line.find('|', b)) != std::string::npos; b = bar + 1) {
      f.push_back(line.substr(b, bar - b));
    }
    f.push_back(line.substr(b));
    if (f.size() != 4) continue;
    if (ids.count(f[1]) || ids.count(f[0])) jobs.push_back({f[0], f[1], f[2], f[3]});
  }
  return jobs;
}

std::optional<JobsRecord> read_jobs_record(const std::filesystem::path& path) {
  const std::optional<std::string> text = util::read_file(path);
  if (!text) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(*text);
    JobsRecord r;
    r.sweep_file = j.at("sweep_file").get<std::string>();
    r.sweep_sha256 = j.at("sweep_sha256").get<std::string>();
    r.sweep_name = j.at("sweep_name").get<std::string>();
    r.fxsim = j.at("fxsim").get<std::string>();
    r.tasks = j.at("tasks").get<int>();
    if (r.tasks < 1) throw std::out_of_range("tasks must be at least 1");
    for (const nlohmann::json& s : j.at("submissions")) {
      r.submissions.push_back(
          {s.at("submitted_at").get<std::string>(), s.at("array_job").get<std::string>(),
           s.at("array").get<std::string>(), s.at("merge_job").get<std::string>(),
           s.at("task_log").get<std::string>(), s.at("merge_log").get<std::string>()});
    }
    return r;
  } catch (const std::exception& e) {
    throw SlurmError(path.string() + ": not a job record of fxsim sweep --slurm (" + e.what() +
                         "); remove it to submit anew",
                     true);
  }
}

nlohmann::json submission_json(const Submission& s) {
  return {{"submitted_at", s.submitted_at}, {"array_job", s.array_job}, {"array", s.array},
          {"merge_job", s.merge_job},       {"task_log", s.task_log},   {"merge_log", s.merge_log}};
}

std::string jobs_record_json(const JobsRecord& r) {
  nlohmann::json subs = nlohmann::json::array();
  for (const Submission& s : r.submissions) subs.push_back(submission_json(s));
  const nlohmann::json j = {{"sweep_file", r.sweep_file}, {"sweep_sha256", r.sweep_sha256},
                            {"sweep_name", r.sweep_name}, {"fxsim", r.fxsim},
                            {"tasks", r.tasks},           {"submissions", subs}};
  return j.dump(2) + "\n";
}

namespace {

// The sweep file's bytes. DIR's shard databases hold the points of the sweep file submitted
// first, so another file (even an edited one) must go to another DIR. `copied`: DIR already
// holds the submitted copy.
std::string read_same_sweep_file(const SubmitSpec& spec, bool& copied) {
  const Layout& l = spec.layout;
  const std::optional<std::string> bytes = util::read_file(spec.sweep_file);
  if (!bytes) throw SlurmError(spec.sweep_file.string() + ": cannot read the sweep file", true);
  const std::optional<std::string> copy = util::read_file(l.sweep_copy());
  if (copy && *copy != *bytes) {
    throw SlurmError(l.dir.string() + " holds a Slurm submission of another sweep file: " +
                         spec.sweep_file.string() + " differs from the submitted " +
                         l.sweep_copy().string() +
                         ". Use another --out, or remove the directory to start over",
                     true);
  }
  copied = copy.has_value();
  return *bytes;
}

// The array size: the shards are I/N with the N of the first submission, since another N would
// split the points differently from what the shard databases hold.
int resolve_tasks(const SubmitSpec& spec, const std::optional<JobsRecord>& record) {
  if (record && spec.tasks > 0 && spec.tasks != record->tasks) {
    throw SlurmError("--tasks " + std::to_string(spec.tasks) + ": " + spec.layout.dir.string() +
                         " was submitted with --tasks " + std::to_string(record->tasks) +
                         " (shards I/" + std::to_string(record->tasks) +
                         "); resubmit with --tasks " + std::to_string(record->tasks) +
                         " or without --tasks, or use another --out",
                     true);
  }
  return record ? record->tasks : spec.tasks > 0 ? spec.tasks : kDefaultTasks;
}

// Refuses a first submission with more tasks than points (some shards would be empty) and
// databases in DIR that hold another sweep's results (a merge would mix two sweeps).
void check_dir_state(const SubmitSpec& spec, const DirState& st, bool first_submission) {
  if (first_submission && spec.tasks > st.points) {
    throw SlurmError("--tasks " + std::to_string(spec.tasks) + " is more than the " +
                         std::to_string(st.points) + " points of sweep " + st.sweep_name +
                         ": use at most one task per point",
                     true);
  }
  if (st.merged.of_another_sweep(st.sweep_sha256)) {
    throw SlurmError(spec.layout.merged_db().string() +
                         " holds results of another sweep file (sha256 " +
                         st.merged.sweep_sha256.substr(0, 12) + "..., this one " +
                         st.sweep_sha256.substr(0, 12) + "...): use another --out",
                     true);
  }
  for (const ShardState& s : st.shards) {
    if (s.counts.of_another_sweep(st.sweep_sha256)) {
      throw SlurmError(s.db.string() + " holds results of another sweep file: use another --out",
                       true);
    }
  }
}

// Tasks of the last submission still running would write the same shard databases as the new
// ones: they must be waited for or cancelled first. When squeue cannot tell, only a note.
void check_last_jobs_finished(const std::optional<JobsRecord>& record, const Layout& l,
                              const CommandRunner& run, std::FILE* out) {
  if (!record || record->submissions.empty()) return;
  const Submission& last = record->submissions.back();
  const CommandResult q = run(squeue_argv());
  if (!q.started || q.exit_code != 0) {
    std::fprintf(out, "note: cannot check the jobs of the last submission (%s)\n",
                 q.started ? trim(q.err).c_str() : q.error.c_str());
    return;
  }
  const std::vector<QueuedJob> queued = parse_squeue(q.out, {last.array_job, last.merge_job});
  if (queued.empty()) return;
  std::vector<std::string> states;
  for (const QueuedJob& j : queued) states.push_back(queued_job_text(j));
  throw SlurmError("jobs of the last submission into " + l.dir.string() +
                       " are still queued: " + join(states, ", ") + ". Wait for them (squeue -j " +
                       job_list({last.array_job, last.merge_job}, ",") +
                       ") or cancel them (scancel " +
                       job_list({last.array_job, last.merge_job}, " ") + "), then resubmit",
                   false);
}

// The shards whose databases do not hold all their points yet: the array covers only these.
std::vector<int> pending_shards(const DirState& st) {
  std::vector<int> pending;
  for (const ShardState& s : st.shards) {
    if (!s.complete(st.sweep_sha256)) pending.push_back(s.index);
  }
  return pending;
}

// DIR/slurm/{sweep.toml,task.sh,merge.sh}; the sweep copy only once, as the first submission's.
void write_job_files(const SubmitSpec& spec, const std::string& sweep_bytes, bool copied) {
  const Layout& l = spec.layout;
  try {
    std::filesystem::create_directories(l.slurm_dir());
    std::filesystem::create_directories(l.shards_dir());
    if (!copied) util::write_file_atomically(l.sweep_copy(), sweep_bytes);
    util::write_file_atomically(l.task_script(), task_script(spec));
    util::write_file_atomically(l.merge_script(), merge_script(spec));
  } catch (const std::exception& e) {
    throw SlurmError(std::string("cannot write the job files: ") + e.what(), false);
  }
}

// The job id of a finished sbatch run; throws SlurmError when it failed.
std::string submitted_job(const std::vector<std::string>& argv, const CommandResult& r) {
  if (!r.started || r.exit_code != 0) throw SlurmError(sbatch_failure(argv, r), false);
  return parse_job_id(r.out);
}

// Submits the array (when shards are pending) and the merge job into `sub`, then appends `sub` to
// `rec` and writes jobs.json. Should the merge job fail, a submitted array is still recorded, so
// that status and a resubmission know it.
void submit_jobs(const SubmitSpec& spec, const std::vector<int>& pending, const CommandRunner& run,
                 JobsRecord& rec, Submission& sub) {
  auto save = [&] {
    rec.submissions.push_back(sub);
    util::write_file_atomically(spec.layout.jobs_file(), jobs_record_json(rec));
  };
  if (!pending.empty()) {
    const std::vector<std::string> argv = array_sbatch_argv(spec, pending);
    sub.array_job = submitted_job(argv, run(argv));
    sub.array = array_ranges(pending);
  }
  const std::vector<std::string> argv = merge_sbatch_argv(spec, sub.array_job);
  const CommandResult merge = run(argv);
  try {
    sub.merge_job = submitted_job(argv, merge);
  } catch (const SlurmError& e) {
    if (!sub.array_job.empty()) save();
    throw SlurmError(
        e.what() + (sub.array_job.empty()
                        ? std::string()
                        : "; the array job " + sub.array_job +
                              " was submitted: once it has finished, run this command again to "
                              "merge"),
        false);
  }
  save();
}

// What was submitted, and how to follow, cancel and resubmit it.
void print_submission(const SubmitSpec& spec, const DirState& st, const Submission& sub,
                      std::FILE* out) {
  const Layout& l = spec.layout;
  const std::string dir = l.dir.string();
  const std::string slurm_dir = l.slurm_dir().string();
  if (sub.array_job.empty()) {
    std::fprintf(out,
                 "sweep %s: every shard is complete; submitted the merge job %s\n"
                 "  follow: squeue -j %s\n"
                 "          fxsim status %s\n"
                 "  log:    %s/merge_%s.log\n",
                 st.sweep_name.c_str(), sub.merge_job.c_str(), sub.merge_job.c_str(), dir.c_str(),
                 slurm_dir.c_str(), sub.merge_job.c_str());
    return;
  }
  std::fprintf(out,
               "sweep %s (%ld points): submitted array job %s (tasks %s of %d, task I runs "
               "shard I/%d into %s/I) and merge job %s after it\n"
               "  follow:  squeue -j %s,%s\n"
               "           fxsim status %s\n"
               "  logs:    %s/task_%s_<I>.log, %s/merge_%s.log\n"
               "  cancel:  scancel %s %s\n"
               "  results: %s (and results.csv) once the merge job has run\n"
               "A failed, cancelled or timed-out task: run this command again; it reruns only "
               "the missing points.\n",
               st.sweep_name.c_str(), st.points, sub.array_job.c_str(), sub.array.c_str(),
               spec.tasks, spec.tasks, l.shards_dir().c_str(), sub.merge_job.c_str(),
               sub.array_job.c_str(), sub.merge_job.c_str(), dir.c_str(), slurm_dir.c_str(),
               sub.array_job.c_str(), slurm_dir.c_str(), sub.merge_job.c_str(),
               sub.array_job.c_str(), sub.merge_job.c_str(), l.merged_db().c_str());
}

}  // namespace

SubmitOutcome submit_sweep(SubmitSpec spec, const CommandRunner& run, std::FILE* out) {
  const Layout& l = spec.layout;
  SubmitOutcome outcome;
  bool copied = false;
  const std::string sweep_bytes = read_same_sweep_file(spec, copied);
  const std::optional<JobsRecord> record = read_jobs_record(l.jobs_file());
  spec.tasks = resolve_tasks(spec, record);
  outcome.tasks = spec.tasks;

  const DirState st = read_dir_state(l, spec.sweep_file, spec.tasks);
  check_dir_state(spec, st, !record);
  if (st.merged_complete()) {
    std::fprintf(out,
                 "sweep %s is complete: %s holds all %ld points; nothing submitted "
                 "(fxsim status %s)\n",
                 st.sweep_name.c_str(), l.merged_db().c_str(), st.points, l.dir.c_str());
    outcome.already_complete = true;
    return outcome;
  }
  check_last_jobs_finished(record, l, run, out);

  const std::vector<int> pending = pending_shards(st);
  write_job_files(spec, sweep_bytes, copied);
  JobsRecord rec = record.value_or(JobsRecord{});
  rec.sweep_file = spec.sweep_file.string();
  rec.sweep_sha256 = st.sweep_sha256;
  rec.sweep_name = st.sweep_name;
  rec.fxsim = spec.fxsim.string();
  rec.tasks = spec.tasks;
  Submission& sub = outcome.submission;
  sub.submitted_at = explore::utc_now();
  sub.task_log = l.task_log_pattern().string();
  sub.merge_log = l.merge_log_pattern().string();
  submit_jobs(spec, pending, run, rec, sub);
  outcome.shards = pending;
  print_submission(spec, st, sub, out);
  return outcome;
}

}  // namespace fxsim::slurm
