#pragma once
// Everything a running simulation owns. No globals: two Simulations in one
// process share nothing.
#include <cstdint>
#include <vector>

#include "agents/firms.hpp"
#include "agents/funds.hpp"
#include "agents/incubators.hpp"
#include "agents/researchers.hpp"
#include "agents/transfers.hpp"
#include "core/events.hpp"
#include "network/graph.hpp"
#include "network/measures.hpp"
#include "scenario/scenario.hpp"

namespace incubsim {

/// Flows counted during one quarter; reset at its start. Names match the
/// /timeseries columns they feed.
struct QuarterFlows {
  std::int64_t inventions = 0;
  std::int64_t shelved = 0;
  std::int64_t licences = 0;
  std::int64_t spinoffs = 0;
  std::int64_t licence_unmatched = 0;
  double transferred_quality_sum = 0.0;
  std::int64_t transfers_succeeded = 0;
  std::int64_t transfers_failed = 0;
  double liability_incurred = 0.0;
  double liability_covered = 0.0;
  double transfer_premiums = 0.0;
  std::int64_t births_spinoff = 0;
  std::int64_t births_independent = 0;
  std::int64_t births_programme = 0;  // talent-programme founders
  std::int64_t deaths = 0;
  std::int64_t acquisitions = 0;
  std::int64_t listings = 0;
  double exit_value = 0.0;
  std::int64_t admissions = 0;
  std::int64_t applications = 0;
  std::int64_t graduations = 0;
  std::int64_t incubator_exits = 0;
  std::array<std::int64_t, kRoundCount> rounds{};  // rounds closed
  std::array<std::int64_t, kRoundCount> deals{};   // investor-firm deals
  std::array<double, kRoundCount> amount{};        // money invested
  std::int64_t rounds_sought = 0;
  std::int64_t rounds_failed = 0;
  std::int64_t syndicated_rounds = 0;
  std::int64_t follow_on_deals = 0;
  double distributions = 0.0;
  double fees = 0.0;
  std::int64_t funds_opened = 0;
  std::int64_t funds_closed = 0;
  std::int64_t certifications = 0;
  double policy_spend = 0.0;  // all instruments' government spend
  double revenue = 0.0;       // of every firm that operated this quarter
  double rd_spend = 0.0;
  std::int64_t researcher_entries = 0;
  std::int64_t researcher_exits = 0;
};

/// Admission: a firm's application to an incubator, with the noisy quality
/// signal the incubator saw.
struct Application {
  AgentId firm = kNoAgent;
  double signal = 0.0;
};

/// Outcomes: one investor's share of an exit (zero for a death, a write-off).
struct Payout {
  AgentId fund = kNoAgent;
  double proceeds = 0.0;
};

/// Per-quarter indexes and buffers, rebuilt or cleared in place so that hot
/// loops do not allocate once capacities have grown.
struct Scratch {
  std::vector<AgentId> alive_firms;                   // ascending ids
  std::vector<AgentId> alive_next;                    // refresh_alive_firms's second buffer
  std::vector<std::vector<AgentId>> firms_by_sector;  // alive firms
  std::vector<std::uint8_t> flags;                    // per-firm decision flags
  std::vector<double> values;                         // per-firm decision values
  std::vector<std::uint8_t> active_vertices;          // for network measures
  std::vector<std::uint8_t> tie_ends;                 // decay draws, per decaying tie
  std::vector<std::int32_t> vertex_counts;            // per graph vertex (e.g. collaborators)
  std::vector<AgentId> application_targets;           // admission: per alive firm and slot
  std::vector<double> application_signals;            // admission: the same slots
  std::vector<Application> applications;              // admission: grouped by incubator
  std::vector<std::size_t> admitted;                  // admission: the admitted applications
  std::vector<std::size_t> ranked_end;                // admission: per incubator, where its
                                                      //   applications ranked so far end
  std::vector<std::size_t> group_offset;              // where each group starts (admission:
                                                      // applications; transfer: grouped_firms)
  std::vector<AgentId> grouped_firms;                 // transfer: alive firms by sector
  std::vector<std::size_t> positions;                 // selected positions in alive_firms
                                                      // (within a phase, or refreshing it)
  std::vector<AgentId> partners;                      // network: proposed partner per agent
  std::vector<std::size_t> member_offset;             // network: academics per institution,
  std::vector<AgentId> members;                       //   in rows by institution
  std::vector<AgentId> academics;                     // network: every academic, ascending
  std::vector<AgentGraph::Edge> ended_ties;           // network: decayed this quarter;
                                                      // admission: tenancies ending
  std::vector<AgentGraph::NewTie> new_ties;           // ties a commit step adds at once
  std::vector<std::size_t> event_offset;              // outcomes: per exit, into the events
  std::vector<std::size_t> payout_offset;             // outcomes: per exit, into payouts
  std::vector<Payout> payouts;                        // outcomes: exits' investors, in order
  std::vector<AgentGraph::Vertex> leaving_vertices;   // agents whose ties all end
  std::vector<AgentId> seekers;                       // financing: firms seeking a round
  std::vector<AgentId> pooled_seekers;                //   by (round, sector) bucket
  std::vector<std::size_t> pool_offset;               //   where each bucket starts
  std::vector<double> fund_values;                    // institutions: per fund
  MeasureScratch measures;                            // network measures' buffers
};

struct WorldState {
  FirmStore firms;
  ResearcherStore researchers;
  InstitutionStore institutions;
  IncubatorStore incubators;
  FundStore funds;
  AgentGraph graph;
  InventionBuffer inventions;           // this quarter's
  std::vector<OpenTransfer> transfers;  // awaiting outcome
  std::vector<Event> events;            // this quarter's, in commit order
  QuarterFlows flows;
  NetworkMeasures network;  // latest measurement
  Scratch scratch;
};

}  // namespace incubsim
