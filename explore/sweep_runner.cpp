#include "explore/sweep_runner.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <set>
#include <systemc>

#include "explore/evaluate_point.hpp"
#include "explore/pareto.hpp"
#include "explore/point_resources.hpp"
#include "explore/progress.hpp"
#include "explore/worker_pool.hpp"
#include "traces/results_csv.hpp"
#include "util/process.hpp"

namespace fxsim::explore {

std::vector<ReasonCount> count_reasons(const std::vector<std::string>& reasons) {
  std::vector<ReasonCount> out;
  std::map<std::string, std::size_t> at;
  for (const std::string& r : reasons) {
    const auto [it, added] = at.emplace(r, out.size());
    if (added) out.push_back({r, 0});
    ++out[it->second].points;
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const ReasonCount& a, const ReasonCount& b) { return a.points > b.points; });
  return out;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void finalize_results(traces::ResultsDb& db, const std::filesystem::path& dir) {
  db.set_pareto_flags(pareto_flags(db.points()));
  traces::write_results_csv(db.points(), (dir / "results.csv").string());
}

namespace {

std::string yosys_version() {
  const auto v = util::run_capture({synth::default_yosys(), "-V"});
  if (!v) return "unavailable";
  std::string s = *v;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// The runs row of this invocation: what ran, with which versions, so that a report can say where
// its numbers come from.
traces::RunInfo run_info(const SweepSpec& spec, std::size_t points, const SweepOptions& o) {
  traces::RunInfo info;
  info.sweep_name = spec.name;
  info.sweep_file = spec.path;
  info.sweep_sha256 = spec.sha256;
  info.sweep_text = spec.text;
  info.seed = static_cast<std::int64_t>(spec.seed);
  info.points_total = static_cast<std::int64_t>(points);
  info.shard_index = o.shard_index;
  info.shard_count = o.shard_count;
  info.jobs = o.jobs;
  info.fxsim_version = o.fxsim_version;
  info.systemc_version = sc_core::sc_release();
  info.sqlite_version = sqlite3_libversion();
  info.yosys_version = spec.yosys ? yosys_version() : "";
  info.started_at = utc_now();
  info.status = "running";
  return info;
}

// What this invocation has to do: the points for the workers, and the rows of the points the
// constraints prune.
struct ShardWork {
  std::vector<WorkerTask> tasks;
  std::vector<traces::ResultRow> pruned;
};

// The points of this shard that the database does not hold yet (counted into `out`). Pruning
// needs only the analytical model: done here, before any worker starts.
ShardWork plan_shard(const SweepSpec& spec, const std::vector<DesignPoint>& points,
                     const SweepOptions& o, const std::set<std::int64_t>& done, SweepOutcome& out) {
  const std::vector<bool> rtl = rtl_selection(spec, points);
  const std::set<std::int64_t> traced(spec.traces.points.begin(), spec.traces.points.end());
  ShardWork work;
  for (const DesignPoint& p : points) {
    if (!in_shard(p.id, o.shard_index, o.shard_count)) continue;
    ++out.in_shard;
    if (done.count(p.id)) {
      ++out.already_done;
      continue;
    }
    if (!p.valid()) {
      work.pruned.push_back(describe_invalid_point(spec, p));
      continue;
    }
    const resources::ResourceEstimate est = estimate_engine(p);
    if (const auto violated = violated_constraint(spec, p, est)) {
      traces::ResultRow row = describe_point(spec, p, est);
      row.set("status", std::string("pruned"));
      row.set("error", "constraint " + *violated);
      work.pruned.push_back(std::move(row));
      continue;
    }
    work.tasks.push_back({p.id, rtl[static_cast<std::size_t>(p.id)], traced.count(p.id) > 0});
  }
  return work;
}

// Workers run `fxsim sweep-worker` on the same sweep file, results directory and yosys cache.
WorkerPoolOptions worker_pool_options(const SweepSpec& spec, const SweepOptions& o) {
  WorkerPoolOptions pool;
  pool.command = o.worker_command;
  pool.command.insert(pool.command.end(),
                      {"--sweep", spec.path, "--sha256", spec.sha256, "--out", o.out_dir.string()});
  const std::string cache = o.yosys_cache.empty() ? spec.yosys_cache : o.yosys_cache;
  if (!cache.empty()) pool.command.insert(pool.command.end(), {"--yosys-cache", cache});
  pool.jobs = o.jobs;
  pool.points_per_worker = o.points_per_worker;
  return pool;
}

// The row of a point whose worker died: its description, failed with the reason, so that the
// sweep goes on and the point is reported (a resumed run does not retry it).
traces::ResultRow lost_point_row(const SweepSpec& spec, const DesignPoint& p,
                                 const std::string& why) {
  traces::ResultRow row = describe_point(spec, p, estimate_engine(p));
  row.set("status", std::string("failed"));
  row.set("error", why);
  return row;
}

}  // namespace

SweepOutcome run_sweep(const SweepSpec& spec, const std::vector<DesignPoint>& points,
                       const SweepOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  std::filesystem::create_directories(o.out_dir);
  traces::ResultsDb db((o.out_dir / "results.sqlite").string());
  db.claim_sweep(spec.sha256);
  const std::int64_t run_id = db.begin_run(run_info(spec, points.size(), o));

  SweepOutcome out;
  out.total = static_cast<long>(points.size());
  const ShardWork work = plan_shard(spec, points, o, db.point_ids(), out);

  Progress progress(o.progress, o.terminal,
                    static_cast<long>(work.tasks.size() + work.pruned.size()));
  for (const traces::ResultRow& row : work.pruned) {
    db.put_point(row);
    ++out.pruned;
    out.pruned_reasons.push_back(row.text("error"));
    progress.point_done(false, true);
  }
  run_workers(
      worker_pool_options(spec, o), work.tasks,
      [&](const WorkerTask&, const traces::ResultRow& row) {
        db.put_point(row);
        const bool failed = row.text("status") != "ok";
        ++(failed ? out.failed : out.ok);
        progress.point_done(failed, false);
      },
      [&](const WorkerTask& task, const std::string& why) {
        db.put_point(lost_point_row(spec, points[static_cast<std::size_t>(task.point_id)], why));
        ++out.failed;
        progress.point_done(true, false);
      });
  progress.finish();

  finalize_results(db, o.out_dir);
  db.end_run(run_id, utc_now(), "finished");
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace fxsim::explore
