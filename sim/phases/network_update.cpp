// Network: tenants form alliances with co-tenants, researchers form new
// collaborations (mostly within their institution), both kinds of tie
// decay, and the network is measured. Proposals are drawn in parallel per
// agent and committed in agent order; decay draws are keyed by the tie's
// endpoints, so the resulting graph is the same for any thread count.
#include <algorithm>

#include "core/buffers.hpp"
#include "core/parallel.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"

namespace incubsim {
namespace {

/// Adds the ties of the agents in [0, n) that propose one (tie_of(k) for
/// each k where proposes(k)), in agent order. Both run in parallel.
template <class Proposes, class TieOf>
void add_proposed_ties(WorldState& st, std::size_t n, Proposes&& proposes, TieOf&& tie_of) {
  auto& proposers = st.scratch.positions;
  parallel_select(n, proposes, proposers);
  auto& ties = st.scratch.new_ties;
  resize_reusing(ties, proposers.size());  // each slot written below
  parallel_for_each_index(proposers.size(), [&](std::size_t k) { ties[k] = tie_of(proposers[k]); });
  st.graph.add_ties(ties);
}

/// k-th tenant of an incubator vertex other than `self`, or kNoAgent.
AgentId pick_co_tenant(const WorldState& st, AgentGraph::Vertex incubator, AgentId self,
                       Stream& s) {
  std::size_t n = 0;
  st.graph.for_each_tie(incubator, TieType::tenancy, [&](auto, const TieInfo&, auto) { ++n; });
  if (n < 2) return kNoAgent;
  std::size_t k = s.below(n);
  AgentId chosen = kNoAgent;
  st.graph.for_each_tie(incubator, TieType::tenancy, [&](auto v, const TieInfo&, auto) {
    if (k-- == 0) chosen = st.graph.vertex(v).id;
  });
  return chosen == self ? kNoAgent : chosen;
}

void form_alliances(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  auto& F = st.firms;
  const auto& alive = st.scratch.alive_firms;
  auto& partner = st.scratch.partners;
  resize_reusing(partner, alive.size());  // each slot written below
  parallel_for_each_index(alive.size(), [&](std::size_t a) {
    partner[a] = kNoAgent;
    const auto f = static_cast<std::size_t>(alive[a]);
    if (F.incubator[f] == kNoAgent) return;
    Stream s = ctx.stream(AgentKind::firm, F.key[f], Purpose::tie_formation);
    if (!s.bernoulli(sc.network.alliance_rate)) return;
    const AgentId b = pick_co_tenant(
        st, st.incubators.vertex[static_cast<std::size_t>(F.incubator[f])], alive[a], s);
    if (b != kNoAgent && can_add_tie(st.graph, F.vertex[f], F.vertex[static_cast<std::size_t>(b)],
                                     TieType::alliance))
      partner[a] = b;
  });
  // alive is in id order: a partner listed before a proposed back to it if
  // its slot names it.
  const auto proposed_back = [&](std::size_t a) {
    if (partner[a] > alive[a]) return false;
    const auto b = std::lower_bound(alive.begin(), alive.end(), partner[a]);
    return b != alive.end() && *b == partner[a] &&
           partner[static_cast<std::size_t>(b - alive.begin())] == alive[a];
  };
  add_proposed_ties(
      st, alive.size(), [&](std::size_t a) { return partner[a] != kNoAgent && !proposed_back(a); },
      [&](std::size_t a) {
        return new_tie(F.vertex[static_cast<std::size_t>(alive[a])],
                       F.vertex[static_cast<std::size_t>(partner[a])], TieType::alliance,
                       ctx.quarter());
      });
}

void form_collaborations(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  auto& R = st.researchers;
  const std::size_t n = R.size();
  // Academic researchers by institution (ascending within each), for
  // local partner draws: a counting sort into reused buffers.
  auto& offset = st.scratch.member_offset;
  auto& members = st.scratch.members;
  auto& academics = st.scratch.academics;
  const std::size_t institutions = st.institutions.size();
  const auto academic = [&](std::size_t r) { return R.career[r] == Career::academic; };
  parallel_group(
      n, institutions,
      [&](std::size_t r) {
        return academic(r) ? static_cast<std::size_t>(R.institution[r]) : institutions;
      },
      [](std::size_t r) { return static_cast<AgentId>(r); }, members, offset);
  if (members.size() < 2) return;
  parallel_select(n, academic, academics);
  auto& partner = st.scratch.partners;
  resize_reusing(partner, n);  // each slot written below
  parallel_for_each_index(n, [&](std::size_t r) {
    partner[r] = kNoAgent;
    if (R.career[r] != Career::academic) return;
    Stream s = ctx.stream(AgentKind::researcher, R.key[r], Purpose::tie_formation);
    if (!s.bernoulli(sc.network.collaboration_rate)) return;
    const auto i = static_cast<std::size_t>(R.institution[r]);
    const std::size_t local = offset[i + 1] - offset[i];
    const AgentId j = s.bernoulli(sc.network.collaboration_locality) && local > 1
                          ? members[offset[i] + s.below(local)]
                          : academics[s.below(academics.size())];
    if (j != static_cast<AgentId>(r) &&
        can_add_tie(st.graph, R.vertex[r], R.vertex[static_cast<std::size_t>(j)],
                    TieType::collaboration))
      partner[r] = j;
  });
  // A pair that proposed to each other gets one tie, at the first.
  const auto proposes = [&](std::size_t r) {
    const AgentId j = partner[r];
    return j != kNoAgent && !(j < static_cast<AgentId>(r) &&
                              partner[static_cast<std::size_t>(j)] == static_cast<AgentId>(r));
  };
  add_proposed_ties(st, n, proposes, [&](std::size_t r) {
    return new_tie(R.vertex[r], R.vertex[static_cast<std::size_t>(partner[r])],
                   TieType::collaboration, ctx.quarter());
  });
}

/// Alliances and collaborations end with their decay probabilities. The
/// draw is keyed by both endpoints' lineage keys (order-independent), so it
/// does not matter in which order the ties are visited, nor in which order
/// the ended ones are removed (removal keeps the others' order).
void decay_ties(WorldState& st, const PhaseContext& ctx) {
  const auto& np = ctx.scenario().network;
  const auto& ties = st.graph.decaying_ties();
  auto& ends = st.scratch.tie_ends;
  resize_reusing(ends, ties.size());  // each slot written below
  parallel_for_each_index(ties.size(), [&](std::size_t i) {
    ends[i] = 0;
    const double p = ties[i].type == TieType::alliance ? np.alliance_decay : np.collaboration_decay;
    if (p <= 0) return;
    Stream s = ctx.stream(AgentKind::none, ties[i].pair_key, Purpose::tie_decay);
    ends[i] = s.bernoulli(p) ? 1 : 0;
  });
  // Removal reorders the list (a removed slot takes the last tie), so the
  // ended edges are collected first.
  auto& ended = st.scratch.ended_ties;
  ended.clear();
  for (std::size_t i = 0; i < ties.size(); ++i)
    if (ends[i]) ended.push_back(ties[i].edge);
  st.graph.remove_ties(ended);
}

void measure(WorldState& st, const PhaseContext& ctx) {
  mark_active_vertices(st, st.scratch.active_vertices);
  prepare_measurement(st.graph, st.scratch.measures);
  if (ctx.defers_measurement())
    st.scratch.measures.awaiting_finish = true;
  else
    st.network = finish_measurement(st.scratch.active_vertices, st.scratch.measures);
}

}  // namespace

bool measures_network(Quarter quarter, int every, int burn_in, bool measured_before) {
  if (quarter % every != 0 && measured_before) return false;
  // A burn-in measurement that the next scheduled one replaces before the
  // first recorded quarter would never be seen: skip it.
  return (quarter / every + 1) * every > burn_in;
}

void run_network(WorldState& st, const PhaseContext& ctx) {
  form_alliances(st, ctx);
  form_collaborations(st, ctx);
  decay_ties(st, ctx);
  const auto& sc = ctx.scenario();
  // active_vertices is 0 until a measurement finds agents.
  if (measures_network(ctx.quarter(), sc.network.measure_every, sc.simulation.burn_in,
                       st.network.active_vertices > 0))
    measure(st, ctx);
}

}  // namespace incubsim
