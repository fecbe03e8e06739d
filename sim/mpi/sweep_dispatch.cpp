// MPI dispatcher and workers for sweeps (see sweep_dispatch.hpp).
#include "mpi/sweep_dispatch.hpp"

#include <mpi.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "core/errors.hpp"

namespace incubsim {
namespace {

constexpr int kTagReport = 1;  // worker -> root: what it just did, and "more please"
constexpr int kTagAssign = 2;  // root -> worker: a run id, or -1 for "stop"

/// What a worker tells the root each time it asks for work.
struct Report {
  std::int64_t run_id = -1;  // -1: nothing done yet
  std::int32_t state = 0;    // RunState
  std::int32_t io_error = 0;
  double seconds = 0.0;
};

class MpiSession {
 public:
  MpiSession() {
    int provided = 0;
    // Only the main thread calls MPI; TBB threads inside a run never do.
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiSession() { MPI_Finalize(); }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }

 private:
  int rank_ = 0, size_ = 1;
};

bool stopped(const SweepRunOptions& o) {
  return o.stop && o.stop->load();
}

SweepTally dispatch(const std::filesystem::path& dir, const Manifest& m,
                    const SweepRunOptions& options, SweepObserver* observer, int ranks) {
  SweepTally tally;
  const std::vector<std::int64_t> todo = prepare_runs(dir, m, options, tally);
  std::size_t next = 0;
  int active = ranks - 1;
  int io_error_rank = -1;
  bool interrupted = false;
  while (active > 0) {
    int flag = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, kTagReport, MPI_COMM_WORLD, &flag, &status);
    if (!flag) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    Report r;
    MPI_Recv(&r, sizeof r, MPI_BYTE, status.MPI_SOURCE, kTagReport, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    if (r.io_error) {
      io_error_rank = status.MPI_SOURCE;
    } else if (r.run_id >= 0) {
      const auto state = static_cast<RunState>(r.state);
      if (state == RunState::pending) {
        interrupted = true;
      } else {
        --tally.pending;
        ++(state == RunState::done ? tally.done : tally.failed);
        RunOutcome outcome;
        outcome.run_id = r.run_id;
        outcome.state = state;
        outcome.seconds = r.seconds;
        if (observer) observer->on_run(outcome, tally);
      }
    }
    // A rank whose run was interrupted got a signal itself: let it go.
    const bool rank_stopping = r.run_id >= 0 && static_cast<RunState>(r.state) == RunState::pending;
    std::int64_t assign = -1;
    if (io_error_rank < 0 && !rank_stopping && !stopped(options) && next < todo.size())
      assign = todo[next++];
    MPI_Send(&assign, 1, MPI_INT64_T, status.MPI_SOURCE, kTagAssign, MPI_COMM_WORLD);
    if (assign < 0) --active;
  }
  if (io_error_rank >= 0)
    throw IoError(dir.string(), "rank " + std::to_string(io_error_rank) +
                                    " could not write a run's result (its message is above); "
                                    "fix the cause and run the same command again");
  if (interrupted || (stopped(options) && tally.pending > 0))
    throw sweep_interrupted(tally.pending);
  return tally;
}

void work(const std::filesystem::path& dir, const Manifest& m, const SweepRunOptions& options,
          int rank) {
  Report report;
  for (;;) {
    MPI_Send(&report, sizeof report, MPI_BYTE, 0, kTagReport, MPI_COMM_WORLD);
    std::int64_t id = -1;
    MPI_Recv(&id, 1, MPI_INT64_T, 0, kTagAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (id < 0) return;
    report = Report{};
    report.run_id = id;
    try {
      const RunOutcome outcome = execute_run(dir, m, id, options.threads, options.stop);
      report.state = static_cast<std::int32_t>(outcome.state);
      report.seconds = outcome.seconds;
    } catch (const IoError& e) {
      std::cerr << "incubsim: rank " << rank << ": error: " << e.what() << "\n";
      report.io_error = 1;
    }
  }
}

}  // namespace

bool mpi_available() {
  return true;
}

MpiSweepResult run_sweep_mpi(const std::filesystem::path& dir, const SweepRunOptions& options,
                             SweepObserver* observer) {
  MpiSession mpi;
  MpiSweepResult result;
  result.root = mpi.rank() == 0;
  result.ranks = mpi.size();
  // Every rank reads the plan; all go on only if all could, so that no rank
  // waits forever for one that failed.
  Manifest m;
  std::exception_ptr failure;
  try {
    m = read_manifest(dir);
  } catch (...) {
    failure = std::current_exception();
  }
  int ok = failure ? 0 : 1, all_ok = 0;
  MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (failure) std::rethrow_exception(failure);
  if (!all_ok)
    throw IoError(dir.string(), "another rank could not read the sweep plan (see its message)");

  if (mpi.size() == 1) {
    result.tally = run_sweep_locally(dir, m, options, observer);
  } else if (result.root) {
    result.tally = dispatch(dir, m, options, observer, mpi.size());
  } else {
    work(dir, m, options, mpi.rank());
  }
  return result;
}

}  // namespace incubsim
