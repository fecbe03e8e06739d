// Outcomes: firms out of cash die, others may close for exogenous reasons
// (less often in a good incubator), be acquired (more likely the better
// they are) or list once large enough. Investors are paid their share of
// the exit value. Then open technology transfers are resolved: a transfer
// whose firm died within the window failed, and the researcher's side bears
// the liability not covered by policy.
#include <algorithm>

#include "core/buffers.hpp"
#include "core/parallel.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"

namespace incubsim {
namespace {

enum Fate : std::uint8_t { survive = 0, die = 1, acquired = 2, listed = 3 };

std::uint8_t decide(const WorldState& st, const PhaseContext& ctx, std::size_t f, double& value) {
  const auto& sc = ctx.scenario();
  const auto& m = sc.market;
  const auto& F = st.firms;
  if (F.cash[f] < 0) return die;
  Stream s = ctx.stream(AgentKind::firm, F.key[f], Purpose::survival);
  const bool tenant = F.incubator[f] != kNoAgent;
  const double service =
      tenant ? st.incubators.effective_quality(static_cast<std::size_t>(F.incubator[f])) : 0.0;
  if (s.bernoulli(m.exogenous_exit_hazard * (1.0 - sc.incubators.hazard_reduction * service)))
    return die;
  Stream x = ctx.stream(AgentKind::firm, F.key[f], Purpose::exit);
  const double annual = annual_revenue(F, f);
  if ((F.selling[f] || F.rounds_raised[f] > 0) && m.acquisition_hazard > 0) {
    const double p =
        m.acquisition_hazard >= 1.0
            ? 1.0
            : logistic(logit(m.acquisition_hazard) + m.acquisition_quality_effect * F.quality[f]);
    if (x.bernoulli(p)) {
      value = std::max(m.acquisition_revenue_multiple * annual,
                       m.acquihire_value_share * F.valuation[f]);
      return acquired;
    }
  }
  if (F.rounds_raised[f] > 0 && annual >= m.ipo_revenue_threshold && x.bernoulli(m.ipo_hazard)) {
    value = m.ipo_revenue_multiple * annual;
    return listed;
  }
  return survive;
}

/// Pays each investor its share of the exit value (zero for a death) and
/// ends the firm's ties.
void settle_investors(WorldState& st, const PhaseContext& ctx, std::size_t f, double value) {
  auto& F = st.firms;
  auto& Fu = st.funds;
  st.graph.for_each_tie(F.vertex[f], TieType::investment, [&](auto v, const TieInfo& t, auto) {
    const auto g = static_cast<std::size_t>(st.graph.vertex(v).id);
    const double proceeds = t.units * F.dilution_factor[f] * value;
    if (proceeds > 0) {
      Fu.distributions[g] += proceeds;
      ++Fu.exits[g];
      st.flows.distributions += proceeds;
      ctx.emit(EventKind::fund_exit, fund_ref(static_cast<AgentId>(g)),
               firm_ref(static_cast<AgentId>(f)), proceeds);
    } else {
      ++Fu.write_offs[g];
    }
  });
  st.graph.clear_ties(F.vertex[f]);
}

void commit(WorldState& st, const PhaseContext& ctx, std::size_t f, std::uint8_t fate,
            double value) {
  auto& F = st.firms;
  const auto id = static_cast<AgentId>(f);
  // settle_investors clears every tie of the firm, the tenancy included.
  end_tenancy(st, ctx, id, fate != die, /*remove_tie=*/false);
  F.exit_quarter[f] = ctx.quarter();
  F.seeking[f] = 0;
  if (fate == die) {
    F.status[f] = FirmStatus::dead;
    ++st.flows.deaths;
    ctx.emit(EventKind::firm_death, firm_ref(id), {}, F.cash[f]);
    settle_investors(st, ctx, f, 0.0);
    return;
  }
  F.status[f] = fate == acquired ? FirmStatus::acquired : FirmStatus::listed;
  F.exit_value[f] = value;
  st.flows.exit_value += value;
  if (fate == acquired) {
    ++st.flows.acquisitions;
    ctx.emit(EventKind::acquisition, firm_ref(id), {}, value);
  } else {
    ++st.flows.listings;
    ctx.emit(EventKind::listing, firm_ref(id), {}, value);
  }
  settle_investors(st, ctx, f, value);
}

/// A licence succeeds if the licensee sells by the end of the window (or
/// exits by sale or listing); a spin-off succeeds if it survives the
/// window. A transfer fails as soon as its firm dies inside the window.
void resolve_transfers(WorldState& st, const PhaseContext& ctx) {
  const auto& sc = ctx.scenario();
  auto& R = st.researchers;
  auto& In = st.institutions;
  const auto& F = st.firms;
  std::size_t kept = 0;
  for (std::size_t k = 0; k < st.transfers.size(); ++k) {
    const OpenTransfer& t = st.transfers[k];
    const auto f = static_cast<std::size_t>(t.firm);
    const bool window_over = ctx.quarter() - t.quarter >= sc.transfer.failure_window;
    bool failed = false;
    bool succeeded = false;
    if (F.status[f] == FirmStatus::dead)
      failed = true;
    else if (F.status[f] != FirmStatus::alive)
      succeeded = true;
    else if (window_over) {
      succeeded = t.kind == TransferKind::spinoff || F.selling[f];
      failed = !succeeded;
    }
    const auto r = static_cast<std::size_t>(t.researcher);
    if (failed) {
      const double paid =
          std::clamp(ctx.policies().transfer_liability->on_failure(t), 0.0, t.exposure);
      const double borne = t.exposure - paid;
      const double personal = sc.transfer.personal_liability_share * borne;
      R.liability[r] += personal;
      ++R.failures[r];
      // Researchers learn from what they paid: a fully covered failure
      // leaves their risk aversion unchanged.
      if (t.exposure > 0) R.risk_aversion[r] += sc.transfer.liability_learning * borne / t.exposure;
      const auto i = static_cast<std::size_t>(t.institution);
      In.liability[i] += borne - personal;
      ++In.failures[i];
      ++st.flows.transfers_failed;
      if (paid > 0.0)
        ctx.emit(EventKind::insurance_claim, researcher_ref(t.researcher), firm_ref(t.firm), paid);
      st.flows.liability_incurred += borne;
      st.flows.liability_covered += paid;
      ctx.emit(EventKind::transfer_failed, researcher_ref(t.researcher), firm_ref(t.firm), borne,
               static_cast<std::int32_t>(t.kind));
    } else if (succeeded) {
      ++st.flows.transfers_succeeded;
      ctx.emit(EventKind::transfer_succeeded, researcher_ref(t.researcher), firm_ref(t.firm),
               t.value, static_cast<std::int32_t>(t.kind));
    } else {
      st.transfers[kept++] = t;
    }
  }
  st.transfers.resize(kept);
}

}  // namespace

void run_outcomes(WorldState& st, const PhaseContext& ctx) {
  const auto& alive = st.scratch.alive_firms;
  auto& fate = st.scratch.flags;
  auto& value = st.scratch.values;
  resize_reusing(fate, alive.size());  // both written for every firm below
  resize_reusing(value, alive.size());
  parallel_for_each_index(alive.size(), [&](std::size_t a) {
    value[a] = 0.0;
    fate[a] = decide(st, ctx, static_cast<std::size_t>(alive[a]), value[a]);
  });
  // The exits, found in parallel, are committed in id order.
  auto& exits = st.scratch.positions;
  parallel_select(
      alive.size(), [&](std::size_t a) { return fate[a] != survive; }, exits);
  const auto vertex_of = [&](std::size_t k) {
    return st.firms.vertex[static_cast<std::size_t>(alive[exits[k]])];
  };
  for (std::size_t k = 0; k < exits.size(); ++k) {
    prefetch_ahead(st.graph, exits.size(), k, vertex_of);
    const std::size_t a = exits[k];
    commit(st, ctx, static_cast<std::size_t>(alive[a]), fate[a], value[a]);
  }
  resolve_transfers(st, ctx);
}

}  // namespace incubsim
