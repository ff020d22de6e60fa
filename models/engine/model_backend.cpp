#include "models/engine/model_backend.hpp"

namespace fxsim::engine {

ModelBackend::ModelBackend(sc_core::sc_module_name name, const EngineConfig& cfg, Options options)
    : sc_core::sc_module(name), options_(options), engine_("engine", cfg) {
  total_ = empty_coverage(cfg);
  last_ = total_;
}

std::uint64_t ModelBackend::run(const tlm_engine::EngineJob& job) {
  const std::uint64_t cycles = engine_.run(job, options_.per_fold, &last_);
  total_ += last_;
  ++runs_;
  return cycles;
}

}  // namespace fxsim::engine
