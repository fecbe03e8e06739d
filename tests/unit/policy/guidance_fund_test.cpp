// Guidance funds: more seed and series-A money, funds of type guidance with
// public capital and a lower hurdle; ledger consistency, the start..end
// window and thread-count determinism.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "engine/simulation.hpp"
#include "engine/verify.hpp"
#include "output/run_reader.hpp"
#include "policy_test_support.hpp"

namespace incubsim {
namespace {

using testing::PolicyRun;
using testing::ScratchDir;
using testing::small_scenario;

const std::string kGuidanceFundLedger = "/policy/guidance_fund/";

/// Many young firms short of early money.
Scenario thin_early_market(int quarters = 24) {
  Scenario sc = small_scenario(quarters);
  sc.firms.founders_per_quarter = 20;
  return sc;
}

Scenario guided(Scenario sc) {
  auto& p = sc.policy.guidance_fund;
  p.enabled = true;
  p.budget_per_year = 1e6;
  p.public_capital = 100.0;
  p.private_matching = 1.0;
  p.funds_per_year = 2.0;
  return sc;
}

/// Funds of the run launched by the instrument (public capital > 0).
std::vector<std::size_t> public_funds(const PolicyRun& r) {
  const auto pub = r.column("/agents/funds/public_capital");
  std::vector<std::size_t> out;
  for (std::size_t g = 0; g < pub.size(); ++g)
    if (pub[g] > 0) out.push_back(g);
  return out;
}

TEST(GuidanceFund, MoreSeedAndSeriesADealsAndMoney) {
  ScratchDir dir;
  const PolicyRun off(dir, "off", thin_early_market());
  const PolicyRun on(dir, "on", guided(thin_early_market()));
  const double deals_off =
      off.sum("/timeseries/deals_seed") + off.sum("/timeseries/deals_series_a");
  const double deals_on = on.sum("/timeseries/deals_seed") + on.sum("/timeseries/deals_series_a");
  EXPECT_GT(deals_on, 1.2 * deals_off);
  const double money_off =
      off.sum("/timeseries/amount_seed") + off.sum("/timeseries/amount_series_a");
  const double money_on = on.sum("/timeseries/amount_seed") + on.sum("/timeseries/amount_series_a");
  EXPECT_GT(money_on, 1.2 * money_off);
  EXPECT_GT(on.sum("/timeseries/amount_invested"), off.sum("/timeseries/amount_invested"));
  EXPECT_TRUE(public_funds(off).empty());

  // Two funds a year for 6 years, all of type guidance with the mandate.
  const auto funds = public_funds(on);
  ASSERT_EQ(funds.size(), 12u);
  const auto type = on.column("/agents/funds/type");
  const auto committed = on.column("/agents/funds/committed");
  const auto pub = on.column("/agents/funds/public_capital");
  const auto mask = on.column("/agents/funds/round_mask");
  const auto shift = on.column("/agents/funds/hurdle_shift");
  const auto vintage = on.column("/agents/funds/vintage");
  const auto sector = on.column("/agents/funds/sector");
  const auto deals = on.column("/agents/funds/deals");
  double fund_deals = 0;
  for (const auto g : funds) {
    EXPECT_EQ(type[g], static_cast<double>(FundType::guidance));
    EXPECT_EQ(pub[g], 100.0);
    EXPECT_EQ(committed[g], 200.0);
    EXPECT_EQ(mask[g], 3.0);  // seed and series A
    EXPECT_EQ(shift[g], 0.3);
    EXPECT_EQ(sector[g], -1.0);
    EXPECT_EQ(static_cast<int>(vintage[g]) % 4, 0);
    fund_deals += deals[g];
  }
  EXPECT_GT(fund_deals, 0.0);
  EXPECT_EQ(on.sum(kGuidanceFundLedger + "deals_by_guidance_funds"), fund_deals);
  EXPECT_EQ(on.sum(kGuidanceFundLedger + "funds_launched"), 12.0);
  EXPECT_EQ(on.last(kGuidanceFundLedger + "guidance_funds_active"), 12.0);
  // The mandate: every first deal of a guidance fund in a firm is a seed
  // or series-A deal (follow-ons in its portfolio may be later rounds).
  const auto kind = on.column("/events/kind");
  const auto actor = on.column("/events/actor");
  const auto target = on.column("/events/target");
  const auto detail = on.column("/events/detail");
  std::set<std::pair<double, double>> held;
  int first_deals = 0;
  for (std::size_t e = 0; e < kind.size(); ++e) {
    if (kind[e] != static_cast<double>(EventKind::deal)) continue;
    if (pub[static_cast<std::size_t>(actor[e])] <= 0) continue;
    if (!held.insert({actor[e], target[e]}).second) continue;
    ++first_deals;
    EXPECT_LE(detail[e], 1.0) << "fund " << actor[e] << " firm " << target[e];
  }
  EXPECT_GT(first_deals, 0.8 * fund_deals);
}

TEST(GuidanceFund, LedgerIsConsistentUnderABindingBudget) {
  ScratchDir dir;
  Scenario sc = guided(thin_early_market(40));
  sc.policy.guidance_fund.budget_per_year = 250.0;  // pays for 2 of 3 funds a year
  sc.policy.guidance_fund.funds_per_year = 3.0;
  sc.funds.life = 16;  // funds close and distribute within the run
  sc.funds.investment_period = 8;
  const PolicyRun r(dir, "ledger", sc);
  const auto spend = r.column(kGuidanceFundLedger + "spend");
  const auto quarter = r.column(kGuidanceFundLedger + "quarter");
  const auto launched = r.column(kGuidanceFundLedger + "funds_launched");
  const auto pub = r.column(kGuidanceFundLedger + "public_committed");
  const auto cap = r.column(kGuidanceFundLedger + "capital_committed");
  double year = 0;
  for (std::size_t i = 0; i < spend.size(); ++i) {
    if (static_cast<int>(quarter[i]) % 4 == 0) year = 0;
    year += spend[i];
    EXPECT_LE(year, 250.0 + 1e-9) << "quarter " << quarter[i];
    EXPECT_EQ(launched[i], static_cast<int>(quarter[i]) % 4 == 0 ? 2.0 : 0.0) << quarter[i];
    EXPECT_EQ(spend[i], 100.0 * launched[i]);
    EXPECT_EQ(pub[i], spend[i]);
    EXPECT_EQ(cap[i], 2.0 * pub[i]);
  }
  // The public share of distributions, recomputed from the fund table.
  const auto funds = public_funds(r);
  ASSERT_EQ(funds.size(), 20u);
  const auto fpub = r.column("/agents/funds/public_capital");
  const auto committed = r.column("/agents/funds/committed");
  const auto distributions = r.column("/agents/funds/distributions");
  const auto status = r.column("/agents/funds/status");
  const auto invested = r.column("/agents/funds/invested");
  double share = 0, total_invested = 0;
  int open = 0;
  for (const auto g : funds) {
    share += fpub[g] / committed[g] * distributions[g];
    total_invested += invested[g];
    open += status[g] != static_cast<double>(FundStatus::closed);
  }
  EXPECT_GT(share, 0.0);
  EXPECT_NEAR(r.last(kGuidanceFundLedger + "public_share_of_distributions"), share, 1e-9 * share);
  EXPECT_NEAR(r.sum(kGuidanceFundLedger + "invested_by_guidance_funds"), total_invested,
              1e-9 * total_invested);
  EXPECT_EQ(r.last(kGuidanceFundLedger + "guidance_funds_active"), open);
  EXPECT_LT(open, 20);  // some have closed
  EXPECT_NEAR(r.sum("/policy/government/spend_guidance_fund"), r.sum(kGuidanceFundLedger + "spend"),
              1e-9);
  EXPECT_NEAR(r.sum("/policy/government/spend"), r.sum(kGuidanceFundLedger + "spend"), 1e-9);
  EXPECT_NEAR(r.sum("/timeseries/policy_spend"), r.sum(kGuidanceFundLedger + "spend"), 1e-9);
}

TEST(GuidanceFund, LaunchesOnlyInItsWindow) {
  Scenario sc = guided(thin_early_market(24));
  sc.policy.guidance_fund.start_quarter = 5;
  sc.policy.guidance_fund.end_quarter = 12;
  sc.policy.guidance_fund.funds_per_year = 1.0;
  Simulation sim(sc, 2);
  sim.initialize();
  std::vector<Quarter> launches;
  while (!sim.finished()) {
    const Quarter q = sim.next_quarter();
    sim.step();
    for (const Event& e : sim.events())
      if (e.kind == EventKind::fund_opened &&
          sim.state().funds.public_capital[static_cast<std::size_t>(e.actor)] > 0)
        launches.push_back(q);
  }
  // The start quarter (mid-year), then the first quarter of each year.
  EXPECT_EQ(launches, (std::vector<Quarter>{5, 8, 12}));
  const auto& instrument = *sim.policies().instruments()[2];
  ASSERT_EQ(instrument.name(), "guidance_fund");
  EXPECT_EQ(instrument.ledger().total_spend(), 300.0);
}

TEST(GuidanceFund, FractionalRateLaunchesAboutThatManyAYear) {
  ScratchDir dir;
  Scenario sc = guided(thin_early_market(80));
  sc.policy.guidance_fund.funds_per_year = 0.5;
  const PolicyRun r(dir, "half", sc);
  const double n = r.sum(kGuidanceFundLedger + "funds_launched");
  EXPECT_GE(n, 4.0);  // 20 years at 1/2: Binomial(20, 0.5)
  EXPECT_LE(n, 16.0);
}

TEST(GuidanceFund, SameFilesFor1And4Threads) {
  ScratchDir dir1, dir4;
  const Scenario sc = guided(thin_early_market(16));
  const PolicyRun one(dir1, "threads", sc, 1);
  const PolicyRun four(dir4, "threads", sc, 4);
  EXPECT_EQ(testing::differences(one, four), "");
  EXPECT_GT(one.sum(kGuidanceFundLedger + "deals_by_guidance_funds"), 0.0);
}

}  // namespace
}  // namespace incubsim
