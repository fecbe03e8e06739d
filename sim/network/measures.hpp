#pragma once
// Whole-network measures over the agents that are still active.
#include <cstdint>
#include <utility>
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

/// A read-only snapshot of who is tied to whom, in compressed sparse rows
/// over the vertices that have ties (rows in vertex order): each row's
/// distinct neighbours (itself excluded), as row numbers, sorted. The
/// measures read every neighbourhood many times; the graph, built for cheap
/// inserts and removals, is slow to walk (each tie a record elsewhere in
/// memory), so it is walked once per measurement to build this. Most vertices of a
/// long run are agents that left, with no ties: they get no row, so the
/// index and everything sized by it grow with the live network, not with
/// every agent that ever existed.
struct NeighbourIndex {
  static constexpr std::uint32_t kNoRow = 0xffffffffu;
  std::vector<AgentGraph::Vertex> vertex;  // row -> graph vertex, increasing
  std::vector<std::uint32_t> row_of;       // graph vertex -> row, or kNoRow without ties
  std::vector<std::size_t> offset;         // row r's neighbours: [offset[r], offset[r+1])
  std::vector<std::uint32_t> neighbour;

  std::size_t rows() const { return vertex.size(); }
  const std::uint32_t* begin(std::uint32_t row) const { return &neighbour[offset[row]]; }
  const std::uint32_t* end(std::uint32_t row) const { return &neighbour[offset[row + 1]]; }
  std::size_t count(std::uint32_t row) const { return offset[row + 1] - offset[row]; }
};

/// How build_neighbour_index sorts each row's neighbours. Both give the
/// same index; `automatic` picks by the graph's size.
enum class IndexBuild {
  automatic,
  sort_rows,  // each row sorts its own ties, rows in parallel
  transpose,  // one serial pass appends each row to its neighbours' rows,
              // which come out sorted: no sorting, but serial scattered writes
};

/// Builds the index (the result does not depend on the thread count or the
/// method). Reuses `index`'s storage and the two buffers, which hold each
/// row's ties before duplicates are dropped.
void build_neighbour_index(const AgentGraph& graph, NeighbourIndex& index,
                           std::vector<std::uint32_t>& unique_count,
                           std::vector<std::uint32_t>& raw,
                           IndexBuild method = IndexBuild::automatic);
void build_neighbour_index(const AgentGraph& graph, NeighbourIndex& index,
                           std::vector<std::uint32_t>& unique_count);
NeighbourIndex build_neighbour_index(const AgentGraph& graph);

/// measure_network's partial sums over a range of vertices.
struct MeasureSums {
  double clustering = 0;
  std::int64_t clustered = 0;
  double brokerage_inc = 0;
  std::int64_t n_inc = 0;
  double brokerage_fund = 0;
  std::int64_t n_fund = 0;
  std::int64_t degree = 0;
  std::int64_t active = 0;
};

/// Buffers kept between measurements, so a quarter's measurement does not
/// allocate (and page-fault in) hundreds of megabytes afresh at national size.
struct MeasureScratch {
  NeighbourIndex index;
  std::vector<std::uint32_t> unique_count;   // per row, while building the index
  std::vector<std::uint32_t> raw_neighbour;  // the rows' ties, duplicates included
  std::vector<std::uint32_t> parent;         // per row
  std::vector<std::int64_t> component_size;  // per row
  // Row r's ties to higher-ranked rows: forward[index.offset[r], forward_end[r]).
  std::vector<std::size_t> forward_end;
  std::vector<std::uint32_t> forward;
  std::vector<std::uint64_t> triangles;  // per row: linked pairs of its neighbours
  // Set by a network phase that prepared a measurement and left finishing
  // it to its caller (PhaseContext::defers_measurement).
  bool awaiting_finish = false;
  // What prepare_measurement keeps of the graph for finish_measurement.
  std::size_t vertex_count = 0;
  std::vector<std::uint32_t> row_degree;  // ties, of every type
  std::vector<AgentKind> row_kind;
  // The vertex ranges of the sums' fixed reduction tree, and their sums.
  std::vector<std::pair<std::size_t, std::size_t>> leaves;
  std::vector<MeasureSums> leaf_sums;
};

/// `active[v]` marks vertices of agents still in the system. Deterministic
/// for any thread count (fixed reduction tree).
NetworkMeasures measure_network(const AgentGraph& graph, const std::vector<std::uint8_t>& active,
                                MeasureScratch& scratch);
NetworkMeasures measure_network(const AgentGraph& graph, const std::vector<std::uint8_t>& active);

/// measure_network in two steps, the second after the first. The first
/// reads the graph into the
/// scratch (the index, each row's degree and kind); the second reads only
/// the scratch and `active`, so it may run while the graph changes, on
/// other threads, until the scratch or `active` is next written.
void prepare_measurement(const AgentGraph& graph, MeasureScratch& scratch);
NetworkMeasures finish_measurement(const std::vector<std::uint8_t>& active,
                                   MeasureScratch& scratch);

/// Local clustering of one vertex: the share of pairs of distinct neighbours
/// that are tied to each other (0 when fewer than two neighbours).
double local_clustering(const NeighbourIndex& index, AgentGraph::Vertex v);
/// The same for a row of the index.
double row_clustering(const NeighbourIndex& index, std::uint32_t row);

/// triangles[r] = number of linked pairs among row r's neighbours, for every
/// row at once (each triangle found once, from its lowest-ranked corner by
/// degree, so a hub such as an incubator with hundreds of tenants costs
/// little). Integer counts: the same for any thread count.
void count_triangles(const NeighbourIndex& index, MeasureScratch& scratch);

}  // namespace incubsim
