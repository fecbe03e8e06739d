#pragma once
// Where a run's wall-clock time goes: each phase of the quarter, the
// quarter's metrics, and writing the output. Measured with a steady clock
// around whole phases (a few hundred readings a run, no cost to speak of);
// `incubsim run --timings` prints it, bench/scale.sh and docs/performance.md
// use it.
#include <array>
#include <chrono>

#include "core/schedule.hpp"

namespace incubsim {

struct WallTimes {
  std::array<double, kPhaseCount> phase{};  // seconds, by Phase (setup included)
  double metrics = 0;                       // compute_metrics after each quarter
  double compaction = 0;                    // exited firms moved out of the row columns
  double output = 0;                        // HDF5: create, append, final tables, close
  double total = 0;                         // the whole run, wall clock
  // Network measures finishing on the run's other threads while the parts
  // above ran (Simulation::overlap_measurements): not a part of the total.
  double measures_alongside = 0;

  double simulation() const {
    double s = metrics + compaction;
    for (const double p : phase) s += p;
    return s;
  }
};

/// Adds the time from construction to destruction to `sink`.
class ScopedWallTime {
 public:
  explicit ScopedWallTime(double& sink) : sink_(sink), start_(std::chrono::steady_clock::now()) {}
  ~ScopedWallTime() {
    sink_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  ScopedWallTime(const ScopedWallTime&) = delete;
  ScopedWallTime& operator=(const ScopedWallTime&) = delete;

 private:
  double& sink_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace incubsim
