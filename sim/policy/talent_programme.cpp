// Talent programmes and entrepreneurship competitions (Ouhai: 30
// competition projects landed over six years; "> 10,000 young talents"):
// extra inflow of founders and researchers while active.
//   - After the entry phase: Poisson(extra_founders) programme founders,
//     drawn like independent founders (draw_independent_firm) but with
//     origin programme and quality + founder_quality_bonus; each gets
//     founder_grant in cash if the year's budget still pays it in full (a
//     founder enters without a grant once the budget is spent).
//   - After the institutions phase: Poisson(extra_researchers) researchers
//     drawn like the core's entering researchers, each with a settlement
//     grant of researcher_grant while the budget pays it (they enter either
//     way).
// New agents' lineage keys descend from a root of this instrument, so the
// core's entrants keep their draws. See docs/policies.md.
#include "phases/context.hpp"
#include "phases/population.hpp"
#include "policy/instrument_helpers.hpp"
#include "policy/instruments.hpp"

namespace incubsim {
namespace {

constexpr int kTalentProgrammeIndex = 6;  // position in the PolicySet

class TalentProgramme final : public Instrument {
 public:
  explicit TalentProgramme(const Scenario& s)
      : Instrument("talent_programme", s.policy.talent_programme), p_(s.policy.talent_programme) {}

  bool offers_anything() const override {
    return p_.extra_founders > 0 || p_.extra_researchers > 0;
  }

  void start_quarter(Quarter q) override {
    Instrument::start_quarter(q);
    founders_ = researchers_ = ungranted_ = 0;
    founder_grants_ = researcher_grants_ = 0.0;
  }

  void after_entry(WorldState& st, const PhaseContext& ctx) override {
    if (p_.extra_founders <= 0) return;
    const auto& sc = ctx.scenario();
    const LineageKey root = hash_combine(instrument_root(kTalentProgrammeIndex), 0);
    Stream count = ctx.stream(AgentKind::none, root, purpose(kTalentProgrammeIndex, 0));
    const int n = count.poisson(p_.extra_founders);
    for (int i = 0; i < n; ++i) {
      const LineageKey key =
          lineage_key(AgentKind::firm, ctx.quarter(), root, static_cast<std::uint64_t>(i));
      Stream s = ctx.stream(AgentKind::firm, key, purpose(kTalentProgrammeIndex, 1));
      NewFirm nf = draw_independent_firm(sc, s, key, ctx.quarter());
      nf.origin = Origin::programme;
      nf.quality += p_.founder_quality_bonus;
      const double grant = pay(p_.founder_grant);
      nf.cash += grant;
      const AgentId firm = add_firm(st, nf);
      ++st.flows.births_programme;
      st.firms.grants_received[static_cast<std::size_t>(firm)] += grant;
      founder_grants_ += grant;
      ++founders_;
      ledger().add_beneficiaries();
      ctx.emit(EventKind::firm_birth, firm_ref(firm), {}, nf.cash,
               static_cast<std::int32_t>(Origin::programme));
    }
  }

  void after_institutions(WorldState& st, const PhaseContext& ctx) override {
    if (!active(ctx.quarter()) || p_.extra_researchers <= 0) return;
    const auto& sc = ctx.scenario();
    const LineageKey root = hash_combine(instrument_root(kTalentProgrammeIndex), 1);
    Stream count = ctx.stream(AgentKind::none, root, purpose(kTalentProgrammeIndex, 2));
    const int n = count.poisson(p_.extra_researchers);
    for (int k = 0; k < n; ++k) {
      const LineageKey key =
          lineage_key(AgentKind::researcher, ctx.quarter(), root, static_cast<std::uint64_t>(k));
      Stream s = ctx.stream(AgentKind::researcher, key, purpose(kTalentProgrammeIndex, 3));
      const AgentId id =
          add_researcher(st, draw_researcher(sc, s, key, ctx.quarter(), st.institutions.size()));
      researcher_grants_ += pay(p_.researcher_grant);
      ++researchers_;
      ledger().add_beneficiaries();
      ++st.flows.researcher_entries;
      ctx.emit(EventKind::researcher_entry, researcher_ref(id));
    }
  }

  std::vector<output::MetricDef> extra_columns() const override {
    using output::MetricKind;
    using output::Temporal;
    return {
        {"founders", MetricKind::count, "firms", "Programme firms founded this quarter",
         Temporal::flow},
        {"researchers", MetricKind::count, "researchers",
         "Programme researchers who entered this quarter", Temporal::flow},
        {"founder_grants", MetricKind::amount, "M yuan",
         "Start-up grants paid to programme firms this quarter", Temporal::flow},
        {"researcher_grants", MetricKind::amount, "M yuan",
         "Settlement grants paid to programme researchers this quarter", Temporal::flow},
        {"ungranted", MetricKind::count, "agents",
         "Programme entrants who got no grant because the year's budget was spent", Temporal::flow},
    };
  }

  void extra_values(std::vector<double>& row) const override {
    row.push_back(static_cast<double>(founders_));
    row.push_back(static_cast<double>(researchers_));
    row.push_back(founder_grants_);
    row.push_back(researcher_grants_);
    row.push_back(static_cast<double>(ungranted_));
  }

  void archive_state(StateArchive& ar) override {
    Instrument::archive_state(ar);
    ar.field("founders", founders_);
    ar.field("researchers", researchers_);
    ar.field("ungranted", ungranted_);
    ar.field("founder_grants", founder_grants_);
    ar.field("researcher_grants", researcher_grants_);
  }

 private:
  /// A grant of `amount` if the year's budget pays it in full, else none.
  double pay(double amount) {
    if (amount <= 0) return 0.0;
    if (ledger().available() < amount) {
      ++ungranted_;
      return 0.0;
    }
    return ledger().spend(amount);
  }

  const TalentProgrammePolicy& p_;
  std::int64_t founders_ = 0, researchers_ = 0, ungranted_ = 0;
  double founder_grants_ = 0, researcher_grants_ = 0;
};

}  // namespace

std::unique_ptr<Instrument> make_talent_programme(const Scenario& s) {
  return std::make_unique<TalentProgramme>(s);
}

}  // namespace incubsim
