// Checks a backend's outputs against the reference (engine::compute_reference, i.e. fx/ and
// models/units) bit for bit, and compares cycle counts between backends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fxsim::env {

struct Mismatch {
  std::size_t index = 0;  // b * N_out + n
  std::int64_t expected = 0, got = 0;
};

struct ScoreboardResult {
  std::uint64_t checked = 0;
  std::uint64_t mismatch_count = 0;
  std::vector<Mismatch> first;  // at most kMaxListed, in index order
  static constexpr std::size_t kMaxListed = 8;
};

// Every element of `got` against `expected` (sizes must agree; a missing element counts as a
// mismatch with got = 0).
ScoreboardResult check_outputs(const std::vector<std::int64_t>& expected,
                               const std::vector<std::int64_t>& got);

struct CycleComparison {
  std::uint64_t model = 0, rtl = 0;
  std::int64_t difference = 0;  // rtl - model
  double error_percent = 0;     // 100 * |rtl - model| / rtl
  bool exact() const { return difference == 0; }
};
CycleComparison compare_cycles(std::uint64_t model, std::uint64_t rtl);

}  // namespace fxsim::env
