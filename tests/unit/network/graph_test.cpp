#include "network/graph.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/random/mersenne_twister.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <tuple>
#include <utility>
#include <vector>

#include "core/parallel.hpp"
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

/// The decaying ties as (smaller, larger) vertex pairs, sorted.
std::vector<std::pair<AgentGraph::Vertex, AgentGraph::Vertex>> decaying_pairs(const AgentGraph& g) {
  std::vector<std::pair<AgentGraph::Vertex, AgentGraph::Vertex>> out;
  for (const auto& d : g.decaying_ties()) {
    const auto [a, b] = g.endpoints(d.edge);
    out.emplace_back(std::min(a, b), std::max(a, b));
    EXPECT_TRUE(decays(d.type));
    EXPECT_EQ(g.tie(d.edge).type, d.type);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AgentGraph, KeepsTheDecayingTiesThroughAddRemoveClearAndCopy) {
  AgentGraph g;
  std::vector<AgentGraph::Vertex> v;
  for (int i = 0; i < 5; ++i) v.push_back(g.add_vertex(researcher_ref(i), 100 + i));
  const auto f = g.add_vertex(firm_ref(0), 7);
  g.add_tie(v[0], v[1], tie(TieType::collaboration));
  g.add_tie(v[1], v[2], tie(TieType::collaboration));
  g.add_tie(v[2], v[3], tie(TieType::collaboration));
  g.add_tie(v[3], v[4], tie(TieType::collaboration));
  g.add_tie(v[0], f, tie(TieType::licence));  // does not decay
  using P = std::vector<std::pair<AgentGraph::Vertex, AgentGraph::Vertex>>;
  EXPECT_EQ(decaying_pairs(g), (P{{v[0], v[1]}, {v[1], v[2]}, {v[2], v[3]}, {v[3], v[4]}}));
  // The draw key is both endpoints' lineage keys, whichever end came first.
  for (const auto& d : g.decaying_ties()) {
    const auto a = g.vertex(g.endpoints(d.edge).first);
    const auto b = g.vertex(g.endpoints(d.edge).second);
    EXPECT_EQ(d.pair_key, hash_combine(std::min(a.key, b.key), std::max(a.key, b.key)));
  }
  g.remove_tie(*g.find_tie(v[0], v[1], TieType::collaboration));  // the first slot
  EXPECT_EQ(decaying_pairs(g), (P{{v[1], v[2]}, {v[2], v[3]}, {v[3], v[4]}}));

  // A copy has its own edges: changing it leaves the original alone.
  AgentGraph copy = g;
  copy.remove_tie(*copy.find_tie(v[1], v[2], TieType::collaboration));
  copy.clear_ties(v[3]);
  EXPECT_EQ(decaying_pairs(copy).size(), 0u);
  EXPECT_EQ(decaying_pairs(g), (P{{v[1], v[2]}, {v[2], v[3]}, {v[3], v[4]}}));
  g.clear_ties(v[2]);
  EXPECT_EQ(decaying_pairs(g), (P{{v[3], v[4]}}));
  AgentGraph moved = std::move(g);
  moved.remove_tie(moved.decaying_ties().front().edge);
  EXPECT_TRUE(moved.decaying_ties().empty());
  EXPECT_EQ(moved.tie_count(), 1);  // the licence
}

/// The vertices with a tie, by reading every vertex's degree.
std::vector<AgentGraph::Vertex> vertices_with_ties(const AgentGraph& g) {
  std::vector<AgentGraph::Vertex> out;
  for (std::size_t v = 0; v < g.vertex_count(); ++v)
    if (g.degree(static_cast<AgentGraph::Vertex>(v)) > 0)
      out.push_back(static_cast<AgentGraph::Vertex>(v));
  return out;
}

TEST(AgentGraph, KnowsWhichVerticesHaveTiesThroughEveryChange) {
  // Random ties among 200 vertices (more than three 64-bit words, some
  // vertices added in bulk), removed one at a time or cleared a vertex at
  // once; self-ties included. After every step the kept set must equal a
  // scan of the degrees, in a copy and after a move too.
  AgentGraph g;
  for (int i = 0; i < 130; ++i) g.add_vertex(firm_ref(i), static_cast<LineageKey>(i));
  const auto first = g.add_vertices(70);
  for (AgentGraph::Vertex v = first; v < 200; ++v) g.set_vertex(v, researcher_ref(v), v);
  boost::random::mt19937_64 rng(42);
  const auto pick = [&] { return static_cast<AgentGraph::Vertex>(rng() % 200); };
  std::vector<AgentGraph::Vertex> tied;
  for (int step = 0; step < 3000; ++step) {
    const auto r = rng() % 10;
    if (r < 6) {
      g.add_tie(pick(), pick(), tie(r < 3 ? TieType::alliance : TieType::licence));
    } else if (r < 9 && g.tie_count() > 0) {
      const auto v = pick();
      if (g.degree(v) > 0) {
        std::optional<AgentGraph::Edge> e;
        g.for_each_tie(v, [&](AgentGraph::Vertex, const TieInfo&, AgentGraph::Edge x) { e = x; });
        g.remove_tie(*e);
      }
    } else {
      g.clear_ties(pick());
    }
    g.tied_vertices(tied);
    ASSERT_EQ(tied, vertices_with_ties(g)) << "step " << step;
  }
  EXPECT_FALSE(tied.empty());
  AgentGraph copy = g;
  copy.clear_ties(tied.front());
  copy.tied_vertices(tied);
  EXPECT_EQ(tied, vertices_with_ties(copy));
  g.tied_vertices(tied);
  EXPECT_EQ(tied, vertices_with_ties(g));
  const AgentGraph moved = std::move(g);
  moved.tied_vertices(tied);
  EXPECT_EQ(tied, vertices_with_ties(moved));
}

/// A plain model of the graph: ties as (a, b, since) in the order they
/// were made, and each vertex's ties in order, as since values.
struct ModelGraph {
  struct Tie {
    AgentGraph::Vertex a, b;
    Quarter since;
  };
  std::vector<Tie> ties;
  std::vector<std::vector<Quarter>> lists;

  void add(AgentGraph::Vertex a, AgentGraph::Vertex b, Quarter since) {
    ties.push_back({a, b, since});
    lists[a].push_back(since);
    lists[b].push_back(since);
  }
  void remove(Quarter since) {
    const auto it =
        std::find_if(ties.begin(), ties.end(), [&](const Tie& t) { return t.since == since; });
    for (const auto v : {it->a, it->b}) {
      auto& l = lists[v];
      l.erase(std::find(l.begin(), l.end(), since));
    }
    ties.erase(it);
  }
};

TEST(AgentGraph, KeepsTheOrderTiesWereMadeWhileReusingFreedStorage) {
  // Many more ties made than live at once, so freed records are reused
  // (across storage blocks); each tie is told apart by `since`. Every
  // vertex's list and the whole-graph order must match the model's.
  AgentGraph g;
  ModelGraph m;
  constexpr int kVertices = 300;
  for (int i = 0; i < kVertices; ++i) g.add_vertex(firm_ref(i), static_cast<LineageKey>(i));
  m.lists.resize(kVertices);
  boost::random::mt19937_64 rng(7);
  const auto pick = [&] { return static_cast<AgentGraph::Vertex>(rng() % kVertices); };
  Quarter next = 0;
  const auto check = [&](int step) {
    std::vector<Quarter> order;
    g.for_each_tie_in_order([&](AgentGraph::Vertex a, AgentGraph::Vertex b, const TieInfo& t) {
      const auto& want = m.ties[order.size()];
      EXPECT_EQ(std::make_pair(a, b), std::make_pair(want.a, want.b)) << "step " << step;
      order.push_back(t.since);
    });
    ASSERT_EQ(order.size(), m.ties.size()) << "step " << step;
    ASSERT_EQ(g.tie_count(), static_cast<std::int64_t>(m.ties.size()));
    for (AgentGraph::Vertex v = 0; v < kVertices; ++v) {
      std::vector<Quarter> list;
      g.for_each_tie(v, [&](AgentGraph::Vertex, const TieInfo& t, AgentGraph::Edge) {
        list.push_back(t.since);
      });
      ASSERT_EQ(list, m.lists[v]) << "vertex " << v << ", step " << step;
    }
  };
  for (int step = 0; step < 30000; ++step) {
    // Grow to about 5,000 live ties (past one block of records), then churn.
    const bool add = m.ties.empty() || rng() % 100 < (step < 10000 ? 80u : 50u);
    if (add) {
      const auto a = pick();
      auto b = pick();
      if (rng() % 50 == 0) b = a;  // a tie to itself now and then
      TieInfo info = tie(rng() % 2 ? TieType::alliance : TieType::licence);
      info.since = next++;
      g.add_tie(a, b, info);
      m.add(a, b, info.since);
    } else if (rng() % 20 == 0) {
      const auto v = pick();
      g.clear_ties(v);
      while (!m.lists[v].empty()) m.remove(m.lists[v].front());
    } else {
      const auto& t = m.ties[rng() % m.ties.size()];
      std::optional<AgentGraph::Edge> e;
      g.for_each_tie(t.a, [&](AgentGraph::Vertex, const TieInfo& info, AgentGraph::Edge x) {
        if (info.since == t.since) e = x;
      });
      ASSERT_TRUE(e);
      EXPECT_EQ(g.endpoints(*e), std::make_pair(t.a, t.b));
      g.remove_tie(*e);
      m.remove(t.since);
    }
    if (step % 1000 == 999) check(step);
  }
  check(-1);
  const AgentGraph copy = g;
  std::vector<std::tuple<AgentGraph::Vertex, AgentGraph::Vertex, Quarter>> original, copied;
  g.for_each_tie_in_order(
      [&](auto a, auto b, const TieInfo& t) { original.emplace_back(a, b, t.since); });
  copy.for_each_tie_in_order(
      [&](auto a, auto b, const TieInfo& t) { copied.emplace_back(a, b, t.since); });
  EXPECT_EQ(copied, original);
}

/// Everything about a graph that a run can observe or that decides its
/// later states: ties in the order made, each vertex's list, the decay list
/// in order, counts, the tied vertices, and which records new ties reuse.
struct GraphState {
  std::vector<std::tuple<AgentGraph::Vertex, AgentGraph::Vertex, Quarter>> ties;
  std::vector<std::vector<Quarter>> lists;
  std::vector<Quarter> decaying;
  std::vector<std::int64_t> counts;
  std::vector<AgentGraph::Vertex> tied;
  std::vector<std::uint32_t> reused;
  friend bool operator==(const GraphState&, const GraphState&) = default;
};

GraphState state_of(AgentGraph g) {
  GraphState s;
  g.for_each_tie_in_order(
      [&](auto a, auto b, const TieInfo& t) { s.ties.emplace_back(a, b, t.since); });
  for (AgentGraph::Vertex v = 0; v < g.vertex_count(); ++v) {
    s.lists.emplace_back();
    g.for_each_tie(v, [&](auto, const TieInfo& t, auto) { s.lists.back().push_back(t.since); });
  }
  for (const auto& d : g.decaying_ties()) s.decaying.push_back(g.tie(d.edge).since);
  for (int t = 0; t < kTieTypeCount; ++t) s.counts.push_back(g.tie_count(static_cast<TieType>(t)));
  s.counts.push_back(g.tie_count());
  g.tied_vertices(s.tied);
  for (int k = 0; k < 50; ++k) s.reused.push_back(g.add_tie(0, 1, tie(TieType::licence)).id);
  return s;
}

constexpr int kChurnedVertices = 20000;
constexpr int kChurnedHubs = 30;

/// A graph for the bulk edits to start from: hubs with many ties (several
/// edited in one list at once), ties of a vertex to itself, decaying and
/// other types, and a free list that is not empty.
AgentGraph churned_graph(boost::random::mt19937_64& rng) {
  AgentGraph g;
  for (int i = 0; i < kChurnedVertices; ++i) g.add_vertex(firm_ref(i), static_cast<LineageKey>(i));
  const auto pick = [&] { return static_cast<AgentGraph::Vertex>(rng() % kChurnedVertices); };
  Quarter next = 0;
  for (int k = 0; k < 60000; ++k) {
    const auto a = pick();
    const auto roll = rng() % 100;
    const auto b = roll < 40   ? static_cast<AgentGraph::Vertex>(rng() % kChurnedHubs)
                   : roll < 41 ? a
                               : pick();
    TieInfo info = tie(rng() % 3 == 0 ? TieType::collaboration : TieType::investment);
    info.since = next++;
    g.add_tie(a, b, info);
  }
  for (int k = 0; k < 500; ++k) {
    const auto v = pick();
    std::optional<AgentGraph::Edge> e;
    g.for_each_tie(v, [&](auto, const TieInfo&, AgentGraph::Edge x) { e = x; });
    if (e) g.remove_tie(*e);
  }
  return g;
}

TEST(AgentGraph, ClearingManyVerticesAtOnceLeavesWhatClearingThemInTurnDoes) {
  constexpr int kVertices = kChurnedVertices;
  constexpr int kHubs = kChurnedHubs;
  boost::random::mt19937_64 rng(11);
  const AgentGraph g = churned_graph(rng);
  // Distinct vertices in no particular order, two hubs among them.
  std::vector<AgentGraph::Vertex> leaving;
  for (AgentGraph::Vertex v = kHubs; v < kVertices; ++v)
    if (rng() % 3 == 0) leaving.push_back(v);
  leaving.push_back(3);
  leaving.push_back(17);
  for (std::size_t i = leaving.size() - 1; i > 0; --i)
    std::swap(leaving[i], leaving[rng() % (i + 1)]);

  AgentGraph in_turn = g;
  for (const auto v : leaving) in_turn.clear_ties(v);
  const GraphState want = state_of(in_turn);
  EXPECT_LT(static_cast<std::int64_t>(want.ties.size()), g.tie_count() * 3 / 4);  // many went
  for (const int threads : {1, 2, 3}) {
    AgentGraph at_once = g;
    Executor(threads).run([&] { at_once.clear_ties(leaving); });
    EXPECT_TRUE(state_of(at_once) == want) << threads << " threads";
  }
  AgentGraph none = g;
  none.clear_ties(std::span<const AgentGraph::Vertex>{});
  EXPECT_TRUE(state_of(none) == state_of(g));
}

TEST(AgentGraph, AddingManyTiesAtOnceLeavesWhatAddingThemInTurnDoes) {
  boost::random::mt19937_64 rng(12);
  const AgentGraph g = churned_graph(rng);
  // More ties than the free list holds (fresh records too), many to the
  // same hubs, some to themselves, decaying and not.
  std::vector<AgentGraph::NewTie> ties;
  for (int k = 0; k < 6000; ++k) {
    AgentGraph::NewTie t;
    t.a = static_cast<AgentGraph::Vertex>(rng() % kChurnedVertices);
    const auto roll = rng() % 100;
    t.b = roll < 30   ? static_cast<AgentGraph::Vertex>(rng() % kChurnedHubs)
          : roll < 32 ? t.a
                      : static_cast<AgentGraph::Vertex>(rng() % kChurnedVertices);
    t.info = tie(rng() % 2 == 0 ? TieType::alliance : TieType::licence);
    t.info.since = 100000 + k;
    t.info.amount = static_cast<double>(k);
    ties.push_back(t);
  }
  AgentGraph in_turn = g;
  for (const auto& t : ties) in_turn.add_tie(t.a, t.b, t.info);
  const GraphState want = state_of(in_turn);
  EXPECT_EQ(want.ties.size(), static_cast<std::size_t>(g.tie_count()) + ties.size());
  for (const int threads : {1, 2, 3}) {
    AgentGraph at_once = g;
    Executor(threads).run([&] { at_once.add_ties(ties); });
    EXPECT_TRUE(state_of(at_once) == want) << threads << " threads";
    // The ties carry what they were given, and decay where they should.
    double amounts = 0;
    at_once.for_each_tie_in_order([&](auto, auto, const TieInfo& t) {
      if (t.since >= 100000) amounts += t.amount;
    });
    EXPECT_EQ(amounts, 6000.0 * 5999.0 / 2.0);
    for (const auto& d : at_once.decaying_ties())
      EXPECT_EQ(at_once.tie(d.edge).decay_slot, &d - at_once.decaying_ties().data());
  }
  AgentGraph none = g;
  none.add_ties({});
  EXPECT_TRUE(state_of(none) == state_of(g));
}

TEST(AgentGraph, RemovingManyTiesAtOnceLeavesWhatRemovingThemInTurnDoes) {
  boost::random::mt19937_64 rng(13);
  const AgentGraph g = churned_graph(rng);
  // A third of the ties, in no particular order: hubs lose many at once,
  // self-ties and decaying ties among them.
  std::vector<AgentGraph::Edge> edges;
  for (AgentGraph::Vertex v = 0; v < g.vertex_count(); ++v) {
    g.for_each_tie(v, [&](auto n, const TieInfo&, AgentGraph::Edge e) {
      if (n >= v && (n != v || edges.empty() || !(edges.back() == e)) && rng() % 3 == 0)
        edges.push_back(e);
    });
  }
  for (std::size_t i = edges.size() - 1; i > 0; --i) std::swap(edges[i], edges[rng() % (i + 1)]);
  ASSERT_GT(edges.size(), 10000u);
  AgentGraph in_turn = g;
  for (const auto e : edges) in_turn.remove_tie(e);
  const GraphState want = state_of(in_turn);
  EXPECT_EQ(want.ties.size(), static_cast<std::size_t>(g.tie_count()) - edges.size());
  for (const int threads : {1, 2, 3}) {
    AgentGraph at_once = g;
    Executor(threads).run([&] { at_once.remove_ties(edges); });
    EXPECT_TRUE(state_of(at_once) == want) << threads << " threads";
  }
}

TEST(AgentGraph, CountsEachVertexsDecayingTiesOfOneTypeOnAnyThreadCount) {
  // More ties than one parallel task takes, with hubs that many tasks
  // count into at once.
  AgentGraph g;
  constexpr int kResearchers = 3000;
  std::vector<AgentGraph::Vertex> v;
  for (int i = 0; i < kResearchers; ++i) v.push_back(g.add_vertex(researcher_ref(i), 1000 + i));
  std::vector<std::int32_t> expected(v.size() + 1, 0);
  for (int i = 1; i < kResearchers; ++i) {
    const int hub = i % 3;
    if (i == hub) continue;
    g.add_tie(v[static_cast<std::size_t>(hub)], v[static_cast<std::size_t>(i)],
              tie(TieType::collaboration));
    ++expected[static_cast<std::size_t>(hub)];
    ++expected[static_cast<std::size_t>(i)];
  }
  const auto f = g.add_vertex(firm_ref(0), 7);
  g.add_tie(f, v[5], tie(TieType::alliance));  // another decaying type: not counted
  g.add_tie(f, v[6], tie(TieType::licence));
  for (const int threads : {1, 2, 3}) {
    std::vector<std::int32_t> counts(2, 99);  // stale values must be overwritten
    Executor(threads).run([&] { g.count_decaying_ties(TieType::collaboration, counts); });
    EXPECT_EQ(counts, expected) << threads << " threads";
  }
  std::vector<std::int32_t> alliances;
  g.count_decaying_ties(TieType::alliance, alliances);
  EXPECT_EQ(alliances[f], 1);
  EXPECT_EQ(alliances[v[5]], 1);
  EXPECT_EQ(std::count(alliances.begin(), alliances.end(), 0),
            static_cast<std::ptrdiff_t>(alliances.size()) - 2);
  EXPECT_THROW(g.count_decaying_ties(TieType::licence, alliances), std::logic_error);
}

TEST(AgentGraph, AddedVerticesStartWithoutTiesAndKeepTheOthers) {
  AgentGraph g;
  g.reserve_vertices(200000);  // the bulk add fills reserved room
  const auto a = g.add_vertex(firm_ref(0), 1);
  const auto b = g.add_vertex(firm_ref(1), 2);
  g.add_tie(a, b, tie(TieType::alliance));
  const auto first = g.add_vertices(150000);
  EXPECT_EQ(first, 2u);
  EXPECT_EQ(g.vertex_count(), 150002u);
  EXPECT_EQ(g.degree(a), 1u);
  EXPECT_EQ(g.vertex(b).key, 2u);
  for (std::size_t x = first; x < g.vertex_count(); x += 4999) {
    EXPECT_EQ(g.degree(static_cast<AgentGraph::Vertex>(x)), 0u);
    EXPECT_EQ(g.vertex(static_cast<AgentGraph::Vertex>(x)).kind, AgentKind::none);
  }
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
  const NeighbourIndex index = build_neighbour_index(g);
  EXPECT_DOUBLE_EQ(local_clustering(index, v[0]), 1.0);
  EXPECT_DOUBLE_EQ(local_clustering(index, hub), 0.0);
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
  const NeighbourIndex index = build_neighbour_index(g);
  EXPECT_DOUBLE_EQ(local_clustering(index, r), 1.0);
  // Distinct neighbours, sorted, once each (as rows: every vertex here has
  // ties, so rows are the vertices in order).
  const std::uint32_t row = index.row_of[a];
  EXPECT_EQ(index.count(row), 2u);
  EXPECT_EQ(std::vector<std::uint32_t>(index.begin(row), index.end(row)),
            (std::vector<std::uint32_t>{index.row_of[r], index.row_of[b]}));
}

}  // namespace
}  // namespace incubsim
