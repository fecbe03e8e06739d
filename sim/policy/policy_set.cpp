#include "policy/policy_set.hpp"

#include "core/errors.hpp"
#include "phases/context.hpp"
#include "policy/instruments.hpp"

namespace incubsim {

PolicySet::PolicySet(const Scenario& scenario) : scenario_(scenario) {
  instruments_.push_back(make_tech_transfer_insurance(scenario, &insurance_));
  for (auto* make : {make_incubator_support, make_guidance_fund, make_index_loans, make_science_vp,
                     make_project_grants, make_talent_programme, make_rd_incentives})
    instruments_.push_back(make(scenario));
}

PolicySet::~PolicySet() = default;

TransferLiabilityPolicy& PolicySet::transfer_liability() {
  return override_ ? *override_ : *insurance_;
}

void PolicySet::set_transfer_liability_override(std::unique_ptr<TransferLiabilityPolicy> policy) {
  override_ = std::move(policy);
}

void PolicySet::initialize(WorldState& state, const PhaseContext& ctx) {
  for (auto& i : instruments_)
    if (i->enabled()) i->initialize(state, ctx);
}

void PolicySet::archive(StateArchive& ar) {
  if (override_) throw Error("a run whose transfer policy was replaced cannot be checkpointed");
  ar.field("quarter", quarter_);
  for (auto& i : instruments_) {
    const StateArchive::Scope scope(ar, i->name());
    i->archive_state(ar);
  }
}

void PolicySet::start_quarter(Quarter q) {
  quarter_ = q;
  for (auto& i : instruments_) i->start_quarter(q);
}

void PolicySet::after_entry(WorldState& state, const PhaseContext& ctx) {
  for (auto& i : instruments_)
    if (i->active(ctx.quarter())) i->after_entry(state, ctx);
}

void PolicySet::after_financing(WorldState& state, const PhaseContext& ctx) {
  for (auto& i : instruments_)
    if (i->active(ctx.quarter())) i->after_financing(state, ctx);
}

void PolicySet::after_institutions(WorldState& state, const PhaseContext& ctx) {
  // Instruments also run when inactive here, so that what they started
  // (loans, secondments) is wound down after their end quarter.
  for (auto& i : instruments_)
    if (i->enabled()) i->after_institutions(state, ctx);
}

double PolicySet::promotion_threshold_factor(Quarter q) const {
  const auto& p = scenario_.policy.incubator_support;
  const bool on = p.enabled && q >= p.start_quarter && q <= p.end_quarter;
  return on ? p.promotion_threshold_factor : 1.0;
}

double PolicySet::quarter_spend() const {
  double total = 0.0;
  for (const auto& i : instruments_) total += i->ledger().quarter_spend();
  return total;
}

namespace {
std::vector<output::MetricDef> common_columns() {
  using output::MetricKind;
  using output::Temporal;
  return {
      {"active", MetricKind::count, "flag", "1 if the instrument acted this quarter",
       Temporal::stock},
      {"spend", MetricKind::amount, "M yuan", "Government spend this quarter", Temporal::flow},
      {"spend_total", MetricKind::amount, "M yuan", "Government spend since the start",
       Temporal::stock},
      {"budget_left", MetricKind::amount, "M yuan", "Budget left in this simulated year",
       Temporal::stock},
      {"beneficiaries", MetricKind::count, "agents", "Agents that benefited this quarter",
       Temporal::flow},
  };
}
}  // namespace

std::vector<PolicySet::Series> PolicySet::ledger_schema() const {
  std::vector<Series> out;
  Series government{"/policy/government",
                    {{"spend", output::MetricKind::amount, "M yuan",
                      "Government spend of all instruments this quarter", output::Temporal::flow}}};
  for (const auto& i : instruments_) {
    Series s{"/policy/" + i->name(), common_columns()};
    for (auto& c : i->extra_columns()) s.columns.push_back(std::move(c));
    out.push_back(std::move(s));
    government.columns.push_back({"spend_" + i->name(), output::MetricKind::amount, "M yuan",
                                  "Spend of " + i->name() + " this quarter",
                                  output::Temporal::flow});
  }
  out.push_back(std::move(government));
  return out;
}

void PolicySet::ledger_rows(std::vector<std::vector<double>>& rows) const {
  rows.resize(instruments_.size() + 1);
  std::vector<double>& government = rows.back();
  government.assign(1, quarter_spend());
  for (std::size_t k = 0; k < instruments_.size(); ++k) {
    const Instrument& i = *instruments_[k];
    const Ledger& l = i.ledger();
    auto& row = rows[k];
    row = {i.active(quarter_) ? 1.0 : 0.0, l.quarter_spend(), l.total_spend(),
           i.enabled() ? l.available() : 0.0, static_cast<double>(l.quarter_beneficiaries())};
    i.extra_values(row);
    government.push_back(l.quarter_spend());
  }
}

}  // namespace incubsim
