// The run summary of docs/engine.md as text (what `fxsim run` prints) and as JSON (--json).
// Every field is documented in docs/user_guide.md, section `fxsim run`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "testbenches/env/run_point.hpp"

namespace fxsim::env {

// `source`: the point file's path (or any label) shown in the header and in point.source.
// Everything but the verdict, which summary_verdict gives: a caller may print more in between
// (`fxsim run` prints the accuracy against the float layer there).
std::string summary_text(const RunSummary& s, const std::string& source);
std::string summary_verdict(const RunSummary& s);  // "result: PASS\n" or "result: FAIL\n"
nlohmann::ordered_json summary_json(const RunSummary& s, const std::string& source);

}  // namespace fxsim::env
