// One source of truth: the RTL file lists in cmake/FxsimRtl.cmake and models/units agree, and
// every parameter default written in rtl/<top>.sv equals the default in models/units (a variant
// built with some parameters left at the RTL default must match what resolve_params reports).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "models/units/unit_params.hpp"

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ";") + x;
  return s;
}

TEST(RtlSources, FileListsMatchCMake) {
  using fxsim::units::find_unit;
  EXPECT_EQ(join(find_unit("fx_requant").rtl_files), FXSIM_RTL_FILES_fx_requant);
  EXPECT_EQ(join(find_unit("fx_mac_pe").rtl_files), FXSIM_RTL_FILES_fx_mac_pe);
  EXPECT_EQ(join(find_unit("khot_pe").rtl_files), FXSIM_RTL_FILES_khot_pe);
  EXPECT_EQ(join(find_unit("bn_act").rtl_files), FXSIM_RTL_FILES_bn_act);
}

TEST(RtlSources, RtlDefaultsMatchUnitDefaults) {
  const std::regex decl(R"(parameter\s+(?:int|bit)\s+([A-Z_][A-Z0-9_]*)\s*=\s*(-?\d+))");
  for (const auto& unit : fxsim::units::all_units()) {
    std::ifstream in(std::string(FXSIM_RTL_DIR) + "/" + unit.top_module + ".sv");
    ASSERT_TRUE(in) << unit.top_module;
    std::stringstream s;
    s << in.rdbuf();
    const std::string text = s.str();
    std::size_t found = 0;
    for (std::sregex_iterator it(text.begin(), text.end(), decl), end; it != end; ++it) {
      const std::string name = (*it)[1];
      const long long value = std::stoll((*it)[2]);
      bool known = false;
      for (const auto& p : unit.params) {
        if (p.name != name) continue;
        known = true;
        EXPECT_EQ(p.default_value, value) << unit.name << "." << name;
      }
      EXPECT_TRUE(known) << unit.name << ": RTL parameter " << name << " is not in models/units";
      ++found;
    }
    EXPECT_EQ(found, unit.params.size()) << unit.name;
  }
}

}  // namespace
