// Why a Verilated unit cannot be had: thrown by the builder (variant_builder.hpp) and the lookup
// (variant_registry.hpp).
#pragma once

#include <stdexcept>
#include <string>

namespace fxsim::verilated {

// A parameter set that cannot be run on Verilated RTL here.
struct RtlVariantError : std::runtime_error {
  using runtime_error::runtime_error;
};
// No build possible here: verilator or the compiler is missing, verilator is not the version
// this executable's Verilator runtime came from, or the RTL cannot be read.
struct RtlToolchainError : RtlVariantError {
  using RtlVariantError::RtlVariantError;
};
// A build failed; the full log stays at log_path (named in the message).
struct RtlBuildError : RtlVariantError {
  RtlBuildError(const std::string& what, std::string log) : RtlVariantError(what), log_path(log) {}
  std::string log_path;
};

}  // namespace fxsim::verilated
