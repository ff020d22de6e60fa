// One source of truth for the RTL: the file list of each unit (models/units, UnitSpec::rtl_files)
// is all Verilator needs to lint the unit clean, at its defaults and at STAGES = 1; and every
// parameter default written in rtl/<top>.sv equals the default in models/units (a unit built
// with some parameters left at the RTL default must match what resolve_params reports).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "models/units/unit_registry.hpp"
#include "models/units/unit_rtl.hpp"
#include "tlm/rtl/verilated/toolchain.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

namespace {

namespace units = fxsim::units;

struct LintCase {
  std::string unit;
  bool stages1 = false;
};

void PrintTo(const LintCase& c, std::ostream* os) {
  *os << c.unit << (c.stages1 ? " STAGES=1" : " defaults");
}

class RtlLint : public ::testing::TestWithParam<LintCase> {};

// `verilator --lint-only -Wall` prints nothing and exits 0 (the RTL's few lint_off comments say
// why each is there).
TEST_P(RtlLint, VerilatorWallIsClean) {
  const units::UnitSpec& unit = units::find_unit(GetParam().unit);
  std::vector<std::string> argv = {fxsim::verilated::build_toolchain().verilator, "--lint-only",
                                   "-Wall", "--top-module", unit.top_module};
  if (GetParam().stages1) argv.push_back("-GSTAGES=1");
  for (const std::string& f : unit.rtl_files) {
    argv.push_back((units::default_rtl_dir() / f).string());
  }
  const std::filesystem::path log = ::testing::TempDir() + "lint_" + unit.name + ".log";
  const fxsim::util::ProcessResult r =
      fxsim::util::run_to_file(argv, std::filesystem::current_path(), log);
  ASSERT_TRUE(r.started) << r.error;
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(fxsim::util::read_file(log).value_or("?"), "");
}

std::vector<LintCase> lint_cases() {
  std::vector<LintCase> cases;
  for (const units::UnitSpec& u : units::all_units()) {
    cases.push_back({u.name, false});
    // STAGES = 1 where a unit has STAGES (fx_requant is combinational, weight_mem has none).
    const bool staged = std::any_of(u.params.begin(), u.params.end(),
                                    [](const units::ParamSpec& p) { return p.name == "STAGES"; });
    if (staged) cases.push_back({u.name, true});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Units, RtlLint, ::testing::ValuesIn(lint_cases()),
                         [](const ::testing::TestParamInfo<LintCase>& info) {
                           return info.param.unit + (info.param.stages1 ? "_stages1" : "");
                         });

TEST(RtlSources, RtlDefaultsMatchUnitDefaults) {
  const std::regex decl(R"(parameter\s+(?:int|bit)\s+([A-Z_][A-Z0-9_]*)\s*=\s*(-?\d+))");
  for (const auto& unit : units::all_units()) {
    std::ifstream in(units::default_rtl_dir() / (unit.top_module + ".sv"));
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
