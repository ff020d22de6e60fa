#include "models/engine/stitch_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace fxsim::engine {
namespace {

const units::UnitSpec& streaming_unit(const StitchStage& s, std::size_t index) {
  const units::UnitSpec* unit = nullptr;
  try {
    unit = &units::find_unit(s.unit);
  } catch (const units::UnitParamError& e) {
    throw StitchError(fmt::format("stage {} ({}): {}", index, s.instance, e.what()));
  }
  if (unit->in_data_width == nullptr || unit->out_data_width == nullptr) {
    throw StitchError(
        fmt::format("stage {} ({}): unit {} is not a streaming unit (no in_data / out_data stream)",
                    index, s.instance, s.unit));
  }
  return *unit;
}

// Lower-case identifiers: they become Verilog instance, wire and port names (<instance>_<port>),
// and lower case keeps them apart from the upper-case parameter names.
bool valid_instance(const std::string& name) {
  if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

int StitchPlan::in_width() const {
  const StitchStage& s = stages.front();
  return units::find_unit(s.unit).in_data_width(s.params);
}

int StitchPlan::out_width() const {
  const StitchStage& s = stages.back();
  return units::find_unit(s.unit).out_data_width(s.params);
}

std::vector<std::string> StitchPlan::units() const {
  std::vector<std::string> out;
  for (const StitchStage& s : stages) {
    if (std::find(out.begin(), out.end(), s.unit) == out.end()) out.push_back(s.unit);
  }
  return out;
}

StitchPlan make_stitch_plan(std::vector<StitchStage> stages) {
  if (stages.empty()) throw StitchError("a stitched chain needs at least one stage");
  std::set<std::string> names;
  for (std::size_t i = 0; i < stages.size(); ++i) {
    StitchStage& s = stages[i];
    if (!valid_instance(s.instance)) {
      throw StitchError(fmt::format(
          "stage {}: instance name \"{}\" is not a lower-case identifier ([a-z][a-z0-9_]*)", i,
          s.instance));
    }
    if (!names.insert(s.instance).second) {
      throw StitchError(fmt::format("stage {}: instance name \"{}\" is used twice", i, s.instance));
    }
    const units::UnitSpec& unit = streaming_unit(s, i);
    s.params = units::resolve_params(unit, s.params);
  }
  for (std::size_t i = 0; i + 1 < stages.size(); ++i) {
    const StitchStage &a = stages[i], &b = stages[i + 1];
    const int out = units::find_unit(a.unit).out_data_width(a.params);
    const int in = units::find_unit(b.unit).in_data_width(b.params);
    if (out != in) {
      throw StitchError(fmt::format(
          "stream width mismatch between stage {} ({}, {}: out_data {} bits) and stage {} ({}, "
          "{}: in_data {} bits)",
          i, a.instance, a.unit, out, i + 1, b.instance, b.unit, in));
    }
  }
  return StitchPlan{std::move(stages)};
}

}  // namespace fxsim::engine
