// Transfer: for each new invention its researcher chooses to shelve it,
// license it to a firm, or found a spin-off (random-utility logit). The
// expected liability of a failed transfer enters the choice; a policy can
// insure part of it (policy/transfer_liability.hpp). Licences are committed
// here in invention order; spin-offs become firms in the entry phase.
#include <algorithm>

#include "core/parallel.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"

namespace incubsim {
namespace {

/// Absorptive capacity of a firm: what it has spent on R&D so far.
double absorptive_capacity(const FirmStore& F, AgentId f) {
  return F.rd_total[static_cast<std::size_t>(f)];
}

bool better_licensee(const FirmStore& F, AgentId a, AgentId b) {
  if (b == kNoAgent) return true;
  const double ca = absorptive_capacity(F, a), cb = absorptive_capacity(F, b);
  return ca > cb || (ca == cb && a < b);
}

/// Licensee for an invention: a firm the researcher already works with in
/// the same sector if any, else the most capable of a random sample of the
/// sector's firms.
AgentId find_licensee(const WorldState& st, const PhaseContext& ctx, std::size_t k) {
  const auto& F = st.firms;
  const auto& R = st.researchers;
  const auto r = static_cast<std::size_t>(st.inventions.researcher[k]);
  const std::uint8_t sector = R.sector[r];
  AgentId best = kNoAgent;
  st.graph.for_each_tie(R.vertex[r], [&](AgentGraph::Vertex v, const TieInfo& t, auto) {
    if (t.type != TieType::licence && t.type != TieType::secondment) return;
    const VertexInfo& info = st.graph.vertex(v);
    if (info.kind != AgentKind::firm || !F.alive(info.id)) return;
    if (F.sector[static_cast<std::size_t>(info.id)] != sector) return;
    if (better_licensee(F, info.id, best)) best = info.id;
  });
  if (best != kNoAgent) return best;
  const auto& pool = st.scratch.firms_by_sector[sector];
  if (pool.empty()) return kNoAgent;
  Stream s = ctx.stream(AgentKind::researcher, st.inventions.key[k], Purpose::partner_search);
  const int draws = ctx.scenario().transfer.licensee_candidates;
  for (int d = 0; d < draws; ++d) {
    const AgentId f = pool[s.below(pool.size())];
    if (better_licensee(F, f, best)) best = f;
  }
  return best;
}

void choose(WorldState& st, const PhaseContext& ctx, std::size_t k) {
  const auto& sc = ctx.scenario();
  const auto& tp = sc.transfer;
  auto& inv = st.inventions;
  const auto r = static_cast<std::size_t>(inv.researcher[k]);
  const auto& R = st.researchers;
  Stream s = ctx.stream(AgentKind::researcher, inv.key[k], Purpose::transfer_choice);
  const double seen = inv.quality[k] + s.normal(0.0, sc.researchers.self_assessment_noise);
  const double p = logistic(tp.success_intercept + tp.success_quality * seen +
                            tp.success_maturity * inv.maturity[k]);
  const double value = inv.value[k];
  const double exposure = tp.liability_share * value;
  // A separate stream, so what a policy draws never shifts the choice's draws.
  Stream offer = ctx.stream(AgentKind::researcher, inv.key[k], Purpose::transfer_offer);
  TransferQuery q{ctx.quarter(), inv.researcher[k], R.institution[r], TransferKind::licence,
                  value,         exposure,          offer.uniform()};
  const TransferTerms lic = ctx.policies().transfer_liability->terms(q);
  q.kind = TransferKind::spinoff;
  const TransferTerms spin = ctx.policies().transfer_liability->terms(q);
  const double ra = R.risk_aversion[r];
  const double noise = tp.decision_noise;
  const double u_shelve = tp.publish_value + noise * s.gumbel();
  const double u_licence = p * tp.royalty_share * value -
                           ra * (1.0 - p) * exposure * (1.0 - lic.coverage) - lic.premium +
                           noise * s.gumbel();
  const double u_spinoff = p * tp.spinoff_equity * tp.spinoff_value_multiplier * value -
                           tp.spinoff_cost - ra * (1.0 - p) * exposure * (1.0 - spin.coverage) -
                           spin.premium + noise * s.gumbel();
  if (u_shelve >= u_licence && u_shelve >= u_spinoff) {
    inv.choice[k] = TransferChoice::shelve;
  } else if (u_licence >= u_spinoff) {
    inv.choice[k] = TransferChoice::licence;
    inv.coverage[k] = lic.coverage;
    inv.premium[k] = lic.premium;
    inv.licensee[k] = find_licensee(st, ctx, k);
  } else {
    inv.choice[k] = TransferChoice::spinoff;
    inv.coverage[k] = spin.coverage;
    inv.premium[k] = spin.premium;
  }
}

void commit_licence(WorldState& st, const PhaseContext& ctx, std::size_t k) {
  const auto& tp = ctx.scenario().transfer;
  auto& inv = st.inventions;
  auto& F = st.firms;
  auto& R = st.researchers;
  const auto r = static_cast<std::size_t>(inv.researcher[k]);
  const auto f = static_cast<std::size_t>(inv.licensee[k]);
  const double value = inv.value[k];
  F.cash[f] -= tp.licence_fee_share * value;
  ++F.ip_count[f];
  if (!F.selling[f])
    F.maturity[f] = std::min(1.0, F.maturity[f] + tp.licence_maturity_boost * inv.maturity[k]);
  // The firm's technology improves halfway towards a better invention.
  if (inv.quality[k] > F.quality[f]) F.quality[f] += 0.5 * (inv.quality[k] - F.quality[f]);
  tie_or_strengthen(st.graph, R.vertex[r], F.vertex[f], TieType::licence, ctx.quarter(), value);
  ++R.licences[r];
  open_transfer(st, ctx, k, TransferKind::licence, inv.licensee[k]);
  ++st.flows.licences;
  ctx.emit(EventKind::licence, researcher_ref(inv.researcher[k]), firm_ref(inv.licensee[k]), value);
}

}  // namespace

void run_transfer(WorldState& st, const PhaseContext& ctx) {
  // Alive firms by sector, ascending within each (a stable counting sort).
  const auto& alive = st.scratch.alive_firms;
  auto& grouped = st.scratch.grouped_firms;
  auto& offset = st.scratch.group_offset;
  const auto sector_count = static_cast<std::size_t>(ctx.scenario().sector_count());
  parallel_group(
      alive.size(), sector_count,
      [&](std::size_t a) {
        return std::size_t{st.firms.sector[static_cast<std::size_t>(alive[a])]};
      },
      [&](std::size_t a) { return alive[a]; }, grouped, offset);
  auto& sectors = st.scratch.firms_by_sector;
  sectors.resize(sector_count);
  // Megabytes at national size: a sector per task.
  parallel_for_each_index(
      sector_count,
      [&](std::size_t g) {
        sectors[g].assign(grouped.begin() + static_cast<std::ptrdiff_t>(offset[g]),
                          grouped.begin() + static_cast<std::ptrdiff_t>(offset[g + 1]));
      },
      1);

  auto& inv = st.inventions;
  parallel_for_each_index(
      inv.size(), [&](std::size_t k) { choose(st, ctx, k); }, 64);

  for (std::size_t k = 0; k < inv.size(); ++k) {
    switch (inv.choice[k]) {
      case TransferChoice::shelve: ++st.flows.shelved; break;
      case TransferChoice::licence:
        if (inv.licensee[k] == kNoAgent) {
          ++st.flows.licence_unmatched;
          ++st.flows.shelved;
          inv.choice[k] = TransferChoice::shelve;
        } else {
          commit_licence(st, ctx, k);
        }
        break;
      case TransferChoice::spinoff: {
        // A researcher founds at most one firm; a second spin-off choice in
        // the same quarter is shelved.
        auto& career = st.researchers.career[static_cast<std::size_t>(inv.researcher[k])];
        if (career != Career::academic) {
          inv.choice[k] = TransferChoice::shelve;
          ++st.flows.shelved;
        } else {
          career = Career::founder;
        }
        break;
      }
    }
  }
}

}  // namespace incubsim
