// Institutions: fund lifecycles (fees, end of the investment period with a
// successor fund for good performers, liquidation at the end of life), new
// funds, researchers leaving and entering, and at year end incubator tier
// reviews and firm certification (tech SME, high-tech enterprise, above
// designated size).
#include <algorithm>

#include "core/buffers.hpp"
#include "core/parallel.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"
#include "policy/policy_set.hpp"

namespace incubsim {
namespace {

/// Value of a fund's remaining holdings at the firms' last valuations.
double holdings_value(const WorldState& st, std::size_t g) {
  double nav = 0;
  st.graph.for_each_tie(st.funds.vertex[g], TieType::investment,
                        [&](auto v, const TieInfo& t, auto) {
                          const auto f = static_cast<std::size_t>(st.graph.vertex(v).id);
                          nav += t.units * st.firms.dilution_factor[f] * st.firms.valuation[f];
                        });
  return nav;
}

void open_successor(WorldState& st, const PhaseContext& ctx, std::size_t g) {
  const auto& Fu = st.funds;
  NewFund nf;
  nf.key = lineage_key(AgentKind::fund, ctx.quarter(), Fu.key[g], 0);
  nf.type = Fu.type[g];
  nf.manager = Fu.manager[g];
  nf.predecessor = static_cast<AgentId>(g);
  nf.vintage = ctx.quarter();
  nf.committed = Fu.committed[g] * ctx.scenario().funds.successor_size_growth;
  nf.sector = Fu.sector[g];
  nf.round_mask = Fu.round_mask[g];
  nf.reserve_share = ctx.scenario().funds.types[static_cast<std::size_t>(nf.type)].reserve_share;
  const AgentId id = add_fund(st, nf);
  st.funds.succeeded[g] = 1;
  ++st.flows.funds_opened;
  ctx.emit(EventKind::fund_opened, fund_ref(id), fund_ref(static_cast<AgentId>(g)), nf.committed);
}

/// Sells what is left at a discount and closes the fund.
void liquidate(WorldState& st, const PhaseContext& ctx, std::size_t g) {
  auto& Fu = st.funds;
  const double haircut = ctx.scenario().funds.liquidation_haircut;
  st.graph.for_each_tie(Fu.vertex[g], TieType::investment, [&](auto v, const TieInfo& t, auto) {
    const auto f = static_cast<std::size_t>(st.graph.vertex(v).id);
    const double proceeds =
        t.units * st.firms.dilution_factor[f] * st.firms.valuation[f] * (1.0 - haircut);
    Fu.distributions[g] += proceeds;
    st.flows.distributions += proceeds;
  });
  // A closed fund leaves the ecosystem: co-investment and incubator ties go too.
  st.graph.clear_ties(Fu.vertex[g]);
  Fu.nav[g] = 0.0;
  Fu.status[g] = FundStatus::closed;
  Fu.closed_quarter[g] = ctx.quarter();
  ++st.flows.funds_closed;
  ctx.emit(EventKind::fund_closed, fund_ref(static_cast<AgentId>(g)), {},
           Fu.dpi(static_cast<AgentId>(g)));
}

void fund_lifecycle(WorldState& st, const PhaseContext& ctx) {
  const auto& fp = ctx.scenario().funds;
  auto& Fu = st.funds;
  const std::size_t existing = Fu.size();  // successors opened now start next quarter
  // Each fund's holdings, valued in parallel: walking its investments reads
  // only its own ties and the firms' columns, which liquidating another
  // fund below leaves alone.
  // (The scratch's buffer: a fresh block each quarter is a large request,
  // on which glibc consolidates every small block freed since the last.)
  auto& holdings = st.scratch.fund_values;
  assign_reusing(holdings, existing, 0.0);
  parallel_for_each_index(existing, [&](std::size_t g) {
    if (Fu.status[g] != FundStatus::closed) holdings[g] = holdings_value(st, g);
  });
  for (std::size_t g = 0; g < existing; ++g) {
    if (Fu.status[g] == FundStatus::closed) continue;
    const Quarter age = ctx.quarter() - Fu.vintage[g];
    if (Fu.status[g] == FundStatus::investing) {
      const double fee = std::min(fp.management_fee * Fu.committed[g], Fu.uninvested[g]);
      Fu.uninvested[g] -= fee;
      Fu.fees[g] += fee;
      Fu.reserve[g] = std::min(Fu.reserve[g], Fu.uninvested[g]);
      st.flows.fees += fee;
    }
    Fu.nav[g] = holdings[g];
    if (Fu.status[g] == FundStatus::investing && age >= fp.investment_period) {
      Fu.status[g] = FundStatus::harvesting;
      if (Fu.invested[g] > 0 && Fu.tvpi(static_cast<AgentId>(g)) >= fp.successor_tvpi)
        open_successor(st, ctx, g);
    }
    if (age >= fp.life) liquidate(st, ctx, g);
  }
}

void fund_entry(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  for (int t = 0; t < kFundTypeCount; ++t) {
    const LineageKey root =
        hash_combine(static_cast<LineageKey>(LineageRoot::funds), static_cast<std::uint64_t>(t));
    Stream count = ctx.stream(AgentKind::none, root, Purpose::fund_entry);
    const int n = count.poisson(sc.funds.types[static_cast<std::size_t>(t)].entry_rate);
    for (int k = 0; k < n; ++k) {
      const LineageKey key =
          lineage_key(AgentKind::fund, ctx.quarter(), root, static_cast<std::uint64_t>(k));
      Stream s = ctx.stream(AgentKind::fund, key, Purpose::fund_attributes);
      const AgentId id =
          add_fund(st, draw_fund(sc, s, static_cast<FundType>(t), key, ctx.quarter()));
      ++st.flows.funds_opened;
      ctx.emit(EventKind::fund_opened, fund_ref(id), {},
               st.funds.committed[static_cast<std::size_t>(id)]);
    }
  }
}

void researcher_turnover(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  auto& R = st.researchers;
  const std::size_t n = R.size();
  auto& leave = st.scratch.flags;
  assign_reusing(leave, n, std::uint8_t{0});
  parallel_for_each_index(n, [&](std::size_t r) {
    if (R.career[r] != Career::academic) return;
    Stream s = ctx.stream(AgentKind::researcher, R.key[r], Purpose::career);
    leave[r] = s.bernoulli(sc.researchers.exit_rate);
  });
  auto& leaving = st.scratch.leaving_vertices;
  leaving.clear();
  for (std::size_t r = 0; r < n; ++r) {
    if (!leave[r]) continue;
    R.career[r] = Career::retired;
    R.left[r] = ctx.quarter();
    leaving.push_back(R.vertex[r]);
    ++st.flows.researcher_exits;
    ctx.emit(EventKind::researcher_exit, researcher_ref(static_cast<AgentId>(r)));
  }
  st.graph.clear_ties(leaving);
  const auto root = static_cast<LineageKey>(LineageRoot::researchers);
  Stream count = ctx.stream(AgentKind::none, root, Purpose::entry_count);
  const int m = count.poisson(sc.researchers.entry_rate * sc.researchers.count);
  for (int k = 0; k < m; ++k) {
    const LineageKey key =
        lineage_key(AgentKind::researcher, ctx.quarter(), root, static_cast<std::uint64_t>(k));
    Stream s = ctx.stream(AgentKind::researcher, key, Purpose::attributes);
    const AgentId id =
        add_researcher(st, draw_researcher(sc, s, key, ctx.quarter(), st.institutions.size()));
    ++st.flows.researcher_entries;
    ctx.emit(EventKind::researcher_entry, researcher_ref(id));
  }
}

/// Promotes incubators whose graduates per place reached the threshold this
/// year, demotes those below a third of it; resets the yearly count.
void tier_review(WorldState& st, const PhaseContext& ctx) {
  const auto& p = ctx.scenario().incubators;
  auto& I = st.incubators;
  const auto* policies = ctx.policies().instruments;
  const double threshold = p.promotion_graduates_per_slot *
                           (policies ? policies->promotion_threshold_factor(ctx.quarter()) : 1.0);
  for (std::size_t i = 0; i < I.size(); ++i) {
    const double rate = static_cast<double>(I.graduated_year[i]) / std::max(1, I.capacity[i]);
    I.graduated_year[i] = 0;
    int tier = static_cast<int>(I.tier[i]);
    if (rate >= threshold && tier + 1 < kTierCount) {
      ++tier;
      I.service_quality[i] = std::min(1.0, I.service_quality[i] + p.tier_quality_step);
    } else if (rate < threshold / 3.0 && tier > 0) {
      --tier;
      I.service_quality[i] = std::max(0.0, I.service_quality[i] - p.tier_quality_step);
    } else {
      continue;
    }
    I.tier[i] = static_cast<Tier>(tier);
    ctx.emit(EventKind::tier_change, incubator_ref(static_cast<AgentId>(i)), {},
             I.service_quality[i], tier);
  }
}

/// Year-end certification. Tech-SME and above-size status are reviewed every
/// year; a high-tech certificate lasts firms.high_tech_validity quarters
/// before the firm is reviewed again. An event marks the first certificate
/// of each kind a firm ever gets (the "new certificates" statistics).
void certify(WorldState& st, const PhaseContext& ctx) {
  const auto& p = ctx.scenario().firms;
  auto& F = st.firms;
  const auto& alive = st.scratch.alive_firms;
  auto& first = st.scratch.flags;
  assign_reusing(first, alive.size(), std::uint8_t{0});
  const Quarter q = ctx.quarter();
  parallel_for_each_index(alive.size(), [&](std::size_t a) {
    const auto f = static_cast<std::size_t>(alive[a]);
    const double annual = annual_revenue(F, f);
    const double intensity = measured_rd_intensity(F, f);
    F.tech_sme[f] = F.employees[f] <= p.tech_sme_max_employees &&
                    annual <= p.tech_sme_max_revenue && F.ip_count[f] >= 1 &&
                    intensity >= p.tech_sme_min_rd_intensity;
    if (!(F.high_tech[f] && q < F.high_tech_until[f])) {
      F.high_tech[f] = F.revenue[f] > 0 && q - F.founded[f] >= p.high_tech_min_age &&
                       F.ip_count[f] >= p.high_tech_min_ip &&
                       intensity >= p.high_tech_rd_intensity[high_tech_band(annual)];
      F.high_tech_until[f] = F.high_tech[f] ? q + p.high_tech_validity : -1;
    }
    F.above_size[f] = annual >= p.above_size_revenue;
    const auto held = static_cast<std::uint8_t>((F.tech_sme[f] ? 1 : 0) | (F.high_tech[f] ? 2 : 0) |
                                                (F.above_size[f] ? 4 : 0));
    first[a] = static_cast<std::uint8_t>(held & ~F.certified_ever[f]);
    F.certified_ever[f] = static_cast<std::uint8_t>(F.certified_ever[f] | held);
  });
  for (std::size_t a = 0; a < alive.size(); ++a)
    for (int c = 0; c < 3; ++c)
      if (first[a] & (1u << c)) {
        ++st.flows.certifications;
        ctx.emit(EventKind::certification, firm_ref(alive[a]), {}, 0.0, c);
      }
}

}  // namespace

void run_institutions(WorldState& st, const PhaseContext& ctx) {
  fund_lifecycle(st, ctx);
  fund_entry(st, ctx);
  researcher_turnover(st, ctx);
  if (is_year_end(ctx.quarter())) {
    tier_review(st, ctx);
    certify(st, ctx);
  }
  if (auto* policies = ctx.policies().instruments) policies->after_institutions(st, ctx);
}

}  // namespace incubsim
