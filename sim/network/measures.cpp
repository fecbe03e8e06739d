#include "network/measures.hpp"

#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <boost/graph/connected_components.hpp>

#include "core/parallel.hpp"

namespace incubsim {

double local_clustering(const AgentGraph& graph, AgentGraph::Vertex v, ClusteringScratch& scratch) {
  auto& nbrs = scratch.neighbours;
  nbrs.clear();
  graph.for_each_tie(v, [&](AgentGraph::Vertex n, const TieInfo&, AgentGraph::Edge) {
    if (n != v) nbrs.push_back(n);
  });
  std::sort(nbrs.begin(), nbrs.end());
  nbrs.erase(std::unique(nbrs.begin(), nbrs.end()), nbrs.end());
  const std::size_t k = nbrs.size();
  if (k < 2) return 0.0;
  // Count each linked neighbour pair once (w < x), looking x up by binary
  // search: the cost is the sum of the neighbours' degrees, not k squared.
  // Two agents may share ties of several types, hence the dedup per w.
  std::int64_t links = 0;
  auto& hits = scratch.hits;
  for (const auto w : nbrs) {
    hits.clear();
    graph.for_each_tie(w, [&](AgentGraph::Vertex x, const TieInfo&, AgentGraph::Edge) {
      if (x > w && std::binary_search(nbrs.begin(), nbrs.end(), x)) hits.push_back(x);
    });
    std::sort(hits.begin(), hits.end());
    links += std::unique(hits.begin(), hits.end()) - hits.begin();
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
}  // namespace

NetworkMeasures measure_network(const AgentGraph& graph, const std::vector<std::uint8_t>& active) {
  NetworkMeasures m;
  const std::size_t n = graph.vertex_count();
  tbb::enumerable_thread_specific<ClusteringScratch> scratch;
  const Sums s = deterministic_reduce(
      n, Sums{},
      [&](std::size_t i) {
        Sums r;
        if (!active[i]) return r;
        const auto v = static_cast<AgentGraph::Vertex>(i);
        r.active = 1;
        r.degree = static_cast<std::int64_t>(graph.degree(v));
        if (graph.degree(v) < 2) return r;
        const double c = local_clustering(graph, v, scratch.local());
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

  std::vector<std::uint32_t> component(n);
  boost::connected_components(graph.graph(), component.data());
  std::vector<std::int64_t> size;
  for (std::size_t i = 0; i < n; ++i) {
    if (!active[i]) continue;
    if (component[i] >= size.size()) size.resize(component[i] + 1, 0);
    ++size[component[i]];
  }
  std::int64_t largest = 0;
  for (const auto c : size) {
    if (c > 0) ++m.components;
    largest = std::max(largest, c);
  }
  m.largest_component_share =
      s.active > 0 ? static_cast<double>(largest) / static_cast<double>(s.active) : 0;
  return m;
}

}  // namespace incubsim
