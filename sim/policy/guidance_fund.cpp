// Government guidance funds (Ouhai's Daluoshan fund village): public capital
// matched by private capital, with a stage mandate and a lower investment
// hurdle. In the first active quarter of each simulated year the instrument
// launches funds_per_year funds (integer part, plus one with the fractional
// probability), each committing public_capital from the yearly budget and
// raising public_capital x private_matching privately. The funds are
// ordinary funds of type guidance from then on (financing, fees, exits,
// liquidation, successors) except that they invest only in the mandate's
// rounds and screen against funds.guidance.hurdle - hurdle_discount. The
// ledger follows them for their whole life. See
// docs/policies.md.
#include <algorithm>

#include "phases/context.hpp"
#include "phases/population.hpp"
#include "policy/instrument_helpers.hpp"
#include "policy/instruments.hpp"

namespace incubsim {
namespace {

constexpr int kGuidanceFundIndex = 2;  // position in the PolicySet

class GuidanceFund final : public Instrument {
 public:
  explicit GuidanceFund(const Scenario& s)
      : Instrument("guidance_fund", s.policy.guidance_fund), p_(s.policy.guidance_fund) {}

  bool offers_anything() const override { return p_.funds_per_year > 0 && p_.public_capital > 0; }

  void start_quarter(Quarter q) override {
    Instrument::start_quarter(q);
    launched_ = deals_ = 0;
    public_ = committed_ = invested_ = 0.0;
  }

  void after_institutions(WorldState& st, const PhaseContext& ctx) override {
    const Quarter q = ctx.quarter();
    // What this quarter's financing, exits and liquidations did with the
    // funds launched so far (launches below invest from next quarter).
    const auto& Fu = st.funds;
    std::int64_t deals = 0;
    double invested = 0.0;
    public_distributions_ = 0.0;
    active_funds_ = 0;
    for (const AgentId id : funds_) {
      const auto g = static_cast<std::size_t>(id);
      deals += Fu.deals[g];
      invested += Fu.invested[g];
      if (Fu.committed[g] > 0)
        public_distributions_ += Fu.public_capital[g] / Fu.committed[g] * Fu.distributions[g];
      active_funds_ += Fu.status[g] != FundStatus::closed;
    }
    deals_ = deals - deals_total_;
    invested_ = invested - invested_total_;
    deals_total_ = deals;
    invested_total_ = invested;
    ledger().add_beneficiaries(deals_);
    if (active(q) && yearly_quarter(q, p_)) launch(st, ctx);
  }

  std::vector<output::MetricDef> extra_columns() const override {
    using output::MetricKind;
    using output::Temporal;
    return {
        {"funds_launched", MetricKind::count, "funds", "Guidance funds launched this quarter",
         Temporal::flow},
        {"public_committed", MetricKind::amount, "M yuan",
         "Public capital committed to funds launched this quarter", Temporal::flow},
        {"capital_committed", MetricKind::amount, "M yuan",
         "Capital (public and private) committed to funds launched this quarter", Temporal::flow},
        {"guidance_funds_active", MetricKind::count, "funds",
         "Funds launched by the instrument and not yet closed", Temporal::stock},
        {"deals_by_guidance_funds", MetricKind::count, "deals",
         "Deals made this quarter by funds the instrument launched", Temporal::flow},
        {"invested_by_guidance_funds", MetricKind::amount, "M yuan",
         "Money invested this quarter by funds the instrument launched", Temporal::flow},
        {"public_share_of_distributions", MetricKind::amount, "M yuan",
         "Public share (public / committed capital) of those funds' distributions since the "
         "start",
         Temporal::stock},
    };
  }

  void extra_values(std::vector<double>& row) const override {
    row.push_back(static_cast<double>(launched_));
    row.push_back(public_);
    row.push_back(committed_);
    row.push_back(static_cast<double>(active_funds_));
    row.push_back(static_cast<double>(deals_));
    row.push_back(invested_);
    row.push_back(public_distributions_);
  }

  void archive_state(StateArchive& ar) override {
    Instrument::archive_state(ar);
    ar.field("funds", funds_);
    ar.field("launched", launched_);
    ar.field("deals", deals_);
    ar.field("deals_total", deals_total_);
    ar.field("active_funds", active_funds_);
    ar.field("public", public_);
    ar.field("committed", committed_);
    ar.field("invested", invested_);
    ar.field("invested_total", invested_total_);
    ar.field("public_distributions", public_distributions_);
  }

 private:
  void launch(WorldState& st, const PhaseContext& ctx) {
    const auto& sc = ctx.scenario();
    const LineageKey root = instrument_root(kGuidanceFundIndex);
    Stream s = ctx.stream(AgentKind::none, root, purpose(kGuidanceFundIndex, 0));
    const int n = whole_count(p_.funds_per_year, s);
    const auto& type = sc.funds.types[static_cast<std::size_t>(FundType::guidance)];
    for (int k = 0; k < n; ++k) {
      // Only funds the budget can pay for in full.
      if (ledger().available() < p_.public_capital) break;
      const double paid = ledger().spend(p_.public_capital);
      NewFund nf;
      nf.key = lineage_key(AgentKind::fund, ctx.quarter(), root, static_cast<std::uint64_t>(k));
      nf.type = FundType::guidance;
      nf.vintage = ctx.quarter();
      nf.committed = paid * (1.0 + p_.private_matching);
      nf.sector = kAllSectors;
      nf.round_mask = round_mask(p_.rounds);
      nf.reserve_share = type.reserve_share;
      nf.hurdle_shift = p_.hurdle_discount;
      nf.public_capital = paid;
      const AgentId id = add_fund(st, nf);
      funds_.push_back(id);
      ++launched_;
      public_ += paid;
      committed_ += nf.committed;
      ++active_funds_;
      ++st.flows.funds_opened;
      ctx.emit(EventKind::fund_opened, fund_ref(id), {}, nf.committed);
    }
  }

  const GuidanceFundPolicy& p_;
  std::vector<AgentId> funds_;  // launched by the instrument, in id order
  std::int64_t launched_ = 0, deals_ = 0, deals_total_ = 0, active_funds_ = 0;
  double public_ = 0, committed_ = 0, invested_ = 0, invested_total_ = 0;
  double public_distributions_ = 0;
};

}  // namespace

std::unique_ptr<Instrument> make_guidance_fund(const Scenario& s) {
  return std::make_unique<GuidanceFund>(s);
}

}  // namespace incubsim
