#include "tlm/rtl/verilated/variant_cache.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <system_error>

#include "tlm/rtl/verilated/variant_sources.hpp"
#include "util/files.hpp"
#include "util/sha256.hpp"

namespace fxsim::verilated {
namespace {

std::string file_sha256(const std::filesystem::path& path) {
  const std::optional<std::string> bytes = util::read_file(path);
  return bytes ? util::sha256_hex(*bytes) : std::string();
}

std::string unique_suffix() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%d-%016llx", static_cast<int>(::getpid()),
                static_cast<unsigned long long>(rng()));
  return buf;
}

}  // namespace

std::filesystem::path rtl_cache_root(const std::filesystem::path& cache_dir) {
  // Absolute: Verilator and the model's build run in other working directories, so a relative
  // FXSIM_CACHE_DIR would name the sources wrongly there.
  return std::filesystem::absolute(cache_dir) / "rtl";
}

std::string entry_problem(const EntryPaths& entry, const std::string& key) {
  std::error_code ec;
  if (!std::filesystem::is_directory(entry.dir, ec)) return "missing";
  const std::optional<std::string> text = util::read_file(entry.manifest());
  if (!text) return "no manifest.json";
  const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return "manifest.json is not valid JSON";
  if (doc.value("schema", -1) != kSchemaVersion) return "manifest.json has another schema version";
  if (doc.value("key", std::string()) != key) return "manifest.json names another key";
  if (doc.value("library", std::string()) != entry.library().filename().string()) {
    return "manifest.json names another library";
  }
  if (!std::filesystem::is_regular_file(entry.library(), ec)) return "the library is missing";
  if (file_sha256(entry.library()) != doc.value("library_sha256", std::string())) {
    return "the library does not match its SHA-256 in manifest.json";
  }
  return {};
}

void write_manifest(const EntryPaths& entry, const std::string& key, const std::string& unit,
                    const std::string& params) {
  const nlohmann::json doc = {
      {"schema", kSchemaVersion},
      {"key", key},
      {"unit", unit},
      {"params", params},
      {"library", entry.library().filename().string()},
      {"library_sha256", file_sha256(entry.library())},
  };
  util::write_file_atomically(entry.manifest(), doc.dump(2) + "\n");
}

std::filesystem::path make_build_dir(const std::filesystem::path& root, const std::string& key) {
  std::filesystem::create_directories(root);
  std::string pattern =
      (root / (".build-" + key.substr(0, 16) + "-" + std::to_string(::getpid()) + "-XXXXXX"))
          .string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw std::filesystem::filesystem_error("cannot create a build directory", pattern,
                                            std::error_code(errno, std::generic_category()));
  }
  return pattern;
}

bool install_entry(const std::filesystem::path& build_dir, const std::filesystem::path& final_dir) {
  if (::rename(build_dir.c_str(), final_dir.c_str()) == 0) return true;
  const int err = errno;
  std::error_code ec;
  if ((err == ENOTEMPTY || err == EEXIST) && std::filesystem::is_directory(final_dir, ec)) {
    std::filesystem::remove_all(build_dir, ec);
    return false;
  }
  throw std::filesystem::filesystem_error("cannot rename the finished build into place", build_dir,
                                          final_dir, std::error_code(err, std::generic_category()));
}

void discard_entry(const std::filesystem::path& dir) {
  const std::filesystem::path trash =
      dir.parent_path() /
      (".trash-" + dir.filename().string().substr(0, 16) + "-" + unique_suffix());
  if (::rename(dir.c_str(), trash.c_str()) != 0) return;  // gone already: someone else did it
  std::error_code ec;
  std::filesystem::remove_all(trash, ec);
}

}  // namespace fxsim::verilated
