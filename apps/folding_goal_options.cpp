#include "apps/folding_goal_options.hpp"

namespace fxsim::cli {

std::vector<CLI::Option*> FoldingGoalOptions::add_to(CLI::App* cmd, const std::string& lead) {
  CLI::Option* target =
      cmd->add_option("-t,--target-interval", target_interval,
                      lead +
                          "the least LUT-equivalent folding whose interval (its slowest block "
                          "or DMA, in cycles an image) is at most this")
          ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
  CLI::Option* lut = cmd->add_option("--lut-budget", lut_budget,
                                     lead +
                                         "the smallest interval within this LUT-equivalent "
                                         "(LUT + 55 x DSP; with --dsp-budget: both)")
                         ->check(CLI::NonNegativeNumber);
  CLI::Option* dsp = cmd->add_option("--dsp-budget", dsp_budget,
                                     lead +
                                         "the smallest interval within this many DSP slices "
                                         "(with --lut-budget: both)")
                         ->check(CLI::NonNegativeNumber);
  target->excludes(lut)->excludes(dsp);
  return {target, lut, dsp};
}

std::optional<engine::FoldingGoal> FoldingGoalOptions::goal(resources::Family family) const {
  if (target_interval <= 0 && lut_budget < 0 && dsp_budget < 0) return std::nullopt;
  engine::FoldingGoal g;
  if (target_interval > 0) g.target_interval = target_interval;
  if (lut_budget >= 0) g.lut_budget = lut_budget;
  if (dsp_budget >= 0) g.dsp_budget = dsp_budget;
  g.family = family;
  return g;
}

}  // namespace fxsim::cli
