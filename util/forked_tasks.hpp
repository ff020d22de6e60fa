// Independent tasks spread over forked copies of this process: how `fxsim verify` uses every core
// while SystemC (one simulation kernel per process, coroutines on one OS thread) stays
// single-threaded. A child starts as a copy of the parent at the call, so tasks need no
// serialized inputs; each returns its result as bytes over a pipe.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

namespace fxsim::util {

// A task that threw in a child (what(): its message), or a child that died before delivering
// all its results (what(): which, and its exit status or signal).
class ForkedTaskError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs task(i) for every i in [0, count). With jobs > 1 and count > 1, min(jobs, count) children
// are forked and child w runs i = w, w + jobs, w + 2 jobs, ... in that order; on_result(i, bytes)
// is called in the parent as each result arrives (in no set order across children). Otherwise
// the tasks run here in order, and their exceptions propagate as they are. On the first failure
// the other children are killed and ForkedTaskError is thrown. A child ends with _exit: it runs
// no destructors or atexit handlers of the parent's state. The parent's stdio buffers are
// flushed before forking, so nothing is printed twice.
void run_forked_tasks(int count, int jobs, const std::function<std::string(int)>& task,
                      const std::function<void(int, std::string&&)>& on_result);

}  // namespace fxsim::util
