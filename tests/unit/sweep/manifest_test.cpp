// The plan of a sweep: deterministic points, runs and seeds, the seed
// policies, the manifest file round trip, and the layout of result files.
#include "sweep/manifest.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "scenario/loader.hpp"
#include "sweep/spec.hpp"
#include "test_support.hpp"

namespace incubsim {
namespace {

using testing::read_text;
using testing::ScratchDir;

SweepParameter range(const std::string& key, double min, double max, int steps) {
  SweepParameter p;
  p.key = key;
  p.min = min;
  p.max = max;
  p.steps = steps;
  return p;
}

/// A 3 x 2 x 2 grid with 3 replicates on the built-in baseline: 36 runs.
SweepSpec grid_spec(SeedPolicy policy = SeedPolicy::common) {
  SweepSpec s;
  s.source_name = "grid.toml";
  s.text = "# the sweep file as written\ndesign = \"grid\"\n";
  s.fixed = {"simulation.quarters=7"};
  s.design = Design::grid;
  s.replicates = 3;
  s.seed = 11;
  s.seed_policy = policy;
  s.parameters.push_back(range("firms.fixed_cost", 0.02, 0.08, 3));
  SweepParameter count;
  count.key = "firms.initial_count";
  count.integer = true;
  count.values = {100, 200};
  s.parameters.push_back(count);
  SweepParameter on;
  on.key = "policy.tech_transfer_insurance.enabled";
  on.boolean = true;
  on.values = {0, 1};
  s.parameters.push_back(on);
  s.metrics = {"firms_alive", "births"};
  return s;
}

SweepSpec saltelli_spec() {
  SweepSpec s;
  s.source_name = "saltelli.toml";
  s.text = "design = \"saltelli\"\n";
  s.design = Design::saltelli;
  s.points = 4;
  s.replicates = 2;
  s.seed = 5;
  s.parameters = {range("firms.fixed_cost", 0.02, 0.08, 0),
                  range("firms.founders_per_quarter", 1, 50, 0)};
  s.parameters[1].scale = Scale::log;
  s.keep_events = true;
  s.keep_agents = true;
  return s;
}

SweepSpec morris_spec() {
  SweepSpec s;
  s.source_name = "morris.toml";
  s.text = "design = \"morris\"\n";
  s.design = Design::morris;
  s.points = 3;
  s.levels = 4;
  s.replicates = 1;
  s.seed = 8;
  s.seed_policy = SeedPolicy::independent;
  s.parameters = {range("firms.fixed_cost", 0.02, 0.08, 0),
                  range("firms.founders_per_quarter", 1, 50, 0),
                  range("researchers.count", 100, 900, 0)};
  s.parameters[2].integer = true;
  return s;
}

void expect_same_points(const std::vector<DesignPoint>& a, const std::vector<DesignPoint>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].values, b[i].values) << "point " << i;
    EXPECT_EQ(a[i].matrix, b[i].matrix) << "point " << i;
    EXPECT_EQ(a[i].base_index, b[i].base_index) << "point " << i;
    EXPECT_EQ(a[i].trajectory, b[i].trajectory) << "point " << i;
    EXPECT_EQ(a[i].step, b[i].step) << "point " << i;
    EXPECT_EQ(a[i].moved, b[i].moved) << "point " << i;
  }
}

void expect_same_runs(const std::vector<ManifestRun>& a, const std::vector<ManifestRun>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].run_id, b[i].run_id) << "run " << i;
    EXPECT_EQ(a[i].point_id, b[i].point_id) << "run " << i;
    EXPECT_EQ(a[i].replicate, b[i].replicate) << "run " << i;
    EXPECT_EQ(a[i].seed, b[i].seed) << "run " << i;
  }
}

TEST(SweepManifest, PlanIsDeterministic) {
  for (const SweepSpec& spec : {grid_spec(), saltelli_spec(), morris_spec()}) {
    const Manifest a = plan_sweep(spec);
    const Manifest b = plan_sweep(spec);
    expect_same_points(a.points, b.points);
    expect_same_runs(a.runs, b.runs);
    EXPECT_EQ(a.base_scenario, b.base_scenario);
  }
}

TEST(SweepManifest, PlanCarriesTheSpec) {
  const SweepSpec spec = grid_spec();
  const Manifest m = plan_sweep(spec);
  EXPECT_EQ(m.spec_name, "grid.toml");
  EXPECT_EQ(m.spec_text, spec.text);
  EXPECT_EQ(m.design, Design::grid);
  EXPECT_EQ(m.replicates, 3);
  EXPECT_EQ(m.seed, 11);
  EXPECT_EQ(m.seed_policy, SeedPolicy::common);
  EXPECT_EQ(m.metrics, spec.metrics);
  EXPECT_FALSE(m.keep_events);
  ASSERT_EQ(m.parameters.size(), 3u);
  EXPECT_EQ(m.parameters[1].key, "firms.initial_count");
  EXPECT_EQ(m.points.size(), 12u);
  EXPECT_EQ(m.runs.size(), 36u);
  // The base scenario is the baseline with the fixed overrides applied.
  const Scenario base = parse_scenario(m.base_scenario, "base.toml", {}, {});
  EXPECT_EQ(base.simulation.quarters, 7);
  EXPECT_EQ(base.firms.fixed_cost, load_default_scenario({}).firms.fixed_cost);
}

TEST(SweepManifest, RunsArePointMajorWithReplicatesInner) {
  const Manifest m = plan_sweep(grid_spec());
  ASSERT_EQ(m.runs.size(), m.points.size() * 3);
  for (std::size_t i = 0; i < m.runs.size(); ++i) {
    EXPECT_EQ(m.runs[i].run_id, static_cast<std::int64_t>(i));
    EXPECT_EQ(m.runs[i].point_id, static_cast<std::int64_t>(i / 3));
    EXPECT_EQ(m.runs[i].replicate, static_cast<std::int32_t>(i % 3));
  }
}

TEST(SweepManifest, CommonSeedsShareReplicateSeedsAcrossPoints) {
  const Manifest m = plan_sweep(grid_spec(SeedPolicy::common));
  std::set<std::int64_t> replicate_seeds;
  for (std::int32_t r = 0; r < 3; ++r)
    replicate_seeds.insert(m.runs[static_cast<std::size_t>(r)].seed);
  EXPECT_EQ(replicate_seeds.size(), 3u) << "replicates at a point need different seeds";
  for (const auto& run : m.runs) {
    EXPECT_EQ(run.seed, m.runs[static_cast<std::size_t>(run.replicate)].seed)
        << "run " << run.run_id;
    EXPECT_GE(run.seed, 0);
    EXPECT_LE(run.seed, 9007199254740992LL);  // within simulation.seed's range
  }
}

TEST(SweepManifest, IndependentSeedsDifferAcrossPoints) {
  const Manifest m = plan_sweep(grid_spec(SeedPolicy::independent));
  std::set<std::int64_t> seeds;
  for (const auto& run : m.runs) {
    seeds.insert(run.seed);
    EXPECT_GE(run.seed, 0);
    EXPECT_LE(run.seed, 9007199254740992LL);
  }
  EXPECT_EQ(seeds.size(), m.runs.size());
  // Same replicate, different points: different seeds.
  EXPECT_NE(m.runs[0].seed, m.runs[3].seed);
  EXPECT_EQ(m.runs[0].replicate, m.runs[3].replicate);
}

TEST(SweepManifest, SweepSeedChangesRunSeeds) {
  SweepSpec s = grid_spec();
  const Manifest a = plan_sweep(s);
  s.seed = 12;
  const Manifest b = plan_sweep(s);
  for (std::size_t i = 0; i < a.runs.size(); ++i) EXPECT_NE(a.runs[i].seed, b.runs[i].seed);
  // The seed policy matters too: common and independent agree on no run
  // beyond the first point's (which share no key with other points).
  const Manifest c = plan_sweep(grid_spec(SeedPolicy::independent));
  EXPECT_NE(plan_sweep(grid_spec()).runs[3].seed, c.runs[3].seed);
}

TEST(SweepManifest, OverridesTurnTheBaseIntoTheRun) {
  const Manifest m = plan_sweep(grid_spec());
  // Point 11 is the last grid point: 0.08, 200, true; run 35 its replicate 2.
  const auto o = m.overrides(35);
  // The swept values in spec order, then the run's seed, then output switches.
  ASSERT_GE(o.size(), 5u);
  EXPECT_EQ(o[0].rfind("firms.fixed_cost=", 0), 0u) << o[0];
  EXPECT_EQ(std::stod(o[0].substr(o[0].find('=') + 1)), 0.08);
  EXPECT_EQ(o[1], "firms.initial_count=200");
  EXPECT_EQ(o[2], "policy.tech_transfer_insurance.enabled=true");
  EXPECT_EQ(o[3], "simulation.seed=" + std::to_string(m.runs[35].seed));
  const auto has = [](const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  };
  EXPECT_TRUE(has(o, "simulation.record_events=false"));
  EXPECT_TRUE(has(o, "simulation.record_agents=false"));

  // Applied to the base, they give the run's scenario.
  const auto first = m.overrides(1);
  const Scenario s = parse_scenario(m.base_scenario, "base.toml", {}, first);
  EXPECT_EQ(s.firms.fixed_cost, 0.02);
  EXPECT_EQ(s.firms.initial_count, 100);
  EXPECT_FALSE(s.policy.tech_transfer_insurance.enabled);
  EXPECT_EQ(s.simulation.seed, m.runs[1].seed);
  EXPECT_EQ(s.simulation.quarters, 7);
  EXPECT_FALSE(s.simulation.record_events);
  EXPECT_FALSE(s.simulation.record_agents);

  SweepSpec events = grid_spec();
  events.keep_events = true;
  events.keep_agents = true;
  EXPECT_TRUE(has(plan_sweep(events).overrides(0), "simulation.record_events=true"));
  EXPECT_TRUE(has(plan_sweep(events).overrides(0), "simulation.record_agents=true"));
  EXPECT_THROW(m.overrides(36), std::out_of_range);
}

void expect_round_trip(const SweepSpec& spec) {
  ScratchDir dir;
  const auto sweep = dir / "sweep";
  const Manifest m = plan_sweep(spec);
  write_plan(sweep, m);
  EXPECT_TRUE(std::filesystem::is_regular_file(sweep / "manifest.h5"));
  EXPECT_TRUE(std::filesystem::is_directory(sweep / "runs"));
  EXPECT_EQ(read_text(sweep / "sweep.toml"), m.spec_text);
  EXPECT_EQ(read_text(sweep / "base.toml"), m.base_scenario);

  const Manifest r = read_manifest(sweep);
  EXPECT_EQ(r.spec_name, m.spec_name);
  EXPECT_EQ(r.spec_text, m.spec_text);
  EXPECT_EQ(r.base_scenario, m.base_scenario);
  EXPECT_EQ(r.design, m.design);
  EXPECT_EQ(r.replicates, m.replicates);
  EXPECT_EQ(r.seed, m.seed);
  EXPECT_EQ(r.seed_policy, m.seed_policy);
  EXPECT_EQ(r.metrics, m.metrics);
  EXPECT_EQ(r.keep_events, m.keep_events);
  EXPECT_EQ(r.keep_agents, m.keep_agents);
  ASSERT_EQ(r.parameters.size(), m.parameters.size());
  for (std::size_t k = 0; k < m.parameters.size(); ++k) {
    EXPECT_EQ(r.parameters[k].key, m.parameters[k].key);
    EXPECT_EQ(r.parameters[k].integer, m.parameters[k].integer);
    EXPECT_EQ(r.parameters[k].boolean, m.parameters[k].boolean);
  }
  expect_same_points(r.points, m.points);
  expect_same_runs(r.runs, m.runs);
  for (std::int64_t id = 0; id < static_cast<std::int64_t>(m.runs.size()); ++id)
    EXPECT_EQ(r.overrides(id), m.overrides(id)) << "run " << id;
}

TEST(SweepManifest, WriteAndReadRoundTripGrid) {
  expect_round_trip(grid_spec());
}

TEST(SweepManifest, WriteAndReadRoundTripSaltelli) {
  expect_round_trip(saltelli_spec());
}

TEST(SweepManifest, WriteAndReadRoundTripMorris) {
  expect_round_trip(morris_spec());
}

TEST(SweepManifest, WriteAndReadRoundTripLoadedSpec) {
  ScratchDir dir;
  const auto file = dir.write("s.toml",
                              "design = \"lhs\"\npoints = 6\nreplicates = 2\nseed = 3\n"
                              "[fixed]\n\"simulation.quarters\" = 5\n"
                              "[[parameter]]\nkey = \"firms.fixed_cost\"\nmin = 0.01\nmax = 0.1\n"
                              "scale = \"log\"\n"
                              "[outputs]\nmetrics = [\"firms_alive\"]\nevents = true\n");
  expect_round_trip(load_sweep_spec(file));
}

TEST(SweepManifest, WritePlanRefusesADirectoryWithAPlan) {
  ScratchDir dir;
  const Manifest m = plan_sweep(grid_spec());
  write_plan(dir.path(), m);
  SweepSpec other = grid_spec();
  other.seed = 99;
  EXPECT_THROW(write_plan(dir.path(), plan_sweep(other)), IoError);
  try {
    write_plan(dir.path(), plan_sweep(other));
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("already holds a sweep plan"), std::string::npos)
        << e.what();
  }
  // The first plan is untouched.
  EXPECT_EQ(read_manifest(dir.path()).seed, 11);
}

TEST(SweepManifest, ReadManifestWithoutPlanIsIoError) {
  ScratchDir dir;
  EXPECT_THROW(read_manifest(dir.path()), IoError);
  EXPECT_THROW(read_manifest(dir / "absent"), IoError);
  try {
    read_manifest(dir.path());
  } catch (const IoError& e) {
    EXPECT_EQ(e.path(), dir.path().string());
    EXPECT_NE(std::string(e.what()).find("holds no sweep plan"), std::string::npos) << e.what();
  }
}

TEST(SweepManifest, ResultAndFailurePathLayout) {
  const std::filesystem::path d = "/sweeps/s1";
  EXPECT_EQ(run_result_path(d, 0), d / "runs" / "0000" / "run-00000000.h5");
  EXPECT_EQ(run_result_path(d, 42), d / "runs" / "0000" / "run-00000042.h5");
  EXPECT_EQ(run_result_path(d, 999), d / "runs" / "0000" / "run-00000999.h5");
  EXPECT_EQ(run_result_path(d, 1000), d / "runs" / "0001" / "run-00001000.h5");
  EXPECT_EQ(run_result_path(d, 123456), d / "runs" / "0123" / "run-00123456.h5");
  EXPECT_EQ(run_result_path(d, 49999999), d / "runs" / "49999" / "run-49999999.h5");
  EXPECT_EQ(run_failure_path(d, 0), d / "runs" / "0000" / "run-00000000.failed");
  EXPECT_EQ(run_failure_path(d, 1234), d / "runs" / "0001" / "run-00001234.failed");
}

}  // namespace
}  // namespace incubsim
