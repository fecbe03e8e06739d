#pragma once
// A progress bar on stderr when it is a terminal; silent otherwise, so
// logs and pipes stay clean.
#include <chrono>

#include "engine/run.hpp"

namespace incubsim::cli {

class ProgressBar final : public RunObserver {
 public:
  /// `enabled` is false for --quiet; the bar also stays off when stderr is
  /// not a terminal. `unit` names what on_quarter counts ("runs" for compare).
  ProgressBar(bool enabled, std::string label, std::string unit = "quarters");
  ~ProgressBar() override;
  void on_quarter(int done, int total) override;

 private:
  void draw(int done, int total);
  bool enabled_;
  std::string label_;
  std::string unit_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace incubsim::cli
