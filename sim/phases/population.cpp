#include "phases/population.hpp"

#include <algorithm>

#include "core/buffers.hpp"
#include "core/parallel.hpp"

namespace incubsim {

std::size_t draw_categorical(Stream& s, const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  double u = s.uniform() * total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (u < weights[i]) return i;
    u -= weights[i];
  }
  // Rounding can leave u just above the last weight: take the last positive.
  for (std::size_t i = weights.size(); i-- > 0;)
    if (weights[i] > 0) return i;
  return 0;
}

double next_revenue(const Scenario& sc, double revenue, double quality, std::size_t sector,
                    bool funded, double z) {
  const auto& m = sc.market;
  const auto& p = sc.firms;
  const double sigma = m.revenue_volatility;
  const double size =
      revenue > 0 && p.launch_revenue > 0 ? std::log(revenue / p.launch_revenue) : 0.0;
  const double drift = m.sector_growth[sector] + p.revenue_quality_drift * quality +
                       (funded ? p.venture_growth_boost : 0.0) - m.growth_size_drag * size;
  return revenue * std::exp(drift + sigma * z - 0.5 * sigma * sigma);
}

NewResearcher draw_researcher(const Scenario& sc, Stream& s, LineageKey key, Quarter entered,
                              std::size_t institutions) {
  const auto& p = sc.researchers;
  NewResearcher r;
  r.key = key;
  r.entered = entered;
  r.institution = static_cast<std::int32_t>(s.below(institutions));
  r.sector = static_cast<std::uint8_t>(draw_categorical(s, sc.market.sector_weights));
  // Mean-preserving lognormal: the population mean stays inventions_per_year / 4.
  r.productivity = p.inventions_per_year / 4.0 * s.lognormal_with_mean(1.0, p.productivity_sigma);
  r.risk_aversion = std::max(0.0, s.normal(p.risk_aversion_mean, p.risk_aversion_sd));
  return r;
}

std::uint8_t round_mask(const std::vector<std::string>& names) {
  std::uint8_t mask = 0;
  for (int r = 0; r < kRoundCount; ++r)
    if (std::find(names.begin(), names.end(), to_string(static_cast<Round>(r))) != names.end())
      mask = static_cast<std::uint8_t>(mask | (1u << r));
  return mask;
}

NewFund draw_fund(const Scenario& sc, Stream& s, FundType type, LineageKey key, Quarter vintage) {
  const auto& p = sc.funds.types[static_cast<std::size_t>(type)];
  NewFund f;
  f.key = key;
  f.type = type;
  f.vintage = vintage;
  f.committed = s.lognormal_with_mean(p.size_mean, p.size_sigma);
  f.sector = s.bernoulli(p.specialist_share)
                 ? static_cast<std::int16_t>(draw_categorical(s, sc.market.sector_weights))
                 : kAllSectors;
  f.round_mask = round_mask(p.rounds);
  f.reserve_share = p.reserve_share;
  return f;
}

NewFirm draw_independent_firm(const Scenario& sc, Stream& s, LineageKey key, Quarter founded) {
  const auto& p = sc.firms;
  NewFirm f;
  f.key = key;
  f.origin = Origin::independent;
  f.founded = founded;
  f.sector = static_cast<std::uint8_t>(draw_categorical(s, sc.market.sector_weights));
  f.quality = s.normal(p.quality_mean, p.quality_sd);
  f.maturity = 0.0;
  f.cash = s.lognormal_with_mean(p.founder_cash_mean, p.founder_cash_sigma);
  f.employees = p.founding_employees;
  f.rd_intensity = s.lognormal_with_mean(p.rd_intensity, p.rd_intensity_sigma);
  return f;
}

namespace {
/// Adds an agent to its store and gives it a graph vertex.
template <class Store, class New>
AgentId add_agent(WorldState& st, Store& store, const New& n, AgentKind kind) {
  const AgentId id = store.add(n);
  store.vertex[static_cast<std::size_t>(id)] =
      st.graph.add_vertex(AgentRef{kind, id}, store.key[static_cast<std::size_t>(id)]);
  return id;
}
}  // namespace

AgentId add_researcher(WorldState& st, const NewResearcher& r) {
  return add_agent(st, st.researchers, r, AgentKind::researcher);
}
AgentId add_fund(WorldState& st, const NewFund& f) {
  return add_agent(st, st.funds, f, AgentKind::fund);
}
AgentId add_incubator(WorldState& st, const NewIncubator& n) {
  return add_agent(st, st.incubators, n, AgentKind::incubator);
}
AgentId add_firm(WorldState& st, const NewFirm& f) {
  return add_agent(st, st.firms, f, AgentKind::firm);
}

void leave_incubator(WorldState& st, AgentId firm, bool graduated) {
  auto& F = st.firms;
  auto& I = st.incubators;
  const auto f = static_cast<std::size_t>(firm);
  const auto i = static_cast<std::size_t>(F.incubator[f]);
  --I.tenants[i];
  F.incubator[f] = kNoAgent;
  if (graduated) {
    ++I.graduated_total[i];
    ++I.graduated_year[i];
    F.graduated[f] = 1;
    ++st.flows.graduations;
  } else {
    ++I.left_total[i];
    ++st.flows.incubator_exits;
  }
}

Event tenancy_end_event(const PhaseContext& ctx, AgentId incubator, AgentId firm, bool graduated) {
  return ctx.event(graduated ? EventKind::graduation : EventKind::incubator_exit,
                   incubator_ref(incubator), firm_ref(firm));
}

void refresh_alive_firms(WorldState& st) {
  const auto& F = st.firms;
  auto& alive = st.scratch.alive_firms;
  // A firm alive now was alive at the last refresh, and so is listed, or is
  // newer than every listed firm (ids are handed out in order, and no firm
  // comes back). Walking the list and the newcomers spares reading the
  // status of every firm ever created (ten times as many at national size).
  const std::size_t newcomers = alive.empty() ? 0 : static_cast<std::size_t>(alive.back()) + 1;
  auto& kept = st.scratch.positions;
  parallel_select(
      alive.size(),
      [&](std::size_t a) {
        return F.status[static_cast<std::size_t>(alive[a])] == FirmStatus::alive;
      },
      kept);
  // The kept ids go to a second buffer in parallel, which then takes the
  // list's place.
  auto& next = st.scratch.alive_next;
  resize_reusing(next, kept.size());
  parallel_for_each_index(kept.size(), [&](std::size_t k) { next[k] = alive[kept[k]]; });
  for (std::size_t f = newcomers; f < F.size(); ++f)
    if (F.status[f] == FirmStatus::alive) next.push_back(static_cast<AgentId>(f));
  alive.swap(next);
}

bool can_add_tie(const AgentGraph& g, AgentGraph::Vertex a, AgentGraph::Vertex b, TieType type) {
  return a != b && !g.find_tie(a, b, type);
}

AgentGraph::NewTie new_tie(AgentGraph::Vertex a, AgentGraph::Vertex b, TieType type,
                           Quarter since) {
  AgentGraph::NewTie t{a, b, {}};
  t.info.type = type;
  t.info.since = since;
  return t;
}

bool add_tie_once(AgentGraph& g, AgentGraph::Vertex a, AgentGraph::Vertex b, TieType type,
                  Quarter since) {
  if (!can_add_tie(g, a, b, type)) return false;
  const AgentGraph::NewTie t = new_tie(a, b, type, since);
  g.add_tie(t.a, t.b, t.info);
  return true;
}

void open_transfer(WorldState& st, const PhaseContext& ctx, std::size_t k, TransferKind kind,
                   AgentId firm) {
  const auto& inv = st.inventions;
  const auto r = static_cast<std::size_t>(inv.researcher[k]);
  const AgentId institution = st.researchers.institution[r];
  ++st.institutions.transfers[static_cast<std::size_t>(institution)];
  const OpenTransfer t{ctx.quarter(),
                       kind,
                       inv.researcher[k],
                       institution,
                       firm,
                       inv.value[k],
                       ctx.scenario().transfer.liability_share * inv.value[k],
                       inv.coverage[k],
                       inv.quality[k]};
  ctx.policies().transfer_liability->on_transfer(t, inv.premium[k]);
  if (t.coverage > 0.0) {
    ctx.emit(EventKind::insured_transfer, researcher_ref(t.researcher), firm_ref(firm),
             inv.premium[k], static_cast<std::int32_t>(kind));
  }
  st.transfers.push_back(t);
  st.flows.transferred_quality_sum += inv.quality[k];
  st.flows.transfer_premiums += inv.premium[k];
}

AgentGraph::Edge tie_or_strengthen(AgentGraph& g, AgentGraph::Vertex a, AgentGraph::Vertex b,
                                   TieType type, Quarter q, double amount) {
  if (auto e = g.find_tie(a, b, type)) {
    auto& t = g.tie(*e);
    ++t.weight;
    t.amount += amount;
    return *e;
  }
  TieInfo info;
  info.type = type;
  info.since = q;
  info.amount = amount;
  return g.add_tie(a, b, info);
}

void mark_active_vertices(const WorldState& st, std::vector<std::uint8_t>& active) {
  // In parallel: every agent has a vertex of its own, so each byte has
  // one writer.
  resize_reusing(active, st.graph.vertex_count());
  parallel_fill(active, std::uint8_t{0});
  const auto& alive = st.scratch.alive_firms;
  parallel_for_each_index(alive.size(), [&](std::size_t a) {
    active[st.firms.vertex[static_cast<std::size_t>(alive[a])]] = 1;
  });
  const auto& R = st.researchers;
  parallel_for_each_index(R.size(), [&](std::size_t r) {
    if (R.career[r] != Career::retired) active[R.vertex[r]] = 1;
  });
  for (std::size_t i = 0; i < st.incubators.size(); ++i) active[st.incubators.vertex[i]] = 1;
  for (std::size_t g = 0; g < st.funds.size(); ++g)
    if (st.funds.status[g] != FundStatus::closed) active[st.funds.vertex[g]] = 1;
}

}  // namespace incubsim
