#include "explore/sweep_runner.hpp"

#include <sqlite3.h>

#include <chrono>
#include <ctime>
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

}  // namespace

SweepOutcome run_sweep(const SweepSpec& spec, const std::vector<DesignPoint>& points,
                       const SweepOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  std::filesystem::create_directories(o.out_dir);
  traces::ResultsDb db((o.out_dir / "results.sqlite").string());
  db.claim_sweep(spec.sha256);

  traces::RunInfo info;
  info.sweep_name = spec.name;
  info.sweep_file = spec.path;
  info.sweep_sha256 = spec.sha256;
  info.sweep_text = spec.text;
  info.seed = static_cast<std::int64_t>(spec.seed);
  info.points_total = static_cast<std::int64_t>(points.size());
  info.shard_index = o.shard_index;
  info.shard_count = o.shard_count;
  info.jobs = o.jobs;
  info.fxsim_version = o.fxsim_version;
  info.systemc_version = sc_core::sc_release();
  info.sqlite_version = sqlite3_libversion();
  info.yosys_version = spec.yosys ? yosys_version() : "";
  info.started_at = utc_now();
  info.status = "running";
  const std::int64_t run_id = db.begin_run(info);

  SweepOutcome out;
  out.total = static_cast<long>(points.size());
  const std::set<std::int64_t> done = db.point_ids();
  const std::vector<bool> rtl = rtl_selection(spec, points.size());
  const std::set<std::int64_t> traced(spec.traces.points.begin(), spec.traces.points.end());

  // Pruning needs only the analytical model: done here, before any worker starts.
  std::vector<WorkerTask> tasks;
  std::vector<traces::ResultRow> pruned;
  for (const DesignPoint& p : points) {
    if (!in_shard(p.id, o.shard_index, o.shard_count)) continue;
    ++out.in_shard;
    if (done.count(p.id)) {
      ++out.already_done;
      continue;
    }
    const resources::ResourceEstimate est = estimate_engine(p);
    if (const auto violated = violated_constraint(spec, p, est)) {
      traces::ResultRow row = describe_point(spec, p, est);
      row.set("status", std::string("pruned"));
      row.set("error", "constraint " + *violated);
      pruned.push_back(std::move(row));
      continue;
    }
    tasks.push_back({p.id, rtl[static_cast<std::size_t>(p.id)], traced.count(p.id) > 0});
  }

  Progress progress(o.progress, o.terminal, static_cast<long>(tasks.size() + pruned.size()));
  for (const traces::ResultRow& row : pruned) {
    db.put_point(row);
    ++out.pruned;
    progress.point_done(false, true);
  }

  WorkerPoolOptions pool;
  pool.command = o.worker_command;
  pool.command.insert(pool.command.end(),
                      {"--sweep", spec.path, "--sha256", spec.sha256, "--out", o.out_dir.string()});
  const std::string cache = o.yosys_cache.empty() ? spec.yosys_cache : o.yosys_cache;
  if (!cache.empty()) pool.command.insert(pool.command.end(), {"--yosys-cache", cache});
  pool.jobs = o.jobs;
  pool.points_per_worker = o.points_per_worker;
  run_workers(
      pool, tasks,
      [&](const WorkerTask&, const traces::ResultRow& row) {
        db.put_point(row);
        const bool failed = row.text("status") != "ok";
        ++(failed ? out.failed : out.ok);
        progress.point_done(failed, false);
      },
      [&](const WorkerTask& task, const std::string& why) {
        const DesignPoint& p = points[static_cast<std::size_t>(task.point_id)];
        traces::ResultRow row = describe_point(spec, p, estimate_engine(p));
        row.set("status", std::string("failed"));
        row.set("error", why);
        db.put_point(row);
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
