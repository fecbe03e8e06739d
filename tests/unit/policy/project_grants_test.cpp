// Key-project grants: reviewers pick better firms than apply, recipients
// survive more often; the ranking, grant size and budget rule; the ledger
// adds up; grants only at year ends within the window; thread-count
// independence.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

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

const std::string kProjectGrantsLedger = "/policy/project_grants/";

Scenario with_grants(Scenario sc) {
  auto& p = sc.policy.project_grants;
  p.enabled = true;
  p.grants_per_year = 30;
  p.rd_multiple = 3.0;
  p.budget_per_year = 1e6;
  return sc;
}

/// Mean over the year ends of a per-competition mean, weighted by `count`.
double weighted_mean(const PolicyRun& r, const std::string& mean, const std::string& count) {
  const auto m = r.column(kProjectGrantsLedger + mean);
  const auto n = r.column(kProjectGrantsLedger + count);
  double s = 0, w = 0;
  for (std::size_t i = 0; i < m.size(); ++i)
    if (n[i] > 0) {
      s += m[i] * n[i];
      w += n[i];
    }
  return s / w;
}

TEST(ProjectGrants, ReviewersPickBetterFirmsAndRecipientsSurvive) {
  ScratchDir dir;
  const Scenario base = small_scenario(40);
  const PolicyRun none(dir, "none", base);
  const PolicyRun grants(dir, "grants", with_grants(base));
  EXPECT_GT(grants.sum(kProjectGrantsLedger + "grants"), 100.0);
  EXPECT_GT(grants.sum(kProjectGrantsLedger + "applications"),
            grants.sum(kProjectGrantsLedger + "grants"));
  // Winners are better than applicants on average (noisy review).
  EXPECT_GT(weighted_mean(grants, "winner_quality_mean", "grants"),
            weighted_mean(grants, "applicant_quality_mean", "applications") + 0.3);

  // The same firms (matched by lineage key) die less often with the grant.
  const auto key = grants.column("/agents/firms/lineage_key");
  const auto received = grants.column("/agents/firms/grants_received");
  std::set<double> recipients;
  for (std::size_t f = 0; f < key.size(); ++f)
    if (received[f] > 0) recipients.insert(key[f]);
  ASSERT_GT(recipients.size(), 50u);
  auto dead = [&](const PolicyRun& r) {
    const auto k = r.column("/agents/firms/lineage_key");
    const auto status = r.column("/agents/firms/status");
    int n = 0;
    for (std::size_t f = 0; f < k.size(); ++f)
      n += recipients.count(k[f]) &&
           static_cast<int>(status[f]) == static_cast<int>(FirmStatus::dead);
    return n;
  };
  // (Total deaths barely move: 30 grants a year among hundreds of firms.)
  EXPECT_LT(dead(grants), dead(none));
}

TEST(ProjectGrants, NoisierReviewsPickWeakerWinners) {
  ScratchDir dir;
  Scenario sharp = with_grants(small_scenario(24));
  sharp.policy.project_grants.review_noise = 0.0;
  Scenario noisy = sharp;
  noisy.policy.project_grants.review_noise = 3.0;
  const PolicyRun a(dir, "sharp", sharp);
  const PolicyRun b(dir, "noisy", noisy);
  EXPECT_GT(weighted_mean(a, "winner_quality_mean", "grants"),
            weighted_mean(b, "winner_quality_mean", "grants") + 0.3);
}

TEST(ProjectGrants, LedgerIsConsistentAndGrantsComeAtYearEnds) {
  ScratchDir dir;
  Scenario sc = with_grants(small_scenario(40));
  auto& p = sc.policy.project_grants;
  p.budget_per_year = 6.0;  // binding
  p.start_quarter = 8;
  p.end_quarter = 31;
  const PolicyRun r(dir, "ledger", sc);
  const auto quarter = r.column(kProjectGrantsLedger + "quarter");
  const auto spend = r.column(kProjectGrantsLedger + "spend");
  const auto awarded = r.column(kProjectGrantsLedger + "amount_awarded");
  const auto grants = r.column(kProjectGrantsLedger + "grants");
  const auto beneficiaries = r.column(kProjectGrantsLedger + "beneficiaries");
  const auto applications = r.column(kProjectGrantsLedger + "applications");
  const auto unfunded = r.column(kProjectGrantsLedger + "unfunded_winners");
  double year = 0;
  for (std::size_t i = 0; i < spend.size(); ++i) {
    const int q = static_cast<int>(quarter[i]);
    if (q % 4 == 0) year = 0;
    year += spend[i];
    EXPECT_LE(year, p.budget_per_year + 1e-12) << "quarter " << q;
    EXPECT_DOUBLE_EQ(spend[i], awarded[i]);
    EXPECT_EQ(beneficiaries[i], grants[i]);
    EXPECT_LE(grants[i] + unfunded[i], std::ceil(p.grants_per_year));
    if (q % 4 != 3 || q < 8 || q > 31) {
      EXPECT_EQ(spend[i], 0.0) << "quarter " << q;
      EXPECT_EQ(applications[i], 0.0) << "quarter " << q;
    }
  }
  EXPECT_GT(r.sum(kProjectGrantsLedger + "unfunded_winners"), 0.0);
  EXPECT_GT(r.sum(kProjectGrantsLedger + "grants"), 0.0);

  // Events and firms' totals match the ledger; grants are within max_grant.
  const auto kind = r.column("/events/kind");
  const auto eq = r.column("/events/quarter");
  const auto amount = r.column("/events/amount");
  double total = 0;
  int n = 0;
  for (std::size_t e = 0; e < kind.size(); ++e) {
    if (static_cast<int>(kind[e]) != static_cast<int>(EventKind::grant_awarded)) continue;
    ++n;
    total += amount[e];
    EXPECT_LE(amount[e], p.max_grant + 1e-12);
    EXPECT_EQ(static_cast<int>(eq[e]) % 4, 3);
    EXPECT_GE(eq[e], 8.0);
    EXPECT_LE(eq[e], 31.0);
  }
  EXPECT_EQ(n, static_cast<int>(r.sum(kProjectGrantsLedger + "grants")));
  EXPECT_NEAR(total, r.sum(kProjectGrantsLedger + "spend"), 1e-9);
  EXPECT_NEAR(r.sum("/agents/firms/grants_received"), total, 1e-9);
  EXPECT_NEAR(r.sum("/policy/government/spend"), total, 1e-9);
  EXPECT_NEAR(r.sum("/policy/government/spend_project_grants"), total, 1e-9);
  EXPECT_NEAR(r.sum("/timeseries/policy_spend"), total, 1e-9);
}

TEST(ProjectGrants, AFractionalRateGivesOneMoreGrantSomeYears) {
  ScratchDir dir;
  Scenario sc = with_grants(small_scenario(40));
  sc.policy.project_grants.grants_per_year = 2.5;
  const PolicyRun r(dir, "fraction", sc);
  const auto quarter = r.column(kProjectGrantsLedger + "quarter");
  const auto grants = r.column(kProjectGrantsLedger + "grants");
  std::map<double, int> years;
  for (std::size_t i = 0; i < grants.size(); ++i) {
    if (static_cast<int>(quarter[i]) % 4 != 3) continue;
    EXPECT_TRUE(grants[i] == 2.0 || grants[i] == 3.0) << grants[i];
    ++years[grants[i]];
  }
  EXPECT_GT(years[2.0], 0);
  EXPECT_GT(years[3.0], 0);
}

/// The instrument on a hand-made population, hooks called directly.
struct Competition {
  Scenario sc;
  StreamFactory streams{7};
  WorldState st;
  std::unique_ptr<Instrument> grants;

  explicit Competition(const Scenario& s) : sc(s) {}
  std::size_t add(double quality, double rd, double cash = 1.0) {
    NewFirm nf;
    nf.key = 500 + st.firms.size();
    nf.quality = quality;
    nf.cash = cash;
    const auto f = static_cast<std::size_t>(st.firms.add(nf));
    st.firms.rd_spend[f] = rd;
    st.scratch.alive_firms.push_back(static_cast<AgentId>(f));
    return f;
  }
  void run(Quarter q) {
    if (!grants) grants = make_project_grants(sc);
    st.events.clear();
    grants->start_quarter(q);
    grants->after_institutions(
        st, PhaseContext(sc, streams, Policies{}, q, Phase::institutions, st.events));
  }
  double column(const std::string& name) const {
    const auto cols = grants->extra_columns();
    std::vector<double> r;
    grants->extra_values(r);
    for (std::size_t k = 0; k < cols.size(); ++k)
      if (cols[k].name == name) return r[k];
    ADD_FAILURE() << "no column " << name;
    return 0.0;
  }
};

Scenario exact_review() {
  Scenario sc;
  auto& p = sc.policy.project_grants;
  p.enabled = true;
  p.application_rate = 1.0;
  p.review_noise = 0.0;
  p.grants_per_year = 2.0;
  p.max_grant = 3.0;
  p.rd_multiple = 1.0;
  p.budget_per_year = 100.0;
  return sc;
}

TEST(ProjectGrants, TheBestReviewedWinAGrantSizedByTheirRd) {
  Competition c(exact_review());
  const auto weak = c.add(0.5, 0.1);
  const auto best = c.add(2.0, 1.0);       // 4 x 1.0 of annual R&D, capped at 3
  const auto second = c.add(1.5, 0.2);     // 4 x 0.2
  const auto no_rd = c.add(3.0, 0.0);      // not eligible
  const auto tie_later = c.add(1.5, 0.3);  // same score as `second`, higher id
  c.run(2);                                // not a year end
  EXPECT_EQ(c.grants->ledger().quarter_spend(), 0.0);
  c.run(3);
  auto& F = c.st.firms;
  EXPECT_DOUBLE_EQ(F.cash[best], 4.0);
  EXPECT_DOUBLE_EQ(F.grants_received[best], 3.0);
  EXPECT_DOUBLE_EQ(F.grants_received[second], 0.8);
  for (const auto f : {weak, no_rd, tie_later}) EXPECT_EQ(F.grants_received[f], 0.0) << f;
  EXPECT_DOUBLE_EQ(c.grants->ledger().quarter_spend(), 3.8);
  EXPECT_EQ(c.grants->ledger().quarter_beneficiaries(), 2);
  EXPECT_EQ(c.column("eligible"), 4.0);
  EXPECT_EQ(c.column("applications"), 4.0);
  EXPECT_EQ(c.column("grants"), 2.0);
  EXPECT_DOUBLE_EQ(c.column("applicant_quality_mean"), (0.5 + 2.0 + 1.5 + 1.5) / 4);
  EXPECT_DOUBLE_EQ(c.column("winner_quality_mean"), 1.75);
  ASSERT_EQ(c.st.events.size(), 2u);
  EXPECT_EQ(c.st.events[0].kind, EventKind::grant_awarded);
  EXPECT_EQ(c.st.events[0].target, static_cast<AgentId>(best));
  EXPECT_DOUBLE_EQ(c.st.events[1].amount, 0.8);
}

TEST(ProjectGrants, TheCompetitionClosesWhenAGrantNoLongerFits) {
  Scenario sc = exact_review();
  sc.policy.project_grants.grants_per_year = 3.0;
  sc.policy.project_grants.budget_per_year = 3.5;
  Competition c(sc);
  const auto a = c.add(3.0, 1.0);   // 3
  const auto b = c.add(2.0, 0.25);  // 1: does not fit in 0.5
  const auto d = c.add(1.0, 0.1);   // 0.4 would fit, but the list is closed
  c.run(3);
  EXPECT_DOUBLE_EQ(c.st.firms.grants_received[a], 3.0);
  EXPECT_EQ(c.st.firms.grants_received[b], 0.0);
  EXPECT_EQ(c.st.firms.grants_received[d], 0.0);
  EXPECT_EQ(c.column("unfunded_winners"), 2.0);
  EXPECT_DOUBLE_EQ(c.grants->ledger().available(), 0.5);
}

TEST(ProjectGrants, NothingOutsideTheWindow) {
  Scenario sc = exact_review();
  sc.policy.project_grants.start_quarter = 4;
  sc.policy.project_grants.end_quarter = 7;
  Competition c(sc);
  c.add(1.0, 1.0);
  c.run(3);
  c.run(11);
  EXPECT_EQ(c.grants->ledger().total_spend(), 0.0);
  EXPECT_TRUE(c.st.events.empty());
  c.run(7);
  EXPECT_GT(c.grants->ledger().total_spend(), 0.0);
  sc.policy.project_grants.application_rate = 0.0;
  EXPECT_FALSE(make_project_grants(sc)->enabled());
}

TEST(ProjectGrants, SameResultsWithOneAndFourThreads) {
  ScratchDir dir1, dir4;
  Scenario sc = with_grants(small_scenario(20));
  sc.firms.initial_count = 1500;  // more firms than a parallel task's grain
  sc.policy.project_grants.grants_per_year = 7.5;
  sc.policy.project_grants.budget_per_year = 8.0;
  const PolicyRun one(dir1, "grants", sc, 1);
  const PolicyRun four(dir4, "grants", sc, 4);
  EXPECT_GT(one.sum(kProjectGrantsLedger + "grants"), 0.0);
  EXPECT_EQ(testing::differences(one, four), "");
}

}  // namespace
}  // namespace incubsim
