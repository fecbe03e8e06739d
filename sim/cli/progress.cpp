#include "cli/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace incubsim::cli {

ProgressBar::ProgressBar(bool enabled, std::string label, std::string unit)
    : enabled_(enabled && isatty(STDERR_FILENO)),
      label_(std::move(label)),
      unit_(std::move(unit)),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputs("\n", stderr);
}

void ProgressBar::on_quarter(int done, int total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  // Redraw at most ten times a second, and always at the end.
  if (done < total && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  draw(done, total);
}

void ProgressBar::draw(int done, int total) {
  constexpr int kWidth = 30;
  const int filled = total > 0 ? done * kWidth / total : kWidth;
  char bar[kWidth + 1];
  for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kWidth] = '\0';
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = done > 0 ? seconds * (total - done) / done : 0.0;
  std::fprintf(stderr, "\r%s [%s] %d/%d %s  %.1f s  eta %.1f s ", label_.c_str(), bar, done, total,
               unit_.c_str(), seconds, eta);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace incubsim::cli
