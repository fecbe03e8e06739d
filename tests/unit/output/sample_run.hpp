#pragma once
// Shared fixtures for the output tests: a scratch directory and a small,
// fully known run written through RunWriter.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/events.hpp"
#include "output/run_writer.hpp"
#include "test_support.hpp"

namespace incubsim::output::test_support {

using TempDir = incubsim::testing::ScratchDir;

inline std::vector<MetricDef> sample_metrics() {
  return {
      {"firms_alive", MetricKind::count, "firms", "firms alive at quarter end", Temporal::stock},
      {"total_cash", MetricKind::amount, "CNY", "cash held by all firms", Temporal::stock},
      {"survival_rate", MetricKind::ratio, "1", "share of firms that survived", Temporal::flow}};
}

inline Provenance sample_provenance() {
  Provenance p;
  p.incubsim_version = "0.1.0";
  p.git_sha = "abc1234";
  p.seed = 42;
  p.threads = 4;
  p.scenario = "[run]\nquarters = 3\nname = \"unit\"\n";
  p.scenario_name = "unit";
  p.start_time = "2026-01-02T03:04:05Z";
  p.quarters = 3;
  p.burn_in = 1;
  p.command_line = "incubsim run --seed 42";
  p.hostname = "testhost";
  return p;
}

inline Event make_event(Quarter q, Phase phase, EventKind kind, AgentKind actor_kind, AgentId actor,
                        AgentKind target_kind, AgentId target, double amount, std::int32_t detail) {
  Event e;
  e.quarter = q;
  e.phase = phase;
  e.kind = kind;
  e.actor_kind = actor_kind;
  e.actor = actor;
  e.target_kind = target_kind;
  e.target = target;
  e.amount = amount;
  e.detail = detail;
  return e;
}

/// Event batches of the sample run: 2 in quarter 0, none in 1, 3 in 2.
inline std::vector<std::vector<Event>> sample_event_batches() {
  return {
      {make_event(0, Phase::entry, EventKind::firm_birth, AgentKind::firm, 0, AgentKind::researcher,
                  7, 0.0, 0),
       make_event(0, Phase::financing, EventKind::deal, AgentKind::fund, 3, AgentKind::firm, 0,
                  1.5e6, 1)},
      {},
      {make_event(2, Phase::outcomes, EventKind::firm_death, AgentKind::firm, 5, AgentKind::none,
                  kNoAgent, -2.25e5, 0),
       make_event(2, Phase::institutions, EventKind::certification, AgentKind::firm, 0,
                  AgentKind::none, kNoAgent, 0.0, 2),
       make_event(2, Phase::network, EventKind::tier_change, AgentKind::incubator, 1,
                  AgentKind::none, kNoAgent, 0.1, 3)},
  };
}

/// Knobs for writing variants of the sample run.
struct SampleOptions {
  std::int64_t seed = 42;
  double cash_q1 = 2.5e6;      // /timeseries/total_cash[1]
  bool extra_quarter = false;  // a fourth quarter
  bool extra_value = false;    // /network/measures/extra
  std::string cash_unit = "CNY";
  std::string start_time = "2026-01-02T03:04:05Z";
};

inline const EnumType& stage_enum() {
  static const EnumType type{"firm_stage", {{"seed", 0}, {"early", 1}, {"growth", 2}}};
  return type;
}

/// Writes the sample run to `path` and finishes it.
inline void write_sample_run(const std::filesystem::path& path, const SampleOptions& o = {}) {
  Provenance p = sample_provenance();
  p.seed = o.seed;
  p.start_time = o.start_time;
  std::vector<MetricDef> metrics = sample_metrics();
  metrics[1].unit = o.cash_unit;
  RunWriter writer(path, p, metrics, core_event_schema());

  const std::vector<std::vector<double>> rows = {
      {10, 1.0e6, 1.0}, {12, o.cash_q1, 0.75}, {11, 3.125e6, 0.5}, {9, 4.0e6, 0.25}};
  const int quarters = o.extra_quarter ? 4 : 3;
  for (int q = 0; q < quarters; ++q) writer.append_quarter(q, rows[static_cast<std::size_t>(q)]);
  for (const auto& batch : sample_event_batches()) writer.append_events(batch);

  const std::vector<std::int64_t> ids = {0, 1, 5};
  const std::vector<std::int32_t> ages = {12, 3, 7};
  const std::vector<double> cash = {1.25e5, -3.5e4, 0.0};
  const std::vector<std::uint8_t> stages = {2, 0, 1};
  const std::vector<std::uint8_t> flags = {1, 0, 255};
  TableView firms;
  firms.columns = {
      {"id", "", "firm id", std::span<const std::int64_t>(ids)},
      {"age", "quarters", "age of the firm", std::span<const std::int32_t>(ages)},
      {"cash", "CNY", "cash at the end of the run", std::span<const double>(cash)},
      {"stage", "", "development stage", std::span<const std::uint8_t>(stages), &stage_enum()},
      {"flags", "", "bit flags", std::span<const std::uint8_t>(flags)},
  };
  writer.write_table("/agents/firms", firms);

  TableView empty;
  empty.columns = {
      {"id", "", "fund id", std::span<const std::int64_t>()},
      {"size", "CNY", "fund size", std::span<const double>()},
      {"stage", "", "stage", std::span<const std::uint8_t>(), &stage_enum()},
  };
  writer.write_table("/agents/funds", empty);

  std::vector<NamedValue> values = {{"density", 0.25, "edges over possible edges"},
                                    {"clustering", 0.5, "global clustering coefficient"}};
  if (o.extra_value) values.push_back({"extra", 1.0, "only in some files"});
  writer.write_values("/network/measures", values);
  writer.finish();
}

}  // namespace incubsim::output::test_support
