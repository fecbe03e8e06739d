#include "network/measures.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>
#include <vector>

#include "core/parallel.hpp"
#include "core/random.hpp"

namespace incubsim {
namespace {

/// A graph shaped like a late run: most vertices are agents that left (no
/// ties, inactive), a few hubs with many ties, pairs tied by several types,
/// inactive agents that still carry ties (bridges), active agents without
/// ties. `n` is above the measures' reduction grain, so the tree has many
/// leaves and many of them hold no tied vertex.
struct Fixture {
  AgentGraph graph;
  std::vector<std::uint8_t> active;
};

Fixture random_graph(std::uint64_t seed, std::size_t n) {
  Fixture f;
  Stream s(seed);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = s.uniform();
    const AgentRef who = u < 0.01   ? incubator_ref(static_cast<AgentId>(i))
                         : u < 0.03 ? fund_ref(static_cast<AgentId>(i))
                                    : firm_ref(static_cast<AgentId>(i));
    f.graph.add_vertex(who, i);
  }
  f.active.assign(n, 0);
  // A tenth of the vertices are alive; three quarters of those have ties.
  std::vector<AgentGraph::Vertex> tied;
  for (std::size_t i = 0; i < n; ++i) {
    if (s.uniform() < 0.1) {
      f.active[i] = 1;
      if (s.uniform() < 0.75) tied.push_back(static_cast<AgentGraph::Vertex>(i));
    }
  }
  // A few inactive vertices keep ties: paths run through them.
  for (std::size_t k = 0; k < n / 200; ++k)
    tied.push_back(static_cast<AgentGraph::Vertex>(s.below(n)));
  const std::size_t hubs = std::max<std::size_t>(1, tied.size() / 50);
  TieInfo tie;
  for (std::size_t k = 0; k < tied.size() * 2; ++k) {
    const auto a = tied[s.below(tied.size())];
    // Half the ties go to a hub, as tenants to an incubator.
    const auto b = s.uniform() < 0.5 ? tied[s.below(hubs)] : tied[s.below(tied.size())];
    if (a == b) continue;
    tie.type = s.uniform() < 0.5 ? TieType::alliance : TieType::tenancy;
    f.graph.add_tie(a, b, tie);
    if (s.uniform() < 0.1) {  // the same pair tied again, by another type
      tie.type = TieType::co_investment;
      f.graph.add_tie(b, a, tie);
    }
  }
  return f;
}

/// Distinct neighbours of every vertex, straight from the adjacency lists.
std::vector<std::set<AgentGraph::Vertex>> neighbours(const AgentGraph& g) {
  std::vector<std::set<AgentGraph::Vertex>> nb(g.vertex_count());
  for (std::size_t v = 0; v < nb.size(); ++v) {
    g.for_each_tie(static_cast<AgentGraph::Vertex>(v), [&](auto x, const TieInfo&, auto) {
      if (x != v) nb[v].insert(x);
    });
  }
  return nb;
}

double brute_clustering(const std::vector<std::set<AgentGraph::Vertex>>& nb, std::size_t v) {
  const std::vector<AgentGraph::Vertex> list(nb[v].begin(), nb[v].end());
  const std::size_t k = list.size();
  if (k < 2) return 0.0;
  std::int64_t links = 0;
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j) links += nb[list[i]].count(list[j]);
  return static_cast<double>(links) / (static_cast<double>(k) * static_cast<double>(k - 1) / 2.0);
}

/// The measures as defined (docs/ODD.md), computed the slow way: every
/// vertex visited, clustering by testing every pair of neighbours, the
/// double sums over every vertex by the same reduction as the simulator
/// used before the index covered tied vertices only, components by
/// flood fill.
NetworkMeasures reference(const Fixture& f) {
  const auto& g = f.graph;
  const auto nb = neighbours(g);
  const std::size_t n = g.vertex_count();
  struct Sums {
    double clustering = 0, brokerage_inc = 0, brokerage_fund = 0;
    std::int64_t clustered = 0, n_inc = 0, n_fund = 0, degree = 0, active = 0;
  };
  const auto add = [](const Sums& a, const Sums& b) {
    return Sums{a.clustering + b.clustering,
                a.brokerage_inc + b.brokerage_inc,
                a.brokerage_fund + b.brokerage_fund,
                a.clustered + b.clustered,
                a.n_inc + b.n_inc,
                a.n_fund + b.n_fund,
                a.degree + b.degree,
                a.active + b.active};
  };
  const Sums s = deterministic_reduce(
      n, Sums{},
      [&](std::size_t v) {
        Sums r;
        if (!f.active[v]) return r;
        r.active = 1;
        r.degree = static_cast<std::int64_t>(g.degree(static_cast<AgentGraph::Vertex>(v)));
        if (r.degree < 2) return r;
        const double c = brute_clustering(nb, v);
        r.clustering = c;
        r.clustered = 1;
        const auto kind = g.vertex(static_cast<AgentGraph::Vertex>(v)).kind;
        if (kind == AgentKind::incubator) {
          r.brokerage_inc = 1.0 - c;
          r.n_inc = 1;
        } else if (kind == AgentKind::fund) {
          r.brokerage_fund = 1.0 - c;
          r.n_fund = 1;
        }
        return r;
      },
      add, 1024);
  NetworkMeasures m;
  m.active_vertices = s.active;
  m.mean_degree = static_cast<double>(s.degree) / static_cast<double>(s.active);
  m.clustering = s.clustered > 0 ? s.clustering / static_cast<double>(s.clustered) : 0;
  m.brokerage_incubators = s.n_inc > 0 ? s.brokerage_inc / static_cast<double>(s.n_inc) : 0;
  m.brokerage_funds = s.n_fund > 0 ? s.brokerage_fund / static_cast<double>(s.n_fund) : 0;
  std::vector<std::int64_t> component(n, -1);
  std::int64_t largest = 0;
  for (std::size_t v = 0; v < n; ++v) {
    if (component[v] >= 0) continue;
    std::vector<std::size_t> stack{v};
    component[v] = static_cast<std::int64_t>(v);
    std::int64_t active_members = 0;
    while (!stack.empty()) {
      const std::size_t x = stack.back();
      stack.pop_back();
      active_members += f.active[x];
      for (const auto y : nb[x]) {
        if (component[y] < 0) {
          component[y] = static_cast<std::int64_t>(v);
          stack.push_back(y);
        }
      }
    }
    if (active_members > 0) ++m.components;
    largest = std::max(largest, active_members);
  }
  m.largest_component_share = static_cast<double>(largest) / static_cast<double>(s.active);
  return m;
}

void expect_same(const NetworkMeasures& a, const NetworkMeasures& b) {
  EXPECT_EQ(a.active_vertices, b.active_vertices);
  EXPECT_EQ(a.components, b.components);
  // Bit for bit: the sums are taken in the same order.
  EXPECT_EQ(a.mean_degree, b.mean_degree);
  EXPECT_EQ(a.largest_component_share, b.largest_component_share);
  EXPECT_EQ(a.clustering, b.clustering);
  EXPECT_EQ(a.brokerage_incubators, b.brokerage_incubators);
  EXPECT_EQ(a.brokerage_funds, b.brokerage_funds);
}

TEST(Measures, MatchTheDefinitionOnARandomGraphBitForBit) {
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(seed);
    const Fixture f = random_graph(seed, 20000 + 777 * seed);
    const NetworkMeasures want = reference(f);
    ASSERT_GT(want.clustering, 0.0);  // the fixture has triangles
    ASSERT_GT(want.brokerage_incubators, 0.0);
    for (const int threads : {1, 2, 3}) {
      SCOPED_TRACE(threads);
      Executor executor(threads);
      MeasureScratch scratch;
      NetworkMeasures got;
      executor.run([&] { got = measure_network(f.graph, f.active, scratch); });
      expect_same(got, want);
      // The buffers are reused: a second measurement gives the same.
      executor.run([&] { got = measure_network(f.graph, f.active, scratch); });
      expect_same(got, want);
    }
  }
}

TEST(Measures, FinishingReadsWhatWasPreparedNotTheGraphNow) {
  Fixture f = random_graph(5, 8000);
  const NetworkMeasures want = reference(f);
  Executor executor(2);
  MeasureScratch scratch;
  executor.run([&] { prepare_measurement(f.graph, scratch); });
  // The graph changes before the measurement finishes: ties go, vertices
  // come (as in the next quarter's phases).
  for (AgentGraph::Vertex v = 0; v < 400; ++v) f.graph.clear_ties(v);
  f.graph.add_vertices(5000);
  NetworkMeasures got;
  executor.run([&] { got = finish_measurement(f.active, scratch); });
  expect_same(got, want);
}

TEST(Measures, TriangleCountsEqualPairwiseClustering) {
  const Fixture f = random_graph(9, 6000);
  MeasureScratch scratch;
  build_neighbour_index(f.graph, scratch.index, scratch.unique_count);
  count_triangles(scratch.index, scratch);
  const auto nb = neighbours(f.graph);
  const auto& index = scratch.index;
  ASSERT_GT(index.rows(), 0u);
  for (std::uint32_t r = 0; r < index.rows(); ++r) {
    const std::size_t k = index.count(r);
    const double pairs = static_cast<double>(k) * static_cast<double>(k - 1) / 2.0;
    const double from_triangles = k < 2 ? 0.0 : static_cast<double>(scratch.triangles[r]) / pairs;
    EXPECT_EQ(from_triangles, row_clustering(index, r));
    EXPECT_EQ(row_clustering(index, r), brute_clustering(nb, index.vertex[r]));
  }
}

TEST(Measures, IndexHasARowPerTiedVertexInVertexOrder) {
  const Fixture f = random_graph(4, 5000);
  const NeighbourIndex index = build_neighbour_index(f.graph);
  const auto nb = neighbours(f.graph);
  std::size_t rows = 0;
  for (std::size_t v = 0; v < nb.size(); ++v) {
    if (f.graph.degree(static_cast<AgentGraph::Vertex>(v)) == 0) {
      EXPECT_EQ(index.row_of[v], NeighbourIndex::kNoRow);
      continue;
    }
    const std::uint32_t row = index.row_of[v];
    ASSERT_EQ(row, rows++);
    EXPECT_EQ(index.vertex[row], v);
    std::vector<AgentGraph::Vertex> got;
    for (const auto* x = index.begin(row); x != index.end(row); ++x)
      got.push_back(index.vertex[*x]);
    EXPECT_EQ(got, std::vector<AgentGraph::Vertex>(nb[v].begin(), nb[v].end()));
  }
  EXPECT_EQ(index.rows(), rows);
  EXPECT_LT(rows, nb.size() / 5);  // most vertices have no row
}

TEST(Measures, TransposingAndSortingRowsBuildTheSameIndex) {
  // Hubs (hundreds of ties in one row), pairs joined by ties of several
  // types, ties of a vertex to itself, and rows of every length between.
  Fixture f = random_graph(12, 6000);
  Stream s(12);
  for (int k = 0; k < 3000; ++k) {
    const auto a = static_cast<AgentGraph::Vertex>(s.below(6000));
    const auto hub = static_cast<AgentGraph::Vertex>(s.below(5));
    TieInfo t;
    t.type = k % 7 == 0 ? TieType::alliance : TieType::tenancy;
    f.graph.add_tie(a, k % 97 == 0 ? a : hub, t);
    if (k % 5 == 0) f.graph.add_tie(hub, a, t);  // a repeat of the same pair
  }
  NeighbourIndex sorted;
  NeighbourIndex transposed;
  std::vector<std::uint32_t> unique_count;
  std::vector<std::uint32_t> raw;
  for (const int threads : {1, 3}) {
    Executor(threads).run([&] {
      build_neighbour_index(f.graph, sorted, unique_count, raw, IndexBuild::sort_rows);
      build_neighbour_index(f.graph, transposed, unique_count, raw, IndexBuild::transpose);
    });
    ASSERT_GT(sorted.count(sorted.row_of[0]), 300u);  // a hub's row
    EXPECT_EQ(transposed.vertex, sorted.vertex);
    EXPECT_EQ(transposed.row_of, sorted.row_of);
    EXPECT_EQ(transposed.offset, sorted.offset);
    EXPECT_EQ(transposed.neighbour, sorted.neighbour);
  }
  // And the sorted rows are what the definition says.
  const auto nb = neighbours(f.graph);
  for (std::uint32_t r = 0; r < sorted.rows(); r += 7) {
    std::vector<AgentGraph::Vertex> got;
    for (const auto* x = sorted.begin(r); x != sorted.end(r); ++x) got.push_back(sorted.vertex[*x]);
    const auto v = sorted.vertex[r];
    EXPECT_EQ(got, std::vector<AgentGraph::Vertex>(nb[v].begin(), nb[v].end())) << v;
  }
}

TEST(Measures, AReusedIndexEqualsAFreshOne) {
  // Built again into the same buffers for another graph (smaller, then
  // larger, then the same less one vertex's ties), the index must equal one
  // built from nothing: nothing of the previous graph may stay behind.
  NeighbourIndex reused;
  std::vector<std::uint32_t> unique_count;
  Fixture f = random_graph(4, 5000);
  build_neighbour_index(f.graph, reused, unique_count);
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE(round);
    if (round == 0) f = random_graph(5, 3000);
    if (round == 1) f = random_graph(6, 8000);
    if (round == 2) f.graph.clear_ties(reused.vertex[reused.rows() / 2]);
    build_neighbour_index(f.graph, reused, unique_count);
    const NeighbourIndex fresh = build_neighbour_index(f.graph);
    ASSERT_GT(fresh.rows(), 1u);
    EXPECT_EQ(reused.vertex, fresh.vertex);
    EXPECT_EQ(reused.row_of, fresh.row_of);
    EXPECT_EQ(reused.offset, fresh.offset);
    EXPECT_EQ(reused.neighbour, fresh.neighbour);
  }
}

// Components are found on one thread while others count triangles, into
// buffers kept between measurements. Thousands of small chains over
// shuffled vertices, some of them inactive, give many components of many
// sizes; the counts must be those of a flood fill for any thread count and
// every reuse of the buffers.
TEST(Measures, ComponentsOfManyShuffledChainsMatchAFloodFill) {
  Fixture f;
  constexpr std::size_t n = 60000;
  for (std::size_t i = 0; i < n; ++i) f.graph.add_vertex(firm_ref(static_cast<AgentId>(i)), i);
  f.active.assign(n, 1);
  Stream s(17);
  std::vector<AgentGraph::Vertex> order(n);
  std::iota(order.begin(), order.end(), 0u);
  for (std::size_t i = n - 1; i > 0; --i) std::swap(order[i], order[s.below(i + 1)]);
  TieInfo tie;
  tie.type = TieType::alliance;
  std::size_t at = 0;
  while (at < n) {
    const std::size_t length = std::min<std::size_t>(1 + s.below(40), n - at);
    for (std::size_t k = at + 1; k < at + length; ++k) {
      if (s.uniform() < 0.5)
        f.graph.add_tie(order[k - 1], order[k], tie);
      else
        f.graph.add_tie(order[k], order[k - 1], tie);
    }
    at += length;
  }
  for (std::size_t k = 0; k < n; ++k)
    if (s.uniform() < 0.3) f.active[order[k]] = 0;  // inactive links still join
  const NetworkMeasures want = reference(f);
  ASSERT_GT(want.components, 1000);
  for (const int threads : {1, 2, 4}) {
    SCOPED_TRACE(threads);
    Executor executor(threads);
    MeasureScratch scratch;
    for (int again = 0; again < 3; ++again) {
      NetworkMeasures got;
      executor.run([&] { got = measure_network(f.graph, f.active, scratch); });
      EXPECT_EQ(got.components, want.components);
      EXPECT_EQ(got.largest_component_share, want.largest_component_share);
    }
  }
}

TEST(Measures, EmptyAndTielessGraphs) {
  AgentGraph empty;
  const NetworkMeasures none = measure_network(empty, {});
  EXPECT_EQ(none.active_vertices, 0);
  EXPECT_EQ(none.components, 0);
  AgentGraph tieless;
  for (int i = 0; i < 3000; ++i) tieless.add_vertex(firm_ref(i));
  std::vector<std::uint8_t> active(3000, 0);
  active[5] = active[2999] = 1;
  const NetworkMeasures m = measure_network(tieless, active);
  EXPECT_EQ(m.active_vertices, 2);
  EXPECT_EQ(m.components, 2);
  EXPECT_EQ(m.largest_component_share, 0.5);
  EXPECT_EQ(m.clustering, 0.0);
}

}  // namespace
}  // namespace incubsim
