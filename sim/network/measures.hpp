#pragma once
// Whole-network measures over the agents that are still active.
#include <cstdint>
#include <vector>

#include "network/graph.hpp"

namespace incubsim {

struct NetworkMeasures {
  std::int64_t active_vertices = 0;
  double mean_degree = 0.0;              // ties per active agent
  std::int64_t components = 0;           // connected components among active agents
  double largest_component_share = 0.0;  // share of active agents in the largest one
  double clustering = 0.0;               // mean local clustering (agents with degree >= 2)
  double brokerage_incubators = 0.0;     // mean share of open neighbour pairs, incubators
  double brokerage_funds = 0.0;          // the same for funds
};

/// A read-only snapshot of who is tied to whom, in compressed sparse rows:
/// each vertex's distinct neighbours (itself excluded), sorted. The measures
/// read every neighbourhood many times; the adjacency list, built for cheap
/// inserts and removals, is slow to walk (one heap node per tie), so it is
/// walked once per measurement to build this.
struct NeighbourIndex {
  std::vector<std::size_t> offset;  // vertex v's neighbours: [offset[v], offset[v+1])
  std::vector<AgentGraph::Vertex> neighbour;

  std::size_t size() const { return offset.empty() ? 0 : offset.size() - 1; }
  const AgentGraph::Vertex* begin(AgentGraph::Vertex v) const { return &neighbour[offset[v]]; }
  const AgentGraph::Vertex* end(AgentGraph::Vertex v) const { return &neighbour[offset[v + 1]]; }
  std::size_t count(AgentGraph::Vertex v) const { return offset[v + 1] - offset[v]; }
};

/// Builds the index (rows filled in parallel; the result does not depend
/// on the thread count). Reuses `index`'s storage.
void build_neighbour_index(const AgentGraph& graph, NeighbourIndex& index);
NeighbourIndex build_neighbour_index(const AgentGraph& graph);

/// Buffers kept between measurements, so a quarter's measurement does not
/// allocate (and page-fault in) hundreds of megabytes afresh at national size.
struct MeasureScratch {
  NeighbourIndex index;
  std::vector<std::uint32_t> parent;
  std::vector<std::int64_t> component_size;
};

/// `active[v]` marks vertices of agents still in the system. Deterministic
/// for any thread count (fixed reduction tree).
NetworkMeasures measure_network(const AgentGraph& graph, const std::vector<std::uint8_t>& active,
                                MeasureScratch& scratch);
NetworkMeasures measure_network(const AgentGraph& graph, const std::vector<std::uint8_t>& active);

/// Local clustering of one vertex: the share of pairs of distinct neighbours
/// that are tied to each other (0 when fewer than two neighbours).
double local_clustering(const NeighbourIndex& index, AgentGraph::Vertex v);

}  // namespace incubsim
