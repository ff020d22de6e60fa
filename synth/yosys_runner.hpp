// How fxsim runs yosys: the script for one unit and parameter set, the version string of the
// executable, and one run in a work directory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/resources/family.hpp"
#include "models/units/unit_registry.hpp"

namespace fxsim::synth {

// What the script synthesizes.
struct YosysJob {
  std::vector<std::filesystem::path> rtl_files;  // in dependency order
  std::string top;
  units::ParamMap params;  // resolved: every parameter of the top module
  resources::Family family = resources::Family::xc7;
  bool use_dsp = true;
};

// Files the script writes, relative to the directory yosys runs in.
inline constexpr const char* kStatFile = "stat.json";
inline constexpr const char* kLtpFile = "ltp.txt";

// A parameter value as yosys's chparam reads it: decimal when non-negative, else a 32-bit (or
// 64-bit) two's-complement hex literal, because chparam cannot decode "-3" (checked on 0.23);
// an `int` parameter takes the sign back from its declared type.
std::string chparam_value(std::int64_t value);

// The synthesis commands: synth_xilinx with -noiopad (a unit is measured out of context, without
// I/O buffers), then `flatten` of the mapped netlist so that stat counts one module and ltp sees
// whole paths. Not `synth_xilinx -flatten`: on yosys 0.23 that drops every DSP48E1 of fx_mac_pe
// with STAGES >= 2 and SIMD >= 2 (the product register, inside fx_pipe, is packed into the DSP
// M register and the lane-sum $macc loses its inputs; the netlist no longer depends on in_a), and
// a hierarchical `stat -json` is malformed JSON. Mapping each module on its own and flattening
// the primitives afterwards gives correct netlists for every unit.
std::string synth_command(const std::string& top, resources::Family family, bool use_dsp);

// The whole yosys script: read_verilog -sv each file, chparam every parameter, synth_xilinx,
// `stat -json` into kStatFile and `ltp -noff` into kLtpFile. ltp is restricted to everything but
// sequential cells (FD*, DSP48*, SRL*, RAMB*), because yosys 0.23's -noff does not recognise
// the Xilinx flip-flop primitives and would count paths through them.
std::string yosys_script(const YosysJob& job);

// `yosys -V` of `executable`, e.g. "Yosys 0.23 (git sha1 7ce5011c24b)". Remembered per process
// and, when memo_dir is not empty, in a file under memo_dir keyed by the executable's path,
// size and modification time, so that a cache hit never starts yosys. Throws SynthError.
std::string yosys_version(const std::filesystem::path& executable,
                          const std::filesystem::path& memo_dir);

// Outcome of one yosys run in `work_dir` (script.ys and yosys.log are written there).
struct YosysRun {
  int exit_code = -1;
  std::filesystem::path log_path;
  double seconds = 0;
};

// Runs yosys on the script; throws SynthError when it cannot be started.
YosysRun run_yosys(const std::filesystem::path& executable, const std::filesystem::path& work_dir,
                   const std::string& script);

}  // namespace fxsim::synth
