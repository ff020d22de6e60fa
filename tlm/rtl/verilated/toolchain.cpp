#include "tlm/rtl/verilated/toolchain.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <optional>

#include "tlm/rtl/verilated/rtl_errors.hpp"
#include "util/process.hpp"
#include "util/strings.hpp"

namespace fxsim::verilated {
namespace {

std::string trim(std::string_view s) { return std::string(util::trim(s)); }

// Empty when `tc` can build, else why not.
std::string toolchain_problem(const Toolchain& tc) {
  const std::optional<std::filesystem::path> verilator = util::find_executable(tc.verilator);
  if (!verilator) {
    return fmt::format("verilator not found at {} (install the Debian package verilator)",
                       tc.verilator);
  }
  if (!util::find_executable(tc.cxx)) {
    return fmt::format("the C++ compiler of this build, {}, is not there", tc.cxx);
  }
  // The shared object links against the Verilator runtime inside the executable: the headers it
  // is compiled with must be the ones that runtime came from.
  const std::optional<std::string> version = util::run_capture({verilator->string(), "--version"});
  if (!version) return fmt::format("`{} --version` failed", tc.verilator);
  if (trim(*version) != tc.verilator_version) {
    return fmt::format(
        "verilator is now '{}' but this executable's Verilator runtime is '{}' (rebuild fxsim)",
        trim(*version), tc.verilator_version);
  }
  return {};
}

}  // namespace

void check_toolchain(const Toolchain& tc) {
  static std::mutex mutex;
  static std::map<std::string, std::string> problems;  // verilator + cxx -> problem
  std::string problem;
  {
    const std::lock_guard<std::mutex> lock(mutex);
    const std::string id = tc.verilator + '\n' + tc.cxx + '\n' + tc.verilator_version;
    auto it = problems.find(id);
    if (it == problems.end()) it = problems.emplace(id, toolchain_problem(tc)).first;
    problem = it->second;
  }
  if (!problem.empty()) throw RtlToolchainError(problem);
}

}  // namespace fxsim::verilated
