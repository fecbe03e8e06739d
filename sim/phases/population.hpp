#pragma once
// Creating agents: drawing a new agent's attributes from its own stream and
// adding it to its store and to the graph. Used by setup, entry and the
// institutions phase, so that an agent is made the same way whenever it is
// born.
#include <cmath>
#include <vector>

#include "core/parallel.hpp"
#include "engine/state.hpp"
#include "phases/context.hpp"

namespace incubsim {

/// Parents of agents that have no agent parent (independent founders, new
/// funds, new researchers): fixed lineage roots, one per source.
enum class LineageRoot : LineageKey {
  initial = 0,
  founders = 0x666f756e64657273ULL,
  researchers = 0x7265736561726368ULL,
  funds = 0x66756e6473000000ULL,
};

inline double logistic(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}
inline double logit(double p) {
  return std::log(p / (1.0 - p));
}

/// Index drawn with probability proportional to weights (all >= 0, sum > 0).
std::size_t draw_categorical(Stream& s, const std::vector<double>& weights);

/// Revenue after one quarter of selling: a mean-preserving lognormal shock
/// around a drift from the sector, the firm's quality and backing, less a
/// drag that grows with the firm's size. `z` is a standard normal draw.
double next_revenue(const Scenario& sc, double revenue, double quality, std::size_t sector,
                    bool funded, double z);

/// R&D intensity as certification measures it: R&D over revenue, or 1 for a
/// pre-revenue firm doing R&D.
inline double measured_rd_intensity(const FirmStore& f, std::size_t i) {
  return f.revenue[i] > 0 ? f.rd_spend[i] / f.revenue[i] : (f.rd_spend[i] > 0 ? 1.0 : 0.0);
}

/// High-tech R&D threshold band of an annual revenue (M yuan): up to 50, up
/// to 200, above (the 2016 recognition measures' bands).
inline std::size_t high_tech_band(double annual_revenue) {
  return annual_revenue <= 50.0 ? 0 : annual_revenue <= 200.0 ? 1 : 2;
}

/// Annualised revenue (4 x the latest quarter), the basis of certification,
/// graduation and listing rules.
inline double annual_revenue(const FirmStore& f, std::size_t i) {
  return 4.0 * f.revenue[i];
}

NewResearcher draw_researcher(const Scenario& sc, Stream& s, LineageKey key, Quarter entered,
                              std::size_t institutions);
NewFund draw_fund(const Scenario& sc, Stream& s, FundType type, LineageKey key, Quarter vintage);
NewFirm draw_independent_firm(const Scenario& sc, Stream& s, LineageKey key, Quarter founded);

AgentId add_researcher(WorldState& st, const NewResearcher& r);
AgentId add_fund(WorldState& st, const NewFund& f);
AgentId add_incubator(WorldState& st, const NewIncubator& n);
AgentId add_firm(WorldState& st, const NewFirm& f);

/// Adds n firms at once, in parallel: ids and vertices are those n add_firm
/// calls would give, in order. fill(i, id) runs concurrently for each i in
/// [0, n), must give row id its values with st.firms.set (then may adjust
/// that row only), and may read but not write anything else. Returns the
/// first id.
template <class Fill>
AgentId add_firms(WorldState& st, std::size_t n, Fill&& fill) {
  auto& F = st.firms;
  const AgentId first = F.grow(n);
  const AgentGraph::Vertex v0 = st.graph.add_vertices(n);
  parallel_for_each_index(n, [&](std::size_t i) {
    const auto id = first + static_cast<AgentId>(i);
    fill(i, id);
    const auto f = static_cast<std::size_t>(id);
    F.vertex[f] = v0 + static_cast<AgentGraph::Vertex>(i);
    st.graph.set_vertex(F.vertex[f], firm_ref(id), F.key[f]);
  });
  return first;
}

/// Round bitmask from the names in a fund type's `rounds` list.
std::uint8_t round_mask(const std::vector<std::string>& names);

/// Ends a tenant's tenancy (graduation, leaving or exit) in the firm's
/// columns and the incubator's counters. The tenancy tie and the event
/// (tenancy_end_event) are the caller's: commit steps remove ties and
/// write events in bulk.
void leave_incubator(WorldState& st, AgentId firm, bool graduated);
/// The event of `firm` leaving `incubator` (graduation or incubator exit).
Event tenancy_end_event(const PhaseContext& ctx, AgentId incubator, AgentId firm, bool graduated);

/// Reserves firm columns and graph vertices for every agent the run is
/// likely to create (after the funds exist), so growth copies nothing.
void reserve_run_capacity(WorldState& st, const Scenario& sc);

/// Rebuilds the ascending list of alive firms (after births or exits).
void refresh_alive_firms(WorldState& st);

/// Marks the graph vertices of agents still in the system (alive firms,
/// researchers not retired, incubators, funds not closed): whom the network
/// measures count.
void mark_active_vertices(const WorldState& st, std::vector<std::uint8_t>& active);

/// Adds a tie of `type` unless the two vertices already have one; returns
/// whether it was added.
bool add_tie_once(AgentGraph& g, AgentGraph::Vertex a, AgentGraph::Vertex b, TieType type,
                  Quarter since);
/// add_tie_once in two steps, for a check made in a parallel loop (the
/// graph only read) and an add in a commit: whether the two distinct
/// vertices have no tie of `type` yet, and the tie to add (for
/// AgentGraph::add_ties).
bool can_add_tie(const AgentGraph& g, AgentGraph::Vertex a, AgentGraph::Vertex b, TieType type);
AgentGraph::NewTie new_tie(AgentGraph::Vertex a, AgentGraph::Vertex b, TieType type, Quarter since);

/// Opens a technology transfer of this quarter's invention `k` to `firm`:
/// tells the liability policy, counts it for the institution and keeps it
/// open until its outcome is known (outcomes phase).
void open_transfer(WorldState& st, const PhaseContext& ctx, std::size_t k, TransferKind kind,
                   AgentId firm);

/// Adds a tie of `type` between two vertices, or strengthens the existing
/// one (weight + 1, amount added). Returns the tie.
AgentGraph::Edge tie_or_strengthen(AgentGraph& g, AgentGraph::Vertex a, AgentGraph::Vertex b,
                                   TieType type, Quarter q, double amount);

}  // namespace incubsim
