#pragma once
// The /timeseries columns: one list, so that the name, the kind, the unit,
// the meaning and the code that computes each metric stay together. Stocks
// are measured at the end of the quarter, flows over the quarter.
#include <array>
#include <vector>

#include "engine/state.hpp"
#include "output/table.hpp"

namespace incubsim {

// X(name, kind, temporal, unit, description): temporal is `stock` (level at the
// end of the quarter) or `flow` (total over the quarter, or a mean over its events).
#define INCUBSIM_METRICS(X)                                                                        \
  X(firms_alive, count, stock, "firms", "Firms alive at the end of the quarter")                   \
  X(firms_nascent, count, stock, "firms",                                                          \
    "Alive firms at stage nascent (no round raised, below growth revenue)")                        \
  X(firms_seed, count, stock, "firms",                                                             \
    "Alive firms at stage seed (raised seed, not yet series A or growth revenue)")                 \
  X(firms_early_venture, count, stock, "firms",                                                    \
    "Alive firms at stage early_venture (raised series A)")                                        \
  X(firms_late_venture, count, stock, "firms",                                                     \
    "Alive firms at stage late_venture (raised series B or later)")                                \
  X(firms_growth, count, stock, "firms",                                                           \
    "Alive firms at stage growth (reached firms.growth_revenue; overrides rounds)")                \
  X(firms_incubated, count, stock, "firms", "Alive firms that are incubator tenants")              \
  X(firms_selling, count, stock, "firms", "Alive firms with a product on the market")              \
  X(firms_tech_sme, count, stock, "firms", "Alive certified tech-based SMEs")                      \
  X(firms_high_tech, count, stock, "firms", "Alive certified high-tech enterprises")               \
  X(firms_above_size, count, stock, "firms", "Alive firms above designated size")                  \
  X(births, count, flow, "firms", "New firms (spin-offs, independent and programme founders)")     \
  X(births_spinoff, count, flow, "firms", "New research spin-offs")                                \
  X(births_independent, count, flow, "firms", "New firms of independent founders")                 \
  X(births_programme, count, flow, "firms", "New firms of talent-programme founders")              \
  X(deaths, count, flow, "firms", "Firms that closed (out of cash or exogenous)")                  \
  X(exits_acquisition, count, flow, "firms", "Firms acquired")                                     \
  X(exits_listing, count, flow, "firms", "Firms listed")                                           \
  X(exit_value, amount, flow, "M yuan", "Value of acquisitions and listings")                      \
  X(rounds_sought, count, flow, "rounds", "Firms seeking a round")                                 \
  X(rounds_closed, count, flow, "rounds", "Rounds closed (all stages)")                            \
  X(rounds_failed, count, flow, "rounds", "Rounds sought that did not close")                      \
  X(deals_seed, count, flow, "deals", "Fund-firm deals in seed rounds")                            \
  X(deals_series_a, count, flow, "deals", "Fund-firm deals in series A rounds")                    \
  X(deals_series_b, count, flow, "deals", "Fund-firm deals in series B rounds")                    \
  X(deals_growth, count, flow, "deals", "Fund-firm deals in growth rounds")                        \
  X(amount_seed, amount, flow, "M yuan", "Invested in seed rounds")                                \
  X(amount_series_a, amount, flow, "M yuan", "Invested in series A rounds")                        \
  X(amount_series_b, amount, flow, "M yuan", "Invested in series B rounds")                        \
  X(amount_growth, amount, flow, "M yuan", "Invested in growth rounds")                            \
  X(amount_invested, amount, flow, "M yuan", "Invested in all rounds")                             \
  X(syndicated_rounds, count, flow, "rounds", "Rounds with more than one investor")                \
  X(follow_on_deals, count, flow, "deals", "Deals by a fund already invested in the firm")         \
  X(funds_active, count, stock, "funds", "Funds not yet closed")                                   \
  X(funds_investing, count, stock, "funds", "Funds in their investment period")                    \
  X(funds_opened, count, flow, "funds", "New and successor funds opened")                          \
  X(funds_closed, count, flow, "funds", "Funds liquidated at the end of their life")               \
  X(fund_committed, amount, stock, "M yuan", "Committed capital of active funds")                  \
  X(fund_dry_powder, amount, stock, "M yuan", "Uninvested capital of active funds")                \
  X(fund_nav, amount, stock, "M yuan", "Value of active funds' holdings at last valuations")       \
  X(fund_distributions, amount, flow, "M yuan",                                                    \
    "Proceeds paid to funds from exits and liquidations")                                          \
  X(fund_fees, amount, flow, "M yuan", "Management fees drawn")                                    \
  X(inventions, count, flow, "inventions", "Inventions disclosed by researchers")                  \
  X(inventions_shelved, count, flow, "inventions", "Inventions shelved or published")              \
  X(transfers_attempted, count, flow, "transfers", "Licence or spin-off chosen (incl. unmatched)") \
  X(transfers_licence, count, flow, "transfers", "Licences to firms")                              \
  X(transfers_spinoff, count, flow, "transfers", "Spin-offs founded")                              \
  X(transfers_unmatched, count, flow, "transfers", "Licences sought but no licensee found")        \
  X(transfers_succeeded, count, flow, "transfers", "Transfers judged successful this quarter")     \
  X(transfers_failed, count, flow, "transfers", "Transfers that failed within the window")         \
  X(transfers_open, count, stock, "transfers", "Transfers still inside their failure window")      \
  X(transfer_quality_mean, ratio, flow, "sd",                                                      \
    "Mean latent quality of this quarter's transfers (NaN: none)")                                 \
  X(liability_incurred, amount, flow, "M yuan", "Liability borne by researchers and institutions") \
  X(liability_covered, amount, flow, "M yuan", "Liability paid by policy (insurance)")             \
  X(transfer_premiums, amount, flow, "M yuan", "Premiums paid for transfer cover")                 \
  X(researchers_academic, count, stock, "researchers", "Researchers producing inventions")         \
  X(researcher_entries, count, flow, "researchers", "Researchers entering")                        \
  X(researcher_exits, count, flow, "researchers", "Researchers retiring or leaving")               \
  X(rd_spend, amount, flow, "M yuan", "R&D spending of firms that operated this quarter")          \
  X(revenue, amount, flow, "M yuan", "Revenue of firms that operated this quarter")                \
  X(employment, count, stock, "employees", "Employees of alive firms")                             \
  X(firm_cash, amount, stock, "M yuan", "Cash held by alive firms")                                \
  X(incubator_capacity, count, stock, "places", "Places in all incubators")                        \
  X(incubator_applications, count, flow, "applications", "Applications to incubators")             \
  X(incubator_admissions, count, flow, "firms", "Firms admitted to incubators")                    \
  X(incubator_graduations, count, flow, "firms", "Tenants graduating")                             \
  X(incubator_exits, count, flow, "firms", "Tenants leaving without graduating")                   \
  X(incubators_provincial_plus, count, stock, "incubators",                                        \
    "Incubators of provincial tier or above")                                                      \
  X(certifications, count, flow, "certificates",                                                   \
    "Firms certified for the first time (each kind counts)")                                       \
  X(policy_spend, amount, flow, "M yuan", "Government spend of all policy instruments")            \
  X(ties_total, count, stock, "ties", "Ties in the graph")                                         \
  X(ties_tenancy, count, stock, "ties", "Firm-incubator ties")                                     \
  X(ties_investment, count, stock, "ties", "Fund-firm ties")                                       \
  X(ties_co_investment, count, stock, "ties", "Fund-fund ties")                                    \
  X(ties_licence, count, stock, "ties", "Researcher-firm licence ties")                            \
  X(ties_founding, count, stock, "ties", "Researcher-firm founder ties")                           \
  X(ties_collaboration, count, stock, "ties", "Researcher-researcher ties")                        \
  X(ties_alliance, count, stock, "ties", "Firm-firm ties")                                         \
  X(ties_affiliation, count, stock, "ties", "Incubator-fund ties")                                 \
  X(network_mean_degree, ratio, stock, "ties/agent", "Mean degree of active agents")               \
  X(network_components, count, stock, "components", "Connected components among active agents")    \
  X(network_largest_component, ratio, stock, "share",                                              \
    "Share of active agents in the largest component")                                             \
  X(network_clustering, ratio, stock, "share", "Mean local clustering coefficient (degree >= 2)")  \
  X(brokerage_incubators, ratio, stock, "share",                                                   \
    "Incubators' mean share of unlinked neighbour pairs")                                          \
  X(brokerage_funds, ratio, stock, "share", "Funds' mean share of unlinked neighbour pairs")

enum class Metric : int {
#define INCUBSIM_METRIC_ENUM(name, kind, temporal, unit, doc) name,
  INCUBSIM_METRICS(INCUBSIM_METRIC_ENUM)
#undef INCUBSIM_METRIC_ENUM
};

inline constexpr int kMetricCount = 0
#define INCUBSIM_METRIC_COUNT(name, kind, temporal, unit, doc) +1
    INCUBSIM_METRICS(INCUBSIM_METRIC_COUNT)
#undef INCUBSIM_METRIC_COUNT
    ;

using MetricRow = std::array<double, kMetricCount>;

/// Names, kinds, units and descriptions, in column order.
const std::vector<output::MetricDef>& metric_defs();

/// The metrics of the quarter that just ended.
MetricRow compute_metrics(const WorldState& state);
/// The row's network metrics (compute_metrics takes them from
/// state.network): for a row whose measurement finished later.
void set_network_metrics(MetricRow& row, const NetworkMeasures& measures);

inline double get(const MetricRow& row, Metric m) {
  return row[static_cast<std::size_t>(m)];
}

}  // namespace incubsim
