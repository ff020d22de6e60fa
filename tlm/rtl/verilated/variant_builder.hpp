// Makes sure the cache holds a complete on-demand variant for a request: a valid entry is used
// as it is (no process is started); otherwise the
// variant is Verilated and compiled into a shared object in a private build directory, which is
// then installed atomically (variant_cache.hpp). Loading is the registry's job.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include "tlm/rtl/verilated/toolchain.hpp"
#include "tlm/rtl/verilated/variant_cache.hpp"
#include "tlm/rtl/verilated/variant_sources.hpp"

namespace fxsim::verilated {

struct BuildOptions {
  std::filesystem::path cache_dir;                 // the cache root (entries under <dir>/rtl/)
  std::filesystem::path rtl_dir;                   // empty: units::default_rtl_dir()
  const Toolchain* toolchain = nullptr;            // null: build_toolchain()
  std::function<void(const std::string&)> notify;  // progress line, warnings; empty: stderr
  bool allow_build = true;  // false: a missing entry is an RtlVariantError, nothing is built
};

enum class Outcome {
  CACHED,     // a valid entry was there
  BUILT,      // built and installed by this call
  LOST_RACE,  // built, but another process installed the same key first: theirs is used
};
const char* to_string(Outcome o);

struct CachedVariant {
  VariantSources sources;
  EntryPaths entry;
  Outcome outcome = Outcome::CACHED;
};

// Throws RtlVariantError when the entry is missing and builds are not allowed, RtlToolchainError
// when it cannot build here (checked only when a build is needed, so a
// filled cache works without verilator) or when the RTL cannot be read, RtlBuildError (with the
// log) when a build fails, std::filesystem::filesystem_error when the cache is not writable.
CachedVariant ensure_variant(const VariantRequest& request, const BuildOptions& options);

}  // namespace fxsim::verilated
