// Talent programmes: extra founders (origin programme, better on average,
// with a start-up grant) and extra researchers (more inventions); ledger
// consistency, the start..end window and thread-count determinism.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/simulation.hpp"
#include "engine/verify.hpp"
#include "output/run_reader.hpp"
#include "policy_test_support.hpp"

namespace incubsim {
namespace {

using testing::PolicyRun;
using testing::ScratchDir;
using testing::small_scenario;

const std::string kTalentProgrammeLedger = "/policy/talent_programme/";

Scenario programme(Scenario sc) {
  auto& p = sc.policy.talent_programme;
  p.enabled = true;
  p.budget_per_year = 1e6;
  p.extra_founders = 6;
  p.extra_researchers = 40;
  p.founder_quality_bonus = 1.0;
  return sc;
}

double count_of(const std::vector<double>& v, double x) {
  return static_cast<double>(std::count(v.begin(), v.end(), x));
}

TEST(TalentProgramme, MoreFirmsResearchersAndInventions) {
  ScratchDir dir;
  const PolicyRun off(dir, "off", small_scenario(24));
  const PolicyRun on(dir, "on", programme(small_scenario(24)));
  const auto origin = on.column("/agents/firms/origin");
  const double programme_firms = count_of(origin, static_cast<double>(Origin::programme));
  EXPECT_EQ(count_of(off.column("/agents/firms/origin"), static_cast<double>(Origin::programme)),
            0.0);
  EXPECT_GT(programme_firms, 24 * 6 * 0.7);
  EXPECT_EQ(on.sum(kTalentProgrammeLedger + "founders"), programme_firms);
  // Births events carry origin programme.
  const auto kind = on.column("/events/kind");
  const auto detail = on.column("/events/detail");
  double births = 0;
  for (std::size_t e = 0; e < kind.size(); ++e)
    births += kind[e] == static_cast<double>(EventKind::firm_birth) &&
              detail[e] == static_cast<double>(Origin::programme);
  EXPECT_EQ(births, programme_firms);
  EXPECT_GT(on.last("/timeseries/firms_alive"), off.last("/timeseries/firms_alive"));
  // Selected founders: better than the independent ones on average.
  const auto quality = on.column("/agents/firms/quality");
  const auto grants = on.column("/agents/firms/grants_received");
  double q_prog = 0, q_ind = 0, n_ind = 0;
  for (std::size_t f = 0; f < origin.size(); ++f) {
    if (origin[f] == static_cast<double>(Origin::programme)) {
      q_prog += quality[f];
      EXPECT_EQ(grants[f], 0.5);
    } else if (origin[f] == static_cast<double>(Origin::independent)) {
      q_ind += quality[f];
      ++n_ind;
      EXPECT_EQ(grants[f], 0.0);
    }
  }
  EXPECT_GT(q_prog / programme_firms, q_ind / n_ind + 0.5);
  // More researchers, more inventions.
  EXPECT_EQ(on.sum("/timeseries/researcher_entries") - off.sum("/timeseries/researcher_entries"),
            on.sum(kTalentProgrammeLedger + "researchers"));
  EXPECT_GT(on.sum(kTalentProgrammeLedger + "researchers"), 24 * 40 * 0.8);
  EXPECT_GT(on.last("/timeseries/researchers_academic"),
            off.last("/timeseries/researchers_academic") + 500);
  EXPECT_GT(on.sum("/timeseries/inventions"), 1.2 * off.sum("/timeseries/inventions"));
}

TEST(TalentProgramme, LedgerIsConsistentAndEntrantsComeWithoutAGrantOnceTheBudgetIsSpent) {
  ScratchDir dir;
  Scenario sc = programme(small_scenario(24));
  sc.policy.talent_programme.budget_per_year = 8.0;  // about 12 + 32 grants wanted a year
  const PolicyRun r(dir, "ledger", sc);
  const auto spend = r.column(kTalentProgrammeLedger + "spend");
  const auto quarter = r.column(kTalentProgrammeLedger + "quarter");
  const auto founders = r.column(kTalentProgrammeLedger + "founders");
  const auto researchers = r.column(kTalentProgrammeLedger + "researchers");
  const auto fg = r.column(kTalentProgrammeLedger + "founder_grants");
  const auto rg = r.column(kTalentProgrammeLedger + "researcher_grants");
  const auto ungranted = r.column(kTalentProgrammeLedger + "ungranted");
  const auto beneficiaries = r.column(kTalentProgrammeLedger + "beneficiaries");
  double year = 0;
  for (std::size_t i = 0; i < spend.size(); ++i) {
    if (static_cast<int>(quarter[i]) % 4 == 0) year = 0;
    year += spend[i];
    EXPECT_LE(year, 8.0 + 1e-9) << "quarter " << quarter[i];
    EXPECT_NEAR(spend[i], fg[i] + rg[i], 1e-12);
    // Every entrant gets a whole grant or none.
    const double granted = fg[i] / 0.5 + rg[i] / 0.2;
    EXPECT_NEAR(granted + ungranted[i], founders[i] + researchers[i], 1e-9) << quarter[i];
    EXPECT_EQ(beneficiaries[i], founders[i] + researchers[i]);
  }
  EXPECT_GT(r.sum(kTalentProgrammeLedger + "ungranted"), 0.0);
  // Founders still entered after the budget ran out.
  const auto origin = r.column("/agents/firms/origin");
  const auto grants = r.column("/agents/firms/grants_received");
  double without = 0, granted_total = 0;
  for (std::size_t f = 0; f < origin.size(); ++f)
    if (origin[f] == static_cast<double>(Origin::programme)) {
      without += grants[f] == 0.0;
      granted_total += grants[f];
    }
  EXPECT_GT(without, 0.0);
  EXPECT_NEAR(granted_total, r.sum(kTalentProgrammeLedger + "founder_grants"), 1e-9);
  EXPECT_NEAR(r.sum("/policy/government/spend_talent_programme"),
              r.sum(kTalentProgrammeLedger + "spend"), 1e-9);
  EXPECT_NEAR(r.sum("/policy/government/spend"), r.sum(kTalentProgrammeLedger + "spend"), 1e-9);
  EXPECT_NEAR(r.sum("/timeseries/policy_spend"), r.sum(kTalentProgrammeLedger + "spend"), 1e-9);
}

TEST(TalentProgramme, AddsEntrantsOnlyInItsWindow) {
  ScratchDir dir;
  Scenario sc = programme(small_scenario(20));
  sc.policy.talent_programme.start_quarter = 5;
  sc.policy.talent_programme.end_quarter = 10;
  const PolicyRun r(dir, "window", sc);
  const auto quarter = r.column(kTalentProgrammeLedger + "quarter");
  const auto founders = r.column(kTalentProgrammeLedger + "founders");
  const auto researchers = r.column(kTalentProgrammeLedger + "researchers");
  const auto spend = r.column(kTalentProgrammeLedger + "spend");
  for (std::size_t i = 0; i < quarter.size(); ++i) {
    const bool inside = quarter[i] >= 5 && quarter[i] <= 10;
    if (inside) continue;
    EXPECT_EQ(founders[i], 0.0) << quarter[i];
    EXPECT_EQ(researchers[i], 0.0) << quarter[i];
    EXPECT_EQ(spend[i], 0.0) << quarter[i];
  }
  const auto kind = r.column("/events/kind");
  const auto detail = r.column("/events/detail");
  const auto eq = r.column("/events/quarter");
  const auto founded = r.column("/agents/firms/founded");
  const auto origin = r.column("/agents/firms/origin");
  for (std::size_t e = 0; e < kind.size(); ++e)
    if (kind[e] == static_cast<double>(EventKind::firm_birth) &&
        detail[e] == static_cast<double>(Origin::programme)) {
      EXPECT_GE(eq[e], 5);
      EXPECT_LE(eq[e], 10);
    }
  for (std::size_t f = 0; f < origin.size(); ++f)
    if (origin[f] == static_cast<double>(Origin::programme)) {
      EXPECT_GE(founded[f], 5);
      EXPECT_LE(founded[f], 10);
    }
  EXPECT_GT(r.sum(kTalentProgrammeLedger + "founders"), 0.0);
  EXPECT_GT(r.sum(kTalentProgrammeLedger + "researchers"), 0.0);
}

TEST(TalentProgramme, CoreEntrantsKeepTheirDraws) {
  // Programme agents descend from their own lineage root: the core's
  // independent founders are drawn exactly as without the programme.
  Scenario base = small_scenario(3);
  Simulation off(base, 2);
  Simulation on(programme(base), 2);
  off.initialize();
  on.initialize();
  on.step();
  off.step();
  const auto& a = off.state().firms;
  const auto& b = on.state().firms;
  std::vector<double> qa, qb;
  for (std::size_t f = 0; f < a.size(); ++f)
    if (a.origin[f] == Origin::independent && a.founded[f] == 0) qa.push_back(a.quality[f]);
  for (std::size_t f = 0; f < b.size(); ++f)
    if (b.origin[f] == Origin::independent && b.founded[f] == 0) qb.push_back(b.quality[f]);
  ASSERT_FALSE(qa.empty());
  EXPECT_EQ(qa, qb);
}

TEST(TalentProgramme, SameFilesFor1And4Threads) {
  ScratchDir dir1, dir4;
  const Scenario sc = programme(small_scenario(16));
  const PolicyRun one(dir1, "threads", sc, 1);
  const PolicyRun four(dir4, "threads", sc, 4);
  EXPECT_EQ(testing::differences(one, four), "");
  EXPECT_GT(one.sum(kTalentProgrammeLedger + "founders"), 0.0);
}

}  // namespace
}  // namespace incubsim
