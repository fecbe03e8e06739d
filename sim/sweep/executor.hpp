#pragma once
// Executing a sweep's runs. A run is defined by the manifest alone and
// writes one file atomically, so any worker may execute any pending run:
// locally many at once in a TBB arena, as one shard of a Slurm array, or
// as an MPI rank fed by rank 0 (sweep/mpi_dispatch.hpp). Whatever the
// engine, a run's file is the same bytes but for its timing attributes.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "sweep/manifest.hpp"
#include "sweep/run_status.hpp"

namespace incubsim {

struct RunOutcome {
  std::int64_t run_id = -1;
  RunState state = RunState::pending;  // pending: interrupted before it finished
  std::string error;                   // why it failed
  double seconds = 0.0;
};

/// Runs one manifest run into its result file. Returns `failed` (and
/// records the error in its .failed file) when the run's scenario is invalid
/// or the simulation throws: a bad parameter combination must not stop the
/// sweep. Returns `pending` if `stop` was raised mid-run (nothing written).
/// Throws IoError when the result cannot be written: that is the machine's
/// problem, not the run's, so the sweep stops and a rerun retries it.
RunOutcome execute_run(const std::filesystem::path& dir, const Manifest& m, std::int64_t run_id,
                       int threads, const std::atomic<bool>* stop);

/// Told as runs finish; called from worker threads, one call at a time.
class SweepObserver {
 public:
  virtual ~SweepObserver() = default;
  /// `tally` counts this process's share: runs found done before it
  /// started are in tally.done already.
  virtual void on_run(const RunOutcome& outcome, const SweepTally& tally) = 0;
};

struct SweepRunOptions {
  int jobs = 1;     // runs at once
  int threads = 1;  // threads per run
  Shard shard;
  bool retry_failed = false;  // run failed runs again (after a fix, say)
  const std::atomic<bool>* stop = nullptr;
};

/// What every engine does before its workers start: removes the shard's
/// stale temporaries, returns the runs to do in run order (clearing their
/// failure records when retrying) and sets `tally` for the shard.
std::vector<std::int64_t> prepare_runs(const std::filesystem::path& dir, const Manifest& m,
                                       const SweepRunOptions& options, SweepTally& tally);

/// The error of a sweep stopped by a signal with `pending` runs left.
Interrupted sweep_interrupted(std::int64_t pending);

/// Executes the pending runs of `options.shard` on this machine, `jobs` at
/// once. Returns the final tally. Throws Interrupted if stopped (finished
/// runs are kept), IoError if a result could not be written.
SweepTally run_sweep_locally(const std::filesystem::path& dir, const Manifest& m,
                             const SweepRunOptions& options, SweepObserver* observer);

}  // namespace incubsim
