#include "synth/yosys_runner.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>

#include "synth/synth_error.hpp"
#include "util/files.hpp"
#include "util/process.hpp"
#include "util/sha256.hpp"

namespace fxsim::synth {
namespace {

// yosys scripts take double-quoted file names; a name that itself holds a quote or a line break
// cannot be written into one.
std::string quoted_path(const std::filesystem::path& p) {
  const std::string s = p.string();
  if (s.find_first_of("\"\n\r") != std::string::npos) {
    throw SynthError(
        fmt::format("cannot pass the file name '{}' to yosys (it holds a quote or a "
                    "line break)",
                    s));
  }
  return "\"" + s + "\"";
}

}  // namespace

std::string chparam_value(std::int64_t value) {
  if (value >= 0) return std::to_string(value);
  if (value >= INT32_MIN) return fmt::format("32'h{:08X}", static_cast<std::uint32_t>(value));
  return fmt::format("64'h{:016X}", static_cast<std::uint64_t>(value));
}

std::string synth_command(const std::string& top, resources::Family family, bool use_dsp) {
  return fmt::format("synth_xilinx -noiopad -family {} -top {}{}\nflatten\nopt_clean",
                     resources::family_name(family), top, use_dsp ? "" : " -nodsp");
}

std::string yosys_script(const YosysJob& job) {
  std::string s = "# written by fxsim synth\n";
  for (const std::filesystem::path& f : job.rtl_files) {
    s += "read_verilog -sv " + quoted_path(f) + "\n";
  }
  if (!job.params.empty()) {
    s += "chparam";
    for (const auto& [name, value] : job.params) s += " -set " + name + " " + chparam_value(value);
    s += " " + job.top + "\n";
  }
  s += synth_command(job.top, job.family, job.use_dsp) + "\n";
  s += fmt::format("tee -q -o {} stat -json\n", kStatFile);
  s += fmt::format("tee -q -o {} ltp -noff t:FD* t:DSP48* t:SRL* t:RAMB* %u %u %u %n\n", kLtpFile);
  return s;
}

std::string yosys_version(const std::filesystem::path& executable,
                          const std::filesystem::path& memo_dir) {
  // The identity of the executable: a reinstalled yosys has another size or mtime.
  struct stat st {};
  if (::stat(executable.c_str(), &st) != 0) {
    throw SynthError(fmt::format("yosys not found at '{}'", executable.string()));
  }
  const std::string identity =
      fmt::format("{}\n{}\n{}.{:09}", std::filesystem::weakly_canonical(executable).string(),
                  st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

  static std::mutex mutex;
  static std::map<std::string, std::string> memo;
  std::lock_guard<std::mutex> lock(mutex);
  if (const auto it = memo.find(identity); it != memo.end()) return it->second;

  const std::filesystem::path memo_file =
      memo_dir.empty() ? std::filesystem::path()
                       : memo_dir / "yosys-version" / (util::sha256_hex(identity) + ".txt");
  if (!memo_file.empty()) {
    // The file holds the identity line block, a blank line, then the version.
    if (const std::optional<std::string> text = util::read_file(memo_file)) {
      const std::string prefix = identity + "\n\n";
      if (text->size() > prefix.size() && text->compare(0, prefix.size(), prefix) == 0) {
        std::string version = text->substr(prefix.size());
        while (!version.empty() && version.back() == '\n') version.pop_back();
        if (!version.empty()) return memo[identity] = version;
      }
    }
  }
  const std::optional<std::string> out = util::run_capture({executable.string(), "-V"});
  std::string version = out.value_or("");
  while (!version.empty() && (version.back() == '\n' || version.back() == '\r')) version.pop_back();
  if (version.rfind("Yosys ", 0) != 0 || version.find('\n') != std::string::npos) {
    throw SynthError(fmt::format("'{} -V' did not print a yosys version (got '{}')",
                                 executable.string(), version));
  }
  if (!memo_file.empty()) {
    try {
      util::write_file_atomically(memo_file, identity + "\n\n" + version + "\n");
    } catch (const std::filesystem::filesystem_error&) {
      // Only a missed shortcut: the next process asks yosys again.
    }
  }
  return memo[identity] = version;
}

YosysRun run_yosys(const std::filesystem::path& executable, const std::filesystem::path& work_dir,
                   const std::string& script) {
  const std::filesystem::path script_path = work_dir / "script.ys";
  {
    std::ofstream out(script_path, std::ios::binary);
    out << script;
    if (!out.flush()) {
      throw SynthError(fmt::format("cannot write the yosys script {}", script_path.string()));
    }
  }
  YosysRun run;
  run.log_path = work_dir / "yosys.log";
  const auto start = std::chrono::steady_clock::now();
  const util::ProcessResult p =
      util::run_to_file({executable.string(), "-s", script_path.string()}, work_dir, run.log_path);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!p.started) {
    throw SynthError(fmt::format("cannot start yosys '{}': {}", executable.string(), p.error));
  }
  run.exit_code = p.exit_code;
  return run;
}

}  // namespace fxsim::synth
