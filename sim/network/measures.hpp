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

/// `active[v]` marks vertices of agents still in the system. Deterministic
/// for any thread count (fixed reduction tree).
NetworkMeasures measure_network(const AgentGraph& graph, const std::vector<std::uint8_t>& active);

/// Reusable buffers for local_clustering (one per thread).
struct ClusteringScratch {
  std::vector<AgentGraph::Vertex> neighbours;
  std::vector<AgentGraph::Vertex> hits;
};

/// Local clustering of one vertex: the share of pairs of distinct neighbours
/// that are tied to each other (0 when fewer than two neighbours).
double local_clustering(const AgentGraph& graph, AgentGraph::Vertex v, ClusteringScratch& scratch);

}  // namespace incubsim
