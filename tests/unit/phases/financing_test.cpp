// Financing: seekers, offers within capital, rounds, syndication, stakes.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "phase_fixture.hpp"

namespace incubsim {
namespace {

using testing::PhaseFixture;
using testing::small_scenario;

/// Makes every alive firm short of cash and some of them excellent.
void make_needy(PhaseFixture& fx) {
  auto& F = fx.state.firms;
  for (const AgentId id : fx.state.scratch.alive_firms) {
    const auto f = static_cast<std::size_t>(id);
    F.cash[f] = 0.0;
    if (id % 3 == 0) F.quality[f] = 3.0;
  }
}

void expect_fund_books_balance(const FundStore& Fu) {
  for (std::size_t g = 0; g < Fu.size(); ++g) {
    EXPECT_GE(Fu.uninvested[g], -1e-9) << g;
    EXPECT_LE(Fu.reserve[g], Fu.uninvested[g] + 1e-9) << g;
    EXPECT_NEAR(Fu.invested[g] + Fu.fees[g] + Fu.uninvested[g], Fu.committed[g],
                1e-9 * Fu.committed[g])
        << g;
  }
}

TEST(Financing, RoundsCloseWithinFundCapitalAndLimits) {
  PhaseFixture fx;
  make_needy(fx);
  const auto cash_before = fx.state.firms.cash;
  fx.run(0, Phase::financing);
  const auto& F = fx.state.firms;
  const auto& Fu = fx.state.funds;
  ASSERT_GT(fx.count_events(EventKind::deal), 0);
  std::map<AgentId, double> raised;
  std::map<std::pair<AgentId, AgentId>, double> position;
  for (const auto& e : fx.events) {
    if (e.kind != EventKind::deal) continue;
    raised[e.target] += e.amount;
    position[{e.actor, e.target}] += e.amount;
    EXPECT_GT(e.amount, 0.0);
  }
  for (const auto& [firm, amount] : raised) {
    const auto f = static_cast<std::size_t>(firm);
    EXPECT_NEAR(F.cash[f] - cash_before[f], amount, 1e-9);
    EXPECT_LE(amount, F.ask[f] + 1e-9);  // never more than sought
    EXPECT_EQ(F.last_round[f], 0);       // everyone was pre-seed
    EXPECT_EQ(F.stage[f] == Stage::seed || F.stage[f] == Stage::growth, true);
    EXPECT_GT(F.valuation[f], amount);
  }
  for (const auto& [key, amount] : position) {
    const auto g = static_cast<std::size_t>(key.first);
    const auto& tp = fx.scenario.funds.types[static_cast<std::size_t>(Fu.type[g])];
    EXPECT_LE(amount, tp.max_position * Fu.committed[g] + 1e-9);
    EXPECT_TRUE(Fu.invests_in(key.first, 0));
  }
  expect_fund_books_balance(Fu);
}

TEST(Financing, StakesAddUpAndDiluteOverRounds) {
  PhaseFixture fx;
  make_needy(fx);
  fx.run(0, Phase::financing);
  // A second round for the same firms dilutes the first investors.
  make_needy(fx);
  fx.events.clear();
  fx.run(1, Phase::financing);
  const auto& F = fx.state.firms;
  const auto& g = fx.state.graph;
  int checked = 0;
  for (const AgentId id : fx.state.scratch.alive_firms) {
    const auto f = static_cast<std::size_t>(id);
    if (F.rounds_raised[f] == 0) continue;
    double stakes = 0;
    g.for_each_tie(F.vertex[f], TieType::investment,
                   [&](auto, const TieInfo& t, auto) { stakes += t.units * F.dilution_factor[f]; });
    EXPECT_GT(stakes, 0.0);
    EXPECT_LE(stakes, 1.0 + 1e-12);
    // Investors own exactly what was sold: 1 - product of (1 - share sold).
    EXPECT_NEAR(stakes, 1.0 - F.dilution_factor[f], 1e-9);
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(Financing, FundsPreferBetterFirms) {
  PhaseFixture fx;
  make_needy(fx);
  fx.run(0, Phase::financing);
  const auto& F = fx.state.firms;
  double funded = 0, unfunded = 0;
  int nf = 0, nu = 0;
  for (const AgentId id : fx.state.scratch.alive_firms) {
    const auto f = static_cast<std::size_t>(id);
    if (!F.seeking[f] && F.rounds_raised[f] > 0) {
      funded += F.quality[f];
      ++nf;
    } else if (F.seeking[f]) {
      unfunded += F.quality[f];
      ++nu;
    }
  }
  ASSERT_GT(nf, 0);
  ASSERT_GT(nu, 0);
  EXPECT_GT(funded / nf, unfunded / nu + 0.5);
}

TEST(Financing, SyndicatesTieTheirMembers) {
  Scenario sc = small_scenario();
  for (auto& t : sc.funds.types) t.round_share = 0.2;  // one fund cannot fill a round
  PhaseFixture fx(sc);
  make_needy(fx);
  fx.run(0, Phase::financing);
  std::map<AgentId, std::vector<AgentId>> investors;
  for (const auto& e : fx.events)
    if (e.kind == EventKind::deal) investors[e.target].push_back(e.actor);
  int syndicates = 0;
  for (const auto& [firm, funds] : investors) {
    if (funds.size() < 2) continue;
    ++syndicates;
    const auto& Fu = fx.state.funds;
    EXPECT_TRUE(fx.state.graph.find_tie(Fu.vertex[static_cast<std::size_t>(funds[0])],
                                        Fu.vertex[static_cast<std::size_t>(funds[1])],
                                        TieType::co_investment));
  }
  EXPECT_GT(syndicates, 0);
}

TEST(Financing, ProfitableFirmsDoNotSeek) {
  PhaseFixture fx;
  auto& F = fx.state.firms;
  for (const AgentId id : fx.state.scratch.alive_firms) {
    const auto f = static_cast<std::size_t>(id);
    F.selling[f] = 1;
    F.revenue[f] = 100.0;
    F.cash[f] = 0.0;
  }
  fx.run(0, Phase::financing);
  EXPECT_EQ(fx.count_events(EventKind::deal), 0);
}

}  // namespace
}  // namespace incubsim
