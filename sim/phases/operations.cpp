// Operations: each firm staffs up towards what its revenue or its last
// round pays for, spends (wages, fixed costs net of incubator rent subsidy,
// R&D), develops its product if not yet selling, and sells: revenue follows
// multiplicative (Gibrat) shocks with sector and quality drift, faster for
// firms backed by funds. Purely
// per-firm, in parallel; the only cross-firm read (allies' maturity) comes
// from a pass that finishes before any firm is updated.
#include <cmath>

#include "core/parallel.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"

namespace incubsim {
namespace {

/// Mean product maturity of a firm's allies (0 without allies).
double ally_maturity(const WorldState& st, std::size_t f) {
  double sum = 0;
  int n = 0;
  st.graph.for_each_tie(st.firms.vertex[f], TieType::alliance, [&](auto v, const TieInfo&, auto) {
    sum += st.firms.maturity[static_cast<std::size_t>(st.graph.vertex(v).id)];
    ++n;
  });
  return n > 0 ? sum / n : 0.0;
}

void operate(WorldState& st, const PhaseContext& ctx, std::size_t f, double allies) {
  const auto& sc = ctx.scenario();
  const auto& p = sc.firms;
  const auto& m = sc.market;
  auto& F = st.firms;
  // The firm's state in locals, written back once: each column read goes
  // through the id-to-row map, and the compiler must redo it after every
  // store that might alias the map.
  const AgentId incubator = F.incubator[f];
  const LineageKey key = F.key[f];
  const double quality = F.quality[f];
  const double planned_burn = F.planned_burn[f];
  const double rd_intensity = F.rd_intensity[f];
  bool selling = F.selling[f] != 0;
  double revenue = F.revenue[f];
  std::int32_t employees = F.employees[f];

  const bool tenant = incubator != kNoAgent;
  const double service =
      tenant ? st.incubators.effective_quality(static_cast<std::size_t>(incubator)) : 0.0;

  // Staffing: towards what revenue supports, or what the last round funds.
  const double fixed = p.fixed_cost * (tenant ? 1.0 - sc.incubators.rent_subsidy : 1.0);
  double target = p.founding_employees + (selling ? revenue / m.revenue_per_employee : 0.0);
  if (planned_burn > 0) target = std::max(target, (planned_burn - fixed) / m.wage);
  const double step = p.staffing_adjustment * (target - employees);
  employees = std::max(1, employees + static_cast<std::int32_t>(std::lround(step)));

  if (selling) {
    Stream rev = ctx.stream(AgentKind::firm, key, Purpose::revenue);
    revenue = next_revenue(sc, revenue, quality, F.sector[f], F.last_round[f] != kNoRound,
                           rev.normal(0.0, 1.0));
  }

  const double wages = employees * m.wage;
  double rd = selling ? rd_intensity * revenue : p.rd_share_pre_revenue * wages;

  if (!selling) {
    // Progress scales with the square root of R&D effort relative to a
    // founding team's (effort 1), so money speeds development with
    // diminishing returns.
    const double rd_ref = p.founding_employees * m.wage * p.rd_share_pre_revenue;
    Stream dev = ctx.stream(AgentKind::firm, key, Purpose::development);
    const double effort = rd_ref > 0 ? std::sqrt(rd / rd_ref) : 1.0;
    const double speed = p.development_rate * std::exp(p.development_quality_effect * quality) *
                         dev.lognormal_with_mean(1.0, p.development_noise) *
                         (1.0 + sc.incubators.development_boost * service) *
                         (1.0 + sc.network.alliance_spillover * allies) * effort *
                         (1.0 + F.policy_dev_boost[f]);
    double maturity = F.maturity[f] + speed;
    if (maturity >= 1.0) {
      maturity = 1.0;
      selling = true;
      revenue = p.launch_revenue * std::exp(p.launch_quality_effect * quality);
      rd = rd_intensity * revenue;
      F.selling[f] = 1;
    }
    F.maturity[f] = maturity;
  }

  const double costs = wages + fixed + (selling ? rd : 0.0);
  const double profit = m.gross_margin * revenue - costs;
  double cash = F.cash[f] + profit;
  // Profitable firms pay out what they hold beyond target_runway quarters of
  // costs, so retained cash tracks the size of the business.
  const double keep = p.target_runway * costs;
  if (profit > 0 && cash > keep) cash -= std::min(profit, cash - keep);
  Stream ip = ctx.stream(AgentKind::firm, key, Purpose::ip);
  F.ip_count[f] += ip.poisson(p.ip_per_rd * rd * (1.0 + F.policy_ip_boost[f]));
  F.employees[f] = employees;
  F.revenue[f] = revenue;
  F.rd_spend[f] = rd;
  F.rd_total[f] += rd;
  F.costs[f] = costs;
  F.cash[f] = cash;
  if (annual_revenue(F, f) >= p.growth_revenue) F.stage[f] = Stage::growth;
}

}  // namespace

void run_operations(WorldState& st, const PhaseContext& ctx) {
  const auto& alive = st.scratch.alive_firms;
  auto& allies = st.scratch.values;
  allies.resize(alive.size());
  // Only firms still developing their product use their allies' maturity,
  // and most have no ally: counting alliances from the graph's compact list
  // spares walking every other firm's ties.
  auto& alliances = st.scratch.vertex_counts;
  st.graph.count_decaying_ties(TieType::alliance, alliances);
  parallel_for_each_index(alive.size(), [&](std::size_t a) {
    const auto f = static_cast<std::size_t>(alive[a]);
    const bool uses = !st.firms.selling[f] && alliances[st.firms.vertex[f]] > 0;
    allies[a] = uses ? ally_maturity(st, f) : 0.0;
  });
  parallel_for_each_index(alive.size(), [&](std::size_t a) {
    operate(st, ctx, static_cast<std::size_t>(alive[a]), allies[a]);
  });
  // Flows over every firm that operated, including those that exit later
  // this quarter (the end-of-quarter stocks would miss them).
  const auto& F = st.firms;
  struct Sums {
    double revenue = 0, rd = 0;
  };
  const Sums s = deterministic_reduce(
      alive.size(), Sums{},
      [&](std::size_t a) {
        const auto f = static_cast<std::size_t>(alive[a]);
        return Sums{F.revenue[f], F.rd_spend[f]};
      },
      [](Sums x, const Sums& y) {
        return Sums{x.revenue + y.revenue, x.rd + y.rd};
      });
  st.flows.revenue = s.revenue;
  st.flows.rd_spend = s.rd;
}

}  // namespace incubsim
