#include "explore/progress.hpp"

#include <fmt/format.h>

namespace fxsim::explore {

namespace {
using Clock = std::chrono::steady_clock;

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}
}  // namespace

Progress::Progress(std::FILE* out, bool terminal, long total)
    : out_(out), terminal_(terminal), total_(total), start_(Clock::now()), last_draw_(start_) {}

void Progress::point_done(bool failed, bool pruned) {
  ++done_;
  failed_ += failed;
  pruned_ += pruned;
  draw(false);
}

std::string Progress::status() const {
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  const double rate = elapsed > 0 ? done_ / elapsed : 0;
  std::string s = fmt::format("{}/{} points", done_, total_);
  if (failed_ || pruned_) s += fmt::format(" ({} failed, {} pruned)", failed_, pruned_);
  s += fmt::format(", {:.1f} points/s", rate);
  if (done_ < total_ && rate > 0) s += ", ETA " + clock_text((total_ - done_) / rate);
  if (done_ == total_) s += ", " + clock_text(elapsed) + " elapsed";
  return s;
}

void Progress::draw(bool force) {
  const auto now = Clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (terminal_) {
    if (!force && since < 0.2 && done_ != total_) return;
    const int width = 30;
    const int filled = total_ ? static_cast<int>(width * done_ / total_) : width;
    fmt::print(out_, "\r[{}{}] {}\x1b[K", std::string(filled, '#'),
               std::string(width - filled, ' '), status());
  } else {
    const long every = std::max(1L, total_ / 10);
    if (!force && since < 10 && done_ - last_line_done_ < every) return;
    if (!force && done_ == last_line_done_) return;
    fmt::print(out_, "sweep: {}\n", status());
    last_line_done_ = done_;
  }
  last_draw_ = now;
  std::fflush(out_);
}

void Progress::finish() {
  if (terminal_) {
    draw(true);
    fmt::print(out_, "\n");
  } else if (done_ != last_line_done_ || done_ == 0) {
    draw(true);
  }
  std::fflush(out_);
}

}  // namespace fxsim::explore
