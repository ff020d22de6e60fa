// The on-demand variants the tests build, and the child process of the concurrency test: it
// builds (or loads) kConcurrentBn in a given cache directory, instantiates it, clocks one value
// through it, and prints "outcome=<built|lost-race|cached>" on success.
#pragma once

#include <string>

#include "models/units/unit_registry.hpp"

namespace fxsim::engine_test {

inline constexpr const char* kChildFlag = "--ondemand-child";

// eng_bn_relu with one stage and no activation: no built-in variant has these parameters.
units::ParamMap concurrent_bn_params();

int child_main(const std::string& cache_dir);

}  // namespace fxsim::engine_test
