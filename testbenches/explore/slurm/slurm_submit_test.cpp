// Unit tests of explore/slurm/slurm_submit (label slurm_unit): the job scripts and sbatch command
// lines as exact text, the parsers of sbatch and squeue output, the jobs record, and the
// submission's decisions (what it submits on a first run, after complete shards, when the
// merge is complete, when DIR holds another sweep or --tasks) with a runner that records argv
// instead of starting sbatch. The real Slurm run is
// testbenches/explore/slurm/slurm_cluster_test.sh.
#include "explore/slurm/slurm_submit.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "explore/slurm/slurm_state.hpp"

#ifndef FXSIM_EXE
#error "FXSIM_EXE must be defined (the fxsim executable)"
#endif

namespace fs = std::filesystem;
using namespace fxsim::slurm;
using Argv = std::vector<std::string>;

namespace {

SubmitSpec example_spec() {
  SubmitSpec s;
  s.fxsim = "/opt/fx sim/bin/fxsim";  // a space: quoted in the scripts, not in argv
  s.sweep_file = "/home/me/it's.toml";
  s.sweep_name = "demo";
  s.layout.dir = "/shared/out";
  s.tasks = 3;
  return s;
}

TEST(SlurmSubmit, ShellQuote) {
  EXPECT_EQ(shell_quote("/a/b-c_d.toml"), "/a/b-c_d.toml");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("$(rm -rf ~)"), "'$(rm -rf ~)'");
  EXPECT_EQ(shell_quote("a\"b`c"), "'a\"b`c'");
}

TEST(SlurmSubmit, ArrayRanges) {
  EXPECT_EQ(array_ranges({0, 1, 2}), "0-2");
  EXPECT_EQ(array_ranges({1}), "1");
  EXPECT_EQ(array_ranges({8, 0, 1, 2, 5, 7, 2}), "0-2,5,7-8");
  EXPECT_EQ(array_ranges({}), "");
}

TEST(SlurmSubmit, TaskScriptText) {
  SubmitSpec s = example_spec();
  EXPECT_EQ(task_script(s),
            "#!/bin/bash\n"
            "# Written by `fxsim sweep --slurm` (docs/slurm.md). Array task I runs shard I/3 of "
            "the sweep\n"
            "# into DIR/shards/I; a shard resumes from its own database, so a rerun does only "
            "the missing points.\n"
            "set -euo pipefail\n"
            "shard=${SLURM_ARRAY_TASK_ID:?runs as a task of a Slurm job array (sbatch --array)}\n"
            "# The tasks read the sweep file itself: refuse to run one edited since the "
            "submission.\n"
            "if ! cmp -s '/home/me/it'\\''s.toml' /shared/out/slurm/sweep.toml; then\n"
            "  echo \"fxsim sweep --slurm: the sweep file\" '/home/me/it'\\''s.toml' \"differs "
            "from the submitted copy\" /shared/out/slurm/sweep.toml \"(resubmit)\" >&2\n"
            "  exit 2\n"
            "fi\n"
            "exec '/opt/fx sim/bin/fxsim' sweep '/home/me/it'\\''s.toml' --shard \"${shard}/3\" "
            "--out /shared/out/shards/\"${shard}\" --jobs \"${SLURM_CPUS_PER_TASK:-1}\" "
            "--progress lines\n");
  s.jobs = 4;
  s.yosys_cache = "/shared/cache dir";
  const std::string text = task_script(s);
  const std::string last = text.substr(text.rfind("exec "));
  EXPECT_EQ(last,
            "exec '/opt/fx sim/bin/fxsim' sweep '/home/me/it'\\''s.toml' --shard \"${shard}/3\" "
            "--out /shared/out/shards/\"${shard}\" --jobs 4 --progress lines --yosys-cache "
            "'/shared/cache dir'\n");
}

TEST(SlurmSubmit, MergeScriptText) {
  EXPECT_EQ(merge_script(example_spec()),
            "#!/bin/bash\n"
            "# Written by `fxsim sweep --slurm` (docs/slurm.md). Runs once every array task "
            "succeeded\n"
            "# (sbatch --dependency=afterok): the 3 shard databases into DIR/results.sqlite and "
            "DIR/results.csv.\n"
            "set -euo pipefail\n"
            "exec '/opt/fx sim/bin/fxsim' merge -o /shared/out /shared/out/shards/0 "
            "/shared/out/shards/1 /shared/out/shards/2\n");
}

// The script keeps working when run by bash: quoting survives a round trip through the shell.
TEST(SlurmSubmit, ScriptQuotingSurvivesBash) {
  const std::string word = "a b'c\"d$e`f\\g";
  const std::string cmd = "bash -c 'printf %s \"$0\"' " + shell_quote(word);
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[256] = {};
  const size_t n = fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  EXPECT_EQ(std::string(buf, n), word);
}

TEST(SlurmSubmit, ArraySbatchArgv) {
  SubmitSpec s = example_spec();
  EXPECT_EQ(array_sbatch_argv(s, {0, 1, 2}),
            (Argv{"sbatch", "--parsable", "--job-name=fxsim-demo", "--array=0-2",
                  "--output=/shared/out/slurm/task_%A_%a.log", "/shared/out/slurm/task.sh"}));
  s.partition = "gpu";
  s.time = "1:30:00";
  s.sbatch_args = {"--account=lab x", "--cpus-per-task=4"};
  EXPECT_EQ(array_sbatch_argv(s, {1, 2, 4}),
            (Argv{"sbatch", "--parsable", "--job-name=fxsim-demo", "--array=1-2,4",
                  "--output=/shared/out/slurm/task_%A_%a.log", "--partition=gpu", "--time=1:30:00",
                  "--account=lab x", "--cpus-per-task=4", "/shared/out/slurm/task.sh"}));
}

TEST(SlurmSubmit, MergeSbatchArgv) {
  SubmitSpec s = example_spec();
  s.partition = "short";
  EXPECT_EQ(
      merge_sbatch_argv(s, "4711"),
      (Argv{"sbatch", "--parsable", "--job-name=fxsim-merge-demo", "--dependency=afterok:4711",
            "--kill-on-invalid-dep=yes", "--output=/shared/out/slurm/merge_%j.log",
            "--partition=short", "/shared/out/slurm/merge.sh"}));
  EXPECT_EQ(merge_sbatch_argv(s, ""), (Argv{"sbatch", "--parsable", "--job-name=fxsim-merge-demo",
                                            "--output=/shared/out/slurm/merge_%j.log",
                                            "--partition=short", "/shared/out/slurm/merge.sh"}));
}

TEST(SlurmSubmit, ParseJobId) {
  EXPECT_EQ(parse_job_id("123\n"), "123");
  EXPECT_EQ(parse_job_id("  98765;cluster2\n"), "98765");
  try {
    parse_job_id("Submitted batch job 12\n");
    FAIL() << "expected SlurmError";
  } catch (const SlurmError& e) {
    EXPECT_EQ(std::string(e.what()),
              "sbatch --parsable printed 'Submitted batch job 12', expected a job id");
    EXPECT_FALSE(e.usage);
  }
  EXPECT_THROW(parse_job_id(""), SlurmError);
}

TEST(SlurmSubmit, ParseSqueue) {
  EXPECT_EQ(squeue_argv(), (Argv{"squeue", "--noheader", "--all", "--format=%i|%F|%T|%r"}));
  const std::string out =
      "12_[2-3]|12|PENDING|Resources\n"
      "12_1|12|RUNNING|None\n"
      "13|13|PENDING|Dependency\n"
      "99_0|99|RUNNING|None\n"
      "garbage line\n";
  const std::vector<QueuedJob> jobs = parse_squeue(out, {"12", "13"});
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].job, "12_[2-3]");
  EXPECT_EQ(jobs[0].array_job, "12");
  EXPECT_EQ(jobs[0].state, "PENDING");
  EXPECT_EQ(jobs[0].reason, "Resources");
  EXPECT_EQ(jobs[1].job, "12_1");
  EXPECT_EQ(jobs[1].state, "RUNNING");
  EXPECT_EQ(jobs[2].job, "13");
  EXPECT_EQ(jobs[2].reason, "Dependency");
  EXPECT_TRUE(parse_squeue(out, {"", "7"}).empty());
}

// ---- The submission, with a recording runner ----

struct TempDir {
  fs::path path;
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "slurm_unit-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// 5 points: shards 0/2 and 1/2 hold 3 and 2.
const char* kTinySweep =
    "[sweep]\nname = \"tiny\"\n[workload]\nin_features = 16\nout_features = 4\n"
    "[axes]\nkind = [\"fx_mac\"]\npe = [1, 2, 4, 8, 16]\nsimd = [4]\n";

struct Recorder {
  std::vector<Argv> calls;
  std::vector<CommandResult> replies;  // in order; squeue calls get `squeue` instead
  CommandResult squeue{true, 0, "", "", ""};
  CommandRunner runner() {
    return [this](const Argv& argv) {
      calls.push_back(argv);
      if (argv.at(0) == "squeue") return squeue;
      if (replies.empty()) return CommandResult{true, 1, "", "unexpected call", ""};
      CommandResult r = replies.front();
      replies.erase(replies.begin());
      return r;
    };
  }
};

struct Fixture {
  TempDir tmp;
  SubmitSpec spec;
  Fixture() {
    write(tmp.path / "tiny.toml", kTinySweep);
    spec.fxsim = FXSIM_EXE;
    spec.sweep_file = tmp.path / "tiny.toml";
    spec.sweep_name = "tiny";
    spec.layout.dir = tmp.path / "out";
    spec.tasks = 2;
  }
  // Runs the real fxsim (no Slurm) for a shard or a merge, as a task would.
  void run_fxsim(const Argv& args) {
    Argv argv = {FXSIM_EXE};
    argv.insert(argv.end(), args.begin(), args.end());
    const CommandResult r = run_command(argv);
    ASSERT_TRUE(r.started) << r.error;
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  }
  void run_shard(int i) {
    run_fxsim({"sweep", spec.sweep_file.string(), "--shard", std::to_string(i) + "/2", "--out",
               spec.layout.shard_dir(i).string(), "--jobs", "1", "--progress", "lines"});
  }
};

TEST(SlurmSubmitFlow, FirstSubmissionWritesFilesAndSubmitsArrayThenMerge) {
  Fixture f;
  Recorder rec;
  rec.replies = {{true, 0, "101\n", "", ""}, {true, 0, "102;cl\n", "", ""}};
  std::FILE* out = std::tmpfile();
  const SubmitOutcome o = submit_sweep(f.spec, rec.runner(), out);
  std::fclose(out);
  const Layout& l = f.spec.layout;
  ASSERT_EQ(rec.calls.size(), 2u);  // no squeue: nothing was submitted before
  EXPECT_EQ(rec.calls[0], array_sbatch_argv(f.spec, {0, 1}));
  EXPECT_EQ(rec.calls[1], merge_sbatch_argv(f.spec, "101"));
  EXPECT_EQ(rec.calls[1][3], "--dependency=afterok:101");
  EXPECT_FALSE(o.already_complete);
  EXPECT_EQ(o.shards, (std::vector<int>{0, 1}));
  EXPECT_EQ(o.submission.array_job, "101");
  EXPECT_EQ(o.submission.merge_job, "102");
  EXPECT_EQ(slurp(l.sweep_copy()), kTinySweep);
  EXPECT_EQ(slurp(l.task_script()), task_script(f.spec));
  EXPECT_EQ(slurp(l.merge_script()), merge_script(f.spec));
  EXPECT_TRUE(fs::is_directory(l.shards_dir()));
  const std::optional<JobsRecord> r = read_jobs_record(l.jobs_file());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->tasks, 2);
  EXPECT_EQ(r->sweep_name, "tiny");
  EXPECT_EQ(r->sweep_file, f.spec.sweep_file.string());
  EXPECT_EQ(r->fxsim, FXSIM_EXE);
  ASSERT_EQ(r->submissions.size(), 1u);
  EXPECT_EQ(r->submissions[0].array_job, "101");
  EXPECT_EQ(r->submissions[0].array, "0-1");
  EXPECT_EQ(r->submissions[0].merge_job, "102");
  EXPECT_EQ(r->submissions[0].task_log, (l.slurm_dir() / "task_%A_%a.log").string());
  EXPECT_EQ(jobs_record_json(*r), slurp(l.jobs_file()));

  // Resubmitting while a task of that submission is still queued is refused.
  rec.calls.clear();
  rec.squeue.out = "101_1|101|RUNNING|None\n102|102|PENDING|Dependency\n7|7|RUNNING|None\n";
  f.spec.tasks = 0;
  try {
    submit_sweep(f.spec, rec.runner(), stdout);
    FAIL() << "expected SlurmError";
  } catch (const SlurmError& e) {
    EXPECT_FALSE(e.usage);
    EXPECT_EQ(std::string(e.what()),
              "jobs of the last submission into " + l.dir.string() +
                  " are still queued: 101_1 RUNNING, 102 PENDING (Dependency). Wait for them "
                  "(squeue -j 101,102) or cancel them (scancel 101 102), then resubmit");
  }
  EXPECT_EQ(rec.calls, (std::vector<Argv>{squeue_argv()}));
}

TEST(SlurmSubmitFlow, RefusesAnotherSweepFileAndAnotherTaskCount) {
  Fixture f;
  Recorder rec;
  rec.replies = {{true, 0, "5\n", "", ""}, {true, 0, "6\n", "", ""}};
  submit_sweep(f.spec, rec.runner(), stdout);
  rec.calls.clear();

  SubmitSpec other = f.spec;
  other.sweep_file = f.tmp.path / "other.toml";
  write(other.sweep_file, std::string(kTinySweep) + "# edited\n");
  try {
    submit_sweep(other, rec.runner(), stdout);
    FAIL() << "expected SlurmError";
  } catch (const SlurmError& e) {
    EXPECT_TRUE(e.usage);
    EXPECT_EQ(std::string(e.what()),
              f.spec.layout.dir.string() +
                  " holds a Slurm submission of another sweep file: " + other.sweep_file.string() +
                  " differs from the submitted " + f.spec.layout.sweep_copy().string() +
                  ". Use another --out, or remove the directory to start over");
  }
  SubmitSpec more = f.spec;
  more.tasks = 3;
  try {
    submit_sweep(more, rec.runner(), stdout);
    FAIL() << "expected SlurmError";
  } catch (const SlurmError& e) {
    EXPECT_TRUE(e.usage);
    EXPECT_EQ(std::string(e.what()), "--tasks 3: " + f.spec.layout.dir.string() +
                                         " was submitted with --tasks 2 (shards I/2); resubmit "
                                         "with --tasks 2 or without --tasks, or use another "
                                         "--out");
  }
  EXPECT_TRUE(rec.calls.empty());
}

TEST(SlurmSubmitFlow, ResubmitsOnlyIncompleteShardsThenOnlyTheMergeThenNothing) {
  Fixture f;
  Recorder rec;
  rec.replies = {{true, 0, "20\n", "", ""}, {true, 0, "21\n", "", ""}};
  submit_sweep(f.spec, rec.runner(), stdout);

  // Shard 1 ran (as its task would), shard 0 did not: only task 0 is submitted again.
  f.run_shard(1);
  DirState st = read_dir_state(f.spec.layout, f.spec.sweep_file, 2);
  EXPECT_EQ(st.points, 5);
  ASSERT_EQ(st.shards.size(), 2u);
  EXPECT_EQ(st.shards[0].total, 3);
  EXPECT_EQ(st.shards[1].total, 2);
  EXPECT_FALSE(st.shards[0].counts.exists);
  EXPECT_EQ(st.shards[1].counts.points, 2);
  EXPECT_TRUE(st.shards[1].complete(st.sweep_sha256));
  rec.calls.clear();
  rec.replies = {{true, 0, "22\n", "", ""}, {true, 0, "23\n", "", ""}};
  SubmitOutcome o = submit_sweep(f.spec, rec.runner(), stdout);
  ASSERT_EQ(rec.calls.size(), 3u);
  EXPECT_EQ(rec.calls[0], squeue_argv());
  EXPECT_EQ(rec.calls[1][3], "--array=0");
  EXPECT_EQ(rec.calls[2], merge_sbatch_argv(f.spec, "22"));
  EXPECT_EQ(o.shards, (std::vector<int>{0}));

  // Both shards done, no merge yet: only the merge job, without a dependency.
  f.run_shard(0);
  rec.calls.clear();
  rec.replies = {{true, 0, "24\n", "", ""}};
  o = submit_sweep(f.spec, rec.runner(), stdout);
  ASSERT_EQ(rec.calls.size(), 2u);
  EXPECT_EQ(rec.calls[1], merge_sbatch_argv(f.spec, ""));
  EXPECT_TRUE(o.submission.array_job.empty());
  EXPECT_EQ(o.submission.merge_job, "24");
  EXPECT_EQ(read_jobs_record(f.spec.layout.jobs_file())->submissions.size(), 3u);

  // Merged: complete, nothing is submitted (not even squeue is asked).
  f.run_fxsim({"merge", "-o", f.spec.layout.dir.string(), f.spec.layout.shard_dir(0).string(),
               f.spec.layout.shard_dir(1).string()});
  st = read_dir_state(f.spec.layout, f.spec.sweep_file, 2);
  EXPECT_TRUE(st.merged_complete());
  EXPECT_EQ(st.merged.points, 5);
  EXPECT_EQ(st.merged.ok, 5);
  EXPECT_EQ(st.merged.points_total, 5);
  rec.calls.clear();
  o = submit_sweep(f.spec, rec.runner(), stdout);
  EXPECT_TRUE(o.already_complete);
  EXPECT_TRUE(rec.calls.empty());
  EXPECT_EQ(read_jobs_record(f.spec.layout.jobs_file())->submissions.size(), 3u);
}

TEST(SlurmSubmitFlow, SbatchFailureIsReportedAndNothingRecorded) {
  Fixture f;
  Recorder rec;
  rec.replies = {{true, 1, "", "sbatch: error: invalid partition specified: nope\n", ""}};
  f.spec.partition = "nope";
  try {
    submit_sweep(f.spec, rec.runner(), stdout);
    FAIL() << "expected SlurmError";
  } catch (const SlurmError& e) {
    EXPECT_FALSE(e.usage);
    EXPECT_EQ(std::string(e.what()),
              "sbatch --parsable --job-name=fxsim-tiny --array=0-1 --output=" +
                  f.spec.layout.task_log_pattern().string() + " --partition=nope " +
                  f.spec.layout.task_script().string() +
                  " failed (exit code 1): sbatch: error: invalid partition specified: nope");
  }
  EXPECT_FALSE(fs::exists(f.spec.layout.jobs_file()));

  // More tasks than points.
  f.spec.partition.clear();
  f.spec.tasks = 6;
  try {
    submit_sweep(f.spec, rec.runner(), stdout);
    FAIL() << "expected SlurmError";
  } catch (const SlurmError& e) {
    EXPECT_TRUE(e.usage);
    EXPECT_EQ(std::string(e.what()),
              "--tasks 6 is more than the 5 points of sweep tiny: use at most one task per point");
  }
}

TEST(SlurmSubmitFlow, RunCommandCapturesBothStreams) {
  const CommandResult r = run_command({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_TRUE(r.started);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  const CommandResult missing = run_command({"no-such-program-fxsim"});
  EXPECT_FALSE(missing.started);
  EXPECT_EQ(missing.error, "no-such-program-fxsim not found on PATH");
}

}  // namespace
