// The programs and flags an on-demand variant is built with: verilator and the C++ compiler of
// this build, recorded at configure time (tlm/rtl/verilated/CMakeLists.txt), so that a variant
// built at run time is compiled like the built-in ones and against the same Verilator runtime
// the executable contains.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace fxsim::verilated {

struct Toolchain {
  std::string verilator;                    // verilator_bin, as verilate() runs it
  std::string verilator_root;               // its include/ holds the runtime headers
  std::string verilator_version;            // `verilator_bin --version` at configure time
  std::string verilator_compiler;           // verilator's --compiler (gcc or clang)
  std::vector<std::string> verilator_args;  // FXSIM_VERILATOR_ARGS (none by default)
  std::string cxx;                          // CMAKE_CXX_COMPILER
  std::string cxx_version;                  // CMAKE_CXX_COMPILER_ID and _VERSION
  std::vector<std::string> cxx_flags;       // build type, C++17, -fPIC, VM_* defines, ...,
                                            // FXSIM_VERILATED_CXX_FLAGS
};

// The toolchain of this build.
const Toolchain& build_toolchain();

// The embedded headers the adapter .cpp includes (adapters.hpp and what it
// includes), as they were when this executable was built: (file name, contents).
const std::vector<std::pair<std::string, std::string>>& adapter_headers();

// Checks that `tc` can build here: verilator and the compiler exist, and verilator reports the
// version the executable's runtime was compiled from. Throws RtlToolchainError naming what is
// missing or different. The answer is remembered per process.
void check_toolchain(const Toolchain& tc);

}  // namespace fxsim::verilated
