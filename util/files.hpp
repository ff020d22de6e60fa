// Whole-file reads, atomic whole-file writes and the tail of a log. Cache entries are shared by
// concurrent fxsim processes (parallel sweeps, Slurm array tasks), so a reader must see either no
// file or a complete one, never a partial write.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace fxsim::util {

// Writes `contents` to a fresh temporary file in the same directory as `path` (created with
// O_EXCL under a unique name), flushes it to disk, then rename()s it over `path`: rename within
// one file system is atomic in POSIX. Creates the directory when needed. Throws
// std::filesystem::filesystem_error on failure (and removes the temporary file).
void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

// The whole file, or nullopt when it does not exist or cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& path);

// The last `lines` lines of a text file ("" when unreadable), each ending in a newline.
std::string file_tail(const std::filesystem::path& path, int lines);

}  // namespace fxsim::util
