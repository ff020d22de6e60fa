#include "util/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <deque>
#include <fstream>
#include <random>
#include <sstream>
#include <system_error>

namespace fxsim::util {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int err) {
  throw std::filesystem::filesystem_error(what, path,
                                          std::error_code(err, std::generic_category()));
}

// A name no other process or thread picks: pid plus 64 random bits.
std::filesystem::path temp_name_for(const std::filesystem::path& path) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::ostringstream name;
  name << '.' << path.filename().string() << ".tmp." << ::getpid() << '.' << std::hex << rng();
  return path.parent_path() / name.str();
}

}  // namespace

void write_file_atomically(const std::filesystem::path& path, std::string_view contents) {
  if (!path.parent_path().empty()) std::filesystem::create_directories(path.parent_path());
  const std::filesystem::path tmp = temp_name_for(path);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create temporary file", tmp, errno);
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail("cannot write temporary file", tmp, err);
    }
    written += static_cast<size_t>(n);
  }
  // fsync before rename: after a crash the name points at the full contents or at nothing new.
  int err = ::fsync(fd) != 0 ? errno : 0;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    fail("cannot flush temporary file", tmp, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    fail("cannot rename temporary file into place", path, err);
  }
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return ss.str();
}

std::string file_tail(const std::filesystem::path& path, int lines) {
  std::ifstream in(path);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (static_cast<int>(last.size()) > lines) last.pop_front();
  }
  std::string out;
  for (const std::string& l : last) out += l + "\n";
  return out;
}

}  // namespace fxsim::util
