// Sweep progress: on a terminal one line redrawn in place (bar, done/total, rate, ETA); otherwise
// a plain line every `every_points` points or `every_seconds` seconds, and one at the end.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

namespace fxsim::explore {

class Progress {
 public:
  Progress(std::FILE* out, bool terminal, long total);
  void point_done(bool failed, bool pruned);
  void finish();
  // The status text: "12/48 points (1 failed, 2 pruned), 3.2 points/s, ETA 0:11".
  std::string status() const;

 private:
  void draw(bool force);
  std::FILE* out_;
  bool terminal_;
  long total_, done_ = 0, failed_ = 0, pruned_ = 0, last_line_done_ = 0;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace fxsim::explore
