#pragma once
// Runs single phases on a hand-adjustable state: setup builds a small
// population, tests change what they need and call one phase.
#include <memory>

#include "phases/phases.hpp"
#include "phases/population.hpp"
#include "test_support.hpp"

namespace incubsim::testing {

/// A policy stub with fixed terms that records what it was told.
class FixedCover final : public TransferLiabilityPolicy {
 public:
  FixedCover(double coverage, double premium) : coverage_(coverage), premium_(premium) {}
  TransferTerms terms(const TransferQuery&) const override { return {coverage_, premium_}; }
  void on_transfer(const OpenTransfer&, double premium) override {
    ++transfers;
    premiums += premium;
  }
  double on_failure(const OpenTransfer& t) override {
    ++claims;
    const double paid = t.exposure * t.coverage;
    paid_total += paid;
    return paid;
  }
  int transfers = 0;
  int claims = 0;
  double premiums = 0;
  double paid_total = 0;

 private:
  double coverage_;
  double premium_;
};

class PhaseFixture {
 public:
  explicit PhaseFixture(Scenario sc = small_scenario(),
                        std::unique_ptr<TransferLiabilityPolicy> policy = nullptr)
      : scenario(std::move(sc)),
        streams(static_cast<std::uint64_t>(scenario.simulation.seed)),
        policy_(policy ? std::move(policy) : std::make_unique<NoTransferCover>()) {
    run(kSetupQuarter, Phase::setup);
    refresh_alive_firms(state);
  }

  PhaseContext context(Quarter q, Phase phase) {
    return PhaseContext(scenario, streams, Policies{policy_.get()}, q, phase, events);
  }

  void run(Quarter q, Phase phase) {
    const PhaseContext ctx = context(q, phase);
    run_phase(state, ctx);
    if (phase == Phase::entry || phase == Phase::outcomes) refresh_alive_firms(state);
  }

  TransferLiabilityPolicy& policy() { return *policy_; }

  int count_events(EventKind kind) const {
    int n = 0;
    for (const auto& e : events) n += e.kind == kind;
    return n;
  }

  Scenario scenario;
  StreamFactory streams;
  WorldState state;
  std::vector<Event> events;

 private:
  std::unique_ptr<TransferLiabilityPolicy> policy_;
};

}  // namespace incubsim::testing
