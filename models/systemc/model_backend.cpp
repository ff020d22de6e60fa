#include "models/systemc/model_backend.hpp"

namespace fxsim::systemc {

ModelBackend::ModelBackend(sc_core::sc_module_name name, const engine::EngineConfig& cfg,
                           Options options)
    : sc_core::sc_module(name), options_(options), engine_("engine", cfg) {
  total_ = engine::empty_coverage(cfg);
  last_ = total_;
}

std::uint64_t ModelBackend::run(const engine::EngineJob& job) {
  const std::uint64_t cycles = engine_.run(job, options_.per_fold, &last_);
  total_ += last_;
  ++runs_;
  return cycles;
}

}  // namespace fxsim::systemc
