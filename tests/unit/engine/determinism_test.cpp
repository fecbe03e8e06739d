// The central engine guarantee: the same scenario and seed give
// bit-identical datasets whatever the thread count, and runs in one process
// share no state.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "core/parallel.hpp"
#include "engine/run.hpp"
#include "engine/simulation.hpp"
#include "engine/verify.hpp"
#include "output/run_reader.hpp"
#include "test_support.hpp"

namespace incubsim {
namespace {

using testing::describe;
using testing::ScratchDir;
using testing::small_scenario;

/// Long enough for funds to close, successors to open and certification
/// reviews to run, and large enough that every per-agent loop is split into
/// several parallel chunks (kDefaultGrain agents each).
Scenario lifecycle_scenario() {
  Scenario sc = small_scenario(48);
  sc.funds.life = 24;
  sc.funds.investment_period = 12;
  sc.firms.initial_count = 4000;
  sc.firms.founders_per_quarter = 40;
  sc.researchers.count = 3000;
  for (auto& t : sc.funds.types) t.initial_count *= 8;
  return sc;
}

std::filesystem::path run_with(const ScratchDir& dir, const Scenario& sc, int threads) {
  RunRequest r;
  r.scenario = sc;
  r.scenario_name = "determinism test";
  r.threads = threads;
  r.output = dir / ("run-" + std::to_string(threads) + ".h5");
  run_to_file(r);
  return r.output;
}

TEST(Determinism, EveryDatasetIsBitIdenticalFor1And2And4Threads) {
  ScratchDir dir;
  const Scenario sc = lifecycle_scenario();
  const auto one = run_with(dir, sc, 1);
  const auto info = output::read_run_info(one);
  ASSERT_GT(info.datasets.size(), 150u);
  const auto alive = output::read_column(one, "/timeseries/firms_alive");
  ASSERT_GT(*std::min_element(alive.begin(), alive.end()), 2.0 * kDefaultGrain);
  for (const int threads : {2, 4}) {
    const auto other = run_with(dir, sc, threads);
    const auto diffs = output::compare_runs(one, other, verify_ignored_attributes());
    EXPECT_TRUE(diffs.empty()) << threads << " threads:\n" << describe(diffs);
  }
}

TEST(Determinism, ADifferentSeedGivesADifferentRun) {
  ScratchDir dir;
  Scenario sc = small_scenario(8);
  const auto a = run_with(dir, sc, 2);
  sc.simulation.seed += 1;
  RunRequest r;
  r.scenario = sc;
  r.threads = 2;
  r.output = dir / "other-seed.h5";
  run_to_file(r);
  EXPECT_FALSE(output::compare_runs(a, r.output, verify_ignored_attributes()).empty());
}

TEST(Determinism, ConcurrentSimulationsShareNothing) {
  const Scenario sc = small_scenario(16);
  auto final_row = [&](int threads) {
    Simulation sim(sc, threads);
    sim.initialize();
    MetricRow last{};
    while (!sim.finished()) last = sim.step();
    return last;
  };
  const MetricRow alone = final_row(1);
  MetricRow a{}, b{};
  std::thread ta([&] { a = final_row(2); });
  std::thread tb([&] { b = final_row(3); });
  ta.join();
  tb.join();
  EXPECT_EQ(alone, a);
  EXPECT_EQ(alone, b);
}

TEST(Verify, ReRunsARecordedFileIdentically) {
  ScratchDir dir;
  const auto file = run_with(dir, small_scenario(8), 1);
  const VerifyResult r = verify_run(file, 2, dir.path());
  EXPECT_TRUE(r.identical()) << describe(r.differences);
  EXPECT_EQ(r.threads, 2);
  EXPECT_EQ(r.recorded.threads, 1);
  // The re-run's temporary file is gone.
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    files += e.is_regular_file();
  EXPECT_EQ(files, 1u);
}

}  // namespace
}  // namespace incubsim
