// Whole sweeps through the fxsim worker processes: byte-identical results across runs and
// --jobs, shard + merge equal to the unsharded run, merge refusing other sweep files, a failing
// point recorded while the sweep goes on, and a sweep killed with SIGKILL then resumed.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <thread>

#include "explore/merge.hpp"
#include "testbenches/explore/sweep_test_util.hpp"
#include "traces/results_db.hpp"

namespace fxsim::explore {
namespace {

using sweep_test::all_rows;
using sweep_test::read_file;
using sweep_test::run_small;
using sweep_test::spawn_fxsim;
using sweep_test::temp_dir;
using sweep_test::wait_exit;
using sweep_test::write_file;

TEST(SweepRun, TwoRunsAndOneOrTwoJobsGiveIdenticalResults) {
  const auto dir = temp_dir();
  const std::string file = write_file(dir, "small.toml", sweep_test::small_sweep_text());
  const SweepOutcome a = run_small(file, dir / "a", 1);
  EXPECT_EQ(a.ok, 12);
  EXPECT_EQ(a.failed, 0);
  run_small(file, dir / "b", 2);
  const std::string csv = read_file(dir / "a" / "results.csv");
  EXPECT_EQ(csv, read_file(dir / "b" / "results.csv"));
  EXPECT_EQ(all_rows(dir / "a"), all_rows(dir / "b"));
  // Header + 12 rows, CRLF line ends, no row ends with a comma-space or a trailing comma.
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 13);
  EXPECT_EQ(csv.find(", "), std::string::npos);
  EXPECT_EQ(csv.find(",\r\n"), std::string::npos);
  // Re-running into the same directory does nothing and changes nothing.
  const SweepOutcome again = run_small(file, dir / "a", 2);
  EXPECT_EQ(again.already_done, 12);
  EXPECT_EQ(again.ok + again.failed + again.pruned, 0);
  EXPECT_EQ(read_file(dir / "a" / "results.csv"), csv);
}

TEST(SweepRun, ShardsMergedEqualTheUnshardedRun) {
  const auto dir = temp_dir();
  const std::string file = write_file(dir, "small.toml", sweep_test::small_sweep_text());
  run_small(file, dir / "all", 2);
  const SweepOutcome s0 = run_small(file, dir / "s0", 1, 0, 2);
  const SweepOutcome s1 = run_small(file, dir / "s1", 1, 1, 2);
  EXPECT_EQ(s0.in_shard, 6);
  EXPECT_EQ(s1.in_shard, 6);
  EXPECT_EQ(all_rows(dir / "s0").size(), 6u);
  const MergeOutcome m = merge_results({dir / "s1", dir / "s0"}, dir / "merged");
  EXPECT_EQ(m.points, 12);
  EXPECT_EQ(m.expected, 12);
  EXPECT_EQ(all_rows(dir / "merged"), all_rows(dir / "all"));
  EXPECT_EQ(read_file(dir / "merged" / "results.csv"), read_file(dir / "all" / "results.csv"));
}

TEST(SweepRun, MergeRefusesShardsOfDifferentSweepFiles) {
  const auto dir = temp_dir();
  const std::string a = write_file(dir, "a.toml", sweep_test::small_sweep_text());
  const std::string b = write_file(dir, "b.toml", sweep_test::small_sweep_text("# other\n"));
  run_small(a, dir / "a", 1, 0, 2);
  run_small(b, dir / "b", 1, 1, 2);
  try {
    merge_results({dir / "a", dir / "b"}, dir / "m");
    FAIL() << "merged shards of different sweep files";
  } catch (const MergeError& e) {
    EXPECT_NE(std::string(e.what()).find("results of another sweep file"), std::string::npos)
        << e.what();
  }
  // A results directory of another sweep file is refused by the sweep too.
  EXPECT_THROW(run_small(b, dir / "a", 1, 0, 2), traces::ResultsDbError);
}

TEST(SweepRun, FailingPointIsRecordedAndTheSweepGoesOn) {
  const auto dir = temp_dir();
  const std::string file = write_file(dir, "small.toml", sweep_test::small_sweep_text());
  setenv("FXSIM_SWEEP_INJECT_FAIL", "4", 1);  // inherited by the workers
  const SweepOutcome r = run_small(file, dir / "out", 2);
  unsetenv("FXSIM_SWEEP_INJECT_FAIL");
  EXPECT_EQ(r.ok, 11);
  EXPECT_EQ(r.failed, 1);
  traces::ResultsDb db((dir / "out" / "results.sqlite").string());
  const auto rows = db.points();
  ASSERT_EQ(rows.size(), 12u);
  EXPECT_EQ(rows[4].text("status"), "failed");
  EXPECT_EQ(rows[4].text("error"), "injected failure (FXSIM_SWEEP_INJECT_FAIL=4)");
  EXPECT_TRUE(rows[4].is_null("cycles"));
  EXPECT_EQ(rows[4].integer("pareto_accuracy_latency_lut"), 0);
  EXPECT_EQ(rows[5].text("status"), "ok");
}

TEST(SweepRun, PrunedPointsAreRecordedWithTheirConstraint) {
  const auto dir = temp_dir();
  const std::string file =
      write_file(dir, "small.toml",
                 sweep_test::small_sweep_text("[constraints]\nrequire = [\"simd <= 4\"]\n"));
  const SweepOutcome r = run_small(file, dir / "out", 2);
  EXPECT_EQ(r.ok, 6);
  EXPECT_EQ(r.pruned, 6);
  traces::ResultsDb db((dir / "out" / "results.sqlite").string());
  for (const auto& row : db.points()) {
    const bool wide = row.integer("simd") == 8;
    EXPECT_EQ(row.text("status"), wide ? "pruned" : "ok");
    EXPECT_EQ(row.text("error"), wide ? "constraint simd <= 4" : "");
    EXPECT_EQ(row.is_null("est_lut"), false);
  }
}

// The small sweep with khot<2,1,2> points (ids 6, 7: K above the 1 magnitude bit) and a
// constraint pruning the SIMD 8 points.
std::string invalid_sweep_text() {
  std::string text = sweep_test::small_sweep_text("[constraints]\nrequire = [\"simd <= 4\"]\n");
  const std::string from = "weight = [\"fixed<6,1>\"";
  text.replace(text.find(from), from.size(), "weight = [\"fixed<2,1>\"");
  return text;
}

TEST(SweepRun, InvalidPointsArePrunedWithTheirReasonAndShardsAgree) {
  const auto dir = temp_dir();
  const std::string file = write_file(dir, "inv.toml", invalid_sweep_text());
  const SweepOutcome r = run_small(file, dir / "all", 2);
  // 12 points: 6 with SIMD 8 pruned by the constraint (id 7 is invalid first), id 6 invalid.
  EXPECT_EQ(r.ok, 5);
  EXPECT_EQ(r.pruned, 7);
  const std::string invalid =
      "invalid: axes.k: K = 2 is larger than the 1 magnitude bit of weight "
      "fixed<2,1,TRN,WRAP,0>";
  const std::vector<ReasonCount> reasons = count_reasons(r.pruned_reasons);
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].reason, "constraint simd <= 4");
  EXPECT_EQ(reasons[0].points, 5);
  EXPECT_EQ(reasons[1].reason, invalid);
  EXPECT_EQ(reasons[1].points, 2);
  traces::ResultsDb db((dir / "all" / "results.sqlite").string());
  const auto rows = db.points();
  ASSERT_EQ(rows.size(), 12u);
  for (const std::int64_t id : {6, 7}) {
    const traces::ResultRow& row = rows[static_cast<std::size_t>(id)];
    EXPECT_EQ(row.integer("point_id"), id);
    EXPECT_EQ(row.text("status"), "pruned");
    EXPECT_EQ(row.text("error"), invalid);
    EXPECT_EQ(row.text("weight_type"), "khot<2,1,2>");
    EXPECT_EQ(row.integer("k"), 2);
    EXPECT_TRUE(row.is_null("est_lut"));
    EXPECT_TRUE(row.is_null("cycles"));
    EXPECT_EQ(row.integer("pareto_accuracy_latency_lut"), 0);
  }
  // The shards record the same invalid points (each its own ids); merged, the unsharded run.
  run_small(file, dir / "s0", 1, 0, 2);
  run_small(file, dir / "s1", 1, 1, 2);
  merge_results({dir / "s0", dir / "s1"}, dir / "merged");
  EXPECT_EQ(all_rows(dir / "merged"), all_rows(dir / "all"));
  EXPECT_EQ(read_file(dir / "merged" / "results.csv"), read_file(dir / "all" / "results.csv"));
  // Same sweep, same seed: byte-identical results, whatever the jobs.
  run_small(file, dir / "again", 1);
  EXPECT_EQ(read_file(dir / "again" / "results.csv"), read_file(dir / "all" / "results.csv"));
}

// A sweep long enough to kill in the middle: 784 x 128, 96 points.
std::string long_sweep_text() {
  return R"([sweep]
name = "long"
seed = 3

[workload]
in_features = 784
out_features = 128

[axes]
kind = ["fx_mac", "khot"]
weight = ["fixed<6,1,RND,SAT>", "fixed<8,1,RND,SAT>"]
k = [1, 2, 3]
pe = [2, 4, 8, 16]
simd = [4, 8, 16]
)";
}

TEST(SweepRun, KilledSweepResumesWithoutLosingOrRepeatingPoints) {
  const auto dir = temp_dir();
  const std::string file = write_file(dir, "long.toml", long_sweep_text());
  const std::string killed = (dir / "killed").string();
  const pid_t pid = spawn_fxsim({FXSIM_EXE, "sweep", file, "--out", killed, "--jobs", "1"});
  ASSERT_GT(pid, 0);
  // Wait until some points are committed, then SIGKILL the parent mid-sweep.
  const std::size_t committed = sweep_test::kill_when_committed(pid, dir / "killed", 10);
  const std::size_t after_kill =
      traces::ResultsDb((dir / "killed" / "results.sqlite").string()).point_ids().size();
  EXPECT_GE(after_kill, committed);
  EXPECT_LT(after_kill, 96u) << "the sweep finished before it could be killed";

  const pid_t resumed =
      spawn_fxsim({FXSIM_EXE, "sweep", file, "--out", killed, "--jobs", "2", "--resume"});
  ASSERT_GT(resumed, 0);
  EXPECT_EQ(wait_exit(resumed), 0);
  const pid_t straight =
      spawn_fxsim({FXSIM_EXE, "sweep", file, "--out", (dir / "straight").string(), "--jobs", "2"});
  ASSERT_GT(straight, 0);
  EXPECT_EQ(wait_exit(straight), 0);

  traces::ResultsDb db((dir / "killed" / "results.sqlite").string());
  std::set<std::int64_t> expected;
  for (std::int64_t i = 0; i < 96; ++i) expected.insert(i);
  EXPECT_EQ(db.point_ids(), expected);  // every point exactly once (point_id is the key)
  EXPECT_EQ(all_rows(dir / "killed"), all_rows(dir / "straight"));
  EXPECT_EQ(read_file(dir / "killed" / "results.csv"), read_file(dir / "straight" / "results.csv"));
  // Two runs recorded: the killed one still "running", the resumed one "finished".
  const auto runs = db.runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].status, "running");
  EXPECT_EQ(runs[1].status, "finished");
}

}  // namespace
}  // namespace fxsim::explore
