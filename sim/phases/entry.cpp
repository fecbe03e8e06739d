// Entry: spin-offs chosen in the transfer phase become firms (in invention
// order), then independent founders enter (Poisson). Every new firm's
// lineage key depends only on its parent and ordinal, so a policy that adds
// spin-offs does not change the draws of independent entrants.
#include "phases/phases.hpp"
#include "phases/population.hpp"
#include "policy/policy_set.hpp"

namespace incubsim {
namespace {

void found_spinoff(WorldState& st, const PhaseContext& ctx, std::size_t k) {
  const auto& sc = ctx.scenario();
  const auto& inv = st.inventions;
  auto& R = st.researchers;
  const auto r = static_cast<std::size_t>(inv.researcher[k]);
  NewFirm nf;
  nf.key = lineage_key(AgentKind::firm, ctx.quarter(), inv.key[k], 0);
  Stream s = ctx.stream(AgentKind::firm, nf.key, Purpose::attributes);
  nf.sector = R.sector[r];
  nf.origin = Origin::spinoff;
  nf.founded = ctx.quarter();
  nf.founder = inv.researcher[k];
  nf.quality = inv.quality[k];
  nf.maturity = inv.maturity[k];
  nf.cash = s.lognormal_with_mean(sc.firms.spinoff_cash_mean, sc.firms.founder_cash_sigma);
  nf.employees = sc.firms.founding_employees;
  nf.rd_intensity = s.lognormal_with_mean(sc.firms.rd_intensity, sc.firms.rd_intensity_sigma);
  const AgentId firm = add_firm(st, nf);
  auto& F = st.firms;
  F.ip_count[static_cast<std::size_t>(firm)] = 1;
  TieInfo tie;
  tie.type = TieType::founding;
  tie.since = ctx.quarter();
  tie.amount = inv.value[k];
  st.graph.add_tie(R.vertex[r], F.vertex[static_cast<std::size_t>(firm)], tie);
  R.left[r] = ctx.quarter();
  ++R.spinoffs[r];
  open_transfer(st, ctx, k, TransferKind::spinoff, firm);
  ++st.flows.spinoffs;
  ++st.flows.births_spinoff;
  ctx.emit(EventKind::firm_birth, firm_ref(firm), researcher_ref(inv.researcher[k]), nf.cash,
           static_cast<std::int32_t>(Origin::spinoff));
  ctx.emit(EventKind::spinoff, researcher_ref(inv.researcher[k]), firm_ref(firm), inv.value[k]);
}

}  // namespace

void run_entry(WorldState& st, const PhaseContext& ctx) {
  const auto& inv = st.inventions;
  for (std::size_t k = 0; k < inv.size(); ++k)
    if (inv.choice[k] == TransferChoice::spinoff) found_spinoff(st, ctx, k);

  const auto& sc = ctx.scenario();
  const auto root = static_cast<LineageKey>(LineageRoot::founders);
  Stream count = ctx.stream(AgentKind::none, root, Purpose::entry_count);
  const auto n = static_cast<std::size_t>(count.poisson(sc.firms.founders_per_quarter));
  const AgentId first = add_firms(st, n, [&](std::size_t i, AgentId id) {
    const LineageKey key = lineage_key(AgentKind::firm, ctx.quarter(), root, i);
    Stream s = ctx.stream(AgentKind::firm, key, Purpose::attributes);
    st.firms.set(id, draw_independent_firm(sc, s, key, ctx.quarter()));
  });
  for (std::size_t i = 0; i < n; ++i) {
    const AgentId firm = first + static_cast<AgentId>(i);
    ++st.flows.births_independent;
    ctx.emit(EventKind::firm_birth, firm_ref(firm), {},
             st.firms.cash[static_cast<std::size_t>(firm)],
             static_cast<std::int32_t>(Origin::independent));
  }
  if (auto* policies = ctx.policies().instruments) policies->after_entry(st, ctx);
}

}  // namespace incubsim
