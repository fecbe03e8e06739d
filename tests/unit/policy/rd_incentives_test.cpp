// R&D incentives: more high-tech firms and more R&D; the tax arithmetic,
// awards and threshold response on a hand-made population; the ledger adds
// up; nothing outside the window; thread-count independence.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "engine/verify.hpp"
#include "output/run_reader.hpp"
#include "phases/context.hpp"
#include "policy/instruments.hpp"
#include "policy_test_support.hpp"

namespace incubsim {
namespace {

using testing::PolicyRun;
using testing::ScratchDir;
using testing::small_scenario;

const std::string kRdIncentivesLedger = "/policy/rd_incentives/";

Scenario with_incentives(Scenario sc) {
  auto& p = sc.policy.rd_incentives;
  p.enabled = true;
  p.budget_per_year = 1e6;
  return sc;
}

TEST(RdIncentives, MoreHighTechFirmsAndMoreRd) {
  ScratchDir dir;
  const Scenario base = small_scenario(40);
  const PolicyRun none(dir, "none", base);
  const PolicyRun on(dir, "incentives", with_incentives(base));
  EXPECT_GT(on.sum(kRdIncentivesLedger + "intensity_raised"), 0.0);
  EXPECT_GT(on.sum(kRdIncentivesLedger + "tax_benefit"), 0.0);
  EXPECT_GT(on.sum(kRdIncentivesLedger + "awards"), 0.0);
  EXPECT_GT(on.sum("/timeseries/firms_high_tech"), 1.2 * none.sum("/timeseries/firms_high_tech"));
  EXPECT_GT(on.sum("/timeseries/rd_spend"), none.sum("/timeseries/rd_spend"));
  // Without the behavioural response the certified population barely moves:
  // the response is what adds high-tech firms.
  Scenario passive = with_incentives(base);
  passive.policy.rd_incentives.threshold_response = 0.0;
  const PolicyRun off(dir, "passive", passive);
  EXPECT_EQ(off.sum(kRdIncentivesLedger + "intensity_raised"), 0.0);
  EXPECT_LT(off.sum("/timeseries/firms_high_tech"), on.sum("/timeseries/firms_high_tech"));
}

TEST(RdIncentives, LedgerIsConsistent) {
  ScratchDir dir;
  Scenario sc = with_incentives(small_scenario(40));
  auto& p = sc.policy.rd_incentives;
  p.budget_per_year = 4.0;  // binding
  const PolicyRun r(dir, "ledger", sc);
  const auto quarter = r.column(kRdIncentivesLedger + "quarter");
  const auto spend = r.column(kRdIncentivesLedger + "spend");
  const auto claimed = r.column(kRdIncentivesLedger + "tax_claimed");
  const auto rate = r.column(kRdIncentivesLedger + "rate_benefit");
  const auto deduction = r.column(kRdIncentivesLedger + "deduction_benefit");
  const auto paid = r.column(kRdIncentivesLedger + "tax_benefit");
  const auto award_amount = r.column(kRdIncentivesLedger + "award_amount");
  const auto awards = r.column(kRdIncentivesLedger + "awards");
  const auto benefiting = r.column(kRdIncentivesLedger + "firms_benefiting");
  const auto beneficiaries = r.column(kRdIncentivesLedger + "beneficiaries");
  const auto raised = r.column(kRdIncentivesLedger + "intensity_raised");
  double year = 0;
  bool capped = false;
  for (std::size_t i = 0; i < spend.size(); ++i) {
    const int q = static_cast<int>(quarter[i]);
    if (q % 4 == 0) year = 0;
    year += spend[i];
    EXPECT_LE(year, p.budget_per_year + 1e-12) << "quarter " << q;
    EXPECT_NEAR(spend[i], paid[i] + award_amount[i], 1e-12);
    EXPECT_NEAR(claimed[i], rate[i] + deduction[i], 1e-9);
    EXPECT_LE(paid[i], claimed[i] + 1e-12);
    EXPECT_NEAR(award_amount[i], awards[i] * p.certification_award, 1e-12);
    EXPECT_GE(beneficiaries[i], benefiting[i]);
    EXPECT_LE(beneficiaries[i], benefiting[i] + awards[i]);
    if (q % 4 != 3) {
      EXPECT_EQ(awards[i], 0.0);
      EXPECT_EQ(raised[i], 0.0);
    }
    if (paid[i] < claimed[i] - 1e-9) capped = true;
  }
  EXPECT_TRUE(capped);

  // Every award goes to a firm certified high-tech in the same quarter.
  const auto kind = r.column("/events/kind");
  const auto eq = r.column("/events/quarter");
  const auto actor = r.column("/events/actor");
  const auto detail = r.column("/events/detail");
  const auto amount = r.column("/events/amount");
  std::map<std::pair<double, double>, int> certified;
  int n = 0;
  double total = 0;
  for (std::size_t e = 0; e < kind.size(); ++e) {
    const int k = static_cast<int>(kind[e]);
    if (k == static_cast<int>(EventKind::certification) && detail[e] == 1.0)
      ++certified[{eq[e], actor[e]}];
    if (k != static_cast<int>(EventKind::policy_award)) continue;
    EXPECT_EQ(detail[e], 1.0);
    const std::pair<double, double> firm_quarter{eq[e], actor[e]};
    EXPECT_EQ(certified[firm_quarter], 1) << "firm " << actor[e] << " quarter " << eq[e];
    ++n;
    total += amount[e];
  }
  EXPECT_GT(n, 0);
  EXPECT_EQ(n, static_cast<int>(r.sum(kRdIncentivesLedger + "awards")));
  EXPECT_NEAR(total, r.sum(kRdIncentivesLedger + "award_amount"), 1e-9);
  EXPECT_NEAR(r.sum("/agents/firms/tax_benefits"), r.sum(kRdIncentivesLedger + "tax_benefit"),
              1e-9);
  EXPECT_NEAR(r.sum("/agents/firms/grants_received"), r.sum(kRdIncentivesLedger + "award_amount"),
              1e-9);
  EXPECT_NEAR(r.sum("/policy/government/spend"), r.sum(kRdIncentivesLedger + "spend"), 1e-9);
  EXPECT_NEAR(r.sum("/policy/government/spend_rd_incentives"), r.sum(kRdIncentivesLedger + "spend"),
              1e-9);
  EXPECT_NEAR(r.sum("/timeseries/policy_spend"), r.sum(kRdIncentivesLedger + "spend"), 1e-9);
}

TEST(RdIncentives, NothingOutsideTheWindow) {
  ScratchDir dir;
  Scenario sc = with_incentives(small_scenario(32));
  sc.policy.rd_incentives.start_quarter = 8;
  sc.policy.rd_incentives.end_quarter = 19;
  const PolicyRun r(dir, "window", sc);
  const auto quarter = r.column(kRdIncentivesLedger + "quarter");
  const auto spend = r.column(kRdIncentivesLedger + "spend");
  const auto raised = r.column(kRdIncentivesLedger + "intensity_raised");
  const auto claimed = r.column(kRdIncentivesLedger + "tax_claimed");
  for (std::size_t i = 0; i < quarter.size(); ++i) {
    if (quarter[i] >= 8 && quarter[i] <= 19) continue;
    EXPECT_EQ(spend[i], 0.0) << "quarter " << quarter[i];
    EXPECT_EQ(raised[i], 0.0) << "quarter " << quarter[i];
    EXPECT_EQ(claimed[i], 0.0) << "quarter " << quarter[i];
  }
  EXPECT_GT(r.sum(kRdIncentivesLedger + "spend"), 0.0);
  EXPECT_GT(r.sum(kRdIncentivesLedger + "intensity_raised"), 0.0);
  const auto kind = r.column("/events/kind");
  const auto eq = r.column("/events/quarter");
  int awards = 0;
  for (std::size_t e = 0; e < kind.size(); ++e)
    if (static_cast<int>(kind[e]) == static_cast<int>(EventKind::policy_award)) {
      ++awards;
      EXPECT_TRUE(eq[e] == 11.0 || eq[e] == 15.0 || eq[e] == 19.0) << eq[e];
    }
  EXPECT_GT(awards, 0);
}

/// The instrument on a hand-made population, hooks called directly.
struct Firms {
  Scenario sc;
  StreamFactory streams{3};
  WorldState st;
  std::unique_ptr<Instrument> incentives;

  explicit Firms(const Scenario& s) : sc(s) {}
  std::size_t add(double revenue, double costs, double rd, bool sme, bool hte,
                  double intensity = 0.0) {
    NewFirm nf;
    nf.key = 900 + st.firms.size();
    nf.rd_intensity = intensity;
    const auto f = static_cast<std::size_t>(st.firms.add(nf));
    auto& F = st.firms;
    F.revenue[f] = revenue;
    F.selling[f] = revenue > 0;
    F.costs[f] = costs;
    F.rd_spend[f] = rd;
    F.tech_sme[f] = sme;
    F.high_tech[f] = hte;
    st.scratch.alive_firms.push_back(static_cast<AgentId>(f));
    return f;
  }
  void certified(std::size_t f, Certification c, Quarter q) {
    st.events.push_back(Event{q, Phase::institutions, EventKind::certification, AgentKind::firm,
                              AgentKind::none, static_cast<std::int32_t>(c),
                              static_cast<AgentId>(f), kNoAgent, 0.0});
  }
  void run(Quarter q) {
    if (!incentives) incentives = make_rd_incentives(sc);
    incentives->start_quarter(q);
    incentives->after_institutions(
        st, PhaseContext(sc, streams, Policies{}, q, Phase::institutions, st.events));
  }
  double column(const std::string& name) const {
    const auto cols = incentives->extra_columns();
    std::vector<double> r;
    incentives->extra_values(r);
    for (std::size_t k = 0; k < cols.size(); ++k)
      if (cols[k].name == name) return r[k];
    ADD_FAILURE() << "no column " << name;
    return 0.0;
  }
};

Scenario rates() {
  Scenario sc;
  sc.market.gross_margin = 0.5;
  auto& p = sc.policy.rd_incentives;
  p.enabled = true;
  p.budget_per_year = 100.0;
  p.corporate_tax_rate = 0.25;
  p.high_tech_tax_rate = 0.15;
  p.super_deduction = 1.0;
  p.certification_award = 0.2;
  p.threshold_response = 0.02;
  sc.firms.high_tech_rd_intensity = {0.05, 0.04, 0.03};
  return sc;
}

TEST(RdIncentives, TaxBenefitsFollowTheRules) {
  Firms w(rates());
  // Profit = 0.5 x revenue - costs.
  const auto hte = w.add(10.0, 3.0, 1.0, true, true);      // 2: 0.1 x 2 + 0.15 x min(1, 2)
  const auto sme = w.add(10.0, 4.5, 1.0, true, false);     // 0.5: 0.25 x min(1, 0.5)
  const auto plain = w.add(10.0, 3.0, 1.0, false, false);  // not certified
  const auto loss = w.add(10.0, 6.0, 1.0, true, true);     // no profit
  w.run(1);
  auto& F = w.st.firms;
  EXPECT_DOUBLE_EQ(F.tax_benefits[hte], 0.2 + 0.15);
  EXPECT_DOUBLE_EQ(F.cash[hte], 0.35);
  EXPECT_DOUBLE_EQ(F.tax_benefits[sme], 0.125);
  EXPECT_EQ(F.tax_benefits[plain], 0.0);
  EXPECT_EQ(F.tax_benefits[loss], 0.0);
  EXPECT_DOUBLE_EQ(w.column("rate_benefit"), 0.2);
  EXPECT_DOUBLE_EQ(w.column("deduction_benefit"), 0.275);
  EXPECT_DOUBLE_EQ(w.incentives->ledger().quarter_spend(), 0.475);
  EXPECT_EQ(w.column("firms_benefiting"), 2.0);
  EXPECT_EQ(w.column("awards"), 0.0);  // not a year end
  EXPECT_TRUE(w.st.events.empty());
}

TEST(RdIncentives, TheBudgetServesFirmsInIdOrder) {
  Scenario sc = rates();
  sc.policy.rd_incentives.budget_per_year = 0.4;
  Firms w(sc);
  const auto first = w.add(10.0, 3.0, 1.0, true, true);    // claims 0.35
  const auto second = w.add(10.0, 4.5, 1.0, true, false);  // claims 0.125, gets 0.05
  w.certified(first, Certification::high_tech, 3);
  w.run(3);
  EXPECT_DOUBLE_EQ(w.st.firms.tax_benefits[first], 0.35);
  EXPECT_NEAR(w.st.firms.tax_benefits[second], 0.05, 1e-12);
  EXPECT_EQ(w.column("awards"), 0.0);  // nothing left for the award
  EXPECT_NEAR(w.column("tax_claimed"), 0.475, 1e-12);
  EXPECT_NEAR(w.incentives->ledger().year_spend(), 0.4, 1e-12);
}

TEST(RdIncentives, NewHighTechCertificatesEarnAnAward) {
  Scenario sc = rates();
  sc.policy.rd_incentives.threshold_response = 0.0;
  Firms w(sc);
  const auto a = w.add(0.0, 1.0, 0.5, true, true);
  const auto b = w.add(0.0, 1.0, 0.5, true, false);
  const auto c = w.add(0.0, 1.0, 0.5, true, true);
  w.certified(a, Certification::high_tech, 3);
  w.certified(b, Certification::tech_sme, 3);
  w.certified(c, Certification::high_tech, 2);  // an old event: not this quarter
  w.run(3);
  EXPECT_DOUBLE_EQ(w.st.firms.grants_received[a], 0.2);
  EXPECT_DOUBLE_EQ(w.st.firms.cash[a], 0.2);
  EXPECT_EQ(w.st.firms.grants_received[b], 0.0);
  EXPECT_EQ(w.st.firms.grants_received[c], 0.0);
  EXPECT_EQ(w.column("awards"), 1.0);
  EXPECT_EQ(w.incentives->ledger().quarter_beneficiaries(), 1);
  const Event& e = w.st.events.back();
  EXPECT_EQ(e.kind, EventKind::policy_award);
  EXPECT_EQ(e.actor, static_cast<AgentId>(a));
  EXPECT_EQ(e.detail, 1);
  EXPECT_DOUBLE_EQ(e.amount, 0.2);
}

TEST(RdIncentives, FirmsJustBelowAThresholdRaiseTheirIntensity) {
  Firms w(rates());
  // Quarterly revenue; bands by annual revenue (4x): <= 50, <= 200, above.
  const auto near0 = w.add(1.0, 0.0, 0.0, false, false, 0.035);   // band 0 (0.05): raised
  const auto far0 = w.add(1.0, 0.0, 0.0, false, false, 0.02);     // too far below
  const auto near1 = w.add(20.0, 0.0, 0.0, false, false, 0.025);  // band 1 (0.04): raised
  const auto above = w.add(20.0, 0.0, 0.0, false, false, 0.045);  // already above
  const auto near2 = w.add(60.0, 0.0, 0.0, false, false, 0.009);  // band 2 (0.03): too far
  const auto certified = w.add(1.0, 0.0, 0.0, false, true, 0.04);
  const auto pre = w.add(0.0, 0.0, 0.0, false, false, 0.04);  // not selling
  w.run(2);                                                   // not a year end: nothing
  EXPECT_EQ(w.st.firms.rd_intensity[near0], 0.035);
  w.run(3);
  const auto& F = w.st.firms;
  EXPECT_GE(F.rd_intensity[near0], 0.05);
  EXPECT_NEAR(F.rd_intensity[near0], 0.05, 1e-9);
  EXPECT_GE(F.rd_intensity[near1], 0.04);
  EXPECT_NEAR(F.rd_intensity[near1], 0.04, 1e-9);
  EXPECT_EQ(F.rd_intensity[far0], 0.02);
  EXPECT_EQ(F.rd_intensity[above], 0.045);
  EXPECT_EQ(F.rd_intensity[near2], 0.009);
  EXPECT_EQ(F.rd_intensity[certified], 0.04);
  EXPECT_EQ(F.rd_intensity[pre], 0.04);
  EXPECT_EQ(w.column("intensity_raised"), 2.0);
  // R&D / revenue measured at the next review clears the threshold exactly.
  for (const double revenue : {0.7, 1.3, 3.1, 9.9, 12.5})
    EXPECT_GE(F.rd_intensity[near0] * revenue / revenue, 0.05) << revenue;
}

TEST(RdIncentives, ANoOpConfigurationIsOff) {
  Scenario sc = rates();
  auto& p = sc.policy.rd_incentives;
  p.high_tech_tax_rate = p.corporate_tax_rate;
  p.super_deduction = 0.0;
  p.certification_award = 0.0;
  p.threshold_response = 0.0;
  EXPECT_FALSE(make_rd_incentives(sc)->enabled());
  p.certification_award = 0.1;
  EXPECT_TRUE(make_rd_incentives(sc)->enabled());
}

TEST(RdIncentives, SameResultsWithOneAndFourThreads) {
  ScratchDir dir1, dir4;
  Scenario sc = with_incentives(small_scenario(20));
  sc.firms.initial_count = 1500;  // more firms than a parallel task's grain
  sc.policy.rd_incentives.budget_per_year = 10.0;
  const PolicyRun one(dir1, "incentives", sc, 1);
  const PolicyRun four(dir4, "incentives", sc, 4);
  EXPECT_GT(one.sum(kRdIncentivesLedger + "spend"), 0.0);
  EXPECT_EQ(testing::differences(one, four), "");
}

}  // namespace
}  // namespace incubsim
