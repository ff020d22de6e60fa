#include "testbenches/env/scoreboard.hpp"

#include <algorithm>
#include <cstdlib>

namespace fxsim::env {

ScoreboardResult check_outputs(const std::vector<std::int64_t>& expected,
                               const std::vector<std::int64_t>& got) {
  ScoreboardResult r;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const std::int64_t g = i < got.size() ? got[i] : 0;
    ++r.checked;
    if (i < got.size() && g == expected[i]) continue;
    ++r.mismatch_count;
    if (r.first.size() < ScoreboardResult::kMaxListed) r.first.push_back({i, expected[i], g});
  }
  return r;
}

CycleComparison compare_cycles(std::uint64_t model, std::uint64_t rtl) {
  CycleComparison c;
  c.model = model;
  c.rtl = rtl;
  c.difference = static_cast<std::int64_t>(rtl) - static_cast<std::int64_t>(model);
  c.error_percent =
      rtl == 0 ? (model == 0 ? 0.0 : 100.0)
               : 100.0 * static_cast<double>(std::llabs(c.difference)) / static_cast<double>(rtl);
  return c;
}

}  // namespace fxsim::env
