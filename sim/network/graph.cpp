#include "network/graph.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <stdexcept>
#include <vector>

#include "core/buffers.hpp"
#include "core/parallel.hpp"

namespace incubsim {

void AgentGraph::reserve_vertices(std::size_t n) {
  info_.reserve(n);
  adjacency_.reserve(n);
  advise_huge_pages(info_);
  advise_huge_pages(adjacency_);
  tied_.reserve(tied_words(n));
}

AgentGraph::Vertex AgentGraph::add_vertex(AgentRef agent, LineageKey key) {
  const auto v = static_cast<Vertex>(info_.size());
  info_.push_back(VertexInfo{agent.kind, agent.id, key});
  adjacency_.emplace_back();
  size_tied();
  return v;
}

AgentGraph::Vertex AgentGraph::add_vertices(std::size_t n) {
  const auto first = static_cast<Vertex>(info_.size());
  // The new vertices are first touched here, serially: fault their pages in
  // on all threads first (a national quarter adds megabytes).
  for (const PageSpan& span : growth_spans(n)) populate_pages(span);
  info_.resize(info_.size() + n);
  adjacency_.resize(adjacency_.size() + n);
  size_tied();
  return first;
}

std::uint32_t AgentGraph::take_record() {
  if (!free_records_.empty()) {
    const std::uint32_t id = free_records_.back();
    free_records_.pop_back();
    return id;
  }
  if (used_records_ == kNoTie) throw std::length_error("AgentGraph: more than 2^32 - 1 ties");
  const std::uint32_t id = used_records_++;
  if ((id >> kBlockBits) == blocks_.size()) blocks_.emplace_back(std::size_t{1} << kBlockBits);
  return id;
}

void AgentGraph::push_incidence(std::vector<Incidence>& list, Incidence x) {
  // A first tie makes room for three: malloc's smallest block holds that
  // many anyway, and most agents stop at a few ties, so this spares the
  // reallocations from one to two to four.
  if (list.capacity() == 0) list.reserve(3);
  list.push_back(x);
}

std::uint32_t AgentGraph::store_tie(Vertex a, Vertex b, const TieInfo& info) {
  const std::uint32_t id = take_record();
  TieRecord& r = record(id);
  r.info = info;
  r.a = a;
  r.b = b;
  r.prev = last_;
  r.next = kNoTie;
  (last_ == kNoTie ? first_ : record(last_).next) = id;
  last_ = id;
  push_incidence(adjacency_[a], {b, id});
  push_incidence(adjacency_[b], {a, id});
  mark_tied(a);
  mark_tied(b);
  ++live_ties_;
  return id;
}

void AgentGraph::free_record(std::uint32_t id) {
  TieRecord& r = record(id);
  (r.prev == kNoTie ? first_ : record(r.prev).next) = r.next;
  (r.next == kNoTie ? last_ : record(r.next).prev) = r.prev;
  r.prev = kNoTie;
  r.next = kNoTie;
  free_records_.push_back(id);
  --live_ties_;
}

void AgentGraph::drop_incidence(Vertex v, std::uint32_t id) {
  auto& list = adjacency_[v];
  const auto it =
      std::find_if(list.begin(), list.end(), [id](const Incidence& x) { return x.tie == id; });
  if (it != list.end()) list.erase(it);
}

namespace {

// Below this many ties (or on one thread) a bulk edit is done one tie at a
// time: sorting and handing out tasks would cost more than it saves.
constexpr std::size_t kBulkMinimum = 512;

bool edit_in_bulk(std::size_t n) {
  return n >= kBulkMinimum && tbb::this_task_arena::max_concurrency() > 1;
}

}  // namespace

AgentGraph::DecayingTie AgentGraph::decaying_tie(Edge e, TieType type, Vertex a, Vertex b) const {
  const LineageKey ka = info_[a].key;
  const LineageKey kb = info_[b].key;
  return {e, type, hash_combine(std::min(ka, kb), std::max(ka, kb))};
}

AgentGraph::Edge AgentGraph::add_tie(Vertex a, Vertex b, const TieInfo& info) {
  ++counts_[static_cast<std::size_t>(info.type)];
  const std::uint32_t id = store_tie(a, b, info);
  TieInfo& stored = record(id).info;
  stored.decay_slot = -1;
  if (decays(info.type)) {
    stored.decay_slot = static_cast<std::int32_t>(decaying_.size());
    decaying_.push_back(decaying_tie(Edge{id}, info.type, a, b));
  }
  return Edge{id};
}

void AgentGraph::add_ties(std::span<const NewTie> ties) {
  const std::size_t n = ties.size();
  if (!edit_in_bulk(n)) {
    for (const NewTie& t : ties) add_tie(t.a, t.b, t.info);
    return;
  }
  if (n > (std::size_t{1} << 31) - 1) throw std::length_error("AgentGraph: too many ties at once");
  // Serially, in add_tie order: the records (which decide later reuse), the
  // counts and the decay slots.
  resize_reusing(new_records_, n);
  resize_reusing(new_slots_, n);
  auto decay_slot = static_cast<std::int32_t>(decaying_.size());
  for (std::size_t k = 0; k < n; ++k) {
    new_records_[k] = take_record();
    const TieType type = ties[k].info.type;
    ++counts_[static_cast<std::size_t>(type)];
    new_slots_[k] = decays(type) ? decay_slot++ : -1;
  }
  decaying_.resize(static_cast<std::size_t>(decay_slot));
  const std::uint32_t before = last_;
  (last_ == kNoTie ? first_ : record(last_).next) = new_records_[0];
  last_ = new_records_[n - 1];
  live_ties_ += static_cast<std::int64_t>(n);
  // Each record, its place in the order list and its decay entry.
  resize_reusing(keys_, 2 * n);
  parallel_for_each_index(n, [&](std::size_t k) {
    const NewTie& t = ties[k];
    const std::uint32_t id = new_records_[k];
    TieRecord& r = record(id);
    r.info = t.info;
    r.info.decay_slot = new_slots_[k];
    r.a = t.a;
    r.b = t.b;
    r.prev = k == 0 ? before : new_records_[k - 1];
    r.next = k + 1 == n ? kNoTie : new_records_[k + 1];
    if (new_slots_[k] >= 0)
      decaying_[static_cast<std::size_t>(new_slots_[k])] =
          decaying_tie(Edge{id}, t.info.type, t.a, t.b);
    keys_[2 * k] = std::uint64_t{t.a} << 32 | std::uint64_t{2 * k};
    keys_[2 * k + 1] = std::uint64_t{t.b} << 32 | std::uint64_t{2 * k + 1};
  });
  // Each vertex's new entries in tie order, side a before side b (as
  // store_tie appends them), by one task.
  group_keys_by_vertex();
  parallel_for_each_index(
      runs_.size() - 1,
      [&](std::size_t g) {
        const auto v = static_cast<Vertex>(keys_[runs_[g]] >> 32);
        auto& list = adjacency_[v];
        for (std::size_t i = runs_[g]; i < runs_[g + 1]; ++i) {
          const auto slot = static_cast<std::uint32_t>(keys_[i]);
          const NewTie& t = ties[slot / 2];
          push_incidence(list, {slot % 2 == 0 ? t.b : t.a, new_records_[slot / 2]});
        }
        mark_tied_concurrently(v);
      },
      64);
}

void AgentGraph::remove_ties(std::span<const Edge> edges) {
  if (!edit_in_bulk(edges.size())) {
    for (const Edge e : edges) remove_tie(e);
    return;
  }
  keys_.clear();
  for (std::size_t k = 0; k < edges.size(); ++k) {
    if (k + 8 < edges.size()) __builtin_prefetch(&record(edges[k + 8].id));
    const std::uint32_t id = edges[k].id;
    const TieRecord& r = record(id);
    keys_.push_back(std::uint64_t{r.a} << 32 | std::uint64_t{id});
    keys_.push_back(std::uint64_t{r.b} << 32 | std::uint64_t{id});
    --counts_[static_cast<std::size_t>(r.info.type)];
    forget_decaying(id);
    free_record(id);
  }
  drop_collected_incidences();
}

void AgentGraph::forget_decaying(std::uint32_t id) {
  TieInfo& info = record(id).info;
  const std::int32_t slot = info.decay_slot;
  if (slot < 0) return;
  const DecayingTie last = decaying_.back();
  decaying_[static_cast<std::size_t>(slot)] = last;
  record(last.edge.id).info.decay_slot = slot;
  decaying_.pop_back();
  info.decay_slot = -1;
}

std::optional<AgentGraph::Edge> AgentGraph::find_tie(Vertex a, Vertex b, TieType type) const {
  // A tie is in both ends' lists: scan the shorter (a firm's, rather than
  // its fund's or incubator's).
  const bool from_b = adjacency_[b].size() < adjacency_[a].size();
  const Vertex to = from_b ? a : b;
  for (const Incidence& x : adjacency_[from_b ? b : a])
    if (x.neighbour == to && record(x.tie).info.type == type) return Edge{x.tie};
  return std::nullopt;
}

void AgentGraph::remove_tie(Edge e) {
  const TieRecord& r = record(e.id);
  const Vertex a = r.a;
  const Vertex b = r.b;
  --counts_[static_cast<std::size_t>(r.info.type)];
  forget_decaying(e.id);
  drop_incidence(a, e.id);
  drop_incidence(b, e.id);
  free_record(e.id);
  unmark_if_untied(a);
  unmark_if_untied(b);
}

void AgentGraph::clear_ties(Vertex v) {
  auto& list = adjacency_[v];
  // A tie of v to itself is listed twice in v's list, one entry after the
  // other (both are appended together, and removals keep the order).
  const auto repeat = [&](std::size_t k) { return k > 0 && list[k - 1].tie == list[k].tie; };
  for (std::size_t k = 0; k < list.size(); ++k) {
    if (repeat(k)) continue;
    const Incidence x = list[k];
    --counts_[static_cast<std::size_t>(record(x.tie).info.type)];
    forget_decaying(x.tie);
    if (x.neighbour != v) drop_incidence(x.neighbour, x.tie);  // v's own list goes whole
    free_record(x.tie);
    unmark_if_untied(x.neighbour);
  }
  // Ties are cleared when an agent leaves for good (a firm's exit, a
  // retirement, a fund's closing): hand back its list's storage. Millions
  // of exited firms would otherwise each hold an empty buffer.
  std::vector<Incidence>().swap(list);
  unmark_if_untied(v);
}

void AgentGraph::clear_ties(std::span<const Vertex> vs) {
  // The ties are released serially, in clear_ties(v) order: that order
  // decides the decay list's and the free list's. A tie is met again in
  // the list of its other end when both leave; it is free by then.
  keys_.clear();
  for (std::size_t k = 0; k < vs.size(); ++k) {
    if (k + 8 < vs.size()) prefetch_record(vs[k + 8]);
    if (k + 4 < vs.size()) prefetch_ties(vs[k + 4]);
    if (k + 2 < vs.size())
      for (const Incidence& x : adjacency_[vs[k + 2]]) __builtin_prefetch(&record(x.tie));
    const Vertex v = vs[k];
    for (const Incidence& x : adjacency_[v]) {
      if (is_free(x.tie)) continue;
      --counts_[static_cast<std::size_t>(record(x.tie).info.type)];
      forget_decaying(x.tie);
      free_record(x.tie);
      if (x.neighbour != v)
        keys_.push_back(std::uint64_t{x.neighbour} << 32 | std::uint64_t{x.tie});
    }
  }
  drop_collected_incidences();
  // Hands back the lists' storage, as clear_ties(v) does.
  parallel_for_each_index(
      vs.size(),
      [&](std::size_t k) {
        std::vector<Incidence>().swap(adjacency_[vs[k]]);
        unmark_if_untied_concurrently(vs[k]);
      },
      256);
}

void AgentGraph::group_keys_by_vertex() {
  parallel_sort(keys_);
  runs_.clear();
  for (std::size_t i = 0; i < keys_.size(); ++i)
    if (i == 0 || keys_[i] >> 32 != keys_[i - 1] >> 32) runs_.push_back(i);
  runs_.push_back(keys_.size());
}

void AgentGraph::drop_collected_incidences() {
  // By vertex, then record: each vertex's list is scanned once, by one
  // task. Removing entries keeps the rest in order, so the lists end as the
  // one-at-a-time removals leave them, whatever the order here.
  group_keys_by_vertex();
  parallel_for_each_index(
      runs_.size() - 1,
      [&](std::size_t g) {
        const auto* first = keys_.data() + runs_[g];
        const auto* last = keys_.data() + runs_[g + 1];
        const auto v = static_cast<Vertex>(*first >> 32);
        const auto record_of = [](std::uint64_t d) { return static_cast<std::uint32_t>(d); };
        if (last - first == 1) {
          drop_incidence(v, record_of(*first));
        } else {
          auto& list = adjacency_[v];
          // The run's records ascend: a binary search each.
          const auto dropped = [&](const Incidence& x) {
            const std::uint64_t key = std::uint64_t{v} << 32 | std::uint64_t{x.tie};
            return std::binary_search(first, last, key);
          };
          list.erase(std::remove_if(list.begin(), list.end(), dropped), list.end());
        }
        unmark_if_untied_concurrently(v);
      },
      64);
}

void AgentGraph::mark_tied_concurrently(Vertex v) {
  std::atomic_ref<std::uint64_t>(tied_[v / 64])
      .fetch_or(std::uint64_t{1} << (v % 64), std::memory_order_relaxed);
}

void AgentGraph::unmark_if_untied_concurrently(Vertex v) {
  if (!adjacency_[v].empty()) return;
  std::atomic_ref<std::uint64_t>(tied_[v / 64])
      .fetch_and(~(std::uint64_t{1} << (v % 64)), std::memory_order_relaxed);
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
      const TieRecord& r = record(d.edge.id);
      add(per_vertex[r.a]);
      add(per_vertex[r.b]);
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
    vertices = info_;
    ties.reserve(static_cast<std::size_t>(live_ties_));
    for_each_tie_in_order([&](Vertex a, Vertex b, const TieInfo& info) {
      ties.push_back({a, b, info});
    });
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
  const auto counts = counts_;
  *this = AgentGraph();
  counts_ = counts;
  info_ = std::move(vertices);
  adjacency_.resize(info_.size());
  size_tied();
  decaying_.assign(decay_keys.size(), DecayingTie{});
  std::vector<std::uint8_t> bound(decaying_.size(), 0);
  for (const SavedTie& t : ties) {
    if (t.a >= info_.size() || t.b >= info_.size()) ar.corrupt("ties", "vertex out of range");
    const Edge e{store_tie(t.a, t.b, t.info)};
    const std::int32_t slot = t.info.decay_slot;
    if (slot < 0) continue;
    const auto s = static_cast<std::size_t>(slot);
    if (s >= decaying_.size() || bound[s]) ar.corrupt("ties", "bad decay slot");
    bound[s] = 1;
    decaying_[s] = {e, decay_types[s], decay_keys[s]};
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
