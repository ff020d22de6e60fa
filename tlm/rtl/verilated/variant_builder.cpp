#include "tlm/rtl/verilated/variant_builder.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "models/units/unit_rtl.hpp"
#include "tlm/rtl/verilated/rtl_errors.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

namespace fxsim::verilated {
namespace {

constexpr int kLogTailLines = 20;

void notify_stderr(const std::string& line) {
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", line.c_str());
}

// The Verilated C++ of the model, sorted (the unity build's include order is deterministic).
std::vector<std::string> generated_cpp(const std::filesystem::path& mdir,
                                       const std::string& class_name) {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(mdir)) {
    const std::string name = e.path().filename().string();
    if (e.path().extension() == ".cpp" && name.rfind(class_name, 0) == 0) files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs one step of the build, appending its command line and output to `log`.
void run_step(const char* what, const std::vector<std::string>& argv,
              const std::filesystem::path& dir, const std::filesystem::path& log,
              const VariantSources& s) {
  const std::filesystem::path step_log = dir / "step.log";
  const util::ProcessResult r = util::run_to_file(argv, dir, step_log);
  {
    std::ofstream out(log, std::ios::app);
    out << "$ " << fmt::format("{}", fmt::join(argv, " ")) << "\n"
        << util::read_file(step_log).value_or("");
    out << "[" << what << ": " << (r.started ? "exit code " + std::to_string(r.exit_code) : r.error)
        << "]\n\n";
  }
  std::filesystem::remove(step_log);
  if (!r.started || r.exit_code != 0) {
    throw RtlBuildError(
        fmt::format("building the on-demand RTL variant {} ({}) failed: {} {}; full log: {}\n{}",
                    source_name(s), describe(s), what,
                    r.started ? "exited with code " + std::to_string(r.exit_code)
                              : "could not start (" + r.error + ")",
                    log.string(), util::file_tail(log, kLogTailLines)),
        log.string());
  }
}

// Verilates and compiles `s` inside `build_dir` laid out as an entry (variant_cache.hpp).
void build_into(const EntryPaths& build, const VariantSources& s, const Toolchain& tc) {
  const std::filesystem::path rtl_copy = build.src() / "rtl";
  std::filesystem::create_directories(rtl_copy);
  std::filesystem::create_directories(build.obj());
  // Verilate the bytes the key was computed from, not whatever rtl/ holds by now.
  for (const auto& [name, text] : s.rtl_files) util::write_file_atomically(rtl_copy / name, text);
  for (const auto& [name, text] : adapter_headers()) {
    util::write_file_atomically(build.src() / name, text);
  }
  run_step("verilator", verilator_command(s, tc, build.obj(), rtl_copy), build.dir, build.log(), s);

  std::vector<VerilatedPort> ports;
  if (s.kind == AdapterKind::PORTS) {
    const std::filesystem::path header = build.obj() / (s.class_name + ".h");
    ports = parse_verilated_ports(util::read_file(header).value_or(""));
    if (ports.empty()) {
      throw RtlBuildError("no ports found in the Verilated header " + header.string(),
                          build.log().string());
    }
  }
  const std::filesystem::path adapter = build.src() / "adapter.cpp";
  util::write_file_atomically(adapter,
                              adapter_cpp(s, generated_cpp(build.obj(), s.class_name), ports));
  run_step("the C++ compiler",
           compile_command(tc, s.trace, {build.obj(), build.src()}, adapter, build.library()),
           build.dir, build.log(), s);
  write_manifest(build, s.key, source_name(s), describe(s));
}

}  // namespace

const char* to_string(Outcome o) {
  switch (o) {
    case Outcome::CACHED:
      return "cached";
    case Outcome::BUILT:
      return "built";
    case Outcome::LOST_RACE:
      return "lost-race";
  }
  return "?";
}

CachedVariant ensure_variant(const VariantRequest& request, const BuildOptions& options) {
  const Toolchain& tc = options.toolchain ? *options.toolchain : build_toolchain();
  const auto notify = options.notify ? options.notify : notify_stderr;
  const std::filesystem::path rtl_dir =
      options.rtl_dir.empty() ? units::default_rtl_dir() : options.rtl_dir;

  CachedVariant v;
  v.sources = variant_sources(request, tc, rtl_dir);
  const std::filesystem::path root = rtl_cache_root(options.cache_dir);
  v.entry = EntryPaths{root / v.sources.key, v.sources.class_name};

  const std::string problem = entry_problem(v.entry, v.sources.key);
  if (problem.empty()) return v;  // Outcome::CACHED
  if (problem != "missing") {
    notify(
        fmt::format("fxsim: warning: ignoring damaged RTL variant cache entry {}: {}; rebuilding",
                    v.entry.dir.string(), problem));
    discard_entry(v.entry.dir);
  }

  if (!options.allow_build) {
    throw RtlVariantError(
        fmt::format("no Verilated {} with these parameters ({}) in the cache {} and builds are off "
                    "(FXSIM_RTL_ONDEMAND=0); unset it to build the variant (a few seconds, once)",
                    source_name(v.sources), describe(v.sources), root.string()));
  }
  check_toolchain(tc);
  notify(fmt::format("building RTL variant {} {} (first use, a few seconds)", v.sources.top,
                     describe(v.sources)));
  const EntryPaths build{make_build_dir(root, v.sources.key), v.sources.class_name};
  build_into(build, v.sources, tc);  // on failure the build directory stays, with its log

  if (install_entry(build.dir, v.entry.dir)) {
    v.outcome = Outcome::BUILT;
    return v;
  }
  v.outcome = Outcome::LOST_RACE;
  if (const std::string p = entry_problem(v.entry, v.sources.key); !p.empty()) {
    throw RtlBuildError(fmt::format("another process installed the RTL variant cache entry {} but "
                                    "it is not valid: {}",
                                    v.entry.dir.string(), p),
                        v.entry.log().string());
  }
  return v;
}

}  // namespace fxsim::verilated
