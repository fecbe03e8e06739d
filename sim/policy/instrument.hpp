#pragma once
// A policy instrument: parameters, a government ledger, and hooks the phases
// call at fixed points. Every hook defaults to doing nothing, and a
// disabled instrument's hooks return at once, so a run with every
// instrument off is the core model unchanged.
#include <string>
#include <string_view>
#include <vector>

#include "engine/state.hpp"
#include "output/table.hpp"
#include "policy/ledger.hpp"
#include "scenario/policies.hpp"

namespace incubsim {

class PhaseContext;

class Instrument {
 public:
  Instrument(std::string name, const PolicyCommon& common)
      : name_(std::move(name)), common_(common), ledger_(common.budget_per_year) {}
  virtual ~Instrument() = default;
  Instrument(const Instrument&) = delete;
  Instrument& operator=(const Instrument&) = delete;

  const std::string& name() const { return name_; }
  /// Switched on and offering something (an instrument whose parameters
  /// make it a no-op counts as off, so such a run equals one without it).
  bool enabled() const { return common_.enabled && offers_anything(); }
  bool active(Quarter q) const {
    return enabled() && q >= common_.start_quarter && q <= common_.end_quarter;
  }
  Ledger& ledger() { return ledger_; }
  const Ledger& ledger() const { return ledger_; }

  /// False when the parameters make the instrument a no-op.
  virtual bool offers_anything() const { return true; }

  /// After setup, before quarter 0 (e.g. choosing pilot institutions).
  virtual void initialize(WorldState&, const PhaseContext&) {}
  /// Start of every quarter, before any phase.
  virtual void start_quarter(Quarter q) { ledger_.start_quarter(q); }
  /// After the entry phase (extra founders).
  virtual void after_entry(WorldState&, const PhaseContext&) {}
  /// After the financing phase (loans to firms equity did not fund).
  virtual void after_financing(WorldState&, const PhaseContext&) {}
  /// After the institutions phase (most instruments act here).
  virtual void after_institutions(WorldState&, const PhaseContext&) {}

  /// Columns of this instrument's ledger beyond the common ones.
  virtual std::vector<output::MetricDef> extra_columns() const { return {}; }
  /// Values of extra_columns() for the quarter just run.
  virtual void extra_values(std::vector<double>&) const {}

  /// Saves or restores everything the instrument carries between quarters
  /// (checkpoints). Overrides archive their own members after calling this.
  virtual void archive_state(StateArchive& ar) {
    const StateArchive::Scope scope(ar, "ledger");
    ledger_.archive(ar);
  }

 protected:
  /// Stream purpose of this instrument's draw `n` (keeps instruments' draws
  /// apart from each other and from the core model's).
  static Purpose purpose(int instrument, int n) {
    return static_cast<Purpose>(static_cast<int>(Purpose::policy) + 16 * instrument + n);
  }

 private:
  std::string name_;
  const PolicyCommon& common_;
  Ledger ledger_;
};

}  // namespace incubsim
