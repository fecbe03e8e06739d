#include "network/measures.hpp"

#include <algorithm>
#include <atomic>
#include <numeric>

#include "core/buffers.hpp"
#include "core/parallel.hpp"

namespace incubsim {

namespace {
/// How many rows ahead the index build hints the next vertices' ties.
constexpr std::size_t kAhead = 8;
}  // namespace

void build_neighbour_index(const AgentGraph& graph, NeighbourIndex& index,
                           std::vector<std::uint32_t>& unique_count) {
  std::vector<std::uint32_t> raw;
  build_neighbour_index(graph, index, unique_count, raw);
}

namespace {

/// Graphs up to this many tie entries are indexed by transposing: at the
/// Ouhai size the hubs' rows (an incubator's hundreds of tenants) made
/// sorting most of the build, while scattered writes stay in cache.
constexpr std::size_t kTransposeMaxEntries = std::size_t{1} << 18;

/// Each row's distinct neighbours, ascending, into raw[offset[r] ..
/// offset[r] + used[r]) (two agents may share ties of several types): by
/// sorting each row's own ties.
void sort_rows(const AgentGraph& graph, const NeighbourIndex& index,
               const std::vector<std::size_t>& offset, std::vector<std::uint32_t>& used,
               std::vector<std::uint32_t>& raw) {
  using Vertex = AgentGraph::Vertex;
  const std::size_t rows = index.rows();
  parallel_for_each_index(rows, [&](std::size_t r) {
    if (r + 2 * kAhead < rows) graph.prefetch_record(index.vertex[r + 2 * kAhead]);
    if (r + kAhead < rows) graph.prefetch_ties(index.vertex[r + kAhead]);
    const Vertex vertex = index.vertex[r];
    auto* row = raw.data() + offset[r];
    std::size_t n = 0;
    graph.for_each_tie(vertex, [&](Vertex x, const TieInfo&, AgentGraph::Edge) {
      if (x != vertex) row[n++] = index.row_of[x];
    });
    std::sort(row, row + n);
    used[r] = static_cast<std::uint32_t>(std::unique(row, row + n) - row);
  });
}

/// The same, by transposing: row r, visited in increasing order, is
/// appended to the row of each of its neighbours, whose entries therefore
/// ascend (a tie to x is in both lists, so each row gets all its own).
void transpose_rows(const AgentGraph& graph, const NeighbourIndex& index,
                    const std::vector<std::size_t>& offset, std::vector<std::uint32_t>& used,
                    std::vector<std::uint32_t>& raw) {
  using Vertex = AgentGraph::Vertex;
  const std::size_t rows = index.rows();
  std::fill(used.begin(), used.end(), 0u);
  for (std::size_t r = 0; r < rows; ++r) {
    const Vertex vertex = index.vertex[r];
    graph.for_each_tie(vertex, [&](Vertex x, const TieInfo&, AgentGraph::Edge) {
      if (x == vertex) return;
      const std::uint32_t to = index.row_of[x];
      raw[offset[to] + used[to]++] = static_cast<std::uint32_t>(r);
    });
  }
  for (std::size_t r = 0; r < rows; ++r) {
    auto* row = raw.data() + offset[r];
    used[r] = static_cast<std::uint32_t>(std::unique(row, row + used[r]) - row);
  }
}

}  // namespace

void build_neighbour_index(const AgentGraph& graph, NeighbourIndex& index,
                           std::vector<std::uint32_t>& unique_count,
                           std::vector<std::uint32_t>& raw, IndexBuild method) {
  const std::size_t n = graph.vertex_count();
  // Rows: the vertices with ties, numbered in vertex order.
  graph.tied_vertices(index.vertex);
  const std::size_t rows = index.vertex.size();
  index.row_of.resize(n);
  parallel_for_each_index(n, [&](std::size_t v) { index.row_of[v] = NeighbourIndex::kNoRow; });
  parallel_for_each_index(
      rows, [&](std::size_t r) { index.row_of[index.vertex[r]] = static_cast<std::uint32_t>(r); });

  // Each row's ties fill a slice of `raw` sized by its degree (offsets by a
  // scan); each row ends sorted, each neighbour once.
  auto& offset = index.offset;
  offset.resize(rows + 1);
  offset[0] = 0;
  parallel_for_each_index(rows, [&](std::size_t r) {
    if (r + 2 * kAhead < rows) graph.prefetch_record(index.vertex[r + 2 * kAhead]);
    offset[r + 1] = graph.degree(index.vertex[r]);
  });
  for (std::size_t r = 0; r < rows; ++r) offset[r + 1] += offset[r];
  raw.resize(offset[rows]);
  unique_count.resize(rows);
  if (method == IndexBuild::automatic)
    method = offset[rows] <= kTransposeMaxEntries ? IndexBuild::transpose : IndexBuild::sort_rows;
  if (method == IndexBuild::transpose)
    transpose_rows(graph, index, offset, unique_count, raw);
  else
    sort_rows(graph, index, offset, unique_count, raw);
  // The distinct neighbours, packed: a serial scan of the counts, then
  // each row copies its own slice (the raw offsets are overwritten last).
  std::size_t packed = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t start = offset[r];
    offset[r] = packed;
    packed += unique_count[r];
    unique_count[r] = static_cast<std::uint32_t>(start);  // now: where the raw row starts
  }
  offset[rows] = packed;
  index.neighbour.resize(packed);
  parallel_for_each_index(rows, [&](std::size_t r) {
    const std::uint32_t* from = raw.data() + unique_count[r];
    std::copy(from, from + (offset[r + 1] - offset[r]), index.neighbour.data() + offset[r]);
  });
}

NeighbourIndex build_neighbour_index(const AgentGraph& graph) {
  NeighbourIndex index;
  std::vector<std::uint32_t> unique_count;
  build_neighbour_index(graph, index, unique_count);
  return index;
}

double local_clustering(const NeighbourIndex& index, AgentGraph::Vertex v) {
  const std::uint32_t row = v < index.row_of.size() ? index.row_of[v] : NeighbourIndex::kNoRow;
  return row == NeighbourIndex::kNoRow ? 0.0 : row_clustering(index, row);
}

namespace {

/// Calls f(x) for each x in both sorted ranges.
template <class F>
void for_each_common(const std::uint32_t* a, const std::uint32_t* a_end, const std::uint32_t* b,
                     const std::uint32_t* b_end, F&& f) {
  while (a != a_end && b != b_end) {
    if (*a < *b) {
      ++a;
    } else if (*b < *a) {
      ++b;
    } else {
      f(*a);
      ++a;
      ++b;
    }
  }
}

/// Local clustering from the linked pairs among k distinct neighbours.
double clustering(std::uint64_t links, std::size_t k) {
  if (k < 2) return 0.0;
  return static_cast<double>(links) / (static_cast<double>(k) * static_cast<double>(k - 1) / 2.0);
}

}  // namespace

double row_clustering(const NeighbourIndex& index, std::uint32_t v) {
  const std::size_t k = index.count(v);
  if (k < 2) return 0.0;
  // Each linked pair (w < x) of v's neighbours once: for every neighbour w,
  // merge w's neighbours above w with v's neighbours above w. The cost is
  // the sum of the neighbours' degrees, not k squared. Rows are numbered in
  // vertex order, so this counts the same pairs as on vertex ids.
  const auto* nv_begin = index.begin(v);
  const auto* nv_end = index.end(v);
  std::uint64_t links = 0;
  for (const auto* w = nv_begin; w != nv_end; ++w) {
    const auto* a = std::upper_bound(index.begin(*w), index.end(*w), *w);
    const auto* a_end = index.end(*w);
    for_each_common(a, a_end, w + 1, nv_end, [&](std::uint32_t) { ++links; });
  }
  return clustering(links, k);
}

namespace {

/// Orients each tie towards the higher-ranked end (rank: distinct
/// neighbours, then row): row r's forward list, sorted by row, sits at the
/// start of the slice its neighbours have in the index.
void orient_ties(const NeighbourIndex& index, MeasureScratch& scratch) {
  const std::size_t rows = index.rows();
  auto& forward = scratch.forward;
  auto& forward_end = scratch.forward_end;
  forward.resize(index.neighbour.size());
  forward_end.resize(rows);
  parallel_for_each_index(rows, [&](std::size_t r) {
    const auto row = static_cast<std::uint32_t>(r);
    const std::size_t k_row = index.count(row);
    std::size_t k = index.offset[r];
    for (const auto* w = index.begin(row); w != index.end(row); ++w) {
      const std::size_t k_w = index.count(*w);
      forward[k] = *w;
      k += k_w > k_row || (k_w == k_row && *w > row);
    }
    forward_end[r] = k;
  });
}

/// count_triangles over the forward lists orient_ties made.
void count_oriented_triangles(const NeighbourIndex& index, MeasureScratch& scratch) {
  const std::size_t rows = index.rows();
  const auto& forward = scratch.forward;
  const auto& forward_end = scratch.forward_end;
  const auto& offset = index.offset;
  auto& triangles = scratch.triangles;
  assign_reusing(triangles, rows, std::uint64_t{0});
  // Each triangle (u, v, w) is found once, at u; the counts of v and w are
  // shared with other tasks, hence atomic (integer sums: order-free).
  parallel_for_each_index(rows, [&](std::size_t u) {
    const std::uint32_t* u_begin = forward.data() + offset[u];
    const std::uint32_t* u_end = forward.data() + forward_end[u];
    std::uint64_t at_u = 0;
    for (const auto* v = u_begin; v != u_end; ++v) {
      // v's list is a random row: hint the next ones' ends, then lists.
      if (v + 4 < u_end) __builtin_prefetch(&forward_end[v[4]]);
      if (v + 2 < u_end) __builtin_prefetch(forward.data() + offset[v[2]]);
      const std::uint32_t* a = forward.data() + offset[*v];
      const std::uint32_t* a_end = forward.data() + forward_end[*v];
      std::uint64_t at_v = 0;
      for_each_common(a, a_end, u_begin, u_end, [&](std::uint32_t w) {
        ++at_v;
        std::atomic_ref<std::uint64_t>(triangles[w]).fetch_add(1, std::memory_order_relaxed);
      });
      if (at_v > 0)
        std::atomic_ref<std::uint64_t>(triangles[*v]).fetch_add(at_v, std::memory_order_relaxed);
      at_u += at_v;
    }
    if (at_u > 0)
      std::atomic_ref<std::uint64_t>(triangles[u]).fetch_add(at_u, std::memory_order_relaxed);
  });
}

}  // namespace

void count_triangles(const NeighbourIndex& index, MeasureScratch& scratch) {
  orient_ties(index, scratch);
  count_oriented_triangles(index, scratch);
}

namespace {

using Sums = MeasureSums;
Sums add(const Sums& a, const Sums& b) {
  return {a.clustering + b.clustering,
          a.clustered + b.clustered,
          a.brokerage_inc + b.brokerage_inc,
          a.n_inc + b.n_inc,
          a.brokerage_fund + b.brokerage_fund,
          a.n_fund + b.n_fund,
          a.degree + b.degree,
          a.active + b.active};
}

/// Union-find root with path halving.
std::uint32_t root(std::vector<std::uint32_t>& parent, std::uint32_t v) {
  while (parent[v] != v) {
    parent[v] = parent[parent[v]];
    v = parent[v];
  }
  return v;
}

/// Component sizes among active vertices, per root row; paths may run
/// through inactive agents' remaining ties, as in the whole graph. Active
/// vertices without ties have no row: each is a component of its own.
void active_component_sizes(const NeighbourIndex& index, const MeasureScratch& oriented,
                            const std::vector<std::uint8_t>& active,
                            std::vector<std::uint32_t>& parent, std::vector<std::int64_t>& size) {
  const std::size_t rows = index.rows();
  parent.resize(rows);
  std::iota(parent.begin(), parent.end(), 0u);
  // Each tie once, from its lower-ranked end's forward list.
  const std::uint32_t* forward = oriented.forward.data();
  for (std::size_t r = 0; r < rows; ++r) {
    const auto row = static_cast<std::uint32_t>(r);
    const std::uint32_t* end = forward + oriented.forward_end[r];
    for (const auto* x = forward + index.offset[r]; x != end; ++x) {
      const auto a = root(parent, row);
      const auto b = root(parent, *x);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  }
  assign_reusing(size, rows, std::int64_t{0});
  for (std::size_t r = 0; r < rows; ++r)
    if (active[index.vertex[r]]) ++size[root(parent, static_cast<std::uint32_t>(r))];
}

/// The leaves [lo, hi) of the tree deterministic_reduce(n, ..., grain)
/// reduces over (ranges halved while longer than the grain), left to right.
void reduction_leaves(std::size_t lo, std::size_t hi, std::size_t grain,
                      std::vector<std::pair<std::size_t, std::size_t>>& leaves) {
  if (hi - lo > grain) {
    const std::size_t mid = lo + (hi - lo) / 2;
    reduction_leaves(lo, mid, grain, leaves);
    reduction_leaves(mid, hi, grain, leaves);
  } else {
    leaves.emplace_back(lo, hi);
  }
}

/// Combines leaf results as that tree does.
Sums combine_leaves(std::size_t lo, std::size_t hi, std::size_t grain,
                    const std::vector<Sums>& leaf, std::size_t& next) {
  if (hi - lo <= grain) return leaf[next++];
  const std::size_t mid = lo + (hi - lo) / 2;
  const Sums left = combine_leaves(lo, mid, grain, leaf, next);
  return add(left, combine_leaves(mid, hi, grain, leaf, next));
}

}  // namespace

NetworkMeasures measure_network(const AgentGraph& graph, const std::vector<std::uint8_t>& active) {
  MeasureScratch scratch;
  return measure_network(graph, active, scratch);
}

NetworkMeasures measure_network(const AgentGraph& graph, const std::vector<std::uint8_t>& active,
                                MeasureScratch& scratch) {
  prepare_measurement(graph, scratch);
  return finish_measurement(active, scratch);
}

void prepare_measurement(const AgentGraph& graph, MeasureScratch& scratch) {
  build_neighbour_index(graph, scratch.index, scratch.unique_count, scratch.raw_neighbour);
  const NeighbourIndex& index = scratch.index;
  scratch.vertex_count = graph.vertex_count();
  // What the sums read of the graph besides the index, so that finishing
  // reads the scratch only.
  scratch.row_degree.resize(index.rows());
  scratch.row_kind.resize(index.rows());
  parallel_for_each_index(index.rows(), [&](std::size_t r) {
    const AgentGraph::Vertex v = index.vertex[r];
    scratch.row_degree[r] = static_cast<std::uint32_t>(graph.degree(v));
    scratch.row_kind[r] = graph.vertex(v).kind;
  });
}

NetworkMeasures finish_measurement(const std::vector<std::uint8_t>& active,
                                   MeasureScratch& scratch) {
  NetworkMeasures m;
  const std::size_t n = scratch.vertex_count;
  const NeighbourIndex& index = scratch.index;
  // The components (a serial union-find) need only the oriented ties: one
  // thread finds them while the others count triangles.
  orient_ties(index, scratch);
  run_together(
      [&] {
        active_component_sizes(index, scratch, active, scratch.parent, scratch.component_size);
      },
      [&] { count_oriented_triangles(index, scratch); });
  // Sums over active vertices in vertex order. Only vertices with ties
  // (rows) add anything but counts, so each leaf of the reduction tree walks
  // its rows only; adding nothing (+0.0) leaves a double sum unchanged, so
  // the sums are those of the same tree over every vertex, bit for bit.
  constexpr std::size_t kGrain = 1024;
  // The leaves and their sums live in the scratch: a fresh block each
  // quarter was a large request, and glibc consolidates its whole free list
  // of small blocks (the removed ties' nodes) on each.
  auto& leaves = scratch.leaves;
  leaves.clear();
  reduction_leaves(0, n, kGrain, leaves);
  auto& leaf = scratch.leaf_sums;
  leaf.resize(leaves.size());
  parallel_for_each_index(
      leaves.size(),
      [&](std::size_t l) {
        Sums acc;
        auto row = static_cast<std::uint32_t>(
            std::lower_bound(index.vertex.begin(), index.vertex.end(), leaves[l].first) -
            index.vertex.begin());
        for (; row < index.rows() && index.vertex[row] < leaves[l].second; ++row) {
          const AgentGraph::Vertex v = index.vertex[row];
          if (!active[v]) continue;
          Sums r;
          r.degree = scratch.row_degree[row];
          if (r.degree >= 2) {
            // row_clustering, from the triangle counts.
            const double c = clustering(scratch.triangles[row], index.count(row));
            r.clustering = c;
            r.clustered = 1;
            const AgentKind kind = scratch.row_kind[row];
            if (kind == AgentKind::incubator) {
              r.brokerage_inc = 1.0 - c;
              r.n_inc = 1;
            } else if (kind == AgentKind::fund) {
              r.brokerage_fund = 1.0 - c;
              r.n_fund = 1;
            }
          }
          acc = add(acc, r);
        }
        leaf[l] = acc;
      },
      16);
  std::size_t next = 0;
  Sums s = n > 0 ? combine_leaves(0, n, kGrain, leaf, next) : Sums{};
  s.active = std::count(active.begin(), active.begin() + static_cast<std::ptrdiff_t>(n), 1);
  m.active_vertices = s.active;
  m.mean_degree = s.active > 0 ? static_cast<double>(s.degree) / static_cast<double>(s.active) : 0;
  m.clustering = s.clustered > 0 ? s.clustering / static_cast<double>(s.clustered) : 0;
  m.brokerage_incubators = s.n_inc > 0 ? s.brokerage_inc / static_cast<double>(s.n_inc) : 0;
  m.brokerage_funds = s.n_fund > 0 ? s.brokerage_fund / static_cast<double>(s.n_fund) : 0;

  std::int64_t active_rows = 0;
  for (const auto c : scratch.component_size) active_rows += c;
  const std::int64_t isolated = s.active - active_rows;  // active vertices without ties
  m.components = isolated;
  std::int64_t largest = isolated > 0 ? 1 : 0;
  for (const auto c : scratch.component_size) {
    if (c > 0) ++m.components;
    largest = std::max(largest, c);
  }
  m.largest_component_share =
      s.active > 0 ? static_cast<double>(largest) / static_cast<double>(s.active) : 0;
  return m;
}

}  // namespace incubsim
