// DIR/results.csv: the header (result_columns() names) and one row per point, in the order
// given (callers pass ResultsDb::points(), ordered by point_id). Written to a temporary file and
// renamed, so a reader never sees half a file.
#pragma once

#include <string>
#include <vector>

#include "traces/results_schema.hpp"

namespace fxsim::traces {

void write_results_csv(const std::vector<ResultRow>& rows, const std::string& path);

}  // namespace fxsim::traces
