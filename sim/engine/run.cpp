#include "engine/run.hpp"

#include <algorithm>
#include <chrono>

#include "checkpoint/checkpoint_file.hpp"
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

namespace {

// What the quarter loop needs besides the simulation and its writer; shared
// by fresh and resumed runs.
struct LoopSetup {
  checkpoint::Header header;  // provenance, output, resume record, interval
  std::filesystem::path checkpoint;
  bool checkpoint_on_stop = true;
  const std::atomic<bool>* stop = nullptr;
  RunObserver* observer = nullptr;
  std::chrono::steady_clock::time_point start;
};

// Every instrument's ledger (zeros when it is off) and the government total,
// in the order ledger_rows() fills them.
std::vector<std::size_t> add_ledgers(const Simulation& sim, output::RunWriter& writer) {
  std::vector<std::size_t> ledgers;
  for (auto& series : sim.policies().ledger_schema())
    ledgers.push_back(writer.add_series(series.group, std::move(series.columns)));
  return ledgers;
}

/// Writes the finished quarters' metrics (recorded ones) and adds them to
/// the summary. With `all`, first waits for those still being measured.
void write_finished_rows(Simulation& sim, output::RunWriter& writer, RunSummary& summary,
                         bool all) {
  const Scenario& sc = sim.scenario();
  if (all) sim.finish_quarters();
  const auto wanted = snapshot_quarters(sc.simulation.burn_in, sc.simulation.quarters);
  const auto& defs = metric_defs();
  for (const Simulation::QuarterRow& r : sim.take_finished_rows()) {
    if (r.quarter < sc.simulation.burn_in) continue;
    writer.append_quarter(r.quarter, r.row);
    for (std::size_t m = 0; m < defs.size(); ++m)
      if (defs[m].temporal == output::Temporal::flow) summary.totals[m] += r.row[m];
    if (std::find(wanted.begin(), wanted.end(), r.quarter) != wanted.end())
      summary.snapshots.emplace_back(r.quarter, r.row);
  }
}

void save_checkpoint(const LoopSetup& setup, const char* reason, Simulation& sim,
                     output::RunWriter& writer, RunSummary& summary) {
  // The checkpoint's output holds every ended quarter's metrics.
  write_finished_rows(sim, writer, summary, true);
  checkpoint::Header header = setup.header;
  header.next_quarter = sim.next_quarter();
  header.next_phase = std::string(to_string(sim.next_phase()));
  header.reason = reason;
  try {
    checkpoint::write(setup.checkpoint, header, sim, writer, summary);
  } catch (const IoError& e) {
    std::error_code ec;
    if (!std::filesystem::exists(setup.checkpoint, ec)) throw;
    // The previous checkpoint was left untouched: say it is still usable.
    std::string what = e.what();
    if (what.rfind(e.path() + ": ", 0) == 0) what.erase(0, e.path().size() + 2);
    throw IoError(e.path(), what +
                                "; the previous checkpoint is intact: once there is room, "
                                "continue with `incubsim resume " +
                                setup.checkpoint.string() + "`");
  }
}

// Saves a checkpoint if the run keeps one when stopped, and says so.
Interrupted stopped(const LoopSetup& setup, Simulation& sim, output::RunWriter& writer,
                    RunSummary& summary, const std::string& where) {
  const std::string not_written = writer.final_path().string() + " was not written";
  if (!setup.checkpoint_on_stop)
    return Interrupted("stopped by a signal " + where + "; " + not_written);
  save_checkpoint(setup, "signal", sim, writer, summary);
  return Interrupted("stopped by a signal " + where + "; checkpoint written to " +
                     setup.checkpoint.string() + ": continue with `incubsim resume " +
                     setup.checkpoint.string() + "`; " + not_written);
}

void remove_quietly(const std::filesystem::path& path) {
  std::error_code ignored;
  if (!path.empty()) std::filesystem::remove(path, ignored);
}

// Runs the remaining quarters, streaming each recorded one to the writer,
// then writes the final tables and moves the file into place.
RunSummary run_quarters(const LoopSetup& setup, Simulation& sim, output::RunWriter& writer,
                        const std::vector<std::size_t>& ledgers, RunSummary summary,
                        double output_seconds) {
  const Scenario& sc = sim.scenario();
  std::vector<std::vector<double>> ledger_rows;
  const int total = sc.total_quarters();
  const int every = setup.header.checkpoint_every;
  // Each quarter's network measurement finishes during the next quarter;
  // its metrics are written then (the file is the same).
  sim.overlap_measurements(true);
  while (!sim.finished()) {
    const Quarter q = sim.next_quarter();
    bool ended = false;
    while (!ended) {
      const Phase phase = sim.next_phase();
      ended = sim.step_phase();
      if (setup.observer) setup.observer->on_phase(q, phase);
      if (!ended && setup.stop && setup.stop->load()) {
        throw stopped(setup, sim, writer, summary,
                      "in quarter " + std::to_string(q) + " after its " +
                          std::string(to_string(phase)) + " phase");
      }
    }
    {
      const ScopedWallTime timer(output_seconds);
      if (sim.last_quarter_recorded()) {
        sim.policies().ledger_rows(ledger_rows);
        for (std::size_t k = 0; k < ledgers.size(); ++k)
          writer.append_series(ledgers[k], q, ledger_rows[k]);
        if (sc.simulation.record_events) writer.append_events(sim.events());
        summary.events += static_cast<std::int64_t>(sim.events().size());
      }
      write_finished_rows(sim, writer, summary, false);
    }
    if (setup.observer) setup.observer->on_quarter(q + 1, total);
    if (setup.stop && setup.stop->load()) {
      throw stopped(setup, sim, writer, summary, "after quarter " + std::to_string(q));
    }
    if (every > 0 && (q + 1) % every == 0 && !sim.finished()) {
      sim.finish_quarters();  // counted as network time, not output
      const ScopedWallTime timer(output_seconds);
      save_checkpoint(setup, "periodic", sim, writer, summary);
    }
  }
  sim.finish_quarters();
  sim.release_working_buffers();
  {
    const ScopedWallTime timer(output_seconds);
    write_finished_rows(sim, writer, summary, false);
    if (sc.simulation.record_agents) write_final_tables(writer, sim.state(), sc);
    writer.finish();
  }
  // The finished output supersedes the checkpoint.
  remove_quietly(setup.checkpoint);
  summary.output = writer.final_path();
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup.start).count();
  summary.times = sim.wall_times();
  summary.times.output = output_seconds;
  summary.times.total = summary.seconds;
  return summary;
}

}  // namespace

RunSummary run_to_file(const RunRequest& request, RunObserver* observer) {
  LoopSetup setup;
  setup.start = std::chrono::steady_clock::now();
  const Scenario& sc = request.scenario;
  setup.header.provenance = provenance(request);
  setup.header.output = std::filesystem::absolute(request.output);
  setup.header.checkpoint_every = request.checkpoint_every;
  setup.checkpoint_on_stop = request.checkpoint_on_stop;
  setup.checkpoint =
      request.checkpoint.empty() ? checkpoint::default_path(request.output) : request.checkpoint;
  setup.stop = request.stop;
  setup.observer = observer;
  output::RunWriter writer(request.output, setup.header.provenance, metric_defs(),
                           output::core_event_schema());
  // Creating the file counts as output, like everything written below.
  double output_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup.start).count();
  Simulation sim(sc, request.threads);
  sim.set_spill_directory(setup.header.output.parent_path());
  sim.initialize();
  std::vector<std::size_t> ledgers;
  {
    const ScopedWallTime timer(output_seconds);
    ledgers = add_ledgers(sim, writer);
  }
  return run_quarters(setup, sim, writer, ledgers, RunSummary{}, output_seconds);
}

RunSummary resume_from_checkpoint(const ResumeRequest& request, RunObserver* observer) {
  LoopSetup setup;
  setup.start = std::chrono::steady_clock::now();
  setup.header = checkpoint::read_header(request.checkpoint);
  Scenario sc;
  try {
    sc = parse_scenario(setup.header.provenance.scenario,
                        request.checkpoint.string() + " (recorded scenario)", {}, {});
  } catch (const ScenarioError& e) {
    throw FormatError(request.checkpoint.string(),
                      std::string("its recorded scenario does not load: ") + e.what());
  }
  const std::filesystem::path output =
      request.output.empty() ? setup.header.output : request.output;
  setup.header.output = std::filesystem::absolute(output);
  if (request.checkpoint_every) setup.header.checkpoint_every = *request.checkpoint_every;
  setup.checkpoint = request.new_checkpoint.empty() ? request.checkpoint : request.new_checkpoint;
  setup.stop = request.stop;
  setup.observer = observer;

  output::RunWriter writer(output, setup.header.provenance, metric_defs(),
                           output::core_event_schema());
  Simulation sim(sc, request.threads);
  sim.set_spill_directory(setup.header.output.parent_path());
  const std::vector<std::size_t> ledgers = add_ledgers(sim, writer);
  RunSummary summary = checkpoint::restore(request.checkpoint, sim, writer);
  if (sim.next_quarter() != setup.header.next_quarter) {
    throw FormatError(request.checkpoint.string(),
                      "its state and header disagree on the quarter: it is damaged; rerun from "
                      "the start");
  }
  // Which quarters were run where is provenance; the data do not depend on it.
  std::string& record = setup.header.resumed;
  record += std::string(record.empty() ? "" : "; ") + "at quarter " +
            std::to_string(sim.next_quarter()) + " (" + std::string(to_string(sim.next_phase())) +
            " phase) on " + output::host_name() + " at " + output::utc_now_iso8601() + " with " +
            std::to_string(request.threads) + " thread(s)";
  writer.write_attribute("resumed", record);
  double output_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - setup.start).count();
  RunSummary done = run_quarters(setup, sim, writer, ledgers, std::move(summary), output_seconds);
  if (setup.checkpoint != request.checkpoint) remove_quietly(request.checkpoint);
  return done;
}

}  // namespace incubsim
