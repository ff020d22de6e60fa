// `fxsim run`: one design point (docs/engine.md) through the engine testbench on the model
// backend, the Verilated RTL backend, or both; prints the summary and optionally writes it as
// JSON and a VCD / FST trace. Exit codes: 0 pass, 1 mismatches (or a cycle disagreement, a TLM
// error, a run that did not complete), 2 a bad point file or bad options.
#include <fmt/core.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "apps/commands.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/env/run_point.hpp"
#include "testbenches/env/summary_report.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

// libsystemc.so defines main() calling sc_main; fxsim has its own main (apps/main.cpp), so this
// only satisfies the linker. Runs build their own simulation contexts (run_point).
extern "C" int sc_main(int, char**) {
  std::fputs("fxsim: sc_main is not used\n", stderr);
  return 1;
}

namespace fxsim::cli {
namespace {

constexpr const char* kCommand = "fxsim run";

struct RunCommandOptions {
  std::string config;
  std::string backend = "model";
  std::string vcd, fst, json;
  std::optional<std::uint64_t> seed;
};

int run_command(const RunCommandOptions& o) {
  engine::EngineConfig cfg;
  try {
    cfg = engine::load_point_file(o.config);
  } catch (const engine::PointFileError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  }
  env::Backends backends = env::Backends::MODEL;
  if (o.backend == "rtl") backends = env::Backends::RTL;
  if (o.backend == "both") backends = env::Backends::BOTH;

  env::RunOptions options;
  options.seed = o.seed;
  options.vcd_path = o.vcd;
  options.fst_path = o.fst;
  env::RunSummary summary;
  try {
    summary = env::run_point(cfg, backends, options);
  } catch (const engine::PointFileError& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (const verilated::RtlVariantError& e) {
    print_error(kCommand, "{}: {}", o.config, e.what());
    return kExitUsage;
  } catch (const std::invalid_argument& e) {
    print_error(kCommand, "{}", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    print_error(kCommand, "simulation failed: {}", e.what());
    return kExitFailure;
  }

  fmt::print("{}", env::summary_text(summary, o.config));
  std::fflush(stdout);
  if (!o.json.empty()) {
    std::ofstream out(o.json);
    out << env::summary_json(summary, o.config).dump(2) << "\n";
    if (!out) {
      print_error(kCommand, "cannot write {}", o.json);
      return kExitFailure;
    }
  }
  return summary.passed() ? kExitOk : kExitFailure;
}

}  // namespace

void add_run_command(CLI::App& app, CommandStatus& status) {
  auto o = std::make_shared<RunCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Simulate one design point of the layer engine and check it bit-exactly");
  cmd->add_option("-c,--config", o->config,
                  "Design point file (TOML; see docs/engine.md and docs/examples/)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-b,--backend", o->backend,
                  "model: SystemC/TLM model (latency formula, no clock); rtl: Verilated RTL "
                  "behind the transactor, clocked; both: each, plus the cycle comparison")
      ->check(CLI::IsMember({"model", "rtl", "both"}))
      ->capture_default_str();
  CLI::Option* vcd = cmd->add_option(
      "--vcd", o->vcd,
      "Write a VCD: the model's transaction-level signals (busy, irq, batch/fold, last "
      "transaction), or every Verilated signal on the rtl backend (with both: the rtl run)");
  CLI::Option* fst =
      cmd->add_option("--fst", o->fst, "Write an FST of every Verilated signal (rtl or both)");
  vcd->excludes(fst);
  cmd->add_option("--seed", o->seed, "Stimulus seed (overrides the point file's seed)");
  cmd->add_option("--json", o->json, "Also write the summary as JSON to this file");
  cmd->footer(
      "Loads weights, BN parameters and inputs over TLM-2.0, starts the engine, waits for its\n"
      "interrupt, reads the cycle count and the outputs, and checks every output against the\n"
      "fx/ reference. The summary gives compute, load and read-back cycles, the latency in ns,\n"
      "the throughput (outputs/s, MAC/s at the clock), mismatches (index, expected, got), the\n"
      "model-vs-rtl cycle comparison (both), the coverage of every rounding/overflow stage and\n"
      "the TLM error count. JSON fields: docs/user_guide.md, section `fxsim run`.\n"
      "The rtl backend Verilates the units of any point on first use (a few seconds each) and\n"
      "keeps them in the cache (FXSIM_CACHE_DIR, else ~/.cache/fxsim); FXSIM_RTL_ONDEMAND=0\n"
      "uses only what the cache holds.\n"
      "Exit codes: 0 all outputs exact (and, with both, equal cycles); 1 a mismatch, a cycle\n"
      "difference or a TLM error; 2 a bad point file (FILE:LINE: key: ...), bad options, or\n"
      "units not in the cache while FXSIM_RTL_ONDEMAND=0.\n"
      "Examples:\n"
      "  fxsim run --config docs/examples/point_fx_mac.toml --backend both\n"
      "  fxsim run -c docs/examples/point_khot.toml -b rtl --vcd khot.vcd --json khot.json");
  cmd->callback([o, &status] { status.exit_code = run_command(*o); });
}

}  // namespace fxsim::cli
