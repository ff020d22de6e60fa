#include "util/cache_dir.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string>

namespace fxsim::util {
namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

}  // namespace

std::filesystem::path resolve_cache_dir(const std::filesystem::path& explicit_dir) {
  if (!explicit_dir.empty()) return explicit_dir;
  if (const std::string d = env("FXSIM_CACHE_DIR"); !d.empty()) return d;
  if (const std::string d = env("XDG_CACHE_HOME"); !d.empty()) {
    return std::filesystem::path(d) / "fxsim";
  }
  if (const std::string home = env("HOME"); !home.empty()) {
    return std::filesystem::path(home) / ".cache" / "fxsim";
  }
  throw std::runtime_error(
      "no cache directory: pass --cache-dir or set FXSIM_CACHE_DIR, XDG_CACHE_HOME or HOME");
}

}  // namespace fxsim::util
