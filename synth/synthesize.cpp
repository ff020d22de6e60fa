#include "synth/synthesize.hpp"

#include <fmt/format.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "models/units/unit_rtl.hpp"
#include "synth/synth_cache.hpp"
#include "synth/yosys_runner.hpp"
#include "synth/yosys_stat.hpp"
#include "util/cache_dir.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

#ifndef FXSIM_YOSYS_EXECUTABLE
#error "FXSIM_YOSYS_EXECUTABLE must be defined (the yosys CMake found)"
#endif

namespace fxsim::synth {
namespace {

constexpr int kLogTailLines = 25;

std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::string(v) : std::string();
}

// A private directory for one yosys run: script, log and outputs.
std::filesystem::path make_work_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "fxsim-synth-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw SynthError(fmt::format("cannot create a temporary directory {}", pattern));
  }
  return pattern;
}

[[noreturn]] void fail_run(const std::string& what, const std::filesystem::path& log) {
  throw SynthError(what, log.string(), util::file_tail(log, kLogTailLines));
}

SynthResult run_synthesis(const units::UnitSpec& unit, const SynthRequest& request,
                          const units::ParamMap& params, const std::filesystem::path& rtl_dir,
                          const std::filesystem::path& yosys) {
  YosysJob job;
  for (const std::string& name : unit.rtl_files) job.rtl_files.push_back(rtl_dir / name);
  job.top = unit.top_module;
  job.params = params;
  job.family = request.family;
  job.use_dsp = request.use_dsp;

  const std::filesystem::path work = make_work_dir();
  const YosysRun run = run_yosys(yosys, work, yosys_script(job));
  if (run.exit_code != 0) {
    fail_run(fmt::format("yosys failed (exit code {}) on unit {} ({})", run.exit_code, unit.name,
                         units::format_params(unit, params)),
             run.log_path);
  }
  SynthResult r;
  r.unit = unit.name;
  r.top = unit.top_module;
  r.params = params;
  r.family = request.family;
  r.use_dsp = request.use_dsp;
  r.latency_cycles = units::latency_cycles(unit, params);
  r.yosys_seconds = run.seconds;
  try {
    const std::optional<std::string> stat = util::read_file(work / kStatFile);
    if (!stat) fail_run("yosys wrote no " + std::string(kStatFile), run.log_path);
    r.counts = parse_stat_json(*stat, unit.top_module);
    const std::optional<std::string> ltp = util::read_file(work / kLtpFile);
    if (!ltp) fail_run("yosys wrote no " + std::string(kLtpFile), run.log_path);
    r.logic_depth = parse_ltp_length(*ltp);
  } catch (const StatParseError& e) {
    fail_run(e.what(), run.log_path);
  }
  std::error_code ec;
  std::filesystem::remove_all(work, ec);  // kept only when something went wrong
  return r;
}

}  // namespace

std::string default_yosys() {
  const std::string from_env = env("FXSIM_YOSYS");
  return from_env.empty() ? std::string(FXSIM_YOSYS_EXECUTABLE) : from_env;
}

SynthResult synthesize(const SynthRequest& request, const SynthOptions& options) {
  const units::UnitSpec& unit = units::find_unit(request.unit);
  const units::ParamMap params = units::resolve_params(unit, request.overrides);
  auto warn = options.warn ? options.warn : [](const std::string& message) {
    std::fflush(stdout);
    std::fprintf(stderr, "fxsim synth: warning: %s\n", message.c_str());
  };

  const std::string yosys_name = options.yosys.empty() ? default_yosys() : options.yosys;
  const std::optional<std::filesystem::path> yosys = util::find_executable(yosys_name);
  if (!yosys) {
    throw SynthError(
        fmt::format("yosys not found: '{}' is not an executable file (set FXSIM_YOSYS to the yosys "
                    "executable, or install the Debian package yosys)",
                    yosys_name));
  }
  const std::filesystem::path rtl_dir =
      options.rtl_dir.empty() ? units::default_rtl_dir() : options.rtl_dir;
  const std::filesystem::path cache_dir =
      options.use_cache ? util::resolve_cache_dir(options.cache_dir) : std::filesystem::path();

  CacheKeyInput key_input;
  key_input.unit = unit.name;
  key_input.params = params;
  key_input.family = request.family;
  key_input.use_dsp = request.use_dsp;
  key_input.yosys_version = yosys_version(*yosys, cache_dir);
  key_input.synth_command = synth_command(unit.top_module, request.family, request.use_dsp);
  try {
    key_input.rtl_files = units::read_unit_rtl(unit, rtl_dir);
  } catch (const units::RtlSourceError& e) {
    throw SynthError(e.what());
  }
  const std::string key = cache_key(key_input);

  const SynthCache cache(cache_dir);
  if (options.use_cache) {
    std::string problem;
    if (std::optional<SynthResult> hit = cache.load(key, &problem)) {
      hit->from_cache = true;
      return *hit;
    }
    if (!problem.empty()) warn(problem + "; running yosys again");
  }

  if (options.on_yosys_run) {
    options.on_yosys_run(fmt::format(
        "{} {} on {}{}: {}; running yosys", unit.name, units::format_params(unit, params),
        resources::family_name(request.family), request.use_dsp ? "" : " (-nodsp)",
        options.use_cache ? "not in the cache " + (cache_dir / "synth").string()
                          : std::string("cache off (--no-cache)")));
  }
  SynthResult r = run_synthesis(unit, request, params, rtl_dir, *yosys);
  r.yosys_version = key_input.yosys_version;
  r.cache_key = key;
  if (options.use_cache) {
    try {
      cache.store(r);
    } catch (const std::exception& e) {
      warn(fmt::format("cannot write the cache entry: {}", e.what()));
    }
  }
  return r;
}

}  // namespace fxsim::synth
