// The synthesis cache (synth/synth_cache.hpp) and the runner's use of it, with real yosys on
// the smallest unit (fx_requant): a hit starts no yosys, the key follows every input, a corrupt
// entry is reported and recomputed, and writes are atomic.
#include "synth/synth_cache.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "models/units/unit_rtl.hpp"
#include "synth/synthesize.hpp"
#include "util/cache_dir.hpp"
#include "util/files.hpp"

namespace fxsim::synth {
namespace {

namespace fs = std::filesystem;

// A fresh directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "fxsim-cache-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

CacheKeyInput base_key() {
  CacheKeyInput in;
  in.unit = "fx_requant";
  in.params = {{"IN_W", 16}, {"OUT_W", 8}};
  in.yosys_version = "Yosys 0.23 (git sha1 7ce5011c24b)";
  in.synth_command = "synth_xilinx -noiopad -family xc7 -top fx_requant";
  in.rtl_files = {{"fx_requant.sv", "module fx_requant; endmodule\n"}};
  return in;
}

TEST(CacheKey, IsA64DigitHexDigestAndDeterministic) {
  const std::string key = cache_key(base_key());
  EXPECT_EQ(key.size(), 64u);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(key, cache_key(base_key()));
}

TEST(CacheKey, ChangesWithEveryInput) {
  const std::string key = cache_key(base_key());
  std::vector<CacheKeyInput> variants(8, base_key());
  variants[0].params["OUT_W"] = 9;                     // a parameter
  variants[1].rtl_files[0].second[0] = 'M';            // one RTL byte
  variants[2].family = resources::Family::xcup;        // the family
  variants[3].use_dsp = false;                         // --no-dsp
  variants[4].yosys_version = "Yosys 0.24";            // the yosys version
  variants[5].unit = "fx_requant2";                    // the unit
  variants[6].rtl_files.emplace_back("extra.sv", "");  // one more file
  variants[7].synth_command += " -abc9";               // the flow
  for (size_t i = 0; i < variants.size(); ++i) {
    EXPECT_NE(cache_key(variants[i]), key) << "variant " << i;
  }
}

TEST(CacheDir, FollowsTheDocumentedOrder) {
  const char* saved[] = {std::getenv("FXSIM_CACHE_DIR"), std::getenv("XDG_CACHE_HOME"),
                         std::getenv("HOME")};
  const std::string saved_values[] = {saved[0] ? saved[0] : "", saved[1] ? saved[1] : "",
                                      saved[2] ? saved[2] : ""};
  ::setenv("FXSIM_CACHE_DIR", "/a", 1);
  ::setenv("XDG_CACHE_HOME", "/b", 1);
  ::setenv("HOME", "/c", 1);
  EXPECT_EQ(fxsim::util::resolve_cache_dir("/explicit"), fs::path("/explicit"));
  EXPECT_EQ(fxsim::util::resolve_cache_dir(""), fs::path("/a"));
  ::setenv("FXSIM_CACHE_DIR", "", 1);  // empty counts as unset
  EXPECT_EQ(fxsim::util::resolve_cache_dir(""), fs::path("/b/fxsim"));
  ::unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(fxsim::util::resolve_cache_dir(""), fs::path("/c/.cache/fxsim"));
  const char* names[] = {"FXSIM_CACHE_DIR", "XDG_CACHE_HOME", "HOME"};
  for (int i = 0; i < 3; ++i) {
    if (saved[i]) {
      ::setenv(names[i], saved_values[i].c_str(), 1);
    } else {
      ::unsetenv(names[i]);
    }
  }
}

TEST(AtomicFile, ConcurrentWritersLeaveOneCompleteFileAndNoTemporaries) {
  TempDir dir;
  const fs::path target = dir.path() / "sub" / "entry.json";
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&target, t] {
      const std::string body(100000, static_cast<char>('a' + t));
      for (int i = 0; i < 10; ++i) fxsim::util::write_file_atomically(target, body);
    });
  }
  // A reader racing the writers sees either nothing yet or one writer's whole file.
  for (int i = 0; i < 200; ++i) {
    if (const std::optional<std::string> seen = fxsim::util::read_file(target)) {
      ASSERT_EQ(seen->size(), 100000u);
      ASSERT_EQ(seen->find_first_not_of(seen->front()), std::string::npos);
    }
  }
  for (std::thread& w : writers) w.join();
  int files = 0;
  for (const auto& entry : fs::directory_iterator(target.parent_path())) {
    ++files;
    EXPECT_EQ(entry.path().filename(), "entry.json");
  }
  EXPECT_EQ(files, 1);
}

SynthRequest small_request() {
  SynthRequest r;
  r.unit = "fx_requant";
  r.overrides = {{"IN_W", 12}, {"IN_FRAC", 6}, {"OUT_W", 6}, {"OUT_FRAC", 3}, {"Q", 4}, {"O", 0}};
  return r;
}

// A yosys that appends its arguments to `calls` and then runs the real yosys.
fs::path recording_yosys(const fs::path& dir, const fs::path& calls) {
  const fs::path script = dir / "yosys";
  std::ofstream(script) << "#!/bin/sh\necho \"$@\" >> '" << calls.string() << "'\nexec '"
                        << default_yosys() << "' \"$@\"\n";
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

int count_lines(const fs::path& file) {
  std::ifstream in(file);
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

TEST(SynthCache, SecondRequestIsAHitThatStartsNoProcess) {
  TempDir cache, bin;
  const fs::path calls = bin.path() / "calls.txt";
  SynthOptions options;
  options.cache_dir = cache.path();
  options.yosys = recording_yosys(bin.path(), calls).string();

  const SynthResult first = synthesize(small_request(), options);
  EXPECT_FALSE(first.from_cache);
  EXPECT_EQ(count_lines(calls), 2);  // yosys -V, then the script
  EXPECT_TRUE(fs::exists(SynthCache(cache.path()).entry_path(first.cache_key)));

  const SynthResult second = synthesize(small_request(), options);
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(count_lines(calls), 2) << "a cache hit started yosys";
  EXPECT_EQ(second.cache_key, first.cache_key);
  EXPECT_EQ(second.counts.cells, first.counts.cells);
  EXPECT_EQ(second.logic_depth, first.logic_depth);
  EXPECT_EQ(second.yosys_version, first.yosys_version);
  EXPECT_EQ(second.latency_cycles, 0);

  // A different parameter is a different key and a miss (the version is remembered: 1 call).
  SynthRequest other = small_request();
  other.overrides["OUT_W"] = 5;
  const SynthResult third = synthesize(other, options);
  EXPECT_FALSE(third.from_cache);
  EXPECT_NE(third.cache_key, first.cache_key);
  EXPECT_EQ(count_lines(calls), 3);
}

TEST(SynthCache, CorruptEntryIsReportedAndRecomputed) {
  TempDir cache;
  SynthOptions options;
  options.cache_dir = cache.path();
  std::vector<std::string> warnings;
  options.warn = [&warnings](const std::string& w) { warnings.push_back(w); };
  const SynthResult first = synthesize(small_request(), options);
  const fs::path entry = SynthCache(cache.path()).entry_path(first.cache_key);

  for (const std::string& garbage :
       {std::string("{\"schema\": 1, \"key\": \"trunc"),  // a half-written file
        std::string("{\"schema\": 1, \"key\": \"" + first.cache_key + "\", \"result\": {}}")}) {
    warnings.clear();
    { std::ofstream(entry, std::ios::trunc) << garbage; }
    const SynthResult again = synthesize(small_request(), options);
    EXPECT_FALSE(again.from_cache);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("ignoring corrupt cache entry"), std::string::npos) << warnings[0];
    EXPECT_EQ(again.counts.cells, first.counts.cells);
    // The recomputed result replaced the corrupt entry.
    warnings.clear();
    EXPECT_TRUE(synthesize(small_request(), options).from_cache);
    EXPECT_TRUE(warnings.empty());
  }
}

TEST(SynthCache, RtlByteChangeMissesTheCache) {
  TempDir cache, rtl;
  fs::copy_file(fxsim::units::default_rtl_dir() / "fx_requant.sv", rtl.path() / "fx_requant.sv");
  SynthOptions options;
  options.cache_dir = cache.path();
  options.rtl_dir = rtl.path();
  const SynthResult first = synthesize(small_request(), options);
  { std::ofstream(rtl.path() / "fx_requant.sv", std::ios::app) << "// one more comment\n"; }
  const SynthResult second = synthesize(small_request(), options);
  EXPECT_FALSE(second.from_cache);
  EXPECT_NE(second.cache_key, first.cache_key);
  EXPECT_EQ(second.counts.cells, first.counts.cells);  // a comment changes no hardware
}

TEST(SynthCache, NoCacheNeitherReadsNorWrites) {
  TempDir cache;
  SynthOptions options;
  options.cache_dir = cache.path();
  options.use_cache = false;
  const SynthResult r = synthesize(small_request(), options);
  EXPECT_FALSE(r.from_cache);
  EXPECT_TRUE(fs::is_empty(cache.path()));
}

TEST(Synthesize, BadParametersAreUnitParamErrors) {
  SynthRequest r = small_request();
  r.unit = "fx_requantt";
  EXPECT_THROW(synthesize(r), units::UnitParamError);
  r = small_request();
  r.overrides["BOGUS"] = 1;
  EXPECT_THROW(synthesize(r), units::UnitParamError);
  r = small_request();
  r.overrides["IN_W"] = 0;
  EXPECT_THROW(synthesize(r), units::UnitParamError);
}

TEST(Synthesize, MissingYosysIsASynthError) {
  SynthOptions options;
  options.yosys = "/nonexistent/yosys";
  options.use_cache = false;
  try {
    synthesize(small_request(), options);
    FAIL() << "expected SynthError";
  } catch (const SynthError& e) {
    EXPECT_NE(std::string(e.what()).find("yosys not found"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace fxsim::synth
