#include "engine/simulation.hpp"

#include <algorithm>
#include <array>
#include <utility>

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
  if (!loading) finish_quarters();  // the saved state has the measures
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
  finish_quarters();
  state_.scratch = Scratch{};
}

void Simulation::run_phase(Phase phase) {
  const ScopedWallTime timer(times_.phase[static_cast<std::size_t>(phase)]);
  // The last measurement's scratch is this one's: it must have finished.
  if (phase == Phase::network) join_measurement();
  Policies policies{&policies_->transfer_liability(), policies_.get()};
  const PhaseContext ctx(scenario_, streams_, policies, next_, phase, state_.events, overlap_);
  incubsim::run_phase(state_, ctx);
  // Births (entry) and exits (outcomes) change who is alive; later phases
  // iterate the refreshed list.
  if (phase == Phase::entry || phase == Phase::outcomes) refresh_alive_firms(state_);
}

const MetricRow& Simulation::step() {
  while (!step_phase()) {
  }
  finish_quarters();
  finished_.clear();
  return last_;
}

std::vector<Simulation::QuarterRow> Simulation::take_finished_rows() {
  return std::exchange(finished_, {});
}

void Simulation::finish_quarters() {
  const ScopedWallTime timer(times_.phase[static_cast<std::size_t>(Phase::network)]);
  join_measurement();
}

void Simulation::start_background_work() {
  // The graph's arrays for the vertices this quarter will add (as many as
  // last quarter's, and a quarter more): their first touches are page
  // faults, a few milliseconds per 2 MiB huge page in a VM, which the
  // serial births would otherwise take one after the other. Faulting them
  // in changes no values, so it may run while the graph changes.
  const std::size_t vertices = state_.graph.vertex_count();
  const std::size_t added = vertices - std::min(vertices, vertices_before_);
  const bool first = vertices_before_ == 0;
  vertices_before_ = vertices;
  std::array<PageSpan, 2> ahead{};
  if (executor_.threads() > 1 && !first) ahead = state_.graph.growth_spans(added + added / 4);
  // Prepared by the network phase (overlap_): finishing reads only the
  // scratch, which nothing else writes before the next network phase
  // joins it.
  const bool measure = state_.scratch.measures.awaiting_finish;
  if (!measure && ahead[0].bytes == 0 && ahead[1].bytes == 0) return;
  state_.scratch.measures.awaiting_finish = false;
  measurement_in_flight_ = measure;
  background_.start([this, measure, ahead] {
    for (const PageSpan& span : ahead) populate_pages(span);
    if (!measure) return;
    const ScopedWallTime timer(times_.measures_alongside);
    measured_ = finish_measurement(state_.scratch.active_vertices, state_.scratch.measures);
  });
}

void Simulation::join_measurement() {
  if (state_.scratch.measures.awaiting_finish) {
    // Not started yet (the run ends, or a checkpoint): finish it here.
    state_.scratch.measures.awaiting_finish = false;
    measured_ = finish_measurement(state_.scratch.active_vertices, state_.scratch.measures);
  } else {
    if (background_.running()) background_.wait();
    if (!std::exchange(measurement_in_flight_, false)) return;
  }
  state_.network = measured_;
  if (!waiting_.empty()) set_network_metrics(last_, measured_);  // last_ is the latest of them
  for (QuarterRow& r : waiting_) {
    set_network_metrics(r.row, measured_);
    finished_.push_back(r);
  }
  waiting_.clear();
}

bool Simulation::step_phase() {
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
  // Background work (the last quarter's measurement, faulting in room for
  // births) starts with this quarter's transfer phase, where the serial
  // commit steps begin: the metrics, compaction and research before it
  // are parallel and keep every thread busy.
  if (phase == Phase::transfer) start_background_work();
  executor_.run([&] { run_phase(phase); });
  if (++phase_cursor_ < kQuarterSchedule.size()) return false;
  executor_.run([&] {
    state_.flows.policy_spend = policies_->quarter_spend();
    const ScopedWallTime timer(times_.metrics);
    last_ = compute_metrics(state_);
  });
  const bool measuring = measurement_in_flight_ || state_.scratch.measures.awaiting_finish;
  (measuring ? waiting_ : finished_).push_back(QuarterRow{next_, last_});
  phase_cursor_ = 0;
  ++next_;
  return true;
}

}  // namespace incubsim
