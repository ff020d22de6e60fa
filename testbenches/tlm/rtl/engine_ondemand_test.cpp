// Verilated variants built on demand (tlm/rtl/verilated/, docs/engine.md): a point runs on the
// rtl backend bit- and cycle-exactly on units built at first use; the second process finds the
// entries in the cache and starts no build; damaged entries are rebuilt; two processes building
// one key at once both succeed; with builds off only cached entries are used; broken toolchains
// give RtlVariantError. Real verilator and compiler throughout. ctest runs
// OnDemand.RunsPointBuiltOnDemand first (fixture), so the other tests reuse its entries from the
// run's cache directory (FXSIM_CACHE_DIR).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "testbenches/common/engine_points.hpp"
#include "testbenches/env/run_point.hpp"
#include "testbenches/tlm/rtl/ondemand_child.hpp"
#include "tlm/rtl/engine_variants.hpp"
#include "tlm/rtl/verilated/variant_builder.hpp"
#include "tlm/rtl/verilated/variant_registry.hpp"

extern char** environ;

namespace fxsim::engine_test {
namespace {

namespace fs = std::filesystem;
namespace od = verilated;

fs::path cache_dir() { return std::getenv("FXSIM_CACHE_DIR"); }

// A fresh directory under the run's cache directory, for tests that need a cache of their own.
fs::path private_cache(const std::string& name) {
  const fs::path p = cache_dir() / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

// mac8's types with SIMD 2 (no other test builds it) followed by the relu bn_act.
engine::EngineConfig ondemand_point() {
  PointSpec p;
  p.bn_family = BnFamily::RELU;
  p.pe = 2;
  p.in_features = 7;
  p.out_features = 5;
  p.batch = 2;
  engine::EngineConfig cfg = make_point(p);
  cfg.simd = 2;
  return cfg;
}

od::VariantRequest ondemand_pe_request() {
  const engine::EngineConfig cfg = ondemand_point();
  const engine::Elaboration e = engine::elaborate(cfg);
  return od::unit_request(e.pe.unit->name, e.pe.params);
}

// The complete entries (not .build-* or .trash-*) under `cache`/rtl.
std::vector<fs::path> entries(const fs::path& cache) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cache / "rtl", ec)) {
    if (e.path().filename().string()[0] != '.') out.push_back(e.path());
  }
  return out;
}

std::vector<fs::path> hidden_dirs(const fs::path& cache) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(cache / "rtl", ec)) {
    if (e.path().filename().string()[0] == '.') out.push_back(e.path());
  }
  return out;
}

// The cache entry of the on-demand PE (built here when the fixture test has not run, e.g. one
// test run by hand). ensure_variant does not load it, so the registry's counters stay as they
// are.
od::CachedVariant shared_pe_entry() {
  od::BuildOptions options;
  options.cache_dir = cache_dir();
  return od::ensure_variant(ondemand_pe_request(), options);
}

TEST(OnDemand, RunsPointBuiltOnDemand) {
  const engine::EngineConfig cfg = ondemand_point();
  const env::RunSummary s = env::run_point(cfg, env::Backends::BOTH);
  ASSERT_EQ(s.runs.size(), 2u);
  EXPECT_EQ(s.runs[1].kind, env::BackendKind::RTL);
  EXPECT_EQ(s.runs[1].pe_variant.rfind("fx_mac_pe SIMD=", 0), 0u) << s.runs[1].pe_variant;
  EXPECT_EQ(s.runs[1].bn_variant.rfind("bn_act X=", 0), 0u) << s.runs[1].bn_variant;
  EXPECT_EQ(s.mismatches(), 0u);  // bit-exact against the reference
  ASSERT_TRUE(s.comparison.has_value());
  EXPECT_TRUE(s.comparison->exact())
      << "model " << s.runs[0].cycles << ", rtl " << s.runs[1].cycles;
  EXPECT_TRUE(s.passed());
  // The PE and the bn_act, each built here (ctest empties the cache first) or loaded (a rerun by
  // hand) exactly once.
  const od::Stats st = od::stats();
  EXPECT_EQ(st.builds + st.cache_loads, 2);
  const std::vector<fs::path> e = entries(cache_dir());
  ASSERT_EQ(e.size(), 2u);
  for (const fs::path& entry : e) {
    EXPECT_TRUE(fs::exists(entry / "build.log"));
    EXPECT_TRUE(fs::exists(entry / "manifest.json"));
  }
  EXPECT_TRUE(hidden_dirs(cache_dir()).empty());  // no build directory left behind
}

TEST(OnDemand, SecondLookupIsCacheHit) {
  if (od::stats().builds + od::stats().cache_loads > 0) {
    GTEST_SKIP() << "needs a process that has not loaded the variant yet (ctest runs it alone)";
  }
  const od::CachedVariant v = shared_pe_entry();
  const fs::file_time_type log_time = fs::last_write_time(v.entry.log());
  const od::Stats before = od::stats();

  const engine::EngineConfig cfg = ondemand_point();
  const tlm_rtl::EngineVariants first = tlm_rtl::find_engine_variants(engine::elaborate(cfg));
  const tlm_rtl::EngineVariants second = tlm_rtl::find_engine_variants(engine::elaborate(cfg));
  const od::Stats after = od::stats();
  EXPECT_EQ(after.builds, before.builds);                // no verilator, no compiler
  EXPECT_EQ(after.cache_loads, before.cache_loads + 2);  // the PE and the bn_act
  EXPECT_EQ(after.reused, before.reused + 2);  // the second lookups are answered in memory
  EXPECT_EQ(first.pe, second.pe);
  EXPECT_EQ(fs::last_write_time(v.entry.log()), log_time);
  EXPECT_EQ(first.pe->name,
            "fx_mac_pe " + units::summarize_params(*v.sources.unit, v.sources.params));
  // The loaded model is usable: reset, one idle edge, nothing valid.
  auto model = first.pe->make("pe0");
  model->reset();
  model->settle();
  model->rise();
  EXPECT_FALSE(model->out_valid());
}

TEST(OnDemand, DamagedEntryIsRebuilt) {
  const od::CachedVariant good = shared_pe_entry();
  const fs::path cache = private_cache("damaged");
  const fs::path entry = cache / "rtl" / good.sources.key;
  fs::create_directories(entry.parent_path());
  fs::copy(good.entry.dir, entry, fs::copy_options::recursive);

  od::EntryPaths paths{entry, good.sources.class_name};
  ASSERT_EQ(od::entry_problem(paths, good.sources.key), "");
  // Each kind of damage is noticed without loading anything...
  const std::string manifest = paths.manifest().string();
  fs::rename(manifest, manifest + ".away");
  EXPECT_EQ(od::entry_problem(paths, good.sources.key), "no manifest.json");
  fs::rename(manifest + ".away", manifest);
  const std::uintmax_t size = fs::file_size(paths.library());
  fs::resize_file(paths.library(), size / 2);  // a half-written library
  EXPECT_NE(od::entry_problem(paths, good.sources.key).find("SHA-256"), std::string::npos);
  // ... and a leftover build directory of a crashed builder is simply ignored.
  const fs::path crashed = cache / "rtl" / (".build-" + good.sources.key.substr(0, 16) + "-1-x");
  fs::create_directories(crashed);

  std::vector<std::string> notes;
  od::BuildOptions options;
  options.cache_dir = cache;
  options.notify = [&](const std::string& line) { notes.push_back(line); };
  const od::CachedVariant rebuilt = od::ensure_variant(ondemand_pe_request(), options);
  EXPECT_EQ(rebuilt.outcome, od::Outcome::BUILT);
  ASSERT_EQ(notes.size(), 2u);
  EXPECT_NE(notes[0].find("ignoring damaged RTL variant cache entry"), std::string::npos)
      << notes[0];
  EXPECT_EQ(notes[1].rfind("building RTL variant fx_mac_pe SIMD=2 ", 0), 0u) << notes[1];
  EXPECT_NE(notes[1].find("(first use, a few seconds)"), std::string::npos) << notes[1];
  EXPECT_EQ(od::entry_problem(paths, good.sources.key), "");
  // Rebuilt whole, not the half-written file. (Not byte-equal to the first build: the debug info
  // names the private build directory, whose name carries the builder's pid, so the size moves
  // by a few bytes when the pids have different lengths.)
  EXPECT_GT(fs::file_size(paths.library()), size / 2 + size / 4);
  EXPECT_TRUE(fs::exists(crashed));
  fs::remove_all(cache);
}

// Starts this executable in child mode (ondemand_child.hpp); returns its pid.
pid_t spawn_child(const fs::path& cache, const fs::path& out) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  const std::string self = fs::read_symlink("/proc/self/exe").string();
  std::vector<std::string> args = {self, kChildFlag, cache.string()};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, self.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -1;
}

int wait_for(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

TEST(OnDemand, ConcurrentBuildersOfOneKeyBothSucceed) {
  const fs::path cache = private_cache("concurrent");
  const fs::path out_a = cache / "a.out", out_b = cache / "b.out";
  const pid_t a = spawn_child(cache, out_a);
  const pid_t b = spawn_child(cache, out_b);
  ASSERT_GT(a, 0);
  ASSERT_GT(b, 0);
  EXPECT_EQ(wait_for(a), 0);
  EXPECT_EQ(wait_for(b), 0);
  const std::string ra = slurp(out_a), rb = slurp(out_b);
  // Both started before either finished: both built, one installed, the other lost the race and
  // used the winner's entry. (On a very slow start the second may find it cached: also fine.)
  const std::vector<std::string> ok = {"outcome=built", "outcome=lost-race", "outcome=cached"};
  EXPECT_NE(std::find(ok.begin(), ok.end(), ra), ok.end()) << ra;
  EXPECT_NE(std::find(ok.begin(), ok.end(), rb), ok.end()) << rb;
  EXPECT_TRUE(ra == "outcome=built" || rb == "outcome=built") << ra << " / " << rb;
  EXPECT_FALSE(ra == "outcome=built" && rb == "outcome=built") << "both installed";
  std::printf("concurrent builders: %s, %s\n", ra.c_str(), rb.c_str());
  const std::vector<fs::path> e = entries(cache);
  ASSERT_EQ(e.size(), 1u);
  EXPECT_TRUE(hidden_dirs(cache).empty());  // the loser removed its build directory
  fs::remove_all(cache);
}

TEST(OnDemand, DisabledUsesOnlyTheCache) {
  const engine::EngineConfig cfg = ondemand_point();
  shared_pe_entry();  // the PE is in the run's cache (the fixture built it, with its bn_act)
  const od::Stats before = od::stats();
  // An empty cache: nothing to load, and nothing may be built.
  od::set_ondemand_cache_dir(private_cache("disabled"));
  auto expect_refused = [&](const char* how) {
    try {
      tlm_rtl::find_engine_variants(engine::elaborate(cfg));
      ADD_FAILURE() << how << ": expected RtlVariantError";
    } catch (const verilated::RtlVariantError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("no Verilated fx_mac_pe with these parameters (SIMD=2"),
                std::string::npos)
          << what;
      EXPECT_NE(what.find("builds are off (FXSIM_RTL_ONDEMAND=0)"), std::string::npos) << what;
    }
  };
  verilated::set_ondemand_builds(false);
  expect_refused("set_ondemand_builds(false)");
  verilated::set_ondemand_builds(std::nullopt);
  ::setenv("FXSIM_RTL_ONDEMAND", "0", 1);
  EXPECT_FALSE(verilated::ondemand_builds_enabled());
  expect_refused("FXSIM_RTL_ONDEMAND=0");
  EXPECT_EQ(od::stats().builds, before.builds);  // nothing was built or loaded
  EXPECT_EQ(od::stats().cache_loads, before.cache_loads);
  // The run's cache holds both units: with builds still off they are loaded, not built.
  fs::remove_all(od::ondemand_cache_dir());
  od::set_ondemand_cache_dir({});
  const tlm_rtl::EngineVariants v = tlm_rtl::find_engine_variants(engine::elaborate(cfg));
  EXPECT_NE(v.pe, nullptr);
  EXPECT_NE(v.bn, nullptr);
  EXPECT_EQ(od::stats().builds, before.builds);
  ::unsetenv("FXSIM_RTL_ONDEMAND");
  EXPECT_TRUE(verilated::ondemand_builds_enabled());
}

TEST(OnDemand, MissingVerilatorIsAVariantError) {
  od::Toolchain tc = od::build_toolchain();
  tc.verilator = "/nonexistent/verilator_bin";
  od::BuildOptions options;
  options.cache_dir = private_cache("missing");
  options.toolchain = &tc;
  try {
    od::ensure_variant(ondemand_pe_request(), options);
    FAIL() << "expected RtlToolchainError";
  } catch (const verilated::RtlToolchainError& e) {  // an RtlVariantError
    EXPECT_NE(std::string(e.what()).find("verilator not found at /nonexistent/verilator_bin"),
              std::string::npos)
        << e.what();
  }
  fs::remove_all(options.cache_dir);
}

TEST(OnDemand, FailedBuildNamesItsLog) {
  od::Toolchain tc = od::build_toolchain();
  tc.cxx_flags.push_back("-fno-such-option-fxsim");  // the compiler step fails
  od::BuildOptions options;
  options.cache_dir = private_cache("failing");
  options.toolchain = &tc;
  options.notify = [](const std::string&) {};
  try {
    od::ensure_variant(ondemand_pe_request(), options);
    FAIL() << "expected RtlBuildError";
  } catch (const verilated::RtlBuildError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("the C++ compiler exited with code"), std::string::npos) << what;
    EXPECT_NE(what.find("full log: " + e.log_path), std::string::npos) << what;
    EXPECT_NE(what.find("-fno-such-option-fxsim"), std::string::npos) << what;  // the log's tail
    EXPECT_TRUE(fs::exists(e.log_path));
  }
  EXPECT_TRUE(entries(options.cache_dir).empty());  // nothing half-built is installed
  fs::remove_all(options.cache_dir);
}

}  // namespace
}  // namespace fxsim::engine_test
