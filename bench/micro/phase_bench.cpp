// Phase benchmarks: one phase of one quarter on a fresh copy of the state it
// starts from (World snapshot), at a number of initial firms and threads.
// Only the phase is timed; the copy is made with the timer paused. Timed in
// wall-clock time (the phases run on a TBB arena of `threads` threads).
#include <benchmark/benchmark.h>

#include "bench.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"
#include "world.hpp"

namespace incubsim::bench {
namespace {

/// Items per iteration: the alive firms the phase works through.
std::int64_t alive_firms(const WorldState& st) {
  return static_cast<std::int64_t>(st.scratch.alive_firms.size());
}
/// Items per iteration: every agent (graph vertex), alive or not.
std::int64_t vertices(const WorldState& st) {
  return static_cast<std::int64_t>(st.graph.vertex_count());
}

/// Runs `phase` of the world's benchmark quarter on a copy of the state
/// before it. `scenario` (optional) replaces the world's in the context.
void bench_phase(benchmark::State& bs, Phase phase, std::int64_t (*items)(const WorldState&),
                 const Scenario* scenario = nullptr) {
  World& w = world(bs.range(0));
  Executor executor(static_cast<int>(bs.range(1)));
  const WorldState& snapshot = w.before(phase);
  // One untimed run first, so that the timed ones (a single one at the
  // larger sizes) find the allocator and the page tables warm, as the
  // phase does in a long run.
  WorldState work = snapshot;
  executor.run([&] { run_phase(work, w.context(phase, work.events, scenario)); });
  const std::size_t events = work.events.size();
  for (auto _ : bs) {
    bs.PauseTiming();
    work = snapshot;
    const PhaseContext ctx = w.context(phase, work.events, scenario);
    bs.ResumeTiming();
    executor.run([&] { run_phase(work, ctx); });
  }
  // Every run starts from the same state and draws the same numbers, so it
  // must do the same; a difference means state outside WorldState (the
  // policy ledgers, say) changed between runs.
  if (work.events.size() != events) bs.SkipWithError("the phase did not repeat itself");
  bs.SetItemsProcessed(bs.iterations() * items(snapshot));
  bs.counters["alive_firms"] = static_cast<double>(alive_firms(snapshot));
  bs.counters["vertices"] = static_cast<double>(vertices(snapshot));
  bs.counters["ties"] = static_cast<double>(snapshot.graph.tie_count());
  bs.counters["events"] = static_cast<double>(work.events.size() - snapshot.events.size());
}

// (a) Matching: incubators admit applicants; funds screen firms and close deals.
void BM_admission(benchmark::State& bs) {
  bench_phase(bs, Phase::admission, alive_firms);
}
void BM_financing(benchmark::State& bs) {
  bench_phase(bs, Phase::financing, alive_firms);
}

// (b) Firm update.
void BM_operations(benchmark::State& bs) {
  bench_phase(bs, Phase::operations, alive_firms);
}

// (c) Graph update: the whole network phase (ties formed and decayed, then
// measured), the same with measuring switched off for the quarter, and the
// measures alone.
void BM_network(benchmark::State& bs) {
  bench_phase(bs, Phase::network, vertices);
}
void BM_network_ties(benchmark::State& bs) {
  World& w = world(bs.range(0));
  // Measured when quarter % measure_every == 0 or nothing was measured yet,
  // unless in burn-in with the next measurement due by its end (see
  // measures_network): a period above the quarter and a burn-in to its end
  // skip it whether or not the snapshot holds a measurement.
  Scenario no_measure = w.scenario();
  no_measure.network.measure_every = w.quarter() + 1;
  no_measure.simulation.burn_in = w.quarter() + 1;
  bench_phase(bs, Phase::network, vertices, &no_measure);
}
void BM_network_measures(benchmark::State& bs) {
  World& w = world(bs.range(0));
  Executor executor(static_cast<int>(bs.range(1)));
  const WorldState& st = w.end();
  std::vector<std::uint8_t> active;
  mark_active_vertices(st, active);
  NetworkMeasures m;
  executor.run([&] { m = measure_network(st.graph, active); });  // untimed warm-up
  for (auto _ : bs) {
    executor.run([&] { m = measure_network(st.graph, active); });
    benchmark::DoNotOptimize(m);
  }
  bs.SetItemsProcessed(bs.iterations() * vertices(st));
  bs.counters["active"] = static_cast<double>(m.active_vertices);
  bs.counters["vertices"] = static_cast<double>(vertices(st));
  bs.counters["ties"] = static_cast<double>(st.graph.tie_count());
}

}  // namespace

void register_phase_benchmarks() {
  register_sized("admission", BM_admission, true);
  register_sized("financing", BM_financing, true);
  register_sized("operations", BM_operations, true);
  register_sized("network", BM_network, true);
  register_sized("network_ties", BM_network_ties, true);
  register_sized("network_measures", BM_network_measures, true);
}

}  // namespace incubsim::bench
