#include "network/graph.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "core/buffers.hpp"
#include "core/parallel.hpp"

namespace incubsim {

AgentGraph::AgentGraph(const AgentGraph& other)
    : g_(other.g_), decaying_(other.decaying_), tied_(other.tied_), counts_(other.counts_) {
  rebind_decaying();
}

AgentGraph& AgentGraph::operator=(const AgentGraph& other) {
  if (this != &other) {
    g_ = other.g_;
    decaying_ = other.decaying_;
    tied_ = other.tied_;
    counts_ = other.counts_;
    rebind_decaying();
  }
  return *this;
}

AgentGraph::AgentGraph(AgentGraph&& other) noexcept
    : g_(std::move(other.g_)),
      decaying_(std::move(other.decaying_)),
      tied_(std::move(other.tied_)),
      counts_(other.counts_) {
  rebind_decaying();
}

AgentGraph& AgentGraph::operator=(AgentGraph&& other) noexcept {
  if (this != &other) {
    g_ = std::move(other.g_);
    decaying_ = std::move(other.decaying_);
    tied_ = std::move(other.tied_);
    counts_ = other.counts_;
    rebind_decaying();
  }
  return *this;
}

void AgentGraph::rebind_decaying() {
  // Each decaying tie's edge property carries its slot; point the slots at
  // this graph's edges (a copied graph has new ones).
  auto [it, end] = boost::edges(g_);
  for (; it != end; ++it) {
    const std::int32_t slot = g_[*it].decay_slot;
    if (slot >= 0) decaying_[static_cast<std::size_t>(slot)].edge = *it;
  }
}

AgentGraph::Vertex AgentGraph::add_vertex(AgentRef agent, LineageKey key) {
  const auto v = static_cast<Vertex>(boost::add_vertex(VertexInfo{agent.kind, agent.id, key}, g_));
  size_tied();
  return v;
}

AgentGraph::Vertex AgentGraph::add_vertices(std::size_t n) {
  const auto first = static_cast<Vertex>(boost::num_vertices(g_));
  auto& vertices = g_.m_vertices;
  // The new vertices are first touched here, serially: fault their pages in
  // on all threads first (a national quarter adds megabytes).
  using Stored = std::remove_reference_t<decltype(vertices)>::value_type;
  if (vertices.size() + n <= vertices.capacity())
    populate_pages(
        reinterpret_cast<const char*>(vertices.data()) + vertices.size() * sizeof(Stored),
        n * sizeof(Stored));
  // With vecS vertices, add_vertex appends a default vertex; so does this.
  vertices.resize(vertices.size() + n);
  size_tied();
  return first;
}

AgentGraph::Edge AgentGraph::add_tie(Vertex a, Vertex b, const TieInfo& info) {
  ++counts_[static_cast<std::size_t>(info.type)];
  const Edge e = boost::add_edge(a, b, info, g_).first;
  mark_tied(a);
  mark_tied(b);
  g_[e].decay_slot = -1;
  if (decays(info.type)) {
    const LineageKey ka = g_[a].key;
    const LineageKey kb = g_[b].key;
    g_[e].decay_slot = static_cast<std::int32_t>(decaying_.size());
    decaying_.push_back({e, hash_combine(std::min(ka, kb), std::max(ka, kb)), info.type});
  }
  return e;
}

void AgentGraph::forget_decaying(Edge e) {
  const std::int32_t slot = g_[e].decay_slot;
  if (slot < 0) return;
  const DecayingTie last = decaying_.back();
  decaying_[static_cast<std::size_t>(slot)] = last;
  g_[last.edge].decay_slot = slot;
  decaying_.pop_back();
  g_[e].decay_slot = -1;
}

std::optional<AgentGraph::Edge> AgentGraph::find_tie(Vertex a, Vertex b, TieType type) const {
  // A tie is in both ends' lists: scan the shorter (a firm's, rather than
  // its fund's or incubator's), and hand the edge back oriented a -> b.
  const bool from_b = boost::out_degree(b, g_) < boost::out_degree(a, g_);
  const Vertex from = from_b ? b : a;
  const Vertex to = from_b ? a : b;
  auto [it, end] = boost::out_edges(from, g_);
  for (; it != end; ++it)
    if (boost::target(*it, g_) == to && g_[*it].type == type) return Edge(a, b, it->get_property());
  return std::nullopt;
}

void AgentGraph::remove_tie(Edge e) {
  --counts_[static_cast<std::size_t>(g_[e].type)];
  forget_decaying(e);
  const auto a = static_cast<Vertex>(boost::source(e, g_));
  const auto b = static_cast<Vertex>(boost::target(e, g_));
  boost::remove_edge(e, g_);
  unmark_if_untied(a);
  unmark_if_untied(b);
}

void AgentGraph::clear_ties(Vertex v) {
  cleared_neighbours_.clear();
  auto [it, end] = boost::out_edges(v, g_);
  for (; it != end; ++it) {
    --counts_[static_cast<std::size_t>(g_[*it].type)];
    forget_decaying(*it);
    cleared_neighbours_.push_back(static_cast<Vertex>(boost::target(*it, g_)));
  }
  boost::clear_vertex(v, g_);
  unmark_if_untied(v);
  for (const Vertex x : cleared_neighbours_) unmark_if_untied(x);
  // Ties are cleared when an agent leaves for good (a firm's exit, a
  // retirement, a fund's closing): hand back its list's storage, which
  // clear_vertex keeps. Millions of exited firms would otherwise each hold
  // an empty buffer.
  g_.out_edge_list(v).shrink_to_fit();
}

void AgentGraph::tied_vertices(std::vector<Vertex>& out) const {
  out.clear();
  for (std::size_t w = 0; w < tied_.size(); ++w) {
    for (std::uint64_t bits = tied_[w]; bits != 0; bits &= bits - 1)
      out.push_back(static_cast<Vertex>(w * 64 + static_cast<std::size_t>(std::countr_zero(bits))));
  }
}

void AgentGraph::count_decaying_ties(TieType type, std::vector<std::int32_t>& per_vertex) const {
  if (!decays(type)) throw std::logic_error("count_decaying_ties: ties of this type do not decay");
  // Both loops are parallel: this runs between parallel loops of research
  // and operations, where a serial pass would leave the other threads idle.
  // The counts are integer sums, the same in any order.
  const std::size_t n = vertex_count();
  resize_reusing(per_vertex, n);
  parallel_fill(per_vertex, std::int32_t{0});
  const auto count = [&](auto add) {
    return [&, add](std::size_t i) {
      const auto& d = decaying_[i];
      if (d.type != type) return;
      add(per_vertex[boost::source(d.edge, g_)]);
      add(per_vertex[boost::target(d.edge, g_)]);
    };
  };
  // Alone, plain increments: an atomic one costs several times as much.
  if (tbb::this_task_arena::max_concurrency() == 1) {
    const auto each = count([](std::int32_t& c) { ++c; });
    for (std::size_t i = 0; i < decaying_.size(); ++i) each(i);
    return;
  }
  parallel_for_each_index(decaying_.size(), count([](std::int32_t& c) {
                            std::atomic_ref<std::int32_t>(c).fetch_add(1,
                                                                       std::memory_order_relaxed);
                          }));
}

namespace {

struct SavedTie {
  AgentGraph::Vertex a = 0;
  AgentGraph::Vertex b = 0;
  TieInfo info;
};

}  // namespace

void AgentGraph::archive(StateArchive& ar) {
  const StateArchive::Scope scope(ar, "graph");
  std::vector<VertexInfo> vertices;
  std::vector<SavedTie> ties;
  std::vector<LineageKey> decay_keys;
  std::vector<TieType> decay_types;
  if (!ar.loading()) {
    vertices.reserve(vertex_count());
    for (std::size_t v = 0; v < vertex_count(); ++v) vertices.push_back(g_[v]);
    ties.reserve(boost::num_edges(g_));
    auto [it, end] = boost::edges(g_);
    for (; it != end; ++it) {
      ties.push_back({static_cast<Vertex>(boost::source(*it, g_)),
                      static_cast<Vertex>(boost::target(*it, g_)), g_[*it]});
    }
    for (const auto& d : decaying_) {
      decay_keys.push_back(d.pair_key);
      decay_types.push_back(d.type);
    }
  }
  ar.field("vertices", vertices);
  ar.field("ties", ties);
  ar.field("decay_keys", decay_keys);
  ar.field("decay_types", decay_types);
  ar.field("counts", counts_);
  if (!ar.loading()) return;

  if (decay_keys.size() != decay_types.size()) ar.corrupt("decay_keys", "length differs");
  g_ = Graph();
  g_.m_vertices.reserve(vertices.size());
  for (const VertexInfo& v : vertices) boost::add_vertex(v, g_);
  tied_.clear();
  size_tied();
  decaying_.assign(decay_keys.size(), DecayingTie{});
  std::vector<std::uint8_t> bound(decaying_.size(), 0);
  for (const SavedTie& t : ties) {
    if (t.a >= vertices.size() || t.b >= vertices.size()) ar.corrupt("ties", "vertex out of range");
    const Edge e = boost::add_edge(t.a, t.b, t.info, g_).first;
    mark_tied(t.a);
    mark_tied(t.b);
    const std::int32_t slot = t.info.decay_slot;
    if (slot < 0) continue;
    const auto s = static_cast<std::size_t>(slot);
    if (s >= decaying_.size() || bound[s]) ar.corrupt("ties", "bad decay slot");
    bound[s] = 1;
    decaying_[s] = {e, decay_keys[s], decay_types[s]};
  }
  for (const std::uint8_t b : bound)
    if (!b) ar.corrupt("decay_keys", "a decaying tie has no edge");
}

std::string_view to_string(TieType t) {
  switch (t) {
    case TieType::tenancy: return "tenancy";
    case TieType::investment: return "investment";
    case TieType::co_investment: return "co_investment";
    case TieType::licence: return "licence";
    case TieType::founding: return "founding";
    case TieType::secondment: return "secondment";
    case TieType::collaboration: return "collaboration";
    case TieType::alliance: return "alliance";
    case TieType::affiliation: return "affiliation";
  }
  return "unknown";
}

}  // namespace incubsim
