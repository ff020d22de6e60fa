// The FPGA families fxsim reports resources for, as yosys's `synth_xilinx -family` names them.
// Shared by the analytical model (models/resources) and the yosys runner (synth/).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fxsim::resources {

enum class Family {
  xc7,   // 7-series: DSP48E1 (signed 25 x 18), CARRY4
  xcup,  // UltraScale+: DSP48E2 (signed 27 x 18)
};

// Every family with its name, exactly the synth_xilinx -family argument ("xc7", "xcup").
inline const std::vector<std::pair<std::string, Family>>& family_names() {
  static const std::vector<std::pair<std::string, Family>> names = {{"xc7", Family::xc7},
                                                                    {"xcup", Family::xcup}};
  return names;
}

inline std::string_view family_name(Family f) {
  for (const auto& [name, family] : family_names()) {
    if (family == f) return name;
  }
  return "?";
}

// The family named `name`, or nullopt when no family has that name.
inline std::optional<Family> parse_family(std::string_view name) {
  for (const auto& [n, family] : family_names()) {
    if (n == name) return family;
  }
  return std::nullopt;
}

}  // namespace fxsim::resources
