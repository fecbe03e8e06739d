#pragma once
// A Simulation owns one run's state, its scenario (frozen), its random
// stream factory, its thread arena and its policies. Several can live in one
// process at once (paired policy comparisons, sweeps).
#include <filesystem>
#include <memory>
#include <vector>

#include "core/parallel.hpp"
#include "core/random.hpp"
#include "core/state_archive.hpp"
#include "engine/metrics.hpp"
#include "engine/state.hpp"
#include "engine/wall_times.hpp"
#include "policy/policy_set.hpp"
#include "policy/transfer_liability.hpp"
#include "scenario/scenario.hpp"

namespace incubsim {

class Simulation {
 public:
  Simulation(Scenario scenario, int threads);
  // A measurement in flight refers to this object's state.
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  /// Builds the initial population. Must be called once before step().
  void initialize();
  /// Runs the rest of the next quarter's phases and returns its metrics
  /// (waiting for its network measurement; the row is not queued for
  /// take_finished_rows()).
  const MetricRow& step();
  /// Runs one phase of the next quarter (opening the quarter first if none
  /// is in progress): a run can stop between phases and be checkpointed.
  /// Returns true after the quarter's last phase; its metrics are then in
  /// take_finished_rows(), or, while its network measurement still runs
  /// (overlap_measurements), will be once that has finished.
  bool step_phase();

  /// The metrics of ended quarters that are complete and not yet taken,
  /// oldest first.
  struct QuarterRow {
    Quarter quarter = 0;
    MetricRow row{};
  };
  std::vector<QuarterRow> take_finished_rows();
  /// Lets each network measurement finish on the run's other threads while
  /// the next quarter's phases run, from its transfer phase up to its
  /// network phase:
  /// the measurement then fills the idle threads' time in the phases'
  /// serial stretches. A quarter's metrics are complete that much later;
  /// the results are the same. No effect with one thread.
  void overlap_measurements(bool on) { overlap_ = on && executor_.threads() > 1; }
  /// Waits for a measurement in flight, so that every ended quarter's
  /// metrics are in take_finished_rows() and state().network is current.
  void finish_quarters();

  /// Quarter step() runs or continues next (0 after initialize()).
  Quarter next_quarter() const { return next_; }
  /// Whether some of next_quarter()'s phases have run.
  bool quarter_in_progress() const { return phase_cursor_ > 0; }
  /// The phase step_phase() runs next.
  Phase next_phase() const { return kQuarterSchedule[phase_cursor_]; }
  bool finished() const { return next_ >= scenario_.total_quarters(); }
  /// Whether the quarter just run is recorded (past burn-in).
  bool last_quarter_recorded() const { return next_ - 1 >= scenario_.simulation.burn_in; }

  const Scenario& scenario() const { return scenario_; }
  const WorldState& state() const { return state_; }
  /// Events of the quarter just run, in commit order.
  const std::vector<Event>& events() const { return state_.events; }
  int threads() const { return executor_.threads(); }

  /// Replaces the transfer-liability policy (default: the scenario's
  /// insurance instrument, which offers no cover when disabled).
  void set_transfer_policy(std::unique_ptr<TransferLiabilityPolicy> policy);

  /// The policy instruments and their ledgers.
  const PolicySet& policies() const { return *policies_; }

  /// Saves the whole state between phases (after initialize()), or
  /// restores it in place of initialize(); the run then continues exactly
  /// as the saved one would have. Random streams need no saving: they are
  /// keyed by the seed and the draw's coordinates, not advanced.
  void archive(StateArchive& ar);

  /// Where exited firms' values wait for the final table (a temporary
  /// file, unlinked at once): the output's directory, where the user has
  /// made room for results. Without it, the system's temporary directory.
  void set_spill_directory(const std::filesystem::path& directory);

  /// Frees the buffers the phases reuse from quarter to quarter, once the
  /// last quarter has run: the final tables do not read them, and at
  /// national size they are a few hundred megabytes.
  void release_working_buffers();

  /// Wall time spent so far in each phase and in the metrics (output and
  /// total are the caller's to fill).
  const WallTimes& wall_times() const { return times_; }

 private:
  void run_phase(Phase phase);
  void start_background_work();
  void join_measurement();

  Scenario scenario_;
  StreamFactory streams_;
  Executor executor_;
  WorldState state_;
  std::unique_ptr<PolicySet> policies_;
  Quarter next_ = 0;
  std::size_t phase_cursor_ = 0;  // index in kQuarterSchedule of next_'s next phase
  bool initialized_ = false;
  MetricRow last_{};
  WallTimes times_;
  bool overlap_ = false;
  std::vector<QuarterRow> finished_;    // complete rows not yet taken
  std::vector<QuarterRow> waiting_;     // rows waiting for the measurement in flight
  NetworkMeasures measured_;            // what the measurement in flight found
  bool measurement_in_flight_ = false;  // the background job is finishing one
  std::size_t vertices_before_ = 0;     // graph vertices when the last job started
  // Last, so that it is destroyed (waiting for its work) first.
  BackgroundJob background_{executor_};
};

}  // namespace incubsim
