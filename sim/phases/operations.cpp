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
  const bool tenant = F.incubator[f] != kNoAgent;
  const double service =
      tenant ? st.incubators.effective_quality(static_cast<std::size_t>(F.incubator[f])) : 0.0;

  // Staffing: towards what revenue supports, or what the last round funds.
  const double fixed = p.fixed_cost * (tenant ? 1.0 - sc.incubators.rent_subsidy : 1.0);
  double target =
      p.founding_employees + (F.selling[f] ? F.revenue[f] / m.revenue_per_employee : 0.0);
  if (F.planned_burn[f] > 0) target = std::max(target, (F.planned_burn[f] - fixed) / m.wage);
  const double step = p.staffing_adjustment * (target - F.employees[f]);
  F.employees[f] = std::max(1, F.employees[f] + static_cast<std::int32_t>(std::lround(step)));

  Stream rev = ctx.stream(AgentKind::firm, F.key[f], Purpose::revenue);
  if (F.selling[f]) {
    F.revenue[f] = next_revenue(sc, F.revenue[f], F.quality[f], F.sector[f],
                                F.last_round[f] != kNoRound, rev.normal(0.0, 1.0));
  }

  const double wages = F.employees[f] * m.wage;
  double rd = F.selling[f] ? F.rd_intensity[f] * F.revenue[f] : p.rd_share_pre_revenue * wages;

  if (!F.selling[f]) {
    // Progress scales with the square root of R&D effort relative to a
    // founding team's (effort 1), so money speeds development with
    // diminishing returns.
    const double rd_ref = p.founding_employees * m.wage * p.rd_share_pre_revenue;
    Stream dev = ctx.stream(AgentKind::firm, F.key[f], Purpose::development);
    const double effort = rd_ref > 0 ? std::sqrt(rd / rd_ref) : 1.0;
    const double speed =
        p.development_rate * std::exp(p.development_quality_effect * F.quality[f]) *
        dev.lognormal_with_mean(1.0, p.development_noise) *
        (1.0 + sc.incubators.development_boost * service) *
        (1.0 + sc.network.alliance_spillover * allies) * effort * (1.0 + F.policy_dev_boost[f]);
    F.maturity[f] += speed;
    if (F.maturity[f] >= 1.0) {
      F.maturity[f] = 1.0;
      F.selling[f] = 1;
      F.revenue[f] = p.launch_revenue * std::exp(p.launch_quality_effect * F.quality[f]);
      rd = F.rd_intensity[f] * F.revenue[f];
    }
  }

  F.rd_spend[f] = rd;
  F.rd_total[f] += rd;
  F.costs[f] = wages + fixed + (F.selling[f] ? rd : 0.0);
  const double profit = m.gross_margin * F.revenue[f] - F.costs[f];
  F.cash[f] += profit;
  // Profitable firms pay out what they hold beyond target_runway quarters of
  // costs, so retained cash tracks the size of the business.
  const double keep = p.target_runway * F.costs[f];
  if (profit > 0 && F.cash[f] > keep) F.cash[f] -= std::min(profit, F.cash[f] - keep);
  Stream ip = ctx.stream(AgentKind::firm, F.key[f], Purpose::ip);
  F.ip_count[f] += ip.poisson(p.ip_per_rd * rd * (1.0 + F.policy_ip_boost[f]));
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
