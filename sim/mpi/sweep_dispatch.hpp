#pragma once
// Running a sweep under MPI (`mpirun -n R incubsim sweep run DIR --mpi`):
// rank 0 hands out pending runs one at a time as ranks ask for work, so
// fast and slow runs balance themselves; every other rank executes runs
// and writes each result to its own file (no shared file, no contention).
// Rank 0 does not simulate: it waits cheaply (probe and sleep) instead of
// spinning, so R ranks on R cores give R - 1 workers plus a light
// dispatcher. With one rank it runs the sweep locally.
//
// Built only when CMake found MPI; otherwise mpi_available() is false and
// run_sweep_mpi throws UsageError saying how to get it.
#include <filesystem>

#include "sweep/executor.hpp"

namespace incubsim {

/// Whether this build has MPI support.
bool mpi_available();

struct MpiSweepResult {
  bool root = true;  // rank 0, which alone reports
  int ranks = 1;
  SweepTally tally;  // on the root: the whole shard
};

/// Initialises MPI, executes the pending runs of `options.shard` across
/// all ranks, finalises MPI. `observer` is called on rank 0 only. Throws
/// on every rank the same kinds of error as run_sweep_locally.
MpiSweepResult run_sweep_mpi(const std::filesystem::path& dir, const SweepRunOptions& options,
                             SweepObserver* observer);

}  // namespace incubsim
