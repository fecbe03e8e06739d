#include "engine/run.hpp"

#include <algorithm>
#include <chrono>

#include "core/errors.hpp"
#include "core/version.hpp"
#include "engine/simulation.hpp"
#include "engine/tables.hpp"
#include "output/run_writer.hpp"
#include "scenario/loader.hpp"

namespace incubsim {
namespace {

output::Provenance provenance(const RunRequest& r) {
  output::Provenance p;
  p.format_version = output::current_format_version();
  p.incubsim_version = std::string(version());
  p.git_sha = std::string(git_sha());
  p.seed = r.scenario.simulation.seed;
  p.threads = r.threads;
  p.scenario = format_scenario(r.scenario);
  p.scenario_name = r.scenario_name;
  p.start_time = output::utc_now_iso8601();
  p.quarters = r.scenario.simulation.quarters;
  p.burn_in = r.scenario.simulation.burn_in;
  p.command_line = r.command_line;
  p.hostname = output::host_name();
  return p;
}

}  // namespace

std::vector<Quarter> snapshot_quarters(int burn_in, int quarters) {
  std::vector<Quarter> q;
  for (int k = 0; k <= 4; ++k) q.push_back(burn_in + (quarters - 1) * k / 4);
  q.erase(std::unique(q.begin(), q.end()), q.end());
  return q;
}

RunSummary run_to_file(const RunRequest& request, RunObserver* observer) {
  const auto start = std::chrono::steady_clock::now();
  const Scenario& sc = request.scenario;
  output::RunWriter writer(request.output, provenance(request), metric_defs(),
                           output::core_event_schema());
  // Creating the file counts as output, like everything written below.
  double output_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  Simulation sim(sc, request.threads);
  sim.initialize();
  // Every instrument's ledger (zeros when it is off) and the government total.
  std::vector<std::size_t> ledgers;
  {
    const ScopedWallTime timer(output_seconds);
    for (auto& series : sim.policies().ledger_schema())
      ledgers.push_back(writer.add_series(series.group, std::move(series.columns)));
  }
  std::vector<std::vector<double>> ledger_rows;
  RunSummary summary;
  const auto wanted = snapshot_quarters(sc.simulation.burn_in, sc.simulation.quarters);
  const auto& defs = metric_defs();
  const int total = sc.total_quarters();
  while (!sim.finished()) {
    const Quarter q = sim.next_quarter();
    const MetricRow& row = sim.step();
    if (sim.last_quarter_recorded()) {
      const ScopedWallTime timer(output_seconds);
      writer.append_quarter(q, row);
      sim.policies().ledger_rows(ledger_rows);
      for (std::size_t k = 0; k < ledgers.size(); ++k)
        writer.append_series(ledgers[k], q, ledger_rows[k]);
      if (sc.simulation.record_events) writer.append_events(sim.events());
      summary.events += static_cast<std::int64_t>(sim.events().size());
      for (std::size_t m = 0; m < defs.size(); ++m)
        if (defs[m].temporal == output::Temporal::flow) summary.totals[m] += row[m];
      if (std::find(wanted.begin(), wanted.end(), q) != wanted.end())
        summary.snapshots.emplace_back(q, row);
    }
    if (observer) observer->on_quarter(q + 1, total);
    if (request.stop && request.stop->load()) {
      throw Interrupted("stopped by a signal after quarter " + std::to_string(q) + "; " +
                        request.output.string() + " was not written");
    }
  }
  {
    const ScopedWallTime timer(output_seconds);
    if (sc.simulation.record_agents) write_final_tables(writer, sim.state(), sc);
    writer.finish();
  }
  summary.output = request.output;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary.times = sim.wall_times();
  summary.times.output = output_seconds;
  summary.times.total = summary.seconds;
  return summary;
}

}  // namespace incubsim
