#include "explore/worker.hpp"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>
#include <sstream>

#include "explore/design_points.hpp"
#include "explore/evaluate_point.hpp"
#include "util/heap.hpp"

namespace fxsim::explore {

nlohmann::json row_to_json(const traces::ResultRow& row) {
  nlohmann::json j = nlohmann::json::object();
  const auto& cols = traces::result_columns();
  for (std::size_t i = 0; i < cols.size(); ++i) {
    const traces::Value& v = row.values()[i];
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      j[cols[i].name] = *n;
    } else if (const auto* d = std::get_if<double>(&v)) {
      if (std::isfinite(*d)) {
        j[cols[i].name] = *d;
      } else {
        j[cols[i].name] = traces::format_value(v);
      }
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      j[cols[i].name] = *s;
    } else {
      j[cols[i].name] = nullptr;
    }
  }
  return j;
}

traces::ResultRow row_from_json(const nlohmann::json& j) {
  traces::ResultRow row;
  for (const traces::Column& c : traces::result_columns()) {
    const auto it = j.find(c.name);
    if (it == j.end() || it->is_null()) continue;
    switch (c.type) {
      case traces::ColumnType::INTEGER:
        row.set(c.name, it->get<std::int64_t>());
        break;
      case traces::ColumnType::REAL:
        if (it->is_string()) {
          const std::string s = it->get<std::string>();
          row.set(c.name, s == "inf"    ? std::numeric_limits<double>::infinity()
                          : s == "-inf" ? -std::numeric_limits<double>::infinity()
                                        : std::numeric_limits<double>::quiet_NaN());
        } else {
          row.set(c.name, it->get<double>());
        }
        break;
      case traces::ColumnType::TEXT:
        row.set(c.name, it->get<std::string>());
        break;
    }
  }
  return row;
}

namespace {

// The parent's pid, for the handler (which may only use async-signal-safe calls: getppid,
// nanosleep, raise).
volatile sig_atomic_t g_worker_parent = 0;

extern "C" void worker_termination_handler(int sig) {
  for (int i = 0; i < 200 && getppid() == static_cast<pid_t>(g_worker_parent); ++i) {
    const timespec ten_ms{0, 10 * 1000 * 1000};
    nanosleep(&ten_ms, nullptr);
  }
  raise(sig);  // SA_RESETHAND restored the default action: delivered when the handler returns
}

}  // namespace

void wait_for_parent_on_termination() {
  g_worker_parent = static_cast<sig_atomic_t>(getppid());
  struct sigaction sa {};
  sa.sa_handler = worker_termination_handler;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}

int run_worker(const WorkerArgs& args) {
  util::keep_freed_memory_for_reuse();
  // Keep the protocol stream to ourselves: fd 1 becomes stderr for everything else.
  const int proto_fd = dup(STDOUT_FILENO);
  if (proto_fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    std::perror("fxsim sweep-worker: dup");
    return 1;
  }
  FILE* proto = fdopen(proto_fd, "w");
  if (!proto) return 1;

  SweepSpec spec;
  std::vector<DesignPoint> points;
  try {
    spec = load_sweep_file(args.sweep_path);
    if (spec.sha256 != args.sha256) {
      std::fprintf(stderr, "fxsim sweep-worker: %s changed since the sweep started\n",
                   args.sweep_path.c_str());
      return 2;
    }
    points = expand_sweep(spec);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fxsim sweep-worker: %s\n", e.what());
    return 2;
  }
  // A network's points take their operands from the network (network_workload.hpp).
  const bool network = spec.workload.kind == WorkloadKind::NETWORK;
  const FloatLayer layer =
      network ? FloatLayer{} : make_float_layer(spec.workload, spec.bn, spec.seed);
  EvaluateContext ctx;
  ctx.spec = &spec;
  ctx.layer = &layer;
  const std::vector<double> products = network ? std::vector<double>{} : float_products(layer);
  ctx.layer_products = network ? nullptr : &products;
  ctx.trace_dir = std::filesystem::path(args.out_dir) / "traces";
  if (!args.yosys_cache.empty()) ctx.synth.cache_dir = args.yosys_cache;
  ctx.synth.warn = [](const std::string& w) {
    std::fprintf(stderr, "yosys cache: %s\n", w.c_str());
  };

  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::int64_t id = -1;
    int rtl = 0, trace = 0;
    if (!(in >> id >> rtl >> trace) || id < 0 || id >= static_cast<std::int64_t>(points.size())) {
      std::fprintf(stderr, "fxsim sweep-worker: bad request '%s'\n", line.c_str());
      return 2;
    }
    const traces::ResultRow row =
        evaluate_point(ctx, points[static_cast<std::size_t>(id)], {rtl != 0, trace != 0});
    nlohmann::json reply = {{"id", id}, {"row", row_to_json(row)}};
    const std::string text = reply.dump() + "\n";
    if (std::fwrite(text.data(), 1, text.size(), proto) != text.size() || std::fflush(proto) != 0) {
      return 1;  // the parent is gone
    }
  }
  std::fclose(proto);
  return 0;
}

}  // namespace fxsim::explore
