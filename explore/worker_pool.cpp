#include "explore/worker_pool.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <optional>
#include <stdexcept>

#include "explore/worker.hpp"

extern char** environ;

namespace fxsim::explore {

namespace {

struct Worker {
  pid_t pid = -1;
  int to_child = -1;    // its stdin
  int from_child = -1;  // its protocol stdout
  std::string buffer;   // bytes read, not yet a whole line
  std::optional<WorkerTask> busy;
  int served = 0;
};

Worker spawn_worker(const std::vector<std::string>& command) {
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  std::vector<char*> argv;
  for (const std::string& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  Worker w;
  const int rc = posix_spawn(&w.pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    throw std::runtime_error("cannot start the sweep worker " + command[0] + ": " +
                             std::strerror(rc));
  }
  w.to_child = in_pipe[1];
  w.from_child = out_pipe[0];
  return w;
}

// Closes the pipes and reaps the process; the exit status as text.
std::string retire(Worker* w) {
  if (w->to_child >= 0) close(w->to_child);
  if (w->from_child >= 0) close(w->from_child);
  w->to_child = w->from_child = -1;
  int status = 0;
  std::string how = "ended";
  if (w->pid > 0 && waitpid(w->pid, &status, 0) == w->pid) {
    if (WIFSIGNALED(status)) {
      how = std::string("was killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
            strsignal(WTERMSIG(status)) + ")";
    } else if (WIFEXITED(status)) {
      how = "exited with status " + std::to_string(WEXITSTATUS(status));
    }
  }
  w->pid = -1;
  return how;
}

bool send(Worker* w, const WorkerTask& t) {
  const std::string line =
      std::to_string(t.point_id) + " " + (t.rtl ? "1" : "0") + " " + (t.trace ? "1" : "0") + "\n";
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = write(w->to_child, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<std::size_t>(n);
  }
  w->busy = t;
  ++w->served;
  return true;
}

}  // namespace

void run_workers(const WorkerPoolOptions& options, const std::vector<WorkerTask>& tasks,
                 const std::function<void(const WorkerTask&, const traces::ResultRow&)>& on_result,
                 const std::function<void(const WorkerTask&, const std::string&)>& on_lost) {
  if (tasks.empty()) return;
  signal(SIGPIPE, SIG_IGN);  // a dead worker shows as EOF / EPIPE, not as our death
  std::deque<WorkerTask> queue(tasks.begin(), tasks.end());
  const int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(tasks.size())));
  std::vector<Worker> workers;
  for (int i = 0; i < jobs; ++i) workers.push_back(spawn_worker(options.command));
  int consecutive_deaths = 0;

  // Gives an idle worker its next task (replacing it first when it has served its share).
  auto feed = [&](Worker* w) {
    while (!queue.empty() && !w->busy) {
      if (w->pid < 0 || w->served >= options.points_per_worker) {
        if (w->pid > 0) retire(w);
        *w = spawn_worker(options.command);
      }
      if (send(w, queue.front())) {
        queue.pop_front();
      } else {
        retire(w);  // died before taking it: try a fresh one
        if (++consecutive_deaths > 3 * jobs) {
          throw std::runtime_error("sweep workers keep dying before taking a point");
        }
      }
    }
  };
  for (Worker& w : workers) feed(&w);

  for (;;) {
    std::vector<pollfd> fds;
    std::vector<Worker*> owners;
    for (Worker& w : workers) {
      if (w.busy) {
        fds.push_back({w.from_child, POLLIN, 0});
        owners.push_back(&w);
      }
    }
    if (fds.empty()) break;
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Worker* w = owners[i];
      char chunk[65536];
      const ssize_t n = read(w->from_child, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const WorkerTask lost = *w->busy;
        w->busy.reset();
        const std::string how = retire(w);
        on_lost(lost, "the worker process " + how + " while evaluating this point");
        if (++consecutive_deaths > 3 * jobs) {
          throw std::runtime_error("sweep workers keep dying (" + how + ")");
        }
        feed(w);
        continue;
      }
      w->buffer.append(chunk, static_cast<std::size_t>(n));
      std::size_t nl;
      while ((nl = w->buffer.find('\n')) != std::string::npos) {
        const std::string line = w->buffer.substr(0, nl);
        w->buffer.erase(0, nl + 1);
        const WorkerTask done = w->busy.value_or(WorkerTask{});
        w->busy.reset();
        consecutive_deaths = 0;
        traces::ResultRow row;
        try {
          row = row_from_json(nlohmann::json::parse(line).at("row"));
        } catch (const std::exception& e) {
          on_lost(done, std::string("unreadable reply from the worker: ") + e.what());
          continue;
        }
        on_result(done, row);
      }
      feed(w);
    }
  }
  for (Worker& w : workers) {
    if (w.pid > 0) retire(&w);
  }
}

}  // namespace fxsim::explore
