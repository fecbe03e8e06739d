#include "engine/metrics.hpp"

#include <limits>

#include "core/parallel.hpp"

namespace incubsim {

const std::vector<output::MetricDef>& metric_defs() {
  // Immutable after first use.
  static const std::vector<output::MetricDef> defs = {
#define INCUBSIM_METRIC_DEF(name, kind, temporal, unit, doc) \
  {#name, output::MetricKind::kind, unit, doc, output::Temporal::temporal},
      INCUBSIM_METRICS(INCUBSIM_METRIC_DEF)
#undef INCUBSIM_METRIC_DEF
  };
  return defs;
}

namespace {

struct FirmTotals {
  std::array<std::int64_t, kStageCount> stage{};
  std::int64_t alive = 0, incubated = 0, selling = 0, tech_sme = 0, high_tech = 0, above_size = 0;
  std::int64_t employment = 0;
  double rd = 0, revenue = 0, cash = 0;
};

FirmTotals add(FirmTotals a, const FirmTotals& b) {
  for (int s = 0; s < kStageCount; ++s)
    a.stage[static_cast<std::size_t>(s)] += b.stage[static_cast<std::size_t>(s)];
  a.alive += b.alive;
  a.incubated += b.incubated;
  a.selling += b.selling;
  a.tech_sme += b.tech_sme;
  a.high_tech += b.high_tech;
  a.above_size += b.above_size;
  a.employment += b.employment;
  a.rd += b.rd;
  a.revenue += b.revenue;
  a.cash += b.cash;
  return a;
}

FirmTotals firm_totals(const WorldState& st) {
  const auto& F = st.firms;
  const auto& alive = st.scratch.alive_firms;
  return deterministic_reduce(
      alive.size(), FirmTotals{},
      [&](std::size_t a) {
        const auto f = static_cast<std::size_t>(alive[a]);
        FirmTotals t;
        t.alive = 1;
        ++t.stage[static_cast<std::size_t>(F.stage[f])];
        t.incubated = F.incubator[f] != kNoAgent;
        t.selling = F.selling[f];
        t.tech_sme = F.tech_sme[f];
        t.high_tech = F.high_tech[f];
        t.above_size = F.above_size[f];
        t.employment = F.employees[f];
        t.rd = F.rd_spend[f];
        t.revenue = F.revenue[f];
        t.cash = F.cash[f];
        return t;
      },
      add);
}

}  // namespace

MetricRow compute_metrics(const WorldState& st) {
  MetricRow row{};
  auto set = [&row](Metric m, double v) { row[static_cast<std::size_t>(m)] = v; };
  const QuarterFlows& fl = st.flows;
  const FirmTotals ft = firm_totals(st);
  set(Metric::firms_alive, static_cast<double>(ft.alive));
  set(Metric::firms_nascent,
      static_cast<double>(ft.stage[static_cast<std::size_t>(Stage::nascent)]));
  set(Metric::firms_seed, static_cast<double>(ft.stage[static_cast<std::size_t>(Stage::seed)]));
  set(Metric::firms_early_venture,
      static_cast<double>(ft.stage[static_cast<std::size_t>(Stage::early_venture)]));
  set(Metric::firms_late_venture,
      static_cast<double>(ft.stage[static_cast<std::size_t>(Stage::late_venture)]));
  set(Metric::firms_growth, static_cast<double>(ft.stage[static_cast<std::size_t>(Stage::growth)]));
  set(Metric::firms_incubated, static_cast<double>(ft.incubated));
  set(Metric::firms_selling, static_cast<double>(ft.selling));
  set(Metric::firms_tech_sme, static_cast<double>(ft.tech_sme));
  set(Metric::firms_high_tech, static_cast<double>(ft.high_tech));
  set(Metric::firms_above_size, static_cast<double>(ft.above_size));
  set(Metric::births,
      static_cast<double>(fl.births_spinoff + fl.births_independent + fl.births_programme));
  set(Metric::births_spinoff, static_cast<double>(fl.births_spinoff));
  set(Metric::births_independent, static_cast<double>(fl.births_independent));
  set(Metric::births_programme, static_cast<double>(fl.births_programme));
  set(Metric::deaths, static_cast<double>(fl.deaths));
  set(Metric::exits_acquisition, static_cast<double>(fl.acquisitions));
  set(Metric::exits_listing, static_cast<double>(fl.listings));
  set(Metric::exit_value, fl.exit_value);
  std::int64_t rounds = 0;
  double invested = 0;
  for (int r = 0; r < kRoundCount; ++r) {
    rounds += fl.rounds[static_cast<std::size_t>(r)];
    invested += fl.amount[static_cast<std::size_t>(r)];
  }
  set(Metric::rounds_sought, static_cast<double>(fl.rounds_sought));
  set(Metric::rounds_closed, static_cast<double>(rounds));
  set(Metric::rounds_failed, static_cast<double>(fl.rounds_failed));
  set(Metric::deals_seed, static_cast<double>(fl.deals[0]));
  set(Metric::deals_series_a, static_cast<double>(fl.deals[1]));
  set(Metric::deals_series_b, static_cast<double>(fl.deals[2]));
  set(Metric::deals_growth, static_cast<double>(fl.deals[3]));
  set(Metric::amount_seed, fl.amount[0]);
  set(Metric::amount_series_a, fl.amount[1]);
  set(Metric::amount_series_b, fl.amount[2]);
  set(Metric::amount_growth, fl.amount[3]);
  set(Metric::amount_invested, invested);
  set(Metric::syndicated_rounds, static_cast<double>(fl.syndicated_rounds));
  set(Metric::follow_on_deals, static_cast<double>(fl.follow_on_deals));

  const auto& Fu = st.funds;
  std::int64_t active = 0, investing = 0;
  double committed = 0, dry = 0, nav = 0;
  for (std::size_t g = 0; g < Fu.size(); ++g) {
    if (Fu.status[g] == FundStatus::closed) continue;
    ++active;
    investing += Fu.status[g] == FundStatus::investing;
    committed += Fu.committed[g];
    dry += Fu.uninvested[g];
    nav += Fu.nav[g];
  }
  set(Metric::funds_active, static_cast<double>(active));
  set(Metric::funds_investing, static_cast<double>(investing));
  set(Metric::funds_opened, static_cast<double>(fl.funds_opened));
  set(Metric::funds_closed, static_cast<double>(fl.funds_closed));
  set(Metric::fund_committed, committed);
  set(Metric::fund_dry_powder, dry);
  set(Metric::fund_nav, nav);
  set(Metric::fund_distributions, fl.distributions);
  set(Metric::fund_fees, fl.fees);

  const std::int64_t transfers = fl.licences + fl.spinoffs;
  set(Metric::inventions, static_cast<double>(fl.inventions));
  set(Metric::inventions_shelved, static_cast<double>(fl.shelved));
  set(Metric::transfers_attempted, static_cast<double>(transfers + fl.licence_unmatched));
  set(Metric::transfers_licence, static_cast<double>(fl.licences));
  set(Metric::transfers_spinoff, static_cast<double>(fl.spinoffs));
  set(Metric::transfers_unmatched, static_cast<double>(fl.licence_unmatched));
  set(Metric::transfers_succeeded, static_cast<double>(fl.transfers_succeeded));
  set(Metric::transfers_failed, static_cast<double>(fl.transfers_failed));
  set(Metric::transfers_open, static_cast<double>(st.transfers.size()));
  set(Metric::transfer_quality_mean,
      transfers > 0 ? fl.transferred_quality_sum / static_cast<double>(transfers)
                    : std::numeric_limits<double>::quiet_NaN());
  set(Metric::liability_incurred, fl.liability_incurred);
  set(Metric::liability_covered, fl.liability_covered);
  set(Metric::transfer_premiums, fl.transfer_premiums);

  std::int64_t academics = 0;
  for (const Career c : st.researchers.career) academics += c == Career::academic;
  set(Metric::researchers_academic, static_cast<double>(academics));
  set(Metric::researcher_entries, static_cast<double>(fl.researcher_entries));
  set(Metric::researcher_exits, static_cast<double>(fl.researcher_exits));
  set(Metric::rd_spend, fl.rd_spend);
  set(Metric::revenue, fl.revenue);
  set(Metric::employment, static_cast<double>(ft.employment));
  set(Metric::firm_cash, ft.cash);

  const auto& I = st.incubators;
  std::int64_t capacity = 0, provincial = 0;
  for (std::size_t i = 0; i < I.size(); ++i) {
    capacity += I.capacity[i];
    provincial += I.tier[i] != Tier::municipal;
  }
  set(Metric::incubator_capacity, static_cast<double>(capacity));
  set(Metric::incubator_applications, static_cast<double>(fl.applications));
  set(Metric::incubator_admissions, static_cast<double>(fl.admissions));
  set(Metric::incubator_graduations, static_cast<double>(fl.graduations));
  set(Metric::incubator_exits, static_cast<double>(fl.incubator_exits));
  set(Metric::incubators_provincial_plus, static_cast<double>(provincial));
  set(Metric::certifications, static_cast<double>(fl.certifications));
  set(Metric::policy_spend, fl.policy_spend);

  const auto& g = st.graph;
  set(Metric::ties_total, static_cast<double>(g.tie_count()));
  set(Metric::ties_tenancy, static_cast<double>(g.tie_count(TieType::tenancy)));
  set(Metric::ties_investment, static_cast<double>(g.tie_count(TieType::investment)));
  set(Metric::ties_co_investment, static_cast<double>(g.tie_count(TieType::co_investment)));
  set(Metric::ties_licence, static_cast<double>(g.tie_count(TieType::licence)));
  set(Metric::ties_founding, static_cast<double>(g.tie_count(TieType::founding)));
  set(Metric::ties_collaboration, static_cast<double>(g.tie_count(TieType::collaboration)));
  set(Metric::ties_alliance, static_cast<double>(g.tie_count(TieType::alliance)));
  set(Metric::ties_affiliation, static_cast<double>(g.tie_count(TieType::affiliation)));
  set_network_metrics(row, st.network);
  return row;
}

void set_network_metrics(MetricRow& row, const NetworkMeasures& nm) {
  auto set = [&row](Metric m, double v) { row[static_cast<std::size_t>(m)] = v; };
  set(Metric::network_mean_degree, nm.mean_degree);
  set(Metric::network_components, static_cast<double>(nm.components));
  set(Metric::network_largest_component, nm.largest_component_share);
  set(Metric::network_clustering, nm.clustering);
  set(Metric::brokerage_incubators, nm.brokerage_incubators);
  set(Metric::brokerage_funds, nm.brokerage_funds);
}

}  // namespace incubsim
