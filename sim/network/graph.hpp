#pragma once
// One typed, evolving graph over all agents (Boost.Graph adjacency list).
// Vertices are never removed (their ids must stay stable), so an agent that
// leaves the ecosystem (a dead or exited firm, a retired researcher, a
// closed fund) keeps its vertex with no ties. Ties are added and removed only in
// the sequential commit steps of phases, in agent-id order, so the order of
// every adjacency list is the same for any thread count; phases read the
// graph concurrently without writing it.
#include <array>
#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/huge_pages.hpp"
#include "core/ids.hpp"
#include "core/random.hpp"
#include "core/schedule.hpp"
#include "core/state_archive.hpp"

namespace incubsim {

enum class TieType : std::uint8_t {
  tenancy = 0,        // firm - incubator
  investment = 1,     // fund - firm; carries amount and ownership units
  co_investment = 2,  // fund - fund; weight = deals done together
  licence = 3,        // researcher - firm
  founding = 4,       // researcher - firm (spin-off founder)
  secondment = 5,     // researcher - firm (science vice-president; policy issue)
  collaboration = 6,  // researcher - researcher
  alliance = 7,       // firm - firm
  affiliation = 8,    // incubator - fund
};
inline constexpr int kTieTypeCount = 9;

std::string_view to_string(TieType t);

struct VertexInfo {
  AgentKind kind = AgentKind::none;
  AgentId id = kNoAgent;
  LineageKey key = 0;  // the agent's lineage key (keys the draws about its ties)
};

/// Ties that may end on their own each quarter (the network phase's decay).
inline constexpr bool decays(TieType t) {
  return t == TieType::alliance || t == TieType::collaboration;
}

struct TieInfo {
  TieType type = TieType::tenancy;
  Quarter since = 0;
  double amount = 0.0;           // money invested (investment) or invention value (licence)
  double units = 0.0;            // investment: ownership = units * firm dilution factor
  std::int32_t weight = 1;       // repeated interactions (co-investment deals)
  std::int8_t round = -1;        // investment: first round the fund joined
  std::int32_t decay_slot = -1;  // position in AgentGraph::decaying_ties() (kept by the graph)
};

class AgentGraph {
 public:
  using Graph =
      boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, VertexInfo, TieInfo>;
  using Vertex = std::uint32_t;
  using Edge = Graph::edge_descriptor;

  /// A decaying tie and the key of its decay draw: both endpoints' lineage
  /// keys, order-free.
  struct DecayingTie {
    Edge edge;
    LineageKey pair_key;
    TieType type;
  };

  AgentGraph() = default;
  // Copies rebuild the decaying-tie list's edge handles for the new graph.
  AgentGraph(const AgentGraph& other);
  AgentGraph& operator=(const AgentGraph& other);
  AgentGraph(AgentGraph&& other) noexcept;
  AgentGraph& operator=(AgentGraph&& other) noexcept;
  ~AgentGraph() = default;

  Vertex add_vertex(AgentRef agent, LineageKey key = 0);
  /// Appends n vertices without ties for set_vertex() to describe (bulk
  /// births, filled in parallel); returns the first.
  Vertex add_vertices(std::size_t n);
  /// Describes a vertex from add_vertices; distinct vertices may be set
  /// concurrently.
  void set_vertex(Vertex v, AgentRef agent, LineageKey key) {
    g_[v] = VertexInfo{agent.kind, agent.id, key};
  }
  /// Room for n vertices, so a run that grows to n agents never copies the
  /// vertex array (untouched capacity costs address space, not memory).
  void reserve_vertices(std::size_t n) {
    g_.m_vertices.reserve(n);
    advise_huge_pages(g_.m_vertices);
    tied_.reserve(tied_words(n));
  }
  std::size_t vertex_count() const { return boost::num_vertices(g_); }
  const VertexInfo& vertex(Vertex v) const { return g_[v]; }

  /// Adds a tie; the caller makes sure an existing one is not duplicated.
  Edge add_tie(Vertex a, Vertex b, const TieInfo& info);
  /// The tie of the given type between a and b, if any (scans the ties of
  /// whichever has fewer).
  std::optional<Edge> find_tie(Vertex a, Vertex b, TieType type) const;
  void remove_tie(Edge e);
  /// Removes every tie of v.
  void clear_ties(Vertex v);

  TieInfo& tie(Edge e) { return g_[e]; }
  const TieInfo& tie(Edge e) const { return g_[e]; }

  /// Calls f(neighbour vertex, tie info, edge) for each tie of v, in order.
  template <class F>
  void for_each_tie(Vertex v, F&& f) const {
    auto [it, end] = boost::out_edges(v, g_);
    for (; it != end; ++it) f(static_cast<Vertex>(boost::target(*it, g_)), g_[*it], *it);
  }
  /// As above, only ties of one type.
  template <class F>
  void for_each_tie(Vertex v, TieType type, F&& f) const {
    for_each_tie(v, [&](Vertex n, const TieInfo& t, Edge e) {
      if (t.type == type) f(n, t, e);
    });
  }
  std::size_t degree(Vertex v) const { return boost::out_degree(v, g_); }

  /// Cache hints for loops that walk many vertices' ties in a known order:
  /// each vertex's record and its tie list are separate heap blocks, two
  /// cache misses a vertex otherwise. Hint the record some vertices ahead,
  /// then the ties of a vertex whose record was hinted earlier.
  void prefetch_record(Vertex v) const { __builtin_prefetch(&g_.m_vertices[v]); }
  void prefetch_ties(Vertex v) const { __builtin_prefetch(g_.m_vertices[v].m_out_edges.data()); }

  std::int64_t tie_count(TieType t) const { return counts_[static_cast<std::size_t>(t)]; }
  std::int64_t tie_count() const { return static_cast<std::int64_t>(boost::num_edges(g_)); }

  const Graph& graph() const { return g_; }

  /// Every alliance and collaboration, in no particular order. The decay
  /// draws need only these, and walking them here is sequential, where the
  /// whole edge list is one heap node per tie.
  const std::vector<DecayingTie>& decaying_ties() const { return decaying_; }

  /// The vertices that have at least one tie, ascending, into `out`. Kept
  /// as a bit per vertex as ties come and go, so this reads an eighth of a
  /// byte per vertex rather than each vertex's adjacency record (48 bytes;
  /// 11 million of them at national size, every quarter).
  void tied_vertices(std::vector<Vertex>& out) const;

  /// per_vertex[v] = number of v's ties of decaying type `type`, from the
  /// compact list (a phase that needs every agent's count would otherwise
  /// walk every adjacency list). `type` must decay.
  void count_decaying_ties(TieType type, std::vector<std::int32_t>& per_vertex) const;

  /// Saves or restores the whole graph (checkpoints). Ties are saved in the
  /// graph's edge order and re-added in it, which rebuilds every vertex's
  /// adjacency list in the same order, so a restored run walks ties exactly
  /// as the original would have.
  void archive(StateArchive& ar);

 private:
  void forget_decaying(Edge e);
  void rebind_decaying();
  void mark_tied(Vertex v) { tied_[v / 64] |= std::uint64_t{1} << (v % 64); }
  /// Clears v's bit when its last tie has gone.
  void unmark_if_untied(Vertex v) {
    if (boost::out_degree(v, g_) == 0) tied_[v / 64] &= ~(std::uint64_t{1} << (v % 64));
  }
  /// Sizes the tie bits to the vertices (new ones start clear).
  void size_tied() { tied_.resize(tied_words(boost::num_vertices(g_)), 0); }
  static std::size_t tied_words(std::size_t vertices) { return (vertices + 63) / 64; }

  Graph g_;
  std::vector<DecayingTie> decaying_;
  std::vector<std::uint64_t> tied_;         // bit v: vertex v has a tie
  std::vector<Vertex> cleared_neighbours_;  // clear_ties's buffer
  std::array<std::int64_t, kTieTypeCount> counts_{};
};

/// For a serial loop over n agents' ties in a known order, at step k:
/// hints the record of the vertex 8 steps ahead and the ties of the one 4
/// steps ahead (two cache misses an agent otherwise, one after the other).
template <class VertexOf>
void prefetch_ahead(const AgentGraph& graph, std::size_t n, std::size_t k, VertexOf&& vertex_of) {
  if (k + 8 < n) graph.prefetch_record(vertex_of(k + 8));
  if (k + 4 < n) graph.prefetch_ties(vertex_of(k + 4));
}

}  // namespace incubsim
