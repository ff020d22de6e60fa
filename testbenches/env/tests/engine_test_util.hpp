// Backends that are wrong on purpose, to prove the checks can fail, and the knob of the WILL_FAIL
// ctest (FXSIM_ENGINE_INJECT=latency: every grid run's model reports one cycle too many).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "models/systemc/model_backend.hpp"
#include "testbenches/env/run_point.hpp"
#include "tlm/rtl/rtl_backend.hpp"

namespace fxsim::engine_test {

inline bool inject_latency_error() {
  const char* v = std::getenv("FXSIM_ENGINE_INJECT");
  return v && std::string(v) == "latency";
}

// The model with a latency formula off by one.
class OffByOneCycleBackend : public engine::EngineBackend {
 public:
  explicit OffByOneCycleBackend(const engine::Elaboration& e) : inner_("model", e) {}
  const char* name() const override { return "model"; }
  std::uint64_t run(const engine::EngineJob& job) override { return inner_.run(job) + 1; }

 private:
  systemc::ModelBackend inner_;
};

// The model, but one LSB of output `index` flipped.
class CorruptOutputBackend : public engine::EngineBackend {
 public:
  CorruptOutputBackend(const engine::Elaboration& e, std::size_t index)
      : inner_("model", e), index_(index) {}
  const char* name() const override { return "model"; }
  std::uint64_t run(const engine::EngineJob& job) override {
    const std::uint64_t cycles = inner_.run(job);
    (*job.output)[index_] ^= 1;
    return cycles;
  }

 private:
  systemc::ModelBackend inner_;
  std::size_t index_;
};

// run_point's backend factory: `model` for the model runs, the real rtl backend otherwise.
template <typename ModelLike, typename... Args>
env::RunOptions with_model(Args... args) {
  env::RunOptions o;
  o.make_backend = [args...](
                       env::BackendKind kind,
                       const engine::Elaboration& e) -> std::unique_ptr<engine::EngineBackend> {
    if (kind == env::BackendKind::RTL) {
      return std::make_unique<tlm_rtl::RtlBackend>("rtl", e);
    }
    return std::make_unique<ModelLike>(e, args...);
  };
  return o;
}

// The contract's formula, written out independently of models/engine.
inline std::uint64_t expected_cycles(const engine::EngineConfig& c, int batch) {
  const std::uint64_t sf = (c.in_features + c.simd - 1) / c.simd;
  const std::uint64_t nf = (c.out_features + c.pe - 1) / c.pe;
  return batch * nf * sf + (c.mac_stages + 1) + (c.bn ? c.bn->stages + 1 : 0);
}

}  // namespace fxsim::engine_test
