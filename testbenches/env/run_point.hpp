// One design point through the whole testbench (docs/engine.md): stimulus and reference, then
// per backend a fresh SystemC simulation of initiator -> TLM -> accelerator target -> backend,
// the scoreboard, and with both backends the model-vs-rtl cycle comparison. Used by
// `fxsim run` and the engine tests.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "models/engine/backend.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/engine_config.hpp"
#include "models/engine/reference.hpp"
#include "models/engine/stimulus.hpp"
#include "testbenches/env/scoreboard.hpp"

namespace fxsim::env {

enum class BackendKind { MODEL, RTL };
enum class Backends { MODEL, RTL, BOTH };
const char* to_string(BackendKind k);  // "model", "rtl"

struct RunOptions {
  std::optional<std::uint64_t> seed;  // overrides the point's seed
  // Trace files (at most one). VCD: the model's transaction-level signals (sc_trace), or every
  // Verilated signal on the rtl backend; FST: rtl backend only. With Backends::BOTH the rtl run
  // is traced.
  std::string vcd_path, fst_path;
  // Builds a run's backend instead of the default model / rtl one; called inside the run's
  // simulation context, during elaboration. For tests (e.g. a backend with a broken formula).
  std::function<std::unique_ptr<engine::EngineBackend>(BackendKind, const engine::Elaboration&)>
      make_backend;
  // The operands to run instead of engine::make_stimulus(cfg, seed): e.g. a float layer
  // quantized into the point's formats (the sweeps' accuracy workload). Must match the config
  // (sizes of weights / bn / input, batch = cfg.batch); not owned, read during run_point only.
  const engine::Stimulus* stimulus = nullptr;
};

struct BackendRun {
  BackendKind kind = BackendKind::MODEL;
  bool completed = false;               // irq seen with STATUS.DONE
  std::uint64_t cycles = 0;             // the CYCLES register: compute cycles of the run
  std::uint64_t load_cycles = 0;        // bus cycles of every write (buffers, BATCH, CTRL)
  std::uint64_t readback_cycles = 0;    // bus cycles of every read (STATUS, CYCLES, ERRORS, OUTPUT)
  std::uint32_t tlm_errors = 0;         // the ERRORS register after the run
  std::vector<std::string> bus_errors;  // initiator transactions answered with an error
  ScoreboardResult scoreboard;
  std::vector<std::int64_t> output;
  std::string pe_variant, bn_variant;  // rtl: the Verilated variants used
  double wall_seconds = 0;             // host time of the simulation (not reported in JSON)

  std::uint64_t end_to_end_cycles() const { return load_cycles + cycles + readback_cycles; }
};

struct RunSummary {
  engine::EngineConfig cfg;
  std::uint64_t seed = 1;
  int batch = 1;
  std::uint64_t formula_cycles = 0;           // engine::compute_cycles(cfg, batch)
  std::vector<BackendRun> runs;               // model first
  std::optional<CycleComparison> comparison;  // with both backends
  engine::Coverage coverage;  // of the reference computation; tlm_errors summed over the runs

  std::uint64_t mismatches() const;
  // Every output bit-exact, every run completed without a TLM error, and (with both backends)
  // the same cycle count.
  bool passed() const;
  double latency_ns(const BackendRun& r) const { return r.cycles * cfg.clock_ns; }
  double outputs_per_second(const BackendRun& r) const;
  double macs_per_second(const BackendRun& r) const;
};

// Throws engine::PointFileError for an invalid config, verilated::RtlVariantError when the rtl
// backend has no variant for the point, std::invalid_argument for unusable trace options.
RunSummary run_point(const engine::EngineConfig& cfg, Backends backends,
                     const RunOptions& options = {});
// The same for a point already elaborated (engine::elaborate of a valid config).
RunSummary run_point(const engine::Elaboration& e, Backends backends,
                     const RunOptions& options = {});

}  // namespace fxsim::env
