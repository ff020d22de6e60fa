#include "models/units/unit_rtl.hpp"

#include <cstdlib>
#include <optional>

#include "util/files.hpp"

#ifndef FXSIM_RTL_DIR
#error "FXSIM_RTL_DIR must be defined (the source tree's rtl/)"
#endif

namespace fxsim::units {

std::filesystem::path default_rtl_dir() {
  const char* from_env = std::getenv("FXSIM_RTL_DIR");
  return from_env != nullptr && *from_env ? std::filesystem::path(from_env)
                                          : std::filesystem::path(FXSIM_RTL_DIR);
}

std::vector<std::pair<std::string, std::string>> read_unit_rtl(
    const UnitSpec& unit, const std::filesystem::path& rtl_dir) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& name : unit.rtl_files) {
    const std::filesystem::path path = rtl_dir / name;
    std::optional<std::string> text = util::read_file(path);
    if (!text) {
      throw RtlSourceError("cannot read " + path.string() + " (RTL of unit " + unit.name +
                           "; set FXSIM_RTL_DIR to the rtl/ directory of the fxsim sources)");
    }
    files.emplace_back(name, std::move(*text));
  }
  return files;
}

}  // namespace fxsim::units
