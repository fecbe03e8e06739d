#include "sweep/executor.hpp"

#include <chrono>
#include <mutex>
#include <optional>

#include "core/errors.hpp"
#include "core/parallel.hpp"
#include "engine/run.hpp"
#include "scenario/loader.hpp"

namespace incubsim {

RunOutcome execute_run(const std::filesystem::path& dir, const Manifest& m, std::int64_t run_id,
                       int threads, const std::atomic<bool>* stop) {
  RunOutcome out;
  out.run_id = run_id;
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  const auto path = run_result_path(dir, run_id);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec)
    throw IoError(path.parent_path().string(), "cannot create the directory: " + ec.message());

  RunRequest request;
  try {
    const std::string name = (dir / "base.toml").string() + " (run " + std::to_string(run_id) + ")";
    request.scenario = parse_scenario(m.base_scenario, name, dir, m.overrides(run_id));
  } catch (const ScenarioError& e) {
    // An invalid combination of swept values: the run fails, the sweep goes on.
    out.state = RunState::failed;
    out.error = e.what();
  }
  if (out.state != RunState::failed) {
    request.scenario_name = m.spec_name + " run " + std::to_string(run_id);
    request.threads = threads;
    request.output = path;
    request.command_line =
        "incubsim sweep run " + dir.string() + " (run " + std::to_string(run_id) + ")";
    request.stop = stop;
    try {
      run_to_file(request, nullptr);
      out.state = RunState::done;
    } catch (const Interrupted&) {
      out.state = RunState::pending;
    } catch (const IoError&) {
      throw;
    } catch (const std::exception& e) {
      out.state = RunState::failed;
      out.error = e.what();
    }
  }
  if (out.state == RunState::failed) record_failure(dir, run_id, out.error);
  out.seconds = elapsed();
  return out;
}

std::vector<std::int64_t> prepare_runs(const std::filesystem::path& dir, const Manifest& m,
                                       const SweepRunOptions& options, SweepTally& tally) {
  remove_stale_temporaries(dir, options.shard);
  std::vector<std::int64_t> todo = runs_to_do(dir, m, options.shard, options.retry_failed, &tally);
  if (options.retry_failed)
    for (const auto id : todo) std::filesystem::remove(run_failure_path(dir, id));
  return todo;
}

Interrupted sweep_interrupted(std::int64_t pending) {
  return Interrupted("sweep stopped by a signal with " + std::to_string(pending) +
                     " run(s) still to do; finished runs are kept: run the same command again "
                     "to finish the rest");
}

SweepTally run_sweep_locally(const std::filesystem::path& dir, const Manifest& m,
                             const SweepRunOptions& options, SweepObserver* observer) {
  SweepTally tally;
  const std::vector<std::int64_t> todo = prepare_runs(dir, m, options, tally);

  std::mutex mutex;  // guards tally, first_error and the observer
  std::optional<IoError> first_error;
  std::atomic<bool> abort{false};
  bool interrupted = false;
  Executor executor(options.jobs < 1 ? 1 : options.jobs);
  executor.run([&] {
    parallel_for_each_index(
        todo.size(),
        [&](std::size_t k) {
          const std::int64_t id = todo[k];
          if (abort.load() || (options.stop && options.stop->load())) return;
          RunOutcome outcome;
          try {
            outcome = execute_run(dir, m, id, options.threads, options.stop);
          } catch (const IoError& e) {
            const std::lock_guard lock(mutex);
            if (!first_error) first_error = e;
            abort = true;
            return;
          }
          const std::lock_guard lock(mutex);
          if (outcome.state == RunState::pending) {
            interrupted = true;
            return;
          }
          --tally.pending;
          ++(outcome.state == RunState::done ? tally.done : tally.failed);
          if (observer) observer->on_run(outcome, tally);
        },
        1);  // one run per task
  });
  if (first_error) throw *first_error;
  if (interrupted || (options.stop && options.stop->load() && tally.pending > 0))
    throw sweep_interrupted(tally.pending);
  return tally;
}

}  // namespace incubsim
