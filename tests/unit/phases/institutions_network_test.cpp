// Institutions (fund lifecycle, researchers, tiers, certification) and the
// network phase.
#include <gtest/gtest.h>

#include "phase_fixture.hpp"

namespace incubsim {
namespace {

using testing::PhaseFixture;
using testing::small_scenario;

TEST(Institutions, FundsAtTheEndOfTheirLifeAreLiquidated) {
  PhaseFixture fx;
  auto& F = fx.state.firms;
  for (const AgentId id : fx.state.scratch.alive_firms) F.cash[static_cast<std::size_t>(id)] = 0.0;
  fx.run(0, Phase::financing);
  auto& Fu = fx.state.funds;
  std::size_t holder = Fu.size();
  for (std::size_t g = 0; g < Fu.size(); ++g)
    if (Fu.deals[g] > 0) holder = g;
  ASSERT_LT(holder, Fu.size());
  Fu.vintage[holder] = -fx.scenario.funds.life;
  const double before = Fu.distributions[holder];
  fx.events.clear();
  fx.run(0, Phase::institutions);
  EXPECT_EQ(Fu.status[holder], FundStatus::closed);
  EXPECT_GT(Fu.distributions[holder], before);
  int holdings = 0;
  fx.state.graph.for_each_tie(Fu.vertex[holder], TieType::investment,
                              [&](auto, auto&, auto) { ++holdings; });
  EXPECT_EQ(holdings, 0);
  EXPECT_GE(fx.count_events(EventKind::fund_closed), 1);
}

TEST(Institutions, GoodManagersRaiseSuccessorFunds) {
  PhaseFixture fx;
  auto& Fu = fx.state.funds;
  const std::size_t g = 0;
  Fu.vintage[g] = -fx.scenario.funds.investment_period;
  Fu.invested[g] = 10.0;
  Fu.uninvested[g] -= 10.0;
  Fu.distributions[g] = 100.0;  // TVPI far above the threshold
  const std::size_t before = Fu.size();
  fx.run(0, Phase::institutions);
  EXPECT_EQ(Fu.status[g], FundStatus::harvesting);
  ASSERT_GT(Fu.size(), before);
  bool found = false;
  for (std::size_t s = before; s < Fu.size(); ++s)
    if (Fu.predecessor[s] == static_cast<AgentId>(g)) {
      found = true;
      EXPECT_DOUBLE_EQ(Fu.committed[s], Fu.committed[g] * fx.scenario.funds.successor_size_growth);
      EXPECT_EQ(Fu.manager[s], Fu.manager[g]);
      EXPECT_EQ(Fu.type[s], Fu.type[g]);
    }
  EXPECT_TRUE(found);
}

TEST(Institutions, CertificationAtYearEndFollowsTheRules) {
  PhaseFixture fx;
  auto& F = fx.state.firms;
  const auto& alive = fx.state.scratch.alive_firms;
  ASSERT_GE(alive.size(), 3u);
  const auto a = static_cast<std::size_t>(alive[0]);  // high-tech: old, IP, R&D 6 % of revenue
  const auto b = static_cast<std::size_t>(alive[1]);  // too young for high-tech
  const auto c = static_cast<std::size_t>(alive[2]);  // no IP
  for (const auto f : {a, b, c}) {
    F.revenue[f] = 2.0;
    F.rd_spend[f] = 0.12;
    F.employees[f] = 20;
    F.ip_count[f] = 2;
    F.founded[f] = -20;
  }
  F.founded[b] = 2;
  F.ip_count[c] = 0;
  fx.run(3, Phase::institutions);
  EXPECT_TRUE(F.high_tech[a]);
  EXPECT_TRUE(F.tech_sme[a]);
  EXPECT_FALSE(F.high_tech[b]);
  EXPECT_TRUE(F.tech_sme[b]);
  EXPECT_FALSE(F.high_tech[c]);
  EXPECT_FALSE(F.tech_sme[c]);
  EXPECT_FALSE(F.above_size[a]);
  // Not at year end: nothing is reviewed.
  F.revenue[a] = 100.0;
  fx.run(4, Phase::institutions);
  EXPECT_FALSE(F.above_size[a]);
  fx.run(7, Phase::institutions);
  EXPECT_TRUE(F.above_size[a]);
}

TEST(Network, AlliancesFormOnlyBetweenCoTenantsAndDecay) {
  Scenario sc = small_scenario();
  sc.network.alliance_rate = 1.0;
  sc.network.alliance_decay = 0.0;
  PhaseFixture fx(sc);
  fx.run(0, Phase::network);
  const auto& F = fx.state.firms;
  const auto& g = fx.state.graph;
  ASSERT_GT(g.tie_count(TieType::alliance), 0);
  for (const AgentId id : fx.state.scratch.alive_firms) {
    const auto f = static_cast<std::size_t>(id);
    g.for_each_tie(F.vertex[f], TieType::alliance, [&](auto v, const TieInfo&, auto) {
      const auto other = static_cast<std::size_t>(g.vertex(v).id);
      EXPECT_EQ(F.incubator[f], F.incubator[other]);
      EXPECT_NE(F.incubator[f], kNoAgent);
    });
  }
  fx.scenario.network.alliance_rate = 0.0;
  fx.scenario.network.alliance_decay = 1.0;
  fx.scenario.network.collaboration_decay = 1.0;
  fx.run(1, Phase::network);
  EXPECT_EQ(g.tie_count(TieType::alliance), 0);
  EXPECT_EQ(g.tie_count(TieType::collaboration), 0);
  EXPECT_GT(fx.state.network.active_vertices, 0);
}

TEST(Network, MeasuresOnScheduleExceptWhereBurnInHidesIt) {
  // Every quarter: from the first recorded one (quarter 8 after 8 of burn-in).
  for (Quarter q = 0; q < 8; ++q) EXPECT_FALSE(measures_network(q, 1, 8, q > 3)) << q;
  for (Quarter q = 8; q < 12; ++q) EXPECT_TRUE(measures_network(q, 1, 8, q > 8)) << q;
  // Every 4 quarters with 10 of burn-in: quarter 10 shows quarter 8's.
  EXPECT_FALSE(measures_network(4, 4, 10, true));
  EXPECT_FALSE(measures_network(7, 4, 10, false));  // quarter 8's is due first
  EXPECT_TRUE(measures_network(8, 4, 10, true));
  EXPECT_FALSE(measures_network(9, 4, 10, true));
  EXPECT_TRUE(measures_network(9, 4, 10, false));  // nothing measured yet
  EXPECT_TRUE(measures_network(12, 4, 10, true));
  // Without burn-in, on schedule and until something is measured.
  EXPECT_TRUE(measures_network(0, 3, 0, false));
  EXPECT_TRUE(measures_network(1, 3, 0, false));
  EXPECT_FALSE(measures_network(1, 3, 0, true));
  EXPECT_TRUE(measures_network(3, 3, 0, true));
}

}  // namespace
}  // namespace incubsim
