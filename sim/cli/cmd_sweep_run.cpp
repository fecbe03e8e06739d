// `incubsim sweep run DIR`: execute a planned sweep's pending runs, on this
// machine (TBB), as one shard of a Slurm array (--shard K/N) or across MPI
// ranks (--mpi). Safe to run again after any interruption.
#include <algorithm>
#include <iostream>
#include <thread>

#include "cli/signals.hpp"
#include "cli/sweep_commands.hpp"
#include "cli/sweep_progress.hpp"
#include "core/errors.hpp"
#include "mpi/sweep_dispatch.hpp"
#include "sweep/executor.hpp"

namespace incubsim::cli {
namespace {

struct Args {
  std::string dir;
  int jobs = 0;
  int threads = 1;
  std::string shard = "0/1";
  bool mpi = false;
  bool retry_failed = false;
  bool quiet = false;
};

std::string shard_label(const Shard& s) {
  return s.count == 1 ? std::string()
                      : " (shard " + std::to_string(s.index) + "/" + std::to_string(s.count) + ")";
}

int report(const std::string& dir, const SweepTally& t, double seconds, bool quiet) {
  if (!quiet)
    std::printf("sweep %s: %lld of %lld runs done, %lld failed, %lld to do (%.1f s)\n", dir.c_str(),
                static_cast<long long>(t.done), static_cast<long long>(t.total),
                static_cast<long long>(t.failed), static_cast<long long>(t.pending), seconds);
  if (t.failed > 0)
    throw IncompleteError(std::to_string(t.failed) +
                          " run(s) failed; their errors are in `incubsim sweep status " + dir +
                          "`. Fix the sweep file and plan again, or rerun them with "
                          "--retry-failed");
  return 0;
}

int run(const Args& a) {
  SweepRunOptions options;
  options.shard = parse_shard(a.shard);
  options.threads = a.threads;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.jobs = a.jobs > 0 ? a.jobs : std::max(1, cores / std::max(1, a.threads));
  options.retry_failed = a.retry_failed;
  options.stop = &install_stop_handlers();
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };

  if (a.mpi) {
    if (!mpi_available()) run_sweep_mpi(a.dir, options, nullptr);  // throws: how to get MPI
    // Only rank 0 learns the tally; the others finish quietly.
    SweepProgress progress(!a.quiet, "sweep", 0);
    const MpiSweepResult r = run_sweep_mpi(a.dir, options, &progress);
    if (!r.root) return 0;
    return report(a.dir, r.tally, elapsed(), a.quiet);
  }

  const Manifest m = read_manifest(a.dir);
  SweepTally before;
  runs_to_do(a.dir, m, options.shard, options.retry_failed, &before);
  if (!a.quiet)
    std::printf(
        "sweep %s%s: %lld runs, %lld done, %lld failed, %lld to do; %d at once x %d "
        "thread(s)\n",
        a.dir.c_str(), shard_label(options.shard).c_str(), static_cast<long long>(before.total),
        static_cast<long long>(before.done), static_cast<long long>(before.failed),
        static_cast<long long>(before.pending), options.jobs, options.threads);
  std::fflush(stdout);
  SweepTally after;
  {
    SweepProgress progress(!a.quiet, "sweep", before.done + before.failed);
    after = run_sweep_locally(a.dir, m, options, &progress);
  }
  return report(a.dir, after, elapsed(), a.quiet);
}

}  // namespace

Registered add_sweep_run(CLI::App& sweep, const Context&) {
  auto args = std::make_shared<Args>();
  CLI::App* sub = sweep.add_subcommand(
      "run",
      "Execute a planned sweep's pending runs; run it again after any interruption (finished "
      "runs are kept, each run is done once)");
  sub->add_option("dir", args->dir, "Sweep directory written by `incubsim sweep plan`")->required();
  sub->add_option("--jobs", args->jobs, "Runs at once on this machine (default: cores / --threads)")
      ->check(CLI::Range(1, 4096));
  sub->add_option("--threads", args->threads,
                  "Threads per run (default 1: small runs scale best side by side)")
      ->check(CLI::Range(1, 4096));
  sub->add_option("--shard", args->shard,
                  "Take only runs r with r % N == K, e.g. a Slurm array task: --shard "
                  "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT")
      ->type_name("K/N");
  sub->add_flag("--mpi", args->mpi,
                "Run under mpirun/srun: rank 0 hands out runs, the other ranks execute them");
  sub->add_flag("--retry-failed", args->retry_failed, "Run failed runs again");
  sub->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  return {sub, [args] { return run(*args); }};
}

}  // namespace incubsim::cli
