// N sweep worker processes (worker.hpp) fed one point at a time, read with poll(). A worker
// that dies mid-point gets that point reported as failed and is replaced; every worker is
// replaced after `points_per_worker` points (each point leaves a SystemC simulation context
// behind in its process, see testbenches/env/simulation_scope.hpp).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "traces/results_schema.hpp"

namespace fxsim::explore {

struct WorkerTask {
  std::int64_t point_id = 0;
  bool rtl = false;
  bool trace = false;
};

struct WorkerPoolOptions {
  std::vector<std::string> command;  // argv of one worker; argv[0] an absolute path
  int jobs = 1;
  int points_per_worker = 2000;
};

// Runs every task; `on_result` gets each row in the parent as it arrives; `on_lost` is called
// for a task whose worker died (message: exit status / signal). Throws std::runtime_error when
// a worker cannot be started at all.
void run_workers(const WorkerPoolOptions& options, const std::vector<WorkerTask>& tasks,
                 const std::function<void(const WorkerTask&, const traces::ResultRow&)>& on_result,
                 const std::function<void(const WorkerTask&, const std::string&)>& on_lost);

}  // namespace fxsim::explore
