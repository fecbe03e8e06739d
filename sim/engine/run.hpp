#pragma once
// Running a scenario to a result file: the loop every front end shares
// (`incubsim run`, `verify`, later sweeps and comparisons). Streams each
// recorded quarter to the writer; keeps only a few snapshot rows for the
// summary, never the whole history.
#include <atomic>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/metrics.hpp"
#include "engine/wall_times.hpp"
#include "scenario/scenario.hpp"

namespace incubsim {

struct RunRequest {
  Scenario scenario;
  std::string scenario_name;  // the file, or "<built-in baseline>"
  int threads = 1;
  std::filesystem::path output;
  std::string command_line;
  /// Set (e.g. by a signal handler) to stop at the next quarter boundary:
  /// run_to_file then throws Interrupted and leaves no output behind.
  const std::atomic<bool>* stop = nullptr;
};

/// Told about progress; called from the thread that runs the simulation.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  /// After each simulated quarter (burn-in included): `done` of `total`.
  virtual void on_quarter(int done, int total) = 0;
};

struct RunSummary {
  /// Metrics of a few recorded quarters (first, quarters between, last).
  std::vector<std::pair<Quarter, MetricRow>> snapshots;
  /// Flow metrics summed over all recorded quarters (stocks are meaningless here).
  MetricRow totals{};
  std::int64_t events = 0;
  double seconds = 0.0;
  /// Where the time went (phases, metrics, output).
  WallTimes times;
  std::filesystem::path output;
};

/// The recorded quarters shown in summaries: first, last and three between.
std::vector<Quarter> snapshot_quarters(int burn_in, int quarters);

/// Runs the scenario and writes `request.output` (atomically: temporary
/// name, renamed on success). Throws IoError on output failures.
RunSummary run_to_file(const RunRequest& request, RunObserver* observer = nullptr);

}  // namespace incubsim
