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

/// Commits the exits (st.scratch.positions into the alive firms) as if one
/// after the other in id order. An exit writes its own firm's columns and
/// events and pays its investors their share of the exit value (zero for a
/// death): all of that reads only the firm and its ties, which no other
/// exit changes, so it is found in parallel, each exit writing its own
/// slots. The shared counters (funds, incubators, flows) are then added up
/// in id order, and the exits' ties end together.
void commit_exits(WorldState& st, const PhaseContext& ctx) {
  auto& F = st.firms;
  auto& Fu = st.funds;
  auto& scratch = st.scratch;
  const auto& exits = scratch.positions;
  const std::size_t n = exits.size();
  const auto firm = [&](std::size_t k) {
    return static_cast<std::size_t>(scratch.alive_firms[exits[k]]);
  };
  const auto fate = [&](std::size_t k) { return scratch.flags[exits[k]]; };
  const auto value = [&](std::size_t k) { return fate(k) == die ? 0.0 : scratch.values[exits[k]]; };
  const auto proceeds = [&](const TieInfo& t, std::size_t f, double v) {
    return t.units * F.dilution_factor[f] * v;
  };

  // Each exit's events (its tenancy's end, the exit, a fund_exit per
  // investor paid) and investors, counted, then placed by a scan.
  auto& event_offset = scratch.event_offset;
  auto& payout_offset = scratch.payout_offset;
  resize_reusing(event_offset, n + 1);  // each slot written below
  resize_reusing(payout_offset, n + 1);
  event_offset[0] = payout_offset[0] = 0;
  parallel_for_each_index(n, [&](std::size_t k) {
    const std::size_t f = firm(k);
    const double v = value(k);
    std::size_t events = F.incubator[f] != kNoAgent ? 2 : 1;
    std::size_t investors = 0;
    st.graph.for_each_tie(F.vertex[f], TieType::investment, [&](auto, const TieInfo& t, auto) {
      ++investors;
      if (proceeds(t, f, v) > 0) ++events;
    });
    event_offset[k + 1] = events;
    payout_offset[k + 1] = investors;
  });
  for (std::size_t k = 0; k < n; ++k) {
    event_offset[k + 1] += event_offset[k];
    payout_offset[k + 1] += payout_offset[k];
  }
  const std::span<Event> events = ctx.append_events(event_offset[n]);
  auto& payouts = scratch.payouts;
  resize_reusing(payouts, payout_offset[n]);
  auto& leaving = scratch.leaving_vertices;
  resize_reusing(leaving, n);
  parallel_for_each_index(n, [&](std::size_t k) {
    const std::size_t f = firm(k);
    const auto id = static_cast<AgentId>(f);
    const std::uint8_t how = fate(k);
    const double v = value(k);
    Event* e = events.data() + event_offset[k];
    Payout* pay = payouts.data() + payout_offset[k];
    if (F.incubator[f] != kNoAgent) *e++ = tenancy_end_event(ctx, F.incubator[f], id, how != die);
    if (how == die) {
      *e++ = ctx.event(EventKind::firm_death, firm_ref(id), {}, F.cash[f]);
    } else {
      const EventKind kind = how == acquired ? EventKind::acquisition : EventKind::listing;
      *e++ = ctx.event(kind, firm_ref(id), {}, v);
    }
    st.graph.for_each_tie(F.vertex[f], TieType::investment, [&](auto w, const TieInfo& t, auto) {
      const AgentId g = st.graph.vertex(w).id;
      const double paid = proceeds(t, f, v);
      *pay++ = Payout{g, paid};
      if (paid > 0) *e++ = ctx.event(EventKind::fund_exit, fund_ref(g), firm_ref(id), paid);
    });
    F.exit_quarter[f] = ctx.quarter();
    F.seeking[f] = 0;
    F.status[f] = how == die        ? FirmStatus::dead
                  : how == acquired ? FirmStatus::acquired
                                    : FirmStatus::listed;
    if (how != die) F.exit_value[f] = v;
    leaving[k] = F.vertex[f];
  });

  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t f = firm(k);
    const std::uint8_t how = fate(k);
    if (F.incubator[f] != kNoAgent) leave_incubator(st, static_cast<AgentId>(f), how != die);
    if (how == die) {
      ++st.flows.deaths;
    } else {
      st.flows.exit_value += value(k);
      ++(how == acquired ? st.flows.acquisitions : st.flows.listings);
    }
    for (std::size_t p = payout_offset[k]; p < payout_offset[k + 1]; ++p) {
      const auto g = static_cast<std::size_t>(payouts[p].fund);
      if (payouts[p].proceeds > 0) {
        Fu.distributions[g] += payouts[p].proceeds;
        ++Fu.exits[g];
        st.flows.distributions += payouts[p].proceeds;
      } else {
        ++Fu.write_offs[g];
      }
    }
  }
  // The tenancy ends with the rest.
  st.graph.clear_ties(leaving);
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
  parallel_select(
      alive.size(), [&](std::size_t a) { return fate[a] != survive; }, st.scratch.positions);
  commit_exits(st, ctx);
  resolve_transfers(st, ctx);
}

}  // namespace incubsim
