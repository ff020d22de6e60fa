// Pareto flags of a sweep's results: over the ok points, (mse, latency_ns, lut_equivalent) and
// (dsp, lut), every objective minimized; over the ok network points (classification_accuracy,
// images_per_s, lut_equivalent), the first two maximized (without accuracy: the last two).
#pragma once

#include <vector>

#include "traces/results_db.hpp"

namespace fxsim::explore {

// flags[i] is true when no other point is <= points[i] in every objective and < in one. Equal
// points do not dominate each other (both are flagged). O(n^2): fine for the tens of thousands
// of points a local sweep holds.
std::vector<bool> pareto_front(const std::vector<std::vector<double>>& points);

// The flags of every row (0 for points that are not ok).
std::vector<traces::ResultsDb::ParetoFlags> pareto_flags(
    const std::vector<traces::ResultRow>& rows);

}  // namespace fxsim::explore
