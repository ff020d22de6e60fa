// util::run_forked_tasks: every task's result exactly once whatever the job count, children that
// really are other processes, a task's exception as the error, a child that dies named with its
// signal.
#include "util/forked_tasks.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <map>
#include <set>
#include <string>

namespace fxsim::util {
namespace {

std::map<int, std::string> collect(int count, int jobs,
                                   const std::function<std::string(int)>& task) {
  std::map<int, std::string> results;
  run_forked_tasks(count, jobs, task, [&](int i, std::string&& bytes) {
    EXPECT_TRUE(results.emplace(i, std::move(bytes)).second) << "task " << i << " twice";
  });
  return results;
}

TEST(ForkedTasks, EveryTaskOnceWithItsBytes) {
  // Results larger than a pipe buffer, so the parent must read while the children write.
  const auto task = [](int i) { return std::string(100000 + i, static_cast<char>('a' + i % 26)); };
  for (int jobs : {1, 2, 3, 7, 40}) {
    SCOPED_TRACE("jobs " + std::to_string(jobs));
    const std::map<int, std::string> r = collect(7, jobs, task);
    ASSERT_EQ(r.size(), 7u);
    for (int i = 0; i < 7; ++i) EXPECT_EQ(r.at(i), task(i));
  }
  EXPECT_TRUE(collect(0, 4, task).empty());
}

TEST(ForkedTasks, ChildrenAreOtherProcessesDealtRoundRobin) {
  const pid_t parent = getpid();
  const std::map<int, std::string> r = collect(6, 3, [](int) { return std::to_string(getpid()); });
  std::set<std::string> pids;
  for (const auto& [i, pid] : r) {
    EXPECT_NE(pid, std::to_string(parent));
    pids.insert(pid);
  }
  EXPECT_EQ(pids.size(), 3u);
  // Child w runs tasks w and w + 3.
  EXPECT_EQ(r.at(0), r.at(3));
  EXPECT_EQ(r.at(1), r.at(4));
  EXPECT_EQ(r.at(2), r.at(5));
  // One job: in this process.
  EXPECT_EQ(collect(2, 1, [](int) { return std::to_string(getpid()); }).at(1),
            std::to_string(parent));
}

TEST(ForkedTasks, TaskExceptionBecomesTheError) {
  const auto task = [](int i) -> std::string {
    if (i == 4) throw std::runtime_error("task four failed: bad input");
    return "ok";
  };
  try {
    collect(6, 2, task);
    FAIL() << "no error";
  } catch (const ForkedTaskError& e) {
    EXPECT_STREQ(e.what(), "task four failed: bad input");
  }
  // In process, the exception itself.
  EXPECT_THROW(collect(6, 1, task), std::runtime_error);
}

TEST(ForkedTasks, DeadChildIsNamedWithItsSignal) {
  const auto task = [](int i) -> std::string {
    if (i == 3) ::raise(SIGKILL);
    return "ok";
  };
  try {
    collect(4, 2, task);
    FAIL() << "no error";
  } catch (const ForkedTaskError& e) {
    EXPECT_EQ(std::string(e.what()), "worker 1 ended (signal 9 (Killed)) after 1 of its 2 tasks");
  }
}

}  // namespace
}  // namespace fxsim::util
