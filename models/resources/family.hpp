// The FPGA families fxsim reports resources for, as yosys's `synth_xilinx -family` names them.
// Shared by the analytical model (models/resources) and the yosys runner (apps/synth).
#pragma once

#include <optional>
#include <string_view>

namespace fxsim::resources {

enum class Family {
  xc7,   // 7-series: DSP48E1 (signed 25 x 18), CARRY4
  xcup,  // UltraScale+: DSP48E2 (signed 27 x 18)
};

// "xc7" / "xcup", exactly the synth_xilinx -family argument.
constexpr std::string_view family_name(Family f) { return f == Family::xc7 ? "xc7" : "xcup"; }

// The family named `name`, or nullopt when it is neither "xc7" nor "xcup".
constexpr std::optional<Family> parse_family(std::string_view name) {
  if (name == "xc7") return Family::xc7;
  if (name == "xcup") return Family::xcup;
  return std::nullopt;
}

}  // namespace fxsim::resources
