// The on-disk layout of on-demand variants and the protocol that lets concurrent processes share
// it (parallel sweeps, Slurm array tasks on several machines over a shared file system).
//
//   <cache>/rtl/<key>/             a complete entry: manifest.json, lib<class>.so, build.log,
//                                  src/ (RTL copies, adapter.cpp, adapter headers), obj/ (the
//                                  Verilated C++)
//   <cache>/rtl/.build-<key16>-*   a build in progress (or one that failed: its build.log stays)
//
// An entry is built in its own .build-* directory next to the final name and rename()d into
// place once complete: rename within one file system is atomic, and renaming onto an existing
// non-empty directory fails, so of two concurrent builders of one key exactly one installs its
// directory and the other discards its own and uses the winner's. Nothing is ever written into
// an installed entry, so a reader sees no entry or a complete one. An entry that is nevertheless
// damaged (truncated copy, disk trouble, manual edits) fails validation: the library's SHA-256 is
// in the manifest. It is then moved aside and rebuilt.
#pragma once

#include <filesystem>
#include <string>

namespace fxsim::verilated {

struct EntryPaths {
  std::filesystem::path dir;
  std::string class_name;
  std::filesystem::path manifest() const { return dir / "manifest.json"; }
  std::filesystem::path library() const { return dir / ("lib" + class_name + ".so"); }
  std::filesystem::path log() const { return dir / "build.log"; }
  std::filesystem::path src() const { return dir / "src"; }
  std::filesystem::path obj() const { return dir / "obj"; }
};

// <cache_dir>/rtl: the root of every on-demand entry.
std::filesystem::path rtl_cache_root(const std::filesystem::path& cache_dir);

// Empty when `dir` holds a complete entry of `key` (manifest of this schema and key, library
// present with the recorded SHA-256); else why not ("missing" when there is no directory).
std::string entry_problem(const EntryPaths& entry, const std::string& key);

// Writes the manifest of a finished build in `entry` (records the library's SHA-256).
void write_manifest(const EntryPaths& entry, const std::string& key, const std::string& unit,
                    const std::string& params);

// A fresh private build directory <root>/.build-<key16>-<pid>-XXXXXX.
std::filesystem::path make_build_dir(const std::filesystem::path& root, const std::string& key);

// Renames the finished `build_dir` to `final_dir`. True when this call installed it; false when
// another process installed the key first (then `build_dir` is removed).
bool install_entry(const std::filesystem::path& build_dir, const std::filesystem::path& final_dir);

// Moves a damaged entry out of the way (renamed to a .trash-* name first, so the final name is
// free at once even if deleting takes a while) and deletes it. Losing a race with another
// process doing the same is fine.
void discard_entry(const std::filesystem::path& dir);

}  // namespace fxsim::verilated
