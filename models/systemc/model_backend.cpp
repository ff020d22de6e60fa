#include "models/systemc/model_backend.hpp"

#include "models/engine/elaboration.hpp"

namespace fxsim::systemc {

ModelBackend::ModelBackend(sc_core::sc_module_name name, engine::Elaboration e, Options options)
    : sc_core::sc_module(name),
      options_(options),
      elaboration_(std::move(e)),
      engine_("engine", elaboration_) {
  total_ = engine::empty_coverage(elaboration_.point);
  last_ = total_;
}

std::uint64_t ModelBackend::run(const engine::EngineJob& job) {
  const std::uint64_t cycles = engine_.run(job, options_.per_fold, &last_);
  total_ += last_;
  ++runs_;
  return cycles;
}

}  // namespace fxsim::systemc
