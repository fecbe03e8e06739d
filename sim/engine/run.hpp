#pragma once
// Running a scenario to a result file: the loop every front end shares
// (`incubsim run`, `verify`, later sweeps and comparisons). Streams each
// recorded quarter to the writer; keeps only a few snapshot rows for the
// summary, never the whole history.
#include <atomic>
#include <filesystem>
#include <optional>
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
  /// Set (e.g. by a signal handler) to stop after the current phase:
  /// run_to_file then throws Interrupted and leaves no file at the output
  /// path (but a checkpoint if checkpoint_on_stop).
  const std::atomic<bool>* stop = nullptr;
  /// Write a checkpoint when stopped (`incubsim run`); without it a stopped
  /// run leaves nothing (runs of sweeps and verify, which rerun instead).
  bool checkpoint_on_stop = false;
  /// Write a checkpoint every this many simulated quarters (0: none).
  /// Finishing removes it.
  int checkpoint_every = 0;
  /// Default: checkpoint::default_path(output), `OUT.h5.ckpt.h5`.
  std::filesystem::path checkpoint;
};

/// Continuing a run from its checkpoint.
struct ResumeRequest {
  std::filesystem::path checkpoint;
  int threads = 1;  // results do not depend on it
  /// Default: the output path the checkpoint records.
  std::filesystem::path output;
  std::string command_line;
  const std::atomic<bool>* stop = nullptr;
  /// Default (nullopt): the interrupted run's own setting.
  std::optional<int> checkpoint_every;
  /// Where later checkpoints go; default: the checkpoint resumed from.
  std::filesystem::path new_checkpoint;
};

/// Told about progress; called from the thread that runs the simulation.
class RunObserver {
 public:
  virtual ~RunObserver() = default;
  /// After each simulated quarter (burn-in included): `done` of `total`.
  virtual void on_quarter(int done, int total) = 0;
  /// After each phase of quarter `q`.
  virtual void on_phase(Quarter /*q*/, Phase /*phase*/) {}
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
/// name, renamed on success). Throws IoError on output failures,
/// Interrupted (after writing a checkpoint) when asked to stop.
RunSummary run_to_file(const RunRequest& request, RunObserver* observer = nullptr);

/// Finishes the run a checkpoint saved, writing the output the
/// uninterrupted run would have written (every dataset bit-identical), then
/// removes the checkpoint. Throws as run_to_file, and FormatError for a
/// checkpoint this build cannot resume.
RunSummary resume_from_checkpoint(const ResumeRequest& request, RunObserver* observer = nullptr);

}  // namespace incubsim
