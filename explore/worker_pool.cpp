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

using ResultCallback = std::function<void(const WorkerTask&, const traces::ResultRow&)>;
using LostCallback = std::function<void(const WorkerTask&, const std::string&)>;

// The workers of one run_workers call and the tasks they have still to take.
class Pool {
 public:
  Pool(const WorkerPoolOptions& options, const std::vector<WorkerTask>& tasks,
       const ResultCallback& on_result, const LostCallback& on_lost)
      : options_(options),
        queue_(tasks.begin(), tasks.end()),
        jobs_(std::max(1, std::min<int>(options.jobs, static_cast<int>(tasks.size())))),
        on_result_(on_result),
        on_lost_(on_lost) {}

  // Starts the workers, serves them until no task is left and none is busy, then reaps them.
  void run() {
    for (int i = 0; i < jobs_; ++i) workers_.push_back(spawn_worker(options_.command));
    for (Worker& w : workers_) feed(&w);
    while (serve_busy_workers()) {
    }
    for (Worker& w : workers_) {
      if (w.pid > 0) retire(&w);
    }
  }

 private:
  // Gives an idle worker its next task (replacing it first when it has served its share).
  void feed(Worker* w) {
    while (!queue_.empty() && !w->busy) {
      if (w->pid < 0 || w->served >= options_.points_per_worker) {
        if (w->pid > 0) retire(w);
        *w = spawn_worker(options_.command);
      }
      if (send(w, queue_.front())) {
        queue_.pop_front();
      } else {
        retire(w);  // died before taking it: try a fresh one
        if (++consecutive_deaths_ > 3 * jobs_) {
          throw std::runtime_error("sweep workers keep dying before taking a point");
        }
      }
    }
  }

  // Waits until a busy worker has output (or has ended) and handles it; false when no worker is
  // busy any more.
  bool serve_busy_workers() {
    std::vector<pollfd> fds;
    std::vector<Worker*> owners;
    for (Worker& w : workers_) {
      if (w.busy) {
        fds.push_back({w.from_child, POLLIN, 0});
        owners.push_back(&w);
      }
    }
    if (fds.empty()) return false;
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) return true;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) read_from(owners[i]);
    }
    return true;
  }

  // One read of a worker's output: its complete reply lines delivered, or its death handled.
  void read_from(Worker* w) {
    char chunk[65536];
    const ssize_t n = read(w->from_child, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) return;  // polled again: the data is still there
    if (n <= 0) {
      worker_died(w);
    } else {
      w->buffer.append(chunk, static_cast<std::size_t>(n));
      deliver_replies(w);
    }
    feed(w);
  }

  // The point of a worker that ended mid-point is reported lost; a pool whose workers keep dying
  // gives up rather than losing every point.
  void worker_died(Worker* w) {
    const WorkerTask lost = *w->busy;
    w->busy.reset();
    const std::string how = retire(w);
    on_lost_(lost, "the worker process " + how + " while evaluating this point");
    if (++consecutive_deaths_ > 3 * jobs_) {
      throw std::runtime_error("sweep workers keep dying (" + how + ")");
    }
  }

  // Every whole line in the worker's buffer is the reply to its busy task.
  void deliver_replies(Worker* w) {
    std::size_t nl;
    while ((nl = w->buffer.find('\n')) != std::string::npos) {
      const std::string line = w->buffer.substr(0, nl);
      w->buffer.erase(0, nl + 1);
      const WorkerTask done = w->busy.value_or(WorkerTask{});
      w->busy.reset();
      consecutive_deaths_ = 0;
      traces::ResultRow row;
      try {
        row = row_from_json(nlohmann::json::parse(line).at("row"));
      } catch (const std::exception& e) {
        on_lost_(done, std::string("unreadable reply from the worker: ") + e.what());
        continue;
      }
      on_result_(done, row);
    }
  }

  const WorkerPoolOptions& options_;
  std::deque<WorkerTask> queue_;
  const int jobs_;
  const ResultCallback& on_result_;
  const LostCallback& on_lost_;
  std::vector<Worker> workers_;
  int consecutive_deaths_ = 0;
};

}  // namespace

void run_workers(const WorkerPoolOptions& options, const std::vector<WorkerTask>& tasks,
                 const std::function<void(const WorkerTask&, const traces::ResultRow&)>& on_result,
                 const std::function<void(const WorkerTask&, const std::string&)>& on_lost) {
  if (tasks.empty()) return;
  signal(SIGPIPE, SIG_IGN);  // a dead worker shows as EOF / EPIPE, not as our death
  Pool(options, tasks, on_result, on_lost).run();
}

}  // namespace fxsim::explore
