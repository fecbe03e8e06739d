#include "world.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "engine/simulation.hpp"
#include "phases/phases.hpp"
#include "phases/population.hpp"
#include "scenario/loader.hpp"

namespace incubsim::bench {

Options& options() {
  static Options o;
  return o;
}

Scenario scaled_scenario(const std::filesystem::path& base, std::int64_t firms) {
  const Scenario b = load_scenario(base, {});
  const double k = static_cast<double>(firms) / b.firms.initial_count;
  const auto scaled = [k](double v) { return std::to_string(std::max(1L, std::lround(v * k))); };
  std::vector<std::string> set = {
      "firms.initial_count=" + std::to_string(firms),
      "firms.founders_per_quarter=" + std::to_string(b.firms.founders_per_quarter * k),
      "researchers.count=" + scaled(b.researchers.count),
      "researchers.institutions=" + scaled(b.researchers.institutions),
      "incubators.count=" + scaled(b.incubators.count),
  };
  for (int t = 0; t < kFundTypeCount; ++t) {
    const int n = b.funds.types[static_cast<std::size_t>(t)].initial_count;
    if (n == 0) continue;
    set.push_back("funds." + std::string(to_string(static_cast<FundType>(t))) +
                  ".initial_count=" + scaled(n));
  }
  return load_scenario(base, set);
}

World::World(Scenario scenario, int warmup, int threads, bool check_mirror)
    : scenario_(std::move(scenario)),
      streams_(static_cast<std::uint64_t>(scenario_.simulation.seed)),
      policies_(std::make_unique<PolicySet>(scenario_)) {
  const auto start = std::chrono::steady_clock::now();
  if (warmup < 0) warmup = scenario_.simulation.burn_in;
  if (warmup + 1 > scenario_.total_quarters())
    throw std::invalid_argument("warm-up longer than the scenario's quarters");
  quarter_ = warmup;
  Executor executor(threads);
  std::unique_ptr<Simulation> sim;
  if (check_mirror) {
    sim = std::make_unique<Simulation>(scenario_, threads);
    sim->initialize();
  }
  WorldState st;
  executor.run([&] {
    // Simulation::initialize()
    run_phase(st, kSetupQuarter, Phase::setup);
    const PhaseContext ctx(scenario_, streams_,
                           Policies{&policies_->transfer_liability(), policies_.get()},
                           kSetupQuarter, Phase::setup, st.events);
    policies_->initialize(st, ctx);
    refresh_alive_firms(st);
    st.events.clear();
  });
  for (Quarter q = 0; q <= warmup; ++q) {
    executor.run([&] {
      // Simulation::step(), with snapshots in the last quarter.
      start_quarter(st, q);
      for (const Phase phase : kQuarterSchedule) {
        if (q == warmup && std::find(std::begin(kSnapshotPhases), std::end(kSnapshotPhases),
                                     phase) != std::end(kSnapshotPhases))
          before_.emplace(phase, st);
        run_phase(st, q, phase);
      }
      finish_quarter(st);
    });
    if (sim) {
      const MetricRow& row = sim->step();
      if (std::memcmp(row.data(), metrics_.data(), sizeof(MetricRow)) != 0 ||
          sim->events().size() != st.events.size())
        throw std::runtime_error("World differs from Simulation in quarter " + std::to_string(q) +
                                 ": bench/micro/world.cpp no longer mirrors engine/simulation.cpp");
    }
  }
  end_ = std::move(st);
  build_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

const WorldState& World::before(Phase phase) const {
  const auto it = before_.find(phase);
  if (it == before_.end()) throw std::logic_error("no snapshot before this phase");
  return it->second;
}

PhaseContext World::context(Phase phase, std::vector<Event>& events,
                            const Scenario* scenario) const {
  return PhaseContext(scenario ? *scenario : scenario_, streams_,
                      Policies{&policies_->transfer_liability(), policies_.get()}, quarter_, phase,
                      events);
}

void World::start_quarter(WorldState& st, Quarter q) {
  st.flows = QuarterFlows{};
  st.events.clear();
  policies_->start_quarter(q);
}

void World::run_phase(WorldState& st, Quarter q, Phase phase) {
  const PhaseContext ctx(scenario_, streams_,
                         Policies{&policies_->transfer_liability(), policies_.get()}, q, phase,
                         st.events);
  incubsim::run_phase(st, ctx);
  if (phase == Phase::entry || phase == Phase::outcomes) refresh_alive_firms(st);
}

void World::finish_quarter(WorldState& st) {
  st.flows.policy_spend = policies_->quarter_spend();
  metrics_ = compute_metrics(st);
}

World& world(std::int64_t firms) {
  static std::map<std::int64_t, std::unique_ptr<World>> worlds;
  auto& w = worlds[firms];
  if (!w) {
    const Options& o = options();
    int threads = 1;
    for (const int t : o.threads) threads = std::max(threads, t);
    w = std::make_unique<World>(scaled_scenario(o.scenario, firms), o.warmup, threads,
                                o.check_mirror);
    std::fprintf(stderr,
                 "[world] %lld firms: quarter %d, %zu alive firms, %zu vertices, %lld ties, "
                 "%zu events; built in %.1f s%s\n",
                 static_cast<long long>(firms), w->quarter(), w->end().scratch.alive_firms.size(),
                 w->end().graph.vertex_count(), static_cast<long long>(w->end().graph.tie_count()),
                 w->end().events.size(), w->build_seconds(),
                 o.check_mirror ? " (matches Simulation)" : "");
  }
  return *w;
}

}  // namespace incubsim::bench
