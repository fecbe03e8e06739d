#pragma once
// All policy instruments of a run, in a fixed order, and the hooks the
// phases call. Owned by the Simulation; every instrument exists (and writes
// its ledger, zeros when off) whether or not it is enabled, so switching an
// instrument on adds no datasets and coverage 0 leaves a run bit-identical.
#include <memory>
#include <string>
#include <vector>

#include "output/table.hpp"
#include "policy/instrument.hpp"
#include "policy/transfer_liability.hpp"
#include "scenario/scenario.hpp"

namespace incubsim {

class PolicySet {
 public:
  explicit PolicySet(const Scenario& scenario);
  ~PolicySet();
  PolicySet(const PolicySet&) = delete;
  PolicySet& operator=(const PolicySet&) = delete;

  /// The liability seam the transfer phase uses: the insurance instrument,
  /// or an override (tests, studies of hypothetical schemes).
  TransferLiabilityPolicy& transfer_liability();
  void set_transfer_liability_override(std::unique_ptr<TransferLiabilityPolicy> policy);

  void initialize(WorldState& state, const PhaseContext& ctx);
  void start_quarter(Quarter q);
  void after_entry(WorldState& state, const PhaseContext& ctx);
  void after_financing(WorldState& state, const PhaseContext& ctx);
  void after_institutions(WorldState& state, const PhaseContext& ctx);

  /// Multiplier on incubators.promotion_graduates_per_slot in quarter q.
  double promotion_threshold_factor(Quarter q) const;
  /// Government spend of all instruments in the quarter just run.
  double quarter_spend() const;

  struct Series {
    std::string group;  // "/policy/<name>", "/policy/government"
    std::vector<output::MetricDef> columns;
  };
  /// The ledger series, in the order ledger_rows() fills them.
  std::vector<Series> ledger_schema() const;
  /// One row per series for the quarter just run.
  void ledger_rows(std::vector<std::vector<double>>& rows) const;

  const std::vector<std::unique_ptr<Instrument>>& instruments() const { return instruments_; }

  /// Saves or restores every instrument's state (checkpoints). Throws Error
  /// when a replaced transfer policy is installed: its state is not ours.
  void archive(StateArchive& ar);

 private:
  const Scenario& scenario_;
  std::vector<std::unique_ptr<Instrument>> instruments_;
  TransferLiabilityPolicy* insurance_ = nullptr;
  Quarter quarter_ = 0;
  std::unique_ptr<TransferLiabilityPolicy> override_;
};

}  // namespace incubsim
