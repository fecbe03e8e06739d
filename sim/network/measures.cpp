#include "network/measures.hpp"

#include <algorithm>
#include <numeric>

#include "core/parallel.hpp"

namespace incubsim {

void build_neighbour_index(const AgentGraph& graph, NeighbourIndex& index) {
  const std::size_t n = graph.vertex_count();
  // Pass 1 (parallel): each row's length, its distinct neighbours; pass 2:
  // offsets by a scan; pass 3 (parallel): each row fills its own slice.
  auto& offset = index.offset;
  offset.resize(n + 1);  // every entry is written below: no need to clear 8n bytes first
  offset[0] = 0;
  parallel_for_each_index(n, [&](std::size_t v) {
    const auto vertex = static_cast<AgentGraph::Vertex>(v);
    offset[v + 1] = graph.degree(vertex);
  });
  for (std::size_t v = 0; v < n; ++v) offset[v + 1] += offset[v];
  index.neighbour.resize(offset[n]);
  std::vector<std::uint32_t> unique_count(n);
  parallel_for_each_index(n, [&](std::size_t v) {
    const auto vertex = static_cast<AgentGraph::Vertex>(v);
    auto* row = index.neighbour.data() + offset[v];
    std::size_t used = 0;
    graph.for_each_tie(vertex, [&](AgentGraph::Vertex x, const TieInfo&, AgentGraph::Edge) {
      if (x != vertex) row[used++] = x;
    });
    // Two agents may share ties of several types: keep each neighbour once.
    std::sort(row, row + used);
    unique_count[v] = static_cast<std::uint32_t>(std::unique(row, row + used) - row);
  });
  // Compact the rows in place, front to back (a row only moves down).
  std::size_t used = 0;
  for (std::size_t v = 0; v < n; ++v) {
    const std::size_t start = offset[v];
    std::copy(index.neighbour.begin() + static_cast<std::ptrdiff_t>(start),
              index.neighbour.begin() + static_cast<std::ptrdiff_t>(start + unique_count[v]),
              index.neighbour.begin() + static_cast<std::ptrdiff_t>(used));
    offset[v] = used;
    used += unique_count[v];
  }
  offset[n] = used;
  index.neighbour.resize(used);
}

NeighbourIndex build_neighbour_index(const AgentGraph& graph) {
  NeighbourIndex index;
  build_neighbour_index(graph, index);
  return index;
}

double local_clustering(const NeighbourIndex& index, AgentGraph::Vertex v) {
  const std::size_t k = index.count(v);
  if (k < 2) return 0.0;
  // Each linked pair (w < x) of v's neighbours once: for every neighbour w,
  // merge w's neighbours above w with v's neighbours above w. The cost is
  // the sum of the neighbours' degrees, not k squared.
  const auto* nv_begin = index.begin(v);
  const auto* nv_end = index.end(v);
  std::int64_t links = 0;
  for (const auto* w = nv_begin; w != nv_end; ++w) {
    const auto* a = std::upper_bound(index.begin(*w), index.end(*w), *w);
    const auto* a_end = index.end(*w);
    const auto* b = w + 1;
    while (a != a_end && b != nv_end) {
      if (*a < *b) {
        ++a;
      } else if (*b < *a) {
        ++b;
      } else {
        ++links;
        ++a;
        ++b;
      }
    }
  }
  return static_cast<double>(links) / (static_cast<double>(k) * static_cast<double>(k - 1) / 2.0);
}

namespace {

struct Sums {
  double clustering = 0;
  std::int64_t clustered = 0;
  double brokerage_inc = 0;
  std::int64_t n_inc = 0;
  double brokerage_fund = 0;
  std::int64_t n_fund = 0;
  std::int64_t degree = 0;
  std::int64_t active = 0;
};
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

/// Component sizes among active vertices; paths may run through inactive
/// agents' remaining ties, as in the whole graph.
void active_component_sizes(const NeighbourIndex& index, const std::vector<std::uint8_t>& active,
                            std::vector<std::uint32_t>& parent, std::vector<std::int64_t>& size) {
  const std::size_t n = index.size();
  parent.resize(n);
  std::iota(parent.begin(), parent.end(), 0u);
  for (std::size_t v = 0; v < n; ++v) {
    const auto vertex = static_cast<AgentGraph::Vertex>(v);
    for (const auto* x = index.begin(vertex); x != index.end(vertex); ++x) {
      if (*x < vertex) continue;  // each tie once
      const auto a = root(parent, vertex);
      const auto b = root(parent, *x);
      if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
  }
  size.assign(n, 0);
  for (std::size_t v = 0; v < n; ++v)
    if (active[v]) ++size[root(parent, static_cast<std::uint32_t>(v))];
}

}  // namespace

NetworkMeasures measure_network(const AgentGraph& graph, const std::vector<std::uint8_t>& active) {
  MeasureScratch scratch;
  return measure_network(graph, active, scratch);
}

NetworkMeasures measure_network(const AgentGraph& graph, const std::vector<std::uint8_t>& active,
                                MeasureScratch& scratch) {
  NetworkMeasures m;
  const std::size_t n = graph.vertex_count();
  build_neighbour_index(graph, scratch.index);
  const NeighbourIndex& index = scratch.index;
  const Sums s = deterministic_reduce(
      n, Sums{},
      [&](std::size_t i) {
        Sums r;
        if (!active[i]) return r;
        const auto v = static_cast<AgentGraph::Vertex>(i);
        r.active = 1;
        r.degree = static_cast<std::int64_t>(graph.degree(v));
        if (graph.degree(v) < 2) return r;
        const double c = local_clustering(index, v);
        r.clustering = c;
        r.clustered = 1;
        const AgentKind kind = graph.vertex(v).kind;
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
  m.active_vertices = s.active;
  m.mean_degree = s.active > 0 ? static_cast<double>(s.degree) / static_cast<double>(s.active) : 0;
  m.clustering = s.clustered > 0 ? s.clustering / static_cast<double>(s.clustered) : 0;
  m.brokerage_incubators = s.n_inc > 0 ? s.brokerage_inc / static_cast<double>(s.n_inc) : 0;
  m.brokerage_funds = s.n_fund > 0 ? s.brokerage_fund / static_cast<double>(s.n_fund) : 0;

  std::int64_t largest = 0;
  active_component_sizes(index, active, scratch.parent, scratch.component_size);
  for (const auto c : scratch.component_size) {
    if (c > 0) ++m.components;
    largest = std::max(largest, c);
  }
  m.largest_component_share =
      s.active > 0 ? static_cast<double>(largest) / static_cast<double>(s.active) : 0;
  return m;
}

}  // namespace incubsim
