// Setup: the initial population before quarter 0. Every draw is keyed by an
// agent's lineage, so it is identical for any thread count: agents whose
// rows depend only on their own streams are drawn in parallel, and ties are
// made in agent order.
#include <algorithm>
#include <cmath>

#include "core/fenwick.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"

namespace incubsim {
namespace {

constexpr LineageKey kRoot = static_cast<LineageKey>(LineageRoot::initial);

void make_institutions(WorldState& st, const PhaseContext& ctx) {
  const auto& p = ctx.scenario().researchers;
  for (int i = 0; i < p.institutions; ++i) {
    const LineageKey key =
        lineage_key(AgentKind::institution, kSetupQuarter, kRoot, static_cast<std::uint64_t>(i));
    Stream s = ctx.stream(AgentKind::institution, key, Purpose::attributes);
    st.institutions.add(key, s.bernoulli(p.university_share) ? InstitutionKind::university
                                                             : InstitutionKind::institute);
  }
}

/// Each researcher's row depends only on its own stream: made in parallel,
/// with the ids and vertices one add_researcher call each would give.
void make_researchers(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  auto& R = st.researchers;
  const auto n = static_cast<std::size_t>(sc.researchers.count);
  const AgentId first = R.grow(n);
  const AgentGraph::Vertex v0 = st.graph.add_vertices(n);
  parallel_for_each_index(n, [&](std::size_t i) {
    const LineageKey key =
        lineage_key(AgentKind::researcher, kSetupQuarter, kRoot, static_cast<std::uint64_t>(i));
    Stream s = ctx.stream(AgentKind::researcher, key, Purpose::attributes);
    const auto id = first + static_cast<AgentId>(i);
    R.set(id, draw_researcher(sc, s, key, kSetupQuarter, st.institutions.size()));
    const auto r = static_cast<std::size_t>(id);
    R.vertex[r] = v0 + static_cast<AgentGraph::Vertex>(i);
    st.graph.set_vertex(R.vertex[r], researcher_ref(id), key);
  });
}

/// Each researcher starts Poisson(collaborators_mean / 2) ties, so the mean
/// degree is collaborators_mean; most ties stay inside the institution.
void make_collaborations(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  auto& R = st.researchers;
  const std::size_t n = R.size();
  if (n < 2) return;
  std::vector<std::vector<AgentId>> members(st.institutions.size());
  for (std::size_t i = 0; i < n; ++i)
    members[static_cast<std::size_t>(R.institution[i])].push_back(static_cast<AgentId>(i));
  // Partners are drawn in parallel (each researcher's own stream: a count,
  // then the partners), and the ties made in researcher order.
  const double mean = sc.researchers.collaborators_mean / 2.0;
  const auto stream = [&](std::size_t i) {
    return ctx.stream(AgentKind::researcher, R.key[i], Purpose::tie_formation);
  };
  std::vector<std::int32_t> count(n);
  parallel_for_each_index(n, [&](std::size_t i) { count[i] = stream(i).poisson(mean); });
  std::vector<std::size_t> offset;
  exclusive_scan_counts(count, offset);
  std::vector<AgentId> partner(offset[n]);
  parallel_for_each_index(n, [&](std::size_t i) {
    Stream s = stream(i);
    const int ties = s.poisson(mean);  // the same draw: repositions the stream
    const auto& local = members[static_cast<std::size_t>(R.institution[i])];
    for (int t = 0; t < ties; ++t) {
      partner[offset[i] + static_cast<std::size_t>(t)] =
          s.bernoulli(sc.network.collaboration_locality) && local.size() > 1
              ? local[s.below(local.size())]
              : static_cast<AgentId>(s.below(n));
    }
  });
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = offset[i]; k < offset[i + 1]; ++k) {
      const auto j = static_cast<std::size_t>(partner[k]);
      if (j == i) continue;
      add_tie_once(st.graph, R.vertex[i], R.vertex[j], TieType::collaboration, kSetupQuarter);
    }
  }
}

void make_incubators(WorldState& st, const PhaseContext& ctx) {
  const auto& p = ctx.scenario().incubators;
  for (int i = 0; i < p.count; ++i) {
    NewIncubator n;
    n.key = lineage_key(AgentKind::incubator, kSetupQuarter, kRoot, static_cast<std::uint64_t>(i));
    Stream s = ctx.stream(AgentKind::incubator, n.key, Purpose::attributes);
    // Clamped before the conversion: a heavy lognormal tail (sigma up to 5)
    // can exceed int, and converting that is undefined.
    const double drawn = s.lognormal_with_mean(p.capacity_mean, p.capacity_sigma);
    n.capacity = static_cast<int>(std::lround(std::clamp(drawn, 1.0, 1e9)));
    n.service_quality = s.beta(p.service_quality_a, p.service_quality_b);
    n.op = s.bernoulli(p.professional_share) ? Operator::professional : Operator::government;
    n.tier = static_cast<Tier>(draw_categorical(s, p.tier_shares));
    add_incubator(st, n);
  }
}

/// Initial funds have vintages spread over the investment period so that
/// they do not all stop investing, and close, in the same quarter. Their
/// capital is counted as all still uninvested in the region.
void make_funds(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  std::uint64_t ordinal = 0;
  for (int t = 0; t < kFundTypeCount; ++t) {
    const auto& tp = sc.funds.types[static_cast<std::size_t>(t)];
    for (int i = 0; i < tp.initial_count; ++i, ++ordinal) {
      const LineageKey key = lineage_key(AgentKind::fund, kSetupQuarter, kRoot, ordinal);
      Stream s = ctx.stream(AgentKind::fund, key, Purpose::fund_attributes);
      const Quarter vintage =
          -static_cast<Quarter>(s.below(static_cast<std::uint64_t>(sc.funds.investment_period)));
      add_fund(st, draw_fund(sc, s, static_cast<FundType>(t), key, vintage));
    }
  }
}

/// Incubators start with ties to funds that invest early (seed or series A).
void make_affiliations(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  std::vector<AgentId> early;
  for (std::size_t f = 0; f < st.funds.size(); ++f)
    if (st.funds.invests_in(static_cast<AgentId>(f), 0) ||
        st.funds.invests_in(static_cast<AgentId>(f), 1))
      early.push_back(static_cast<AgentId>(f));
  if (early.empty()) return;
  for (std::size_t i = 0; i < st.incubators.size(); ++i) {
    Stream s = ctx.stream(AgentKind::incubator, st.incubators.key[i], Purpose::tie_formation);
    const int k = s.poisson(sc.incubators.affiliated_funds_mean);
    for (int j = 0; j < k; ++j) {
      const auto f = static_cast<std::size_t>(early[s.below(early.size())]);
      const auto vi = st.incubators.vertex[i];
      const auto vf = st.funds.vertex[f];
      add_tie_once(st.graph, vi, vf, TieType::affiliation, kSetupQuarter);
    }
  }
}

/// Initial firms of ages up to initial_age_max, in the state the firm model
/// would have brought them to on average: maturity from their development
/// speed, revenue from launch plus growth since, staff to match, and cash
/// for between one quarter and target_runway quarters of net spending.
void make_firms(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  const auto& p = sc.firms;
  const auto& m = sc.market;
  const double rd_ref = p.founding_employees * m.wage * p.rd_share_pre_revenue;  // per quarter
  reserve_run_capacity(st, sc);
  // Each firm's row depends only on its own stream: made in parallel.
  auto& F = st.firms;
  add_firms(st, static_cast<std::size_t>(p.initial_count), [&](std::size_t i, AgentId id) {
    const LineageKey key = lineage_key(AgentKind::firm, kSetupQuarter, kRoot, i);
    Stream s = ctx.stream(AgentKind::firm, key, Purpose::attributes);
    const int age = static_cast<int>(s.below(static_cast<std::uint64_t>(p.initial_age_max) + 1));
    NewFirm nf = draw_independent_firm(sc, s, key, -age);
    nf.origin = Origin::initial;
    const double speed = p.development_rate * std::exp(p.development_quality_effect * nf.quality) *
                         s.lognormal_with_mean(1.0, p.development_noise);
    const double reached = speed * age;
    F.set(id, nf);
    const auto f = static_cast<std::size_t>(id);
    F.rd_total[f] = rd_ref * age;
    F.ip_count[f] = s.poisson(p.ip_per_rd * F.rd_total[f]);
    if (reached >= 1.0 && speed > 0) {
      // Replay the quarters spent selling with the same revenue rule
      // operations applies, so initial sizes come from the model itself.
      const int selling_quarters = static_cast<int>((reached - 1.0) / speed);
      F.maturity[f] = 1.0;
      F.selling[f] = 1;
      F.revenue[f] = p.launch_revenue * std::exp(p.launch_quality_effect * nf.quality);
      for (int k = 0; k < selling_quarters; ++k)
        F.revenue[f] =
            next_revenue(sc, F.revenue[f], nf.quality, F.sector[f], false, s.normal(0.0, 1.0));
      F.employees[f] =
          p.founding_employees +
          static_cast<std::int32_t>(std::lround(F.revenue[f] / m.revenue_per_employee));
      if (annual_revenue(F, f) >= p.growth_revenue) F.stage[f] = Stage::growth;
    } else {
      F.maturity[f] = reached;
    }
    // A running firm holds cash for some quarters of its net spending, as if
    // it had raised or saved it before the run began.
    const double net = F.employees[f] * m.wage + p.fixed_cost +
                       (F.selling[f] ? F.rd_intensity[f] * F.revenue[f] : 0.0) -
                       m.gross_margin * F.revenue[f];
    if (net > 0) F.cash[f] += s.uniform(1.0, std::max(1.0, p.target_runway)) * net;
  });
}

/// Young initial firms start as tenants, placed by free room, up to capacity.
void place_initial_tenants(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  auto& F = st.firms;
  auto& I = st.incubators;
  if (I.size() == 0) return;
  std::vector<double> room(I.size());
  for (std::size_t i = 0; i < I.size(); ++i) room[i] = I.capacity[i];
  FenwickSampler free_places(room);
  for (std::size_t f = 0; f < F.size() && free_places.total() >= 1.0; ++f) {
    if (-F.founded[f] >= sc.incubators.max_stay) continue;
    Stream s = ctx.stream(AgentKind::firm, F.key[f], Purpose::application);
    if (!s.bernoulli(sc.incubators.initial_occupancy)) continue;
    const std::size_t i = free_places.find(s.uniform() * free_places.total());
    F.incubator[f] = static_cast<AgentId>(i);
    F.incubated_since[f] = F.founded[f];
    F.ever_incubated[f] = 1;
    ++I.tenants[i];
    free_places.set(i, I.capacity[i] - I.tenants[i]);
    TieInfo tie;
    tie.type = TieType::tenancy;
    tie.since = F.founded[f];
    st.graph.add_tie(F.vertex[f], I.vertex[i], tie);
  }
}

}  // namespace

void run_setup(WorldState& st, const PhaseContext& ctx) {
  make_institutions(st, ctx);
  make_researchers(st, ctx);
  make_collaborations(st, ctx);
  make_incubators(st, ctx);
  make_funds(st, ctx);
  make_affiliations(st, ctx);
  make_firms(st, ctx);
  place_initial_tenants(st, ctx);
}

void reserve_run_capacity(WorldState& st, const Scenario& sc) {
  // Room for every firm the run is likely to see (initial ones, founders
  // each quarter, and half as many again for spin-offs and programmes), so
  // the columns are not copied as they grow; untouched capacity costs
  // address space, not memory. A run that outgrows it still works.
  const auto expected_firms = static_cast<std::size_t>(
      sc.firms.initial_count + 1.5 * sc.firms.founders_per_quarter * sc.total_quarters());
  st.firms.reserve(expected_firms);
  st.graph.reserve_vertices(expected_firms + static_cast<std::size_t>(2 * sc.researchers.count) +
                            static_cast<std::size_t>(sc.incubators.count) + 4 * st.funds.size() +
                            1024);
}

}  // namespace incubsim
