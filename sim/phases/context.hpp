#pragma once
// What a phase gets besides the state: the frozen scenario, the keyed stream
// factory, the policies, and where it is in time.
#include <array>
#include <span>

#include "core/events.hpp"
#include "core/random.hpp"
#include "engine/state.hpp"
#include "policy/transfer_liability.hpp"
#include "scenario/scenario.hpp"

namespace incubsim {

class PolicySet;

struct Policies {
  TransferLiabilityPolicy* transfer_liability = nullptr;  // never null in a run
  PolicySet* instruments = nullptr;  // null: no instrument hooks (unit tests of phases)
};

class PhaseContext {
 public:
  /// `defer_measurement`: the network phase only prepares its measurement
  /// (st.scratch.measures.awaiting_finish), for the caller to finish.
  PhaseContext(const Scenario& scenario, const StreamFactory& streams, Policies policies,
               Quarter quarter, Phase phase, std::vector<Event>& events,
               bool defer_measurement = false)
      : scenario_(scenario),
        policies_(policies),
        quarter_(quarter),
        phase_(phase),
        events_(events),
        defer_measurement_(defer_measurement) {
    for (int k = 0; k < kAgentKindCount; ++k)
      prefix_[static_cast<std::size_t>(k)] =
          streams.prefix(quarter, phase, static_cast<AgentKind>(k));
  }

  const Scenario& scenario() const { return scenario_; }
  Quarter quarter() const { return quarter_; }
  Phase phase() const { return phase_; }
  const Policies& policies() const { return policies_; }
  /// Whether the caller finishes the network measurement itself, on other
  /// threads while the next quarter runs (Simulation::overlap_measurements).
  bool defers_measurement() const { return defer_measurement_; }

  /// The stream of one agent for one purpose in this quarter and phase.
  Stream stream(AgentKind kind, LineageKey key, Purpose purpose) const {
    return StreamFactory::make(prefix_[static_cast<std::size_t>(kind)], key, purpose);
  }

  /// An event of this quarter and phase.
  Event event(EventKind kind, AgentRef actor, AgentRef target = {}, double amount = 0.0,
              std::int32_t detail = 0) const {
    return Event{quarter_, phase_,   kind,      actor.kind, target.kind,
                 detail,   actor.id, target.id, amount};
  }

  /// Appends an event; only called from sequential commit steps.
  void emit(EventKind kind, AgentRef actor, AgentRef target = {}, double amount = 0.0,
            std::int32_t detail = 0) const {
    events_.push_back(event(kind, actor, target, amount, detail));
  }
  void emit(const Event& e) const { events_.push_back(e); }

  /// Appends n events to overwrite, for a commit step that knows how many
  /// each of its agents emits and writes them in parallel, each agent its
  /// own slots in commit order. Valid until the next emit or append; only
  /// called from sequential steps.
  std::span<Event> append_events(std::size_t n) const {
    const std::size_t old = events_.size();
    events_.resize(old + n);
    return {events_.data() + old, n};
  }

 private:
  const Scenario& scenario_;
  Policies policies_;
  Quarter quarter_;
  Phase phase_;
  std::vector<Event>& events_;
  bool defer_measurement_ = false;
  // StreamFactory::prefix for each agent kind in this quarter and phase.
  std::array<std::uint64_t, kAgentKindCount> prefix_{};
};

}  // namespace incubsim
