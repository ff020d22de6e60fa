// The SystemC model backend of the accelerator (docs/engine.md): values from the C++ reference
// arithmetic through the unit models, time annotated from the latency formula, coverage counted.
#pragma once

#include <cstdint>
#include <systemc>
#include <utility>

#include "models/engine/backend.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/reference.hpp"
#include "models/systemc/layer_engine.hpp"

namespace fxsim::systemc {

class ModelBackend : public sc_core::sc_module, public engine::EngineBackend {
 public:
  struct Options {
    // One wait() per neuron fold and batch / fold index on the trace signals (for a VCD);
    // otherwise one wait() per run.
    bool per_fold = false;
  };
  // Keeps its own copy of the elaborated point.
  ModelBackend(sc_core::sc_module_name name, engine::Elaboration e, Options options);
  ModelBackend(sc_core::sc_module_name name, engine::Elaboration e)
      : ModelBackend(name, std::move(e), Options{}) {}

  const char* name() const override { return "model"; }
  std::uint64_t run(const engine::EngineJob& job) override;

  const engine::Coverage& coverage() const { return total_; }      // over every run
  const engine::Coverage& last_coverage() const { return last_; }  // of the last run
  std::uint64_t runs() const { return runs_; }
  DenseLayerEngine& engine() { return engine_; }

 private:
  Options options_;
  engine::Elaboration elaboration_;  // before engine_, which refers to it
  DenseLayerEngine engine_;
  engine::Coverage total_, last_;
  std::uint64_t runs_ = 0;
};

}  // namespace fxsim::systemc
