// The auto-folding goal on the command line (`fxsim fold`, `fxsim network-from-model`, `fxsim
// verify`): --target-interval, --lut-budget, --dsp-budget, read into an engine::FoldingGoal
// (models/engine/network_folding.hpp, docs/network.md "Folding a network").
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/engine/network_folding.hpp"
#include "models/resources/family.hpp"

namespace fxsim::cli {

struct FoldingGoalOptions {
  std::int64_t target_interval = 0;  // 0: not given
  std::int64_t lut_budget = -1;      // -1: not given
  std::int64_t dsp_budget = -1;

  // Adds the three options to `cmd`, each help text led by `lead` (e.g. "Network engine: "); a
  // target excludes the budgets. Returns them, for the caller's own excludes.
  std::vector<CLI::Option*> add_to(CLI::App* cmd, const std::string& lead = "");

  // The goal the options give at `family`; nullopt when none was given.
  std::optional<engine::FoldingGoal> goal(resources::Family family) const;
};

}  // namespace fxsim::cli
