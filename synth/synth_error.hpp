// Failures of a synthesis run that are not the caller's bad parameters (those are
// fxsim::units::UnitParamError): yosys missing, failing, or writing something unreadable.
#pragma once

#include <stdexcept>
#include <string>

namespace fxsim::synth {

struct SynthError : std::runtime_error {
  SynthError(const std::string& what, std::string log_path = {}, std::string log_tail = {})
      : std::runtime_error(what), log_path(std::move(log_path)), log_tail(std::move(log_tail)) {}
  std::string log_path;  // the full yosys log, kept on failure; empty when yosys never ran
  std::string log_tail;  // its last lines
};

}  // namespace fxsim::synth
