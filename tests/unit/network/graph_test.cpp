#include "network/graph.hpp"

#include <gtest/gtest.h>

#include "network/measures.hpp"

namespace incubsim {
namespace {

TieInfo tie(TieType t) {
  TieInfo i;
  i.type = t;
  return i;
}

TEST(AgentGraph, CountsTiesByTypeThroughAddRemoveAndClear) {
  AgentGraph g;
  const auto a = g.add_vertex(firm_ref(0));
  const auto b = g.add_vertex(firm_ref(1));
  const auto c = g.add_vertex(incubator_ref(0));
  g.add_tie(a, b, tie(TieType::alliance));
  g.add_tie(a, c, tie(TieType::tenancy));
  g.add_tie(b, c, tie(TieType::tenancy));
  EXPECT_EQ(g.tie_count(), 3);
  EXPECT_EQ(g.tie_count(TieType::tenancy), 2);
  ASSERT_TRUE(g.find_tie(c, a, TieType::tenancy));
  EXPECT_FALSE(g.find_tie(a, c, TieType::alliance));
  g.remove_tie(*g.find_tie(a, b, TieType::alliance));
  EXPECT_EQ(g.tie_count(TieType::alliance), 0);
  g.clear_ties(c);
  EXPECT_EQ(g.tie_count(), 0);
  EXPECT_EQ(g.tie_count(TieType::tenancy), 0);
  EXPECT_EQ(g.vertex(c).kind, AgentKind::incubator);
}

TEST(AgentGraph, ForEachTieFiltersByType) {
  AgentGraph g;
  const auto f = g.add_vertex(fund_ref(0));
  for (int i = 0; i < 3; ++i) g.add_tie(f, g.add_vertex(firm_ref(i)), tie(TieType::investment));
  g.add_tie(f, g.add_vertex(fund_ref(1)), tie(TieType::co_investment));
  int inv = 0;
  g.for_each_tie(f, TieType::investment, [&](auto, const TieInfo&, auto) { ++inv; });
  EXPECT_EQ(inv, 3);
  EXPECT_EQ(g.degree(f), 4u);
}

TEST(Measures, TriangleAndStar) {
  AgentGraph g;
  // Triangle of firms 0-1-2, and an incubator hub with three tenants that do
  // not know each other.
  std::vector<AgentGraph::Vertex> v;
  for (int i = 0; i < 3; ++i) v.push_back(g.add_vertex(firm_ref(i)));
  g.add_tie(v[0], v[1], tie(TieType::alliance));
  g.add_tie(v[1], v[2], tie(TieType::alliance));
  g.add_tie(v[0], v[2], tie(TieType::alliance));
  const auto hub = g.add_vertex(incubator_ref(0));
  for (int i = 3; i < 6; ++i) g.add_tie(hub, g.add_vertex(firm_ref(i)), tie(TieType::tenancy));
  const auto lonely = g.add_vertex(fund_ref(0));
  (void)lonely;
  std::vector<std::uint8_t> active(g.vertex_count(), 1);
  ClusteringScratch scratch;
  EXPECT_DOUBLE_EQ(local_clustering(g, v[0], scratch), 1.0);
  EXPECT_DOUBLE_EQ(local_clustering(g, hub, scratch), 0.0);
  const NetworkMeasures m = measure_network(g, active);
  EXPECT_EQ(m.active_vertices, 8);
  EXPECT_EQ(m.components, 3);  // triangle, star, isolated fund
  EXPECT_DOUBLE_EQ(m.largest_component_share, 4.0 / 8.0);
  EXPECT_DOUBLE_EQ(m.mean_degree, 12.0 / 8.0);
  // Only the triangle's three firms and the hub have degree >= 2.
  EXPECT_DOUBLE_EQ(m.clustering, 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(m.brokerage_incubators, 1.0);
  // Inactive agents are left out.
  active[hub] = 0;
  EXPECT_EQ(measure_network(g, active).active_vertices, 7);
}

TEST(Measures, ParallelTiesOfDifferentTypesCountOnce) {
  AgentGraph g;
  const auto r = g.add_vertex(researcher_ref(0));
  const auto a = g.add_vertex(firm_ref(0));
  const auto b = g.add_vertex(firm_ref(1));
  g.add_tie(r, a, tie(TieType::licence));
  g.add_tie(r, b, tie(TieType::licence));
  g.add_tie(a, b, tie(TieType::alliance));
  g.add_tie(a, b, tie(TieType::co_investment));
  ClusteringScratch scratch;
  EXPECT_DOUBLE_EQ(local_clustering(g, r, scratch), 1.0);
}

}  // namespace
}  // namespace incubsim
