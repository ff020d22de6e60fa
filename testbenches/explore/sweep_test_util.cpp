#include "testbenches/explore/sweep_test_util.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "explore/design_points.hpp"
#include "traces/results_db.hpp"

extern char** environ;

namespace fxsim::sweep_test {

std::filesystem::path process_temp_root() {
  // One directory per process: two build trees may run the same test at the same time.
  return std::filesystem::temp_directory_path() /
         ("fxsim_sweep_tests_" + std::to_string(::getpid()));
}

namespace {

// Removes this process's temporary directories after the last test (best effort: a leftover
// directory is not a test failure).
class TempRootCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(process_temp_root(), ec);
  }
};

const ::testing::Environment* const kCleanup =
    ::testing::AddGlobalTestEnvironment(new TempRootCleanup);

}  // namespace

std::filesystem::path temp_dir(const std::string& suffix) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name() + suffix;
  for (char& c : name) {
    if (c == '/') c = '_';
  }
  const auto dir = process_temp_root() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

std::string write_file(const std::filesystem::path& dir, const std::string& name,
                       const std::string& text) {
  const auto path = dir / name;
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string small_sweep_text(const std::string& extra) {
  return R"([sweep]
name = "small"
seed = 5

[workload]
in_features = 64
out_features = 16
batch = 2
weight_range = [-0.25, 0.25]

[axes]
kind = ["fx_mac", "khot"]
weight = ["fixed<6,1>", "fixed<8,1>"]
k = [1, 2]
output = ["fixed<8,3,RND_CONV,SAT>"]
pe = [4]
simd = [4, 8]
)" + extra;
}

explore::SweepOutcome run_small(const std::string& sweep_path, const std::filesystem::path& out,
                                int jobs, int shard_index, int shard_count) {
  const explore::SweepSpec spec = explore::load_sweep_file(sweep_path);
  const auto points = explore::expand_sweep(spec);
  explore::SweepOptions o;
  o.out_dir = out;
  o.jobs = jobs;
  o.shard_index = shard_index;
  o.shard_count = shard_count;
  o.worker_command = {FXSIM_EXE, "sweep-worker"};
  o.progress = std::fopen("/dev/null", "w");
  o.fxsim_version = "test";
  explore::SweepOutcome r = explore::run_sweep(spec, points, o);
  std::fclose(o.progress);
  return r;
}

std::vector<std::vector<traces::Value>> all_rows(const std::filesystem::path& dir) {
  traces::ResultsDb db((dir / "results.sqlite").string());
  std::vector<std::vector<traces::Value>> rows;
  for (const auto& r : db.points()) rows.push_back(r.values());
  return rows;
}

pid_t spawn_fxsim(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::size_t kill_when_committed(pid_t pid, const std::filesystem::path& out, std::size_t points) {
  std::size_t committed = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline && committed < points) {
    if (std::filesystem::exists(out / "results.sqlite")) {
      try {
        committed = traces::ResultsDb((out / "results.sqlite").string()).point_ids().size();
      } catch (const std::exception&) {
        // The sweep has created the file but not its tables yet (or holds a write lock): poll on.
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(kill(pid, SIGKILL), 0);
  EXPECT_EQ(wait_exit(pid), 128 + SIGKILL);
  return committed;
}

namespace {

template <typename Objectives>
std::vector<std::int64_t> front_flags(const std::vector<traces::ResultRow>& x,
                                      Objectives objectives) {
  std::vector<std::int64_t> flags;
  for (std::size_t i = 0; i < x.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < x.size() && !dominated; ++j) {
      const std::vector<double> a = objectives(x[j]), b = objectives(x[i]);
      bool le = true, lt = false;
      for (std::size_t m = 0; m < a.size(); ++m) le &= a[m] <= b[m], lt |= a[m] < b[m];
      dominated = j != i && le && lt;
    }
    flags.push_back(dominated ? 0 : 1);
  }
  return flags;
}

}  // namespace

std::string parse_error(const std::string& text) {
  try {
    explore::parse_sweep(text, "e.toml");
  } catch (const explore::SweepFileError& e) {
    return e.what();
  }
  return "no error";
}

ParetoFlags brute_force_pareto(const std::vector<traces::ResultRow>& rows) {
  ParetoFlags f;
  f.accuracy = front_flags(rows, [](const traces::ResultRow& r) {
    return std::vector<double>{r.real("mse"), r.real("latency_ns"),
                               static_cast<double>(r.integer("lut_equivalent"))};
  });
  f.dsp = front_flags(rows, [](const traces::ResultRow& r) {
    return std::vector<double>{static_cast<double>(r.integer("dsp")),
                               static_cast<double>(r.integer("lut"))};
  });
  return f;
}

}  // namespace fxsim::sweep_test
