#pragma once
// A simulated world to benchmark phases on: a scenario scaled to a number of
// initial firms, run the way Simulation runs it (setup, then whole quarters),
// with copies of the state taken just before each benchmarked phase of the
// first quarter after the warm-up. A benchmark copies one of those snapshots
// before every iteration and runs only its phase on the copy, so every
// iteration does the same work.
//
// Simulation keeps its state and policies private, so World repeats the few
// lines of Simulation::initialize() and step() with public functions;
// Options::check_mirror runs a real Simulation beside it and stops if a
// quarter's metrics differ, which catches the two drifting apart.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/parallel.hpp"
#include "core/random.hpp"
#include "engine/metrics.hpp"
#include "engine/state.hpp"
#include "phases/context.hpp"
#include "policy/policy_set.hpp"
#include "scenario/scenario.hpp"

namespace incubsim::bench {

struct Options {
  std::vector<std::int64_t> firms;  // sizes: initial firms
  std::vector<int> threads;         // thread counts of the phase benchmarks
  std::filesystem::path scenario;   // the scenario scaled (Ouhai baseline by default)
  int warmup = -1;                  // quarters run first; -1: the scenario's burn-in
  bool check_mirror = false;        // compare World with a real Simulation
};

/// The options in effect (set by main from the command line).
Options& options();

/// `base` scaled to `firms` initial firms: founders, researchers,
/// institutions, incubators and funds of every type scaled by the same
/// factor (as scenarios/scale/*.toml scale Ouhai).
Scenario scaled_scenario(const std::filesystem::path& base, std::int64_t firms);

/// The phases World keeps a snapshot before.
inline constexpr Phase kSnapshotPhases[] = {Phase::admission, Phase::financing, Phase::operations,
                                            Phase::network};

class World {
 public:
  /// Sets up `scenario`, runs `warmup` quarters and then one more quarter,
  /// keeping the snapshots. Uses `threads` threads to get there.
  World(Scenario scenario, int warmup, int threads, bool check_mirror);
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  const Scenario& scenario() const { return scenario_; }
  /// The quarter the snapshots are from.
  Quarter quarter() const { return quarter_; }
  /// The state just before `phase` ran in quarter(): every earlier phase of
  /// that quarter done, flows and events of the quarter so far included.
  const WorldState& before(Phase phase) const;
  /// The state at the end of quarter(), its events included.
  const WorldState& end() const { return end_; }
  /// The metrics of quarter().
  const MetricRow& metrics() const { return metrics_; }
  PolicySet& policies() { return *policies_; }

  /// The context a phase of quarter() gets; `events` is the state's.
  PhaseContext context(Phase phase, std::vector<Event>& events,
                       const Scenario* scenario = nullptr) const;

  /// Seconds the setup and warm-up took (reported, not benchmarked).
  double build_seconds() const { return build_seconds_; }

 private:
  void run_phase(WorldState& state, Quarter q, Phase phase);
  void start_quarter(WorldState& state, Quarter q);
  void finish_quarter(WorldState& state);

  Scenario scenario_;
  StreamFactory streams_;
  std::unique_ptr<PolicySet> policies_;  // refers to scenario_
  Quarter quarter_ = 0;
  std::map<Phase, WorldState> before_;
  WorldState end_;
  MetricRow metrics_{};
  double build_seconds_ = 0.0;
};

/// The world of one size under the current options, built on first use.
World& world(std::int64_t firms);

}  // namespace incubsim::bench
