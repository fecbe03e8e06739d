#pragma once
// One typed, evolving graph over all agents. Vertices are never removed
// (their ids must stay stable), so an agent that leaves the ecosystem (a
// dead or exited firm, a retired researcher, a closed fund) keeps its
// vertex with no ties. Ties are added and removed only in the sequential
// commit steps of phases, in agent-id order, so the order of every
// vertex's tie list is the same for any thread count; phases read the
// graph concurrently without writing it.
//
// Storage: each tie is one record in blocks of records, reused through a
// free list (no heap node per tie); each vertex lists its ties as
// (neighbour, record) pairs in the order they were made. The records also
// form a list in the order ties were made, which is the order the edge
// table and checkpoints see.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
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
  using Vertex = std::uint32_t;
  /// A handle on one tie; valid until that tie is removed.
  struct Edge {
    std::uint32_t id = 0;
    friend bool operator==(Edge, Edge) = default;
  };

  /// A decaying tie and the key of its decay draw: both endpoints' lineage
  /// keys, order-free.
  struct DecayingTie {
    Edge edge;
    TieType type = TieType::collaboration;
    LineageKey pair_key = 0;
  };

  Vertex add_vertex(AgentRef agent, LineageKey key = 0);
  /// Appends n vertices without ties for set_vertex() to describe (bulk
  /// births, filled in parallel); returns the first.
  Vertex add_vertices(std::size_t n);
  /// Describes a vertex from add_vertices; distinct vertices may be set
  /// concurrently.
  void set_vertex(Vertex v, AgentRef agent, LineageKey key) {
    info_[v] = VertexInfo{agent.kind, agent.id, key};
  }
  /// Room for n vertices, so a run that grows to n agents never copies the
  /// vertex arrays (untouched capacity costs address space, not memory).
  void reserve_vertices(std::size_t n);
  std::size_t vertex_count() const { return info_.size(); }
  /// The memory n more vertices will first touch, within the reserved
  /// room: populate_pages() on another thread faults it in ahead of the
  /// serial step that adds them.
  std::array<PageSpan, 2> growth_spans(std::size_t n) const {
    return {growth_span(info_, n), growth_span(adjacency_, n)};
  }
  const VertexInfo& vertex(Vertex v) const { return info_[v]; }

  /// Adds a tie; the caller makes sure an existing one is not duplicated.
  Edge add_tie(Vertex a, Vertex b, const TieInfo& info);
  /// A tie for add_ties.
  struct NewTie {
    Vertex a = 0;
    Vertex b = 0;
    TieInfo info;
  };
  /// Adds the ties as add_tie for each in turn would (the same records,
  /// tie lists, order list, decay list and counts). Records are taken
  /// serially, in that order; they are filled, and the lists appended to,
  /// in parallel afterwards.
  void add_ties(std::span<const NewTie> ties);
  /// The tie of the given type between a and b, if any (scans the ties of
  /// whichever has fewer).
  std::optional<Edge> find_tie(Vertex a, Vertex b, TieType type) const;
  void remove_tie(Edge e);
  /// Removes distinct ties, leaving the graph as remove_tie for each in
  /// turn would. They are released serially, in that order; the lists they
  /// leave, a scan each, are edited in parallel afterwards.
  void remove_ties(std::span<const Edge> edges);
  /// Removes every tie of v.
  void clear_ties(Vertex v);
  /// Removes every tie of each vertex in `vs` (distinct), leaving the graph as
  /// clear_ties(v) for each in turn would (the same tie lists, order list,
  /// decay list and records). The ties are released in that order; the
  /// neighbours' lists, a scan each, are edited in parallel afterwards.
  void clear_ties(std::span<const Vertex> vs);

  TieInfo& tie(Edge e) { return record(e.id).info; }
  const TieInfo& tie(Edge e) const { return record(e.id).info; }
  /// The two vertices a tie joins, in the order add_tie was given them.
  std::pair<Vertex, Vertex> endpoints(Edge e) const {
    const TieRecord& r = record(e.id);
    return {r.a, r.b};
  }

  /// Calls f(neighbour vertex, tie info, edge) for each tie of v, in order.
  template <class F>
  void for_each_tie(Vertex v, F&& f) const {
    for (const Incidence& x : adjacency_[v]) f(x.neighbour, record(x.tie).info, Edge{x.tie});
  }
  /// As above, only ties of one type.
  template <class F>
  void for_each_tie(Vertex v, TieType type, F&& f) const {
    for_each_tie(v, [&](Vertex n, const TieInfo& t, Edge e) {
      if (t.type == type) f(n, t, e);
    });
  }
  /// Calls f(a, b, tie info) for every tie, in the order the ties were
  /// made (a and b as add_tie was given them).
  template <class F>
  void for_each_tie_in_order(F&& f) const {
    for (std::uint32_t id = first_; id != kNoTie; id = record(id).next) {
      const TieRecord& r = record(id);
      f(r.a, r.b, r.info);
    }
  }
  std::size_t degree(Vertex v) const { return adjacency_[v].size(); }

  /// Cache hints for loops that walk many vertices' ties in a known order:
  /// each vertex's list header and its ties are separate blocks, two cache
  /// misses a vertex otherwise. Hint the header some vertices ahead, then
  /// the ties of a vertex whose header was hinted earlier.
  void prefetch_record(Vertex v) const { __builtin_prefetch(&adjacency_[v]); }
  void prefetch_ties(Vertex v) const { __builtin_prefetch(adjacency_[v].data()); }

  std::int64_t tie_count(TieType t) const { return counts_[static_cast<std::size_t>(t)]; }
  std::int64_t tie_count() const { return live_ties_; }

  /// Every alliance and collaboration, in no particular order. The decay
  /// draws need only these, and walking them here is sequential.
  const std::vector<DecayingTie>& decaying_ties() const { return decaying_; }

  /// The vertices that have at least one tie, ascending, into `out`. Kept
  /// as a bit per vertex as ties come and go, so this reads an eighth of a
  /// byte per vertex rather than each vertex's tie list header (11 million
  /// of them at national size, every quarter).
  void tied_vertices(std::vector<Vertex>& out) const;

  /// per_vertex[v] = number of v's ties of decaying type `type`, from the
  /// compact list (a phase that needs every agent's count would otherwise
  /// walk every tie list). `type` must decay.
  void count_decaying_ties(TieType type, std::vector<std::int32_t>& per_vertex) const;

  /// Saves or restores the whole graph (checkpoints). Ties are saved in the
  /// order they were made and re-added in it, which rebuilds every vertex's
  /// tie list in the same order, so a restored run walks ties exactly as
  /// the original would have.
  void archive(StateArchive& ar);

 private:
  static constexpr std::uint32_t kNoTie = UINT32_MAX;
  /// Records per block: blocks never move, so a record's address holds
  /// while others are added, and growth copies no records.
  static constexpr unsigned kBlockBits = 12;
  static constexpr std::uint32_t kBlockMask = (std::uint32_t{1} << kBlockBits) - 1;

  struct Incidence {
    Vertex neighbour = 0;
    std::uint32_t tie = 0;  // record id
  };
  struct TieRecord {
    TieInfo info;
    Vertex a = 0;
    Vertex b = 0;
    // In use: neighbours in the order ties were made. Free: both kNoTie.
    std::uint32_t prev = kNoTie;
    std::uint32_t next = kNoTie;
  };

  TieRecord& record(std::uint32_t id) { return blocks_[id >> kBlockBits][id & kBlockMask]; }
  const TieRecord& record(std::uint32_t id) const {
    return blocks_[id >> kBlockBits][id & kBlockMask];
  }
  /// Stores a tie (record, both tie lists, the order list, the tie bits);
  /// counts and decay bookkeeping are the caller's.
  std::uint32_t store_tie(Vertex a, Vertex b, const TieInfo& info);
  /// The record the next stored tie takes: the first free one, or a new one.
  std::uint32_t take_record();
  /// Appends x to a tie list (a first entry reserves room for three).
  static void push_incidence(std::vector<Incidence>& list, Incidence x);
  /// Sorts keys_ and marks where each run of one vertex (the high 32 bits)
  /// starts in runs_.
  void group_keys_by_vertex();
  /// Unlinks record `id` from the order list and frees it.
  void free_record(std::uint32_t id);
  /// Drops the first entry for record `id` from v's tie list.
  void drop_incidence(Vertex v, std::uint32_t id);
  /// Whether record `id` is free (only the oldest live tie has no prev).
  bool is_free(std::uint32_t id) const { return record(id).prev == kNoTie && id != first_; }
  /// Drops the incidences collected in keys_ (vertex << 32 | record) from
  /// their lists.
  void drop_collected_incidences();
  /// Clears v's tie bit when its list is empty; safe alongside other
  /// vertices' (the bits share words).
  void unmark_if_untied_concurrently(Vertex v);
  /// Sets v's tie bit; safe alongside other vertices'.
  void mark_tied_concurrently(Vertex v);
  /// The decay list's entry for tie e between a and b (its draw keyed by
  /// both ends' lineage keys, order-free).
  DecayingTie decaying_tie(Edge e, TieType type, Vertex a, Vertex b) const;
  void forget_decaying(std::uint32_t id);
  void mark_tied(Vertex v) { tied_[v / 64] |= std::uint64_t{1} << (v % 64); }
  /// Clears v's bit when its last tie has gone.
  void unmark_if_untied(Vertex v) {
    if (adjacency_[v].empty()) tied_[v / 64] &= ~(std::uint64_t{1} << (v % 64));
  }
  /// Sizes the tie bits to the vertices (new ones start clear).
  void size_tied() { tied_.resize(tied_words(info_.size()), 0); }
  static std::size_t tied_words(std::size_t vertices) { return (vertices + 63) / 64; }

  std::vector<VertexInfo> info_;
  std::vector<std::vector<Incidence>> adjacency_;  // per vertex, in the order ties were made
  std::vector<std::vector<TieRecord>> blocks_;     // each block 2^kBlockBits records
  std::uint32_t used_records_ = 0;                 // records ever handed out (high-water mark)
  // Freed records, the next to reuse last: a stack rather than a chain
  // through the records, so taking many is not a cache miss each.
  std::vector<std::uint32_t> free_records_;
  std::uint32_t first_ = kNoTie;  // oldest live tie
  std::uint32_t last_ = kNoTie;   // newest live tie
  std::int64_t live_ties_ = 0;
  std::vector<DecayingTie> decaying_;
  std::vector<std::uint64_t> tied_;  // bit v: vertex v has a tie
  // The bulk edits' incidences by vertex: vertex << 32 | record (to drop)
  // or vertex << 32 | 2 * position + side (to add).
  std::vector<std::uint64_t> keys_;
  std::vector<std::size_t> runs_;           // where each vertex's keys start
  std::vector<std::uint32_t> new_records_;  // add_ties: each tie's record
  std::vector<std::int32_t> new_slots_;     // add_ties: each tie's decay slot
  std::array<std::int64_t, kTieTypeCount> counts_{};
};

}  // namespace incubsim
