// The on-disk cache of synthesis results. One JSON file per key under <dir>/synth/; entries are
// written atomically (util/files.hpp), so concurrent fxsim processes can share a
// directory. A corrupt entry is reported and treated as missing, and the next store replaces it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "models/resources/family.hpp"
#include "models/units/unit_registry.hpp"
#include "synth/synth_result.hpp"

namespace fxsim::synth {

// Bump when anything that changes yosys's answer without changing the key inputs below changes
// (the script, the grouping of cells, the meaning of a field).
inline constexpr int kCacheSchemaVersion = 1;

// Everything a synthesis result depends on.
struct CacheKeyInput {
  std::string unit;
  units::ParamMap params;  // resolved
  resources::Family family = resources::Family::xc7;
  bool use_dsp = true;
  std::string yosys_version;
  std::string synth_command;  // the synth_xilinx line (options beyond family and -nodsp)
  std::vector<std::pair<std::string, std::string>> rtl_files;  // (name under rtl/, contents)
};

// SHA-256 (hex) of a canonical JSON document of the key input and kCacheSchemaVersion; the RTL
// enters through the SHA-256 of each file's bytes.
std::string cache_key(const CacheKeyInput& in);

class SynthCache {
 public:
  explicit SynthCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path entry_path(const std::string& key) const;

  // The stored result for `key`; nullopt when there is none. A file that exists but is not a
  // valid entry for `key` also gives nullopt, with the reason in *problem.
  std::optional<SynthResult> load(const std::string& key, std::string* problem) const;

  // Stores `result` under result.cache_key (atomically replacing any entry).
  void store(const SynthResult& result) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace fxsim::synth
