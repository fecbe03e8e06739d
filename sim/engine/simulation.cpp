#include "engine/simulation.hpp"

#include "checkpoint/world_archive.hpp"
#include "core/errors.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"

namespace incubsim {

Simulation::Simulation(Scenario scenario, int threads)
    : scenario_(std::move(scenario)),
      streams_(static_cast<std::uint64_t>(scenario_.simulation.seed)),
      executor_(threads),
      policies_(std::make_unique<PolicySet>(scenario_)) {
  // Exited firms' values matter only to the final table.
  state_.firms.keep_exited(scenario_.simulation.record_agents);
}

void Simulation::set_transfer_policy(std::unique_ptr<TransferLiabilityPolicy> policy) {
  policies_->set_transfer_liability_override(std::move(policy));
}

void Simulation::initialize() {
  if (initialized_) throw Error("Simulation::initialize called twice");
  initialized_ = true;
  next_ = kSetupQuarter;
  // In the run's arena: setup's loops are parallel, with the run's threads.
  executor_.run([&] {
    run_phase(Phase::setup);
    const PhaseContext ctx(scenario_, streams_,
                           Policies{&policies_->transfer_liability(), policies_.get()},
                           kSetupQuarter, Phase::setup, state_.events);
    policies_->initialize(state_, ctx);
    refresh_alive_firms(state_);
  });
  next_ = 0;
  state_.events.clear();
}

void Simulation::archive(StateArchive& ar) {
  const bool loading = ar.loading();
  if (loading && initialized_) throw Error("Simulation::archive: restore into a fresh Simulation");
  if (!loading && !initialized_)
    throw Error("Simulation::archive: nothing to save before initialize");
  const StateArchive::Scope scope(ar, "simulation");
  ar.field("next_quarter", next_);
  ar.field("phase_cursor", phase_cursor_);
  if (next_ < 0 || next_ > scenario_.total_quarters())
    ar.corrupt("next_quarter", "outside the scenario's quarters");
  if (phase_cursor_ >= kQuarterSchedule.size()) ar.corrupt("phase_cursor", "out of range");
  archive_world(ar, state_);
  {
    const StateArchive::Scope policies(ar, "policies");
    policies_->archive(ar);
  }
  if (loading) {
    initialized_ = true;
    reserve_run_capacity(state_, scenario_);
  }
}

void Simulation::set_spill_directory(const std::filesystem::path& directory) {
  state_.firms.keep_exited(scenario_.simulation.record_agents, directory.string());
}

void Simulation::release_working_buffers() {
  if (!finished()) throw Error("Simulation::release_working_buffers before the last quarter");
  state_.scratch = Scratch{};
}

void Simulation::run_phase(Phase phase) {
  const ScopedWallTime timer(times_.phase[static_cast<std::size_t>(phase)]);
  Policies policies{&policies_->transfer_liability(), policies_.get()};
  const PhaseContext ctx(scenario_, streams_, policies, next_, phase, state_.events);
  incubsim::run_phase(state_, ctx);
  // Births (entry) and exits (outcomes) change who is alive; later phases
  // iterate the refreshed list.
  if (phase == Phase::entry || phase == Phase::outcomes) refresh_alive_firms(state_);
}

const MetricRow& Simulation::step() {
  const MetricRow* row = nullptr;
  while (row == nullptr) row = step_phase();
  return *row;
}

const MetricRow* Simulation::step_phase() {
  if (!initialized_) throw Error("Simulation::step called before initialize");
  if (finished()) throw Error("Simulation::step called after the last quarter");
  if (phase_cursor_ == 0) {
    state_.flows = QuarterFlows{};
    state_.events.clear();
    policies_->start_quarter(next_);
    // Firms that exited last quarter leave the row columns: the quarter's
    // phases then walk dense alive firms (what they read of exited firms
    // is in the id columns).
    executor_.run([&] {
      const ScopedWallTime timer(times_.compaction);
      state_.firms.compact();
    });
  }
  const Phase phase = kQuarterSchedule[phase_cursor_];
  executor_.run([&] { run_phase(phase); });
  if (++phase_cursor_ < kQuarterSchedule.size()) return nullptr;
  executor_.run([&] {
    state_.flows.policy_spend = policies_->quarter_spend();
    const ScopedWallTime timer(times_.metrics);
    last_ = compute_metrics(state_);
  });
  phase_cursor_ = 0;
  ++next_;
  return &last_;
}

}  // namespace incubsim
