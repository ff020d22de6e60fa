// The sweep worker: a process of its own (`fxsim sweep-worker`, started by the sweep with
// fork/exec) that evaluates the points it is sent. SystemC keeps global simulation state per
// process, so parallel points need processes, not threads; and the parent, which alone writes
// the results database, survives a worker that crashes.
//
// Protocol, one line each way per point:
//   parent -> worker   "<point id> <rtl 0|1> <trace 0|1>\n"
//   worker -> parent   {"id": <point id>, "row": {<column>: <value>, ...}}\n   (JSON)
// The worker ends when its stdin closes. Its protocol output goes to the stdout it was started
// with; its own fd 1 is redirected to stderr so that nothing else (a SystemC warning) can
// corrupt the protocol.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "traces/results_schema.hpp"

namespace fxsim::explore {

struct WorkerArgs {
  std::string sweep_path;
  std::string sha256;   // the sweep file the parent expanded; the worker refuses another
  std::string out_dir;  // DIR (traces under DIR/traces)
  std::string yosys_cache;
};

// Called first thing in a worker process. A signal meant for the whole sweep (Ctrl-C, scancel, a
// Slurm time limit: Slurm signals every process of the job) can reach a worker before the
// parent. The parent would then see the worker die and record its point as failed, a result a
// resumed run never retries. So a worker that gets SIGTERM or SIGINT first waits (up to 2 s) for
// the parent to go, then dies of the same signal; a worker signalled alone is still recorded as
// lost, 2 s later.
void wait_for_parent_on_termination();

// Serves requests from stdin until it closes. Returns the process exit code (2 when the sweep
// file cannot be read or has changed since the parent read it).
int run_worker(const WorkerArgs& args);

// Row <-> JSON (REAL infinities and NaN as the strings "inf", "-inf", "nan").
nlohmann::json row_to_json(const traces::ResultRow& row);
traces::ResultRow row_from_json(const nlohmann::json& j);

}  // namespace fxsim::explore
