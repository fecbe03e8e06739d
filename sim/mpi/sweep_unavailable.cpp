// The MPI entry points of a build configured without MPI.
#include "core/errors.hpp"
#include "mpi/sweep_dispatch.hpp"

namespace incubsim {

bool mpi_available() {
  return false;
}

MpiSweepResult run_sweep_mpi(const std::filesystem::path&, const SweepRunOptions&, SweepObserver*) {
  throw UsageError(
      "--mpi is unavailable: this incubsim was built without MPI (CMake found no MPI). Install "
      "OpenMPI (apt-get install openmpi-bin libopenmpi-dev) and rebuild, or run the sweep as "
      "Slurm array shards with --shard K/N (docs/cluster.md)");
}

}  // namespace incubsim
