#include "cli/sweep_progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace incubsim::cli {

std::string format_duration(double seconds) {
  char text[48];
  const auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  if (s >= 3600)
    std::snprintf(text, sizeof text, "%lld h %02lld min", s / 3600, (s % 3600) / 60);
  else if (s >= 60)
    std::snprintf(text, sizeof text, "%lld min %02lld s", s / 60, s % 60);
  else
    std::snprintf(text, sizeof text, "%lld s", s);
  return text;
}

SweepProgress::SweepProgress(bool enabled, std::string label, std::int64_t already_done,
                             double log_every)
    : enabled_(enabled),
      terminal_(isatty(STDERR_FILENO) != 0),
      label_(std::move(label)),
      already_done_(already_done),
      log_every_(log_every),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

SweepProgress::~SweepProgress() {
  if (drawn_ && terminal_) std::fputs("\n", stderr);
}

void SweepProgress::on_run(const RunOutcome&, const SweepTally& tally) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const bool last = tally.pending == 0;
  const double since = std::chrono::duration<double>(now - last_).count();
  if (!last && since < (terminal_ ? 0.1 : log_every_)) return;
  last_ = now;
  draw(tally, last);
}

void SweepProgress::draw(const SweepTally& tally, bool final_line) {
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const auto finished = tally.done + tally.failed;
  const auto here = finished - already_done_;
  const double rate = seconds > 0 ? static_cast<double>(here) / seconds : 0.0;
  const std::string eta =
      rate > 0 ? format_duration(static_cast<double>(tally.pending) / rate) : "?";
  std::fprintf(stderr, "%s%s %lld/%lld runs (%lld failed)  %.2f runs/s  elapsed %s  eta %s%s",
               terminal_ ? "\r" : "", label_.c_str(), static_cast<long long>(finished),
               static_cast<long long>(tally.total), static_cast<long long>(tally.failed), rate,
               format_duration(seconds).c_str(), final_line ? "0 s" : eta.c_str(),
               terminal_ ? "   " : "\n");
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace incubsim::cli
