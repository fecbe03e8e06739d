// Financing: firms short of runway seek a round sized to their plans; funds
// screen a limited number of them (their own portfolio first, then deal flow
// from the graph: tenants of affiliated incubators and co-investors'
// portfolio firms, then open search in the round/sector pool) with noisy due
// diligence and make offers within their capital. Each firm takes offers
// best signal first; a lead short of the round invites its co-investment
// partners (syndication). Offers are made in parallel per fund and sorted;
// rounds close sequentially in firm order, so capital, ties and events are
// committed identically for any thread count.
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>
#include <span>

#include "core/parallel.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"
#include "policy/policy_set.hpp"

namespace incubsim {
namespace {

struct Offer {
  AgentId firm;
  AgentId fund;
  double amount;
  double signal;
  bool insider;
};

int next_round(std::int8_t last) {
  return last == kNoRound ? 0 : std::min<int>(last + 1, kRoundCount - 1);
}

/// Net spending per quarter the firm expects at its current size.
double expected_net_burn(const Scenario& sc, const FirmStore& F, std::size_t f) {
  const auto& p = sc.firms;
  const double fixed =
      p.fixed_cost * (F.incubator[f] != kNoAgent ? 1.0 - sc.incubators.rent_subsidy : 1.0);
  const double rd = F.selling[f] ? F.rd_intensity[f] * F.revenue[f] : 0.0;
  return F.employees[f] * sc.market.wage + fixed + rd - sc.market.gross_margin * F.revenue[f];
}

/// Seeking firms, bucketed by (round, sector) for open search. The lists
/// live in the scratch: at national size they are megabytes, which a fresh
/// buffer each quarter would page-fault in on one thread.
struct DealPool {
  std::vector<AgentId>& seeking;     // ascending
  std::vector<AgentId>& pooled;      // seeking firms by bucket, ascending in each
  std::vector<std::size_t>& offset;  // bucket round * sectors + sector starts here
  std::size_t sectors = 0;
  std::span<const AgentId> bucket(int round, std::size_t sector) const {
    const std::size_t b = static_cast<std::size_t>(round) * sectors + sector;
    return {pooled.data() + offset[b], offset[b + 1] - offset[b]};
  }
};

void find_seekers(WorldState& st, const PhaseContext& ctx, DealPool& pool) {
  const auto& sc = ctx.scenario();
  auto& F = st.firms;
  const auto& alive = st.scratch.alive_firms;
  parallel_for_each_index(alive.size(), [&](std::size_t a) {
    const auto f = static_cast<std::size_t>(alive[a]);
    F.seeking[f] = 0;
    F.ask[f] = 0.0;
    const double burn = expected_net_burn(sc, F, f);
    if (burn <= 0 || F.cash[f] >= sc.firms.seek_runway * burn) return;
    const int round = next_round(F.last_round[f]);
    const double plan = burn * sc.firms.round_burn_multiplier[static_cast<std::size_t>(round)];
    const double ask = sc.firms.target_runway * plan - std::max(0.0, F.cash[f]);
    if (ask <= 0) return;
    F.seeking[f] = 1;
    F.ask[f] = ask;
  });
  // The seekers and their buckets, found in parallel (random reads by id).
  pool.sectors = static_cast<std::size_t>(sc.sector_count());
  const std::size_t buckets = pool.sectors * kRoundCount;
  const auto seeking = [&](std::size_t a) { return F.seeking[static_cast<std::size_t>(alive[a])]; };
  parallel_group(
      alive.size(), buckets,
      [&](std::size_t a) {
        const auto f = static_cast<std::size_t>(alive[a]);
        return seeking(a) ? static_cast<std::size_t>(next_round(F.last_round[f])) * pool.sectors +
                                F.sector[f]
                          : buckets;
      },
      [&](std::size_t a) { return alive[a]; }, pool.pooled, pool.offset);
  parallel_select(alive.size(), seeking, pool.seeking);  // positions in alive, then ids
  parallel_for_each_index(pool.seeking.size(), [&](std::size_t k) {
    pool.seeking[k] = alive[static_cast<std::size_t>(pool.seeking[k])];
  });
  st.flows.rounds_sought += static_cast<std::int64_t>(pool.seeking.size());
}

bool fits_focus(const WorldState& st, std::size_t fund, std::size_t firm) {
  const auto& Fu = st.funds;
  const auto& F = st.firms;
  if (!Fu.invests_in(static_cast<AgentId>(fund), next_round(F.last_round[firm]))) return false;
  return Fu.sector[fund] == kAllSectors || Fu.sector[fund] == F.sector[firm];
}

/// Capital a fund can put into a new company / a follow-on right now.
double new_deal_capital(const FundStore& Fu, std::size_t g) {
  if (Fu.status[g] != FundStatus::investing) return 0.0;
  return std::max(0.0, Fu.uninvested[g] - Fu.reserve[g]);
}
double follow_on_capital(const FundStore& Fu, std::size_t g) {
  return Fu.status[g] == FundStatus::closed ? 0.0 : Fu.uninvested[g];
}

/// Amount fund g already has in firm f (0 if none), from the investment tie.
double position_cost(const WorldState& st, std::size_t g, std::size_t f) {
  const auto e = st.graph.find_tie(st.firms.vertex[f], st.funds.vertex[g], TieType::investment);
  return e ? st.graph.tie(*e).amount : 0.0;
}

/// The offer fund g would make for firm f after due diligence, or 0.
double offer_amount(const WorldState& st, const PhaseContext& ctx, std::size_t g, std::size_t f,
                    double signal, double capital) {
  const auto& tp = ctx.scenario().funds.types[static_cast<std::size_t>(st.funds.type[g])];
  if (signal < tp.hurdle - st.funds.hurdle_shift[g]) return 0.0;
  const double room = tp.max_position * st.funds.committed[g] - position_cost(st, g, f);
  const double amount = std::min({tp.round_share * st.firms.ask[f], room, capital});
  return amount > 1e-9 ? amount : 0.0;
}

class FundScreening {
 public:
  FundScreening(const WorldState& st, const PhaseContext& ctx, const DealPool& pool, std::size_t g,
                std::vector<Offer>& out)
      : st_(st), ctx_(ctx), pool_(pool), g_(g), out_(out) {}

  void run() {
    const auto& Fu = st_.funds;
    const auto& tp = ctx_.scenario().funds.types[static_cast<std::size_t>(Fu.type[g_])];
    remaining_ = follow_on_capital(Fu, g_);
    new_room_ = new_deal_capital(Fu, g_);
    if (remaining_ <= 0) return;
    // Portfolio firms raising again: insiders, outside the screening budget.
    st_.graph.for_each_tie(Fu.vertex[g_], TieType::investment, [&](auto v, const TieInfo&, auto) {
      consider(static_cast<std::size_t>(st_.graph.vertex(v).id), true);
    });
    if (new_room_ <= 0) return;
    budget_ = tp.screening_capacity;
    // Deal flow from the graph, in the order the fund's ties formed:
    // affiliated incubators' tenants and co-investors' portfolio firms
    // (referrals). Follow-ons above ignore the fund's round focus (pro-rata).
    st_.graph.for_each_tie(Fu.vertex[g_], [&](auto v, const TieInfo& t, auto) {
      if (budget_ <= 0) return;
      if (t.type == TieType::affiliation)
        st_.graph.for_each_tie(v, TieType::tenancy, [&](auto w, const TieInfo&, auto) {
          consider(static_cast<std::size_t>(st_.graph.vertex(w).id), false);
        });
      else if (t.type == TieType::co_investment)
        st_.graph.for_each_tie(v, TieType::investment, [&](auto w, const TieInfo&, auto) {
          consider(static_cast<std::size_t>(st_.graph.vertex(w).id), false);
        });
    });
    open_search();
  }

 private:
  void consider(std::size_t f, bool insider) {
    const auto& F = st_.firms;
    if (!insider && budget_ <= 0) return;
    if (F.status[f] != FirmStatus::alive || !F.seeking[f]) return;
    if (!insider && !fits_focus(st_, g_, f)) return;
    if (std::find(seen_.begin(), seen_.end(), f) != seen_.end()) return;
    seen_.push_back(f);
    if (!insider) --budget_;
    const auto& sc = ctx_.scenario();
    const auto& tp = sc.funds.types[static_cast<std::size_t>(st_.funds.type[g_])];
    Stream s = ctx_.stream(AgentKind::fund, hash_combine(st_.funds.key[g_], F.key[f]),
                           Purpose::due_diligence);
    const double noise = tp.dd_noise * (insider ? sc.funds.insider_signal_noise : 1.0);
    const double signal = F.quality[f] + s.normal(0.0, noise);
    // Offers never promise more than the fund has: follow-ons may use all
    // uninvested capital, new companies only what is not held in reserve.
    const double cap = insider ? remaining_ : std::min(new_room_, remaining_);
    const double amount = offer_amount(st_, ctx_, g_, f, signal, cap);
    if (amount <= 0) return;
    remaining_ -= amount;
    new_room_ = insider ? std::min(new_room_, remaining_) : new_room_ - amount;
    out_.push_back(
        Offer{static_cast<AgentId>(f), static_cast<AgentId>(g_), amount, signal, insider});
  }

  /// Uniform draws over the pooled buckets this fund may invest in.
  void open_search() {
    const auto& Fu = st_.funds;
    std::vector<std::span<const AgentId>> eligible;
    std::size_t total = 0;
    for (int r = 0; r < kRoundCount; ++r) {
      if (!Fu.invests_in(static_cast<AgentId>(g_), r)) continue;
      for (std::size_t sec = 0; sec < pool_.sectors; ++sec) {
        if (Fu.sector[g_] != kAllSectors && static_cast<std::size_t>(Fu.sector[g_]) != sec)
          continue;
        const auto b = pool_.bucket(r, sec);
        if (b.empty()) continue;
        eligible.push_back(b);
        total += b.size();
      }
    }
    if (total == 0) return;
    Stream s = ctx_.stream(AgentKind::fund, Fu.key[g_], Purpose::deal_flow);
    for (int attempt = 0; budget_ > 0 && attempt < 2 * budget_ + 4; ++attempt) {
      std::size_t u = s.below(total);
      for (const auto b : eligible) {
        if (u < b.size()) {
          consider(static_cast<std::size_t>(b[u]), false);
          break;
        }
        u -= b.size();
      }
    }
  }

  const WorldState& st_;
  const PhaseContext& ctx_;
  const DealPool& pool_;
  std::size_t g_;
  std::vector<Offer>& out_;
  std::vector<std::size_t> seen_;
  double remaining_ = 0;  // capital not yet promised
  double new_room_ = 0;   // of which available for new companies
  int budget_ = 0;
};

struct Take {
  AgentId fund;
  double amount;
  double signal;
  bool insider;
};

/// Invites the lead's co-investment partners, strongest ties first.
void syndicate(WorldState& st, const PhaseContext& ctx, std::size_t f, std::vector<Take>& takes,
               double& total) {
  const auto& sc = ctx.scenario();
  auto& Fu = st.funds;
  const auto& F = st.firms;
  const auto lead = static_cast<std::size_t>(takes.front().fund);
  std::vector<std::pair<std::int32_t, AgentId>> partners;
  st.graph.for_each_tie(Fu.vertex[lead], TieType::co_investment,
                        [&](auto v, const TieInfo& t, auto) {
                          partners.emplace_back(t.weight, st.graph.vertex(v).id);
                        });
  std::sort(partners.begin(), partners.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  int invited = 0;
  for (const auto& [weight, partner] : partners) {
    if (invited >= sc.funds.co_investor_invitations || total >= F.ask[f]) break;
    const auto g = static_cast<std::size_t>(partner);
    if (std::any_of(takes.begin(), takes.end(), [&](const Take& t) { return t.fund == partner; }))
      continue;
    if (!fits_focus(st, g, f) || new_deal_capital(Fu, g) <= 0) continue;
    ++invited;
    const auto& tp = sc.funds.types[static_cast<std::size_t>(Fu.type[g])];
    Stream s = ctx.stream(AgentKind::fund, hash_combine(Fu.key[g], F.key[f]), Purpose::syndication);
    const double signal = F.quality[f] + s.normal(0.0, tp.dd_noise * sc.funds.shared_signal_noise);
    const double amount =
        std::min(offer_amount(st, ctx, g, f, signal, new_deal_capital(Fu, g)), F.ask[f] - total);
    if (amount <= 0) continue;
    takes.push_back(Take{partner, amount, signal, false});
    total += amount;
  }
}

void close_round(WorldState& st, const PhaseContext& ctx, std::size_t f,
                 const std::vector<Take>& takes, double total) {
  const auto& sc = ctx.scenario();
  auto& F = st.firms;
  auto& Fu = st.funds;
  const int round = next_round(F.last_round[f]);
  // Price: the share sold falls with the lead's signal.
  const double share = std::clamp(
      sc.funds.dilution * std::exp(-sc.funds.valuation_signal_effect * takes.front().signal), 0.02,
      0.9);
  const double post = total / share;
  F.dilution_factor[f] *= 1.0 - share;
  const double burn = expected_net_burn(sc, F, f);
  F.cash[f] += total;
  F.raised_total[f] += total;
  F.valuation[f] = post;
  F.last_round[f] = static_cast<std::int8_t>(round);
  ++F.rounds_raised[f];
  F.planned_burn[f] = burn * sc.firms.round_burn_multiplier[static_cast<std::size_t>(round)];
  F.seeking[f] = 0;
  const Stage reached = round == 0   ? Stage::seed
                        : round == 1 ? Stage::early_venture
                                     : Stage::late_venture;
  if (F.stage[f] < reached) F.stage[f] = reached;

  for (const Take& t : takes) {
    const auto g = static_cast<std::size_t>(t.fund);
    Fu.uninvested[g] -= t.amount;
    Fu.reserve[g] = t.insider ? std::max(0.0, Fu.reserve[g] - t.amount)
                              : std::min(Fu.reserve[g], Fu.uninvested[g]);
    Fu.invested[g] += t.amount;
    ++Fu.deals[g];
    const double units = (t.amount / post) / F.dilution_factor[f];
    if (auto e = st.graph.find_tie(F.vertex[f], Fu.vertex[g], TieType::investment)) {
      auto& tie = st.graph.tie(*e);
      tie.amount += t.amount;
      tie.units += units;
      ++tie.weight;
      ++st.flows.follow_on_deals;
    } else {
      TieInfo tie;
      tie.type = TieType::investment;
      tie.since = ctx.quarter();
      tie.amount = t.amount;
      tie.units = units;
      tie.round = static_cast<std::int8_t>(round);
      st.graph.add_tie(F.vertex[f], Fu.vertex[g], tie);
    }
    ++st.flows.deals[static_cast<std::size_t>(round)];
    st.flows.amount[static_cast<std::size_t>(round)] += t.amount;
    ctx.emit(EventKind::deal, fund_ref(t.fund), firm_ref(static_cast<AgentId>(f)), t.amount, round);
  }
  ++st.flows.rounds[static_cast<std::size_t>(round)];
  if (takes.size() > 1) {
    ++st.flows.syndicated_rounds;
    for (std::size_t a = 0; a < takes.size(); ++a)
      for (std::size_t b = a + 1; b < takes.size(); ++b)
        tie_or_strengthen(st.graph, Fu.vertex[static_cast<std::size_t>(takes[a].fund)],
                          Fu.vertex[static_cast<std::size_t>(takes[b].fund)],
                          TieType::co_investment, ctx.quarter(), 0.0);
  }
  // Investing in a tenant can tie the fund to the incubator for good.
  const AgentId inc = F.incubator[f];
  if (inc != kNoAgent) {
    const auto iv = st.incubators.vertex[static_cast<std::size_t>(inc)];
    for (const Take& t : takes) {
      const auto gv = Fu.vertex[static_cast<std::size_t>(t.fund)];
      if (st.graph.find_tie(iv, gv, TieType::affiliation)) continue;
      Stream s = ctx.stream(AgentKind::fund,
                            hash_combine(Fu.key[static_cast<std::size_t>(t.fund)], F.key[f]),
                            Purpose::tie_formation);
      if (!s.bernoulli(sc.network.affiliation_rate)) continue;
      TieInfo tie;
      tie.type = TieType::affiliation;
      tie.since = ctx.quarter();
      st.graph.add_tie(iv, gv, tie);
    }
  }
}

void close_rounds(WorldState& st, const PhaseContext& ctx, const DealPool& pool) {
  tbb::enumerable_thread_specific<std::vector<Offer>> local;
  parallel_for_each_index(
      st.funds.size(), [&](std::size_t g) { FundScreening(st, ctx, pool, g, local.local()).run(); },
      8);
  std::vector<Offer> offers;
  for (auto& v : local) offers.insert(offers.end(), v.begin(), v.end());
  // A total order (a fund makes a firm one offer at most), so any sort,
  // and any order the threads' lists were joined in, gives the same list.
  parallel_sort(offers, [](const Offer& a, const Offer& b) {
    if (a.firm != b.firm) return a.firm < b.firm;
    if (a.signal != b.signal) return a.signal > b.signal;
    return a.fund < b.fund;
  });

  const auto& sc = ctx.scenario();
  auto& Fu = st.funds;
  std::vector<Take> takes;
  std::size_t o = 0;
  for (const AgentId id : pool.seeking) {
    const auto f = static_cast<std::size_t>(id);
    takes.clear();
    double total = 0;
    for (; o < offers.size() && offers[o].firm < id; ++o) {
    }
    for (; o < offers.size() && offers[o].firm == id; ++o) {
      const Offer& of = offers[o];
      const auto g = static_cast<std::size_t>(of.fund);
      // Capital may have gone to an earlier firm's syndicate since the offer.
      const double live = of.insider ? follow_on_capital(Fu, g) : new_deal_capital(Fu, g);
      const double amount = std::min({of.amount, st.firms.ask[f] - total, live});
      if (amount <= 1e-9) continue;
      takes.push_back(Take{of.fund, amount, of.signal, of.insider});
      total += amount;
    }
    if (!takes.empty() && total < st.firms.ask[f]) syndicate(st, ctx, f, takes, total);
    if (takes.empty() || total < sc.funds.min_fill * st.firms.ask[f]) {
      // No round: the firm stops hiring ahead of revenue.
      st.firms.planned_burn[f] = 0.0;
      ++st.flows.rounds_failed;
      continue;
    }
    close_round(st, ctx, f, takes, total);
  }
}

}  // namespace

void run_financing(WorldState& st, const PhaseContext& ctx) {
  DealPool pool{st.scratch.seekers, st.scratch.pooled_seekers, st.scratch.pool_offset};
  find_seekers(st, ctx, pool);
  if (!pool.seeking.empty()) close_rounds(st, ctx, pool);
  if (auto* policies = ctx.policies().instruments) policies->after_financing(st, ctx);
}

}  // namespace incubsim
