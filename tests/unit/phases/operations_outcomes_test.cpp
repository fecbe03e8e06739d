// Operations (staffing, costs, development, revenue) and outcomes (death,
// exits, transfer resolution).
#include <gtest/gtest.h>

#include "phase_fixture.hpp"

namespace incubsim {
namespace {

using testing::FixedCover;
using testing::PhaseFixture;
using testing::small_scenario;

TEST(Operations, CostsFollowStaffAndIncubatorSubsidy) {
  PhaseFixture fx;
  fx.run(0, Phase::operations);
  const auto& F = fx.state.firms;
  const auto& sc = fx.scenario;
  int tenants = 0;
  for (const AgentId id : fx.state.scratch.alive_firms) {
    const auto f = static_cast<std::size_t>(id);
    const bool tenant = F.incubator[f] != kNoAgent;
    tenants += tenant;
    const double fixed = sc.firms.fixed_cost * (tenant ? 1.0 - sc.incubators.rent_subsidy : 1.0);
    const double wages = F.employees[f] * sc.market.wage;
    const double rd = F.selling[f] ? F.rd_spend[f] : 0.0;
    EXPECT_NEAR(F.costs[f], wages + fixed + rd, 1e-12);
    EXPECT_GE(F.employees[f], 1);
    EXPECT_LE(F.maturity[f], 1.0);
    if (F.selling[f]) {
      EXPECT_GT(F.revenue[f], 0.0);
      EXPECT_NEAR(F.rd_spend[f], F.rd_intensity[f] * F.revenue[f], 1e-12);
    }
  }
  EXPECT_GT(tenants, 0);
}

TEST(Operations, ProductsReachTheMarket) {
  Scenario sc = small_scenario();
  sc.firms.development_rate = 0.5;
  PhaseFixture fx(sc);
  auto& F = fx.state.firms;
  int pending = 0;
  for (const AgentId id : fx.state.scratch.alive_firms)
    pending += !F.selling[static_cast<std::size_t>(id)];
  ASSERT_GT(pending, 0);
  const auto maturity = F.maturity;
  fx.run(0, Phase::operations);
  int launched = 0;
  for (const AgentId id : fx.state.scratch.alive_firms) {
    const auto f = static_cast<std::size_t>(id);
    if (!F.selling[f]) {
      EXPECT_GT(F.maturity[f], maturity[f]);
    }
    if (F.selling[f] && maturity[f] < 1.0) {
      ++launched;
      EXPECT_DOUBLE_EQ(F.maturity[f], 1.0);
    }
  }
  EXPECT_GT(launched, 0);
}

TEST(Outcomes, FirmsOutOfCashDieAndLoseTheirTies) {
  PhaseFixture fx;
  fx.run(0, Phase::research);
  fx.run(0, Phase::transfer);
  auto& F = fx.state.firms;
  ASSERT_FALSE(fx.state.transfers.empty());
  // Kill the first licensee and a tenant.
  const AgentId licensee = fx.state.transfers.front().firm;
  AgentId tenant = kNoAgent;
  for (const AgentId id : fx.state.scratch.alive_firms)
    if (F.incubator[static_cast<std::size_t>(id)] != kNoAgent && id != licensee) {
      tenant = id;
      break;
    }
  ASSERT_NE(tenant, kNoAgent);
  const auto inc = static_cast<std::size_t>(F.incubator[static_cast<std::size_t>(tenant)]);
  const int tenants_before = fx.state.incubators.tenants[inc];
  F.cash[static_cast<std::size_t>(licensee)] = -1.0;
  F.cash[static_cast<std::size_t>(tenant)] = -1.0;
  fx.run(0, Phase::outcomes);
  for (const AgentId id : {licensee, tenant}) {
    const auto f = static_cast<std::size_t>(id);
    EXPECT_EQ(F.status[f], FirmStatus::dead);
    EXPECT_EQ(F.exit_quarter[f], 0);
    EXPECT_EQ(fx.state.graph.degree(F.vertex[f]), 0u);
    EXPECT_EQ(F.incubator[f], kNoAgent);
  }
  EXPECT_EQ(fx.state.incubators.tenants[inc], tenants_before - 1);
  // The licence to the dead firm failed and its liability was borne.
  EXPECT_GE(fx.count_events(EventKind::transfer_failed), 1);
  for (const auto& t : fx.state.transfers) EXPECT_NE(t.firm, licensee);
  EXPECT_GT(fx.state.flows.liability_incurred, 0.0);
}

TEST(Outcomes, InsuranceCoversItsShareOfFailedTransfers) {
  auto cover = std::make_unique<FixedCover>(0.5, 0.0);
  FixedCover* policy = cover.get();
  PhaseFixture fx(small_scenario(), std::move(cover));
  fx.run(0, Phase::research);
  fx.run(0, Phase::transfer);
  ASSERT_FALSE(fx.state.transfers.empty());
  for (const auto& t : fx.state.transfers)
    fx.state.firms.cash[static_cast<std::size_t>(t.firm)] = -1.0;
  const std::size_t open = fx.state.transfers.size();
  fx.run(0, Phase::outcomes);
  EXPECT_EQ(policy->claims, static_cast<int>(open));
  EXPECT_NEAR(fx.state.flows.liability_covered, policy->paid_total, 1e-9);
  EXPECT_NEAR(fx.state.flows.liability_incurred, policy->paid_total, 1e-9);  // half each
  // What is not covered is split between researchers and institutions.
  double personal = 0, institutional = 0;
  for (const double l : fx.state.researchers.liability) personal += l;
  for (const double l : fx.state.institutions.liability) institutional += l;
  EXPECT_NEAR(personal + institutional, fx.state.flows.liability_incurred, 1e-9);
  EXPECT_NEAR(personal,
              fx.scenario.transfer.personal_liability_share * fx.state.flows.liability_incurred,
              1e-9);
}

TEST(Outcomes, ResearchersLearnOnlyFromTheLiabilityTheyBore) {
  auto run_failures = [](double coverage) {
    PhaseFixture fx(small_scenario(), std::make_unique<FixedCover>(coverage, 0.0));
    fx.run(0, Phase::research);
    fx.run(0, Phase::transfer);
    const auto before = fx.state.researchers.risk_aversion;
    for (const auto& t : fx.state.transfers)
      fx.state.firms.cash[static_cast<std::size_t>(t.firm)] = -1.0;
    fx.run(0, Phase::outcomes);
    double rise = 0;
    for (std::size_t r = 0; r < before.size(); ++r)
      rise += fx.state.researchers.risk_aversion[r] - before[r];
    return rise;
  };
  EXPECT_GT(run_failures(0.0), 0.0);
  EXPECT_DOUBLE_EQ(run_failures(1.0), 0.0);
}

TEST(Outcomes, ExitsPayInvestorsTheirStake) {
  Scenario sc = small_scenario();
  sc.market.acquisition_hazard = 1.0;
  sc.market.exogenous_exit_hazard = 0.0;
  PhaseFixture fx(sc);
  auto& F = fx.state.firms;
  for (const AgentId id : fx.state.scratch.alive_firms) F.cash[static_cast<std::size_t>(id)] = 0.0;
  fx.run(0, Phase::financing);
  ASSERT_GT(fx.count_events(EventKind::deal), 0);
  for (const AgentId id : fx.state.scratch.alive_firms) F.cash[static_cast<std::size_t>(id)] = 1.0;
  fx.events.clear();
  fx.run(0, Phase::outcomes);
  double paid = 0;
  for (const auto& e : fx.events)
    if (e.kind == EventKind::fund_exit) paid += e.amount;
  double expected = 0;
  for (std::size_t f = 0; f < F.size(); ++f)
    if (F.status[f] == FirmStatus::acquired && F.rounds_raised[f] > 0)
      expected += (1.0 - F.dilution_factor[f]) * F.exit_value[f];
  EXPECT_GT(paid, 0.0);
  EXPECT_NEAR(paid, expected, 1e-6 * expected);
  double distributions = 0;
  for (const double d : fx.state.funds.distributions) distributions += d;
  EXPECT_NEAR(distributions, paid, 1e-9 * paid);
}

}  // namespace
}  // namespace incubsim
