#include "util/forked_tasks.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace fxsim::util {
namespace {

// A result record on a child's pipe: task index, ok flag (0: the bytes are an error message),
// byte count, bytes.
struct RecordHeader {
  std::int32_t task;
  std::int32_t ok;
  std::uint64_t size;
};

bool write_all(int fd, const char* p, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

[[noreturn]] void child_main(int fd, int first, int count, int jobs,
                             const std::function<std::string(int)>& task) {
  int rc = 0;
  for (int i = first; i < count; i += jobs) {
    std::string bytes;
    bool ok = true;
    try {
      bytes = task(i);
    } catch (const std::exception& e) {
      ok = false;
      bytes = e.what();
    } catch (...) {
      ok = false;
      bytes = "unknown exception";
    }
    const RecordHeader h{i, ok ? 1 : 0, bytes.size()};
    if (!write_all(fd, reinterpret_cast<const char*>(&h), sizeof h) ||
        !write_all(fd, bytes.data(), bytes.size()) || !ok) {
      rc = 1;
      break;
    }
  }
  ::close(fd);
  std::fflush(nullptr);
  ::_exit(rc);
}

struct Child {
  pid_t pid = -1;
  int fd = -1;
  std::string buffer;  // bytes read, not yet a whole record
  int first = 0;
};

// "exit status N" / "signal N (name)" of a finished child.
std::string wait_status(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return "unknown status";
  }
  if (WIFSIGNALED(status)) {
    return "signal " + std::to_string(WTERMSIG(status)) + " (" + strsignal(WTERMSIG(status)) + ")";
  }
  return "exit status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

void kill_all(std::vector<Child>& children) {
  for (Child& c : children) {
    if (c.fd >= 0) ::close(c.fd);
    c.fd = -1;
    if (c.pid > 0) {
      ::kill(c.pid, SIGKILL);
      wait_status(c.pid);
      c.pid = -1;
    }
  }
}

std::vector<Child> fork_children(int count, int jobs, const std::function<std::string(int)>& task) {
  std::vector<Child> children;
  std::fflush(nullptr);
  for (int w = 0; w < jobs; ++w) {
    int fds[2];
    if (::pipe(fds) != 0) {
      kill_all(children);
      throw ForkedTaskError(std::string("pipe: ") + std::strerror(errno));
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
      const int err = errno;
      ::close(fds[0]);
      ::close(fds[1]);
      kill_all(children);
      throw ForkedTaskError(std::string("fork: ") + std::strerror(err));
    }
    if (pid == 0) {
      ::close(fds[0]);
      for (const Child& c : children) ::close(c.fd);
      child_main(fds[1], w, count, jobs, task);
    }
    ::close(fds[1]);
    children.push_back({pid, fds[0], {}, w});
  }
  return children;
}

// Takes the whole records out of c.buffer; returns an error message from a failed task, if any.
std::string take_records(Child& c, int* delivered,
                         const std::function<void(int, std::string&&)>& on_result) {
  for (;;) {
    if (c.buffer.size() < sizeof(RecordHeader)) return {};
    RecordHeader h;
    std::memcpy(&h, c.buffer.data(), sizeof h);
    if (c.buffer.size() < sizeof h + h.size) return {};
    std::string bytes = c.buffer.substr(sizeof h, h.size);
    c.buffer.erase(0, sizeof h + h.size);
    if (!h.ok) return bytes.empty() ? std::string("a task failed") : bytes;
    ++*delivered;
    on_result(h.task, std::move(bytes));
  }
}

}  // namespace

void run_forked_tasks(int count, int jobs, const std::function<std::string(int)>& task,
                      const std::function<void(int, std::string&&)>& on_result) {
  if (jobs <= 1 || count <= 1) {
    for (int i = 0; i < count; ++i) on_result(i, task(i));
    return;
  }
  jobs = std::min(jobs, count);
  std::vector<Child> children = fork_children(count, jobs, task);
  std::vector<int> delivered(children.size(), 0);
  std::vector<char> chunk(1 << 16);
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<std::size_t> which;
    for (std::size_t k = 0; k < children.size(); ++k) {
      if (children[k].fd >= 0) {
        fds.push_back({children[k].fd, POLLIN, 0});
        which.push_back(k);
      }
    }
    if (fds.empty()) break;
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      kill_all(children);
      throw ForkedTaskError(std::string("poll: ") + std::strerror(errno));
    }
    for (std::size_t j = 0; j < fds.size(); ++j) {
      if (fds[j].revents == 0) continue;
      Child& c = children[which[j]];
      const ssize_t n = ::read(c.fd, chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // end of its results
        ::close(c.fd);
        c.fd = -1;
        continue;
      }
      c.buffer.append(chunk.data(), static_cast<std::size_t>(n));
      std::string error;
      try {
        error = take_records(c, &delivered[which[j]], on_result);
      } catch (...) {
        kill_all(children);
        throw;
      }
      if (!error.empty()) {
        kill_all(children);
        throw ForkedTaskError(error);
      }
    }
  }
  // Every pipe is closed: each child must have delivered all its tasks and exited cleanly.
  std::string failure;
  for (std::size_t k = 0; k < children.size(); ++k) {
    Child& c = children[k];
    const std::string status = wait_status(c.pid);
    c.pid = -1;
    const int expected = (count - c.first + jobs - 1) / jobs;
    if (failure.empty() && (delivered[k] != expected || status != "exit status 0")) {
      failure = "worker " + std::to_string(k) + " ended (" + status + ") after " +
                std::to_string(delivered[k]) + " of its " + std::to_string(expected) + " tasks";
    }
  }
  if (!failure.empty()) throw ForkedTaskError(failure);
}

}  // namespace fxsim::util
