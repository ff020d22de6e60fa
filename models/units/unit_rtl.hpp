// The SystemVerilog of a unit (UnitSpec::rtl_files under rtl/), read once for whoever hashes,
// synthesizes or verilates it: yosys runs (synth/) and on-demand Verilator builds
// (tlm/rtl/verilated/) see the same bytes they key their caches by.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/units/unit_registry.hpp"

namespace fxsim::units {

// An RTL file that cannot be read; what() names it and how to point fxsim at rtl/.
struct RtlSourceError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// $FXSIM_RTL_DIR when set (and not empty), else the source tree's rtl/.
std::filesystem::path default_rtl_dir();

// (file name under rtl/, contents) of every file of the unit, in dependency order.
// Throws RtlSourceError.
std::vector<std::pair<std::string, std::string>> read_unit_rtl(
    const UnitSpec& unit, const std::filesystem::path& rtl_dir);

}  // namespace fxsim::units
