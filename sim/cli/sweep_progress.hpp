#pragma once
// Progress of a sweep: runs done / total, failures, rate and ETA. On a
// terminal a line redrawn in place; otherwise (Slurm and mpirun logs) a
// plain line at most every `log_every` seconds and at the end.
#include <chrono>
#include <string>

#include "sweep/executor.hpp"

namespace incubsim::cli {

class SweepProgress final : public SweepObserver {
 public:
  /// `already_done`: runs finished before this process started, left out
  /// of the rate.
  SweepProgress(bool enabled, std::string label, std::int64_t already_done,
                double log_every = 30.0);
  ~SweepProgress() override;
  void on_run(const RunOutcome& outcome, const SweepTally& tally) override;

 private:
  void draw(const SweepTally& tally, bool final_line);
  bool enabled_;
  bool terminal_;
  std::string label_;
  std::int64_t already_done_;
  double log_every_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_;
};

/// "1 h 02 min", "3 min 05 s", "42 s".
std::string format_duration(double seconds);

}  // namespace incubsim::cli
