// Sweep files: a valid file parses into the expected spec, and every kind
// of mistake is a ScenarioError naming the file, the line and the key.
#include "sweep/spec.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "scenario/scenario_test_support.hpp"

namespace incubsim {
namespace {

using testing::scenario_error;
using testing::TempDir;

/// Writes `text` as sweep.toml in `dir` and loads it.
SweepSpec load(const TempDir& dir, const std::string& text) {
  return load_sweep_spec(dir.write("sweep.toml", text));
}

/// The ScenarioError that loading `text` throws; also checks it names the file.
ScenarioError load_error(const std::string& text) {
  TempDir dir;
  const auto file = dir / "sweep.toml";
  const ScenarioError e = scenario_error([&] { load(dir, text); });
  EXPECT_EQ(e.file(), file.string()) << e.what();
  EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
  return e;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

const char* kOneRange =
    "[[parameter]]\n"
    "key = \"firms.fixed_cost\"\n"
    "min = 0.02\n"
    "max = 0.08\n";

TEST(SweepSpecFile, ValidSpecParses) {
  TempDir dir;
  const std::string text =
      "design = \"lhs\"\n"
      "points = 5\n"
      "replicates = 3\n"
      "seed = 42\n"
      "seed_policy = \"independent\"\n"
      "\n"
      "[fixed]\n"
      "\"simulation.quarters\" = 8\n"
      "\"firms.founders_per_quarter\" = 12.5\n"
      "researchers = { count = 700 }\n"
      "\n"
      "[[parameter]]\n"
      "key = \"firms.fixed_cost\"\n"
      "min = 0.02\n"
      "max = 0.08\n"
      "scale = \"log\"\n"
      "\n"
      "[[parameter]]\n"
      "key = \"firms.initial_count\"\n"
      "values = [100, 200, 400]\n"
      "\n"
      "[[parameter]]\n"
      "key = \"policy.tech_transfer_insurance.enabled\"\n"
      "\n"
      "[outputs]\n"
      "metrics = [\"firms_alive\", \"births\"]\n"
      "events = true\n";
  const SweepSpec s = load(dir, text);
  EXPECT_EQ(s.source_name, (dir / "sweep.toml").string());
  EXPECT_EQ(s.text, text);
  EXPECT_TRUE(s.base.empty());
  EXPECT_EQ(s.design, Design::lhs);
  EXPECT_EQ(s.points, 5);
  EXPECT_EQ(s.levels, 4);
  EXPECT_EQ(s.replicates, 3);
  EXPECT_EQ(s.seed, 42);
  EXPECT_EQ(s.seed_policy, SeedPolicy::independent);
  auto fixed = s.fixed;
  std::sort(fixed.begin(), fixed.end());
  EXPECT_EQ(fixed, (std::vector<std::string>{"firms.founders_per_quarter=12.5",
                                             "researchers.count=700", "simulation.quarters=8"}));
  ASSERT_EQ(s.parameters.size(), 3u);

  const SweepParameter& cost = s.parameters[0];
  EXPECT_EQ(cost.key, "firms.fixed_cost");
  EXPECT_FALSE(cost.integer);
  EXPECT_FALSE(cost.boolean);
  EXPECT_EQ(cost.min, 0.02);
  EXPECT_EQ(cost.max, 0.08);
  EXPECT_EQ(cost.scale, Scale::log);
  EXPECT_EQ(cost.steps, 0);
  EXPECT_TRUE(cost.values.empty());

  const SweepParameter& count = s.parameters[1];
  EXPECT_EQ(count.key, "firms.initial_count");
  EXPECT_TRUE(count.integer);
  EXPECT_EQ(count.values, (std::vector<double>{100, 200, 400}));

  const SweepParameter& on = s.parameters[2];
  EXPECT_EQ(on.key, "policy.tech_transfer_insurance.enabled");
  EXPECT_TRUE(on.boolean);
  EXPECT_EQ(on.values, (std::vector<double>{0, 1}));

  EXPECT_EQ(s.metrics, (std::vector<std::string>{"firms_alive", "births"}));
  EXPECT_TRUE(s.keep_events);
}

TEST(SweepSpecFile, DefaultsOfAMinimalGrid) {
  TempDir dir;
  const SweepSpec s = load(dir, std::string(kOneRange) + "steps = 4\n");
  EXPECT_EQ(s.design, Design::grid);  // no design key: a grid
  EXPECT_EQ(s.points, 0);
  EXPECT_EQ(s.replicates, 1);
  EXPECT_EQ(s.seed, 1);
  EXPECT_EQ(s.seed_policy, SeedPolicy::common);
  EXPECT_TRUE(s.fixed.empty());
  EXPECT_TRUE(s.metrics.empty());
  EXPECT_FALSE(s.keep_events);
  ASSERT_EQ(s.parameters.size(), 1u);
  EXPECT_EQ(s.parameters[0].scale, Scale::linear);
  EXPECT_EQ(s.parameters[0].steps, 4);
}

TEST(SweepSpecFile, BaseIsRelativeToTheSweepFile) {
  TempDir dir;
  dir.write("sub/base.toml", "[simulation]\nquarters = 6\n");
  const auto file = dir.write("sub/sweep.toml",
                              "base = \"base.toml\"\ndesign = \"sobol\"\n"
                              "points = 4\n" +
                                  std::string(kOneRange));
  const SweepSpec s = load_sweep_spec(file);
  EXPECT_EQ(s.base, dir / "sub" / "base.toml");
  EXPECT_EQ(s.design, Design::sobol);
}

TEST(SweepSpecFile, MissingFileIsIoError) {
  TempDir dir;
  EXPECT_THROW(load_sweep_spec(dir / "absent.toml"), IoError);
}

TEST(SweepSpecFile, UnknownTopLevelKeySuggestsNearest) {
  const auto e = load_error("points = 3\ndesing = \"lhs\"\n" + std::string(kOneRange));
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.key(), "desing");
  EXPECT_TRUE(contains(e.what(), "unknown key")) << e.what();
  EXPECT_TRUE(contains(e.what(), "did you mean 'design'?")) << e.what();
  EXPECT_TRUE(contains(e.what(), ":2: desing:")) << e.what();
}

TEST(SweepSpecFile, UnknownKeyInParameterTableSuggestsNearest) {
  const auto e =
      load_error("[[parameter]]\nkey = \"firms.fixed_cost\"\nmin = 0.02\nmax = 0.08\nstep = 3\n");
  EXPECT_EQ(e.line(), 5);
  EXPECT_EQ(e.key(), "parameter[0].step");
  EXPECT_TRUE(contains(e.what(), "did you mean 'steps'?")) << e.what();
}

TEST(SweepSpecFile, UnknownScenarioKeyInParameter) {
  const auto e = load_error(std::string(kOneRange) + "steps = 2\n\n" +
                            "[[parameter]]\nmin = 1\nkey = \"firms.fixd_cost\"\nmax = 2\n");
  EXPECT_EQ(e.line(), 9);
  EXPECT_EQ(e.key(), "firms.fixd_cost");
  EXPECT_TRUE(contains(e.what(), "firms.fixed_cost")) << e.what();
}

TEST(SweepSpecFile, ParameterKeyMissing) {
  const auto e = load_error("[[parameter]]\nmin = 1\nmax = 2\nsteps = 2\n");
  EXPECT_EQ(e.key(), "parameter[0].key");
  EXPECT_TRUE(contains(e.what(), "missing")) << e.what();
}

TEST(SweepSpecFile, MinNotBelowMax) {
  for (const char* max : {"0.05", "0.01"}) {
    const auto e =
        load_error(std::string("[[parameter]]\nkey = \"firms.fixed_cost\"\nmin = 0.05\nmax = ") +
                   max + "\nsteps = 3\n");
    EXPECT_EQ(e.line(), 4);
    EXPECT_EQ(e.key(), "parameter[0].max");
    EXPECT_TRUE(contains(e.what(), "must be greater than min")) << e.what();
  }
}

TEST(SweepSpecFile, LogScaleNeedsPositiveMin) {
  const auto e = load_error(
      "[[parameter]]\nkey = \"firms.fixed_cost\"\nscale = \"log\"\nmax = 1\nmin = 0\nsteps = 3\n");
  EXPECT_EQ(e.line(), 5);
  EXPECT_EQ(e.key(), "parameter[0].min");
  EXPECT_TRUE(contains(e.what(), "must be positive on a log scale")) << e.what();
}

TEST(SweepSpecFile, ValueOutsideTheKeysRange) {
  const auto e =
      load_error("[[parameter]]\nkey = \"firms.fixed_cost\"\nmin = -1\nmax = 1\nsteps = 3\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "firms.fixed_cost");
  EXPECT_TRUE(contains(e.what(), "outside the key's range")) << e.what();
}

TEST(SweepSpecFile, IntegerKeyRejectsFractionalValues) {
  const auto e = load_error("[[parameter]]\nkey = \"firms.initial_count\"\nvalues = [10, 20.5]\n");
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "firms.initial_count");
  EXPECT_TRUE(contains(e.what(), "takes integers")) << e.what();
}

TEST(SweepSpecFile, ValuesAndRangeTogether) {
  const auto e =
      load_error("[[parameter]]\nkey = \"firms.fixed_cost\"\nmin = 0.1\nvalues = [0.2]\n");
  EXPECT_EQ(e.key(), "parameter[0].values");
  EXPECT_TRUE(contains(e.what(), "not both")) << e.what();
}

TEST(SweepSpecFile, KeyVariedTwice) {
  const auto e = load_error(std::string(kOneRange) + "steps = 2\n" + kOneRange + "steps = 2\n");
  EXPECT_EQ(e.line(), 7);
  EXPECT_EQ(e.key(), "firms.fixed_cost");
  EXPECT_TRUE(contains(e.what(), "varied twice")) << e.what();
}

TEST(SweepSpecFile, KeyBothFixedAndSwept) {
  const auto e = load_error("[fixed]\n\"firms.fixed_cost\" = 0.05\n\n" + std::string(kOneRange) +
                            "steps = 2\n");
  EXPECT_EQ(e.key(), "fixed.firms.fixed_cost");
  EXPECT_TRUE(contains(e.what(), "also a swept parameter")) << e.what();
}

TEST(SweepSpecFile, BadFixedOverrideFailsAtLoad) {
  TempDir dir;
  EXPECT_THROW(
      load(dir, "[fixed]\n\"firms.fixd_cost\" = 0.05\n\n" + std::string(kOneRange) + "steps = 2\n"),
      ScenarioError);
}

TEST(SweepSpecFile, MissingDesignIsAGridThatNeedsSteps) {
  // Without `design` the sweep is a grid, and a grid over a range needs steps.
  const auto e = load_error(kOneRange);
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.key(), "parameter[0].steps");
  EXPECT_TRUE(contains(e.what(), "a grid over a range needs steps")) << e.what();
}

TEST(SweepSpecFile, UnknownDesignSuggestsNearest) {
  const auto e = load_error("design = \"sobl\"\npoints = 4\n" + std::string(kOneRange));
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.key(), "design");
  EXPECT_TRUE(contains(e.what(), "choose one of: grid, lhs, sobol, saltelli, morris")) << e.what();
  EXPECT_TRUE(contains(e.what(), "did you mean 'sobol'?")) << e.what();
}

TEST(SweepSpecFile, SamplingDesignsNeedPoints) {
  for (const char* design : {"lhs", "sobol", "saltelli", "morris"}) {
    const auto e =
        load_error("design = \"" + std::string(design) + "\"\n" + std::string(kOneRange));
    EXPECT_EQ(e.key(), "points") << design;
    EXPECT_TRUE(contains(e.what(), "missing: the " + std::string(design) + " design needs"))
        << e.what();
  }
}

TEST(SweepSpecFile, GridRejectsPoints) {
  const auto e = load_error("points = 5\n" + std::string(kOneRange) + "steps = 2\n");
  EXPECT_EQ(e.line(), 1);
  EXPECT_EQ(e.key(), "points");
}

TEST(SweepSpecFile, MorrisNeedsEvenLevels) {
  const auto e =
      load_error("design = \"morris\"\npoints = 4\nlevels = 5\n" + std::string(kOneRange));
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "levels");
  EXPECT_TRUE(contains(e.what(), "must be even")) << e.what();
}

TEST(SweepSpecFile, ReplicatesOutOfRange) {
  for (const char* value : {"0", "100001", "-3"}) {
    const auto err = load_error("\nreplicates = " + std::string(value) + "\n" +
                                std::string(kOneRange) + "steps = 2\n");
    EXPECT_EQ(err.line(), 2);
    EXPECT_EQ(err.key(), "replicates");
    EXPECT_TRUE(contains(err.what(), "out of range; allowed: integer in [1, 100000]"))
        << err.what();
  }
}

TEST(SweepSpecFile, ReplicatesMustBeAnInteger) {
  const auto e = load_error("replicates = 2.5\n" + std::string(kOneRange) + "steps = 2\n");
  EXPECT_EQ(e.key(), "replicates");
  EXPECT_TRUE(contains(e.what(), "expected an integer")) << e.what();
}

TEST(SweepSpecFile, UnknownSeedPolicy) {
  const auto e = load_error("seed_policy = \"commn\"\n" + std::string(kOneRange) + "steps = 2\n");
  EXPECT_EQ(e.key(), "seed_policy");
  EXPECT_TRUE(contains(e.what(), "did you mean 'common'?")) << e.what();
}

TEST(SweepSpecFile, BadMetricNameSuggestsNearest) {
  const auto e = load_error(std::string(kOneRange) + "steps = 2\n\n[outputs]\n" +
                            "metrics = [\"births\",\n  \"firms_alvie\"]\n");
  EXPECT_EQ(e.line(), 9);
  EXPECT_EQ(e.key(), "outputs.metrics");
  EXPECT_TRUE(contains(e.what(), "'firms_alvie' is not a metric")) << e.what();
  EXPECT_TRUE(contains(e.what(), "did you mean 'firms_alive'?")) << e.what();
}

TEST(SweepSpecFile, UnknownOutputsKey) {
  const auto e = load_error(std::string(kOneRange) + "steps = 2\n\n[outputs]\nevnts = true\n");
  EXPECT_EQ(e.key(), "outputs.evnts");
  EXPECT_TRUE(contains(e.what(), "did you mean 'events'?")) << e.what();
}

TEST(SweepSpecFile, NoParameters) {
  const auto e = load_error("design = \"lhs\"\npoints = 3\n");
  EXPECT_EQ(e.key(), "parameter");
  EXPECT_TRUE(contains(e.what(), "at least one [[parameter]]")) << e.what();
}

TEST(SweepSpecFile, StringKeyCannotBeSwept) {
  const auto e = load_error("[[parameter]]\nkey = \"funds.vc.rounds\"\nvalues = [1]\n");
  EXPECT_EQ(e.key(), "funds.vc.rounds");
  EXPECT_TRUE(contains(e.what(), "a sweep can vary numbers and true/false keys only")) << e.what();
}

TEST(SweepSpecFile, TomlSyntaxErrorNamesLine) {
  const auto e = load_error("design = \"lhs\"\npoints = \n");
  EXPECT_EQ(e.line(), 2);
  EXPECT_TRUE(contains(e.what(), "fix the TOML syntax")) << e.what();
}

TEST(SweepSpecFile, OutputsAgentsAndEventsDefaultOffAndCanBeKept) {
  TempDir dir;
  const SweepSpec off = load(dir, std::string(kOneRange) + "steps = 2\n");
  EXPECT_FALSE(off.keep_events);
  EXPECT_FALSE(off.keep_agents);
  TempDir dir2;
  const SweepSpec on =
      load(dir2, std::string(kOneRange) + "steps = 2\n\n[outputs]\nevents = true\nagents = true\n");
  EXPECT_TRUE(on.keep_events);
  EXPECT_TRUE(on.keep_agents);
}

TEST(SweepSpecFile, KeysTheSweepSetsItselfAreRefusedWithWhereToSetThem) {
  auto e = load_error("[[parameter]]\nkey = \"simulation.seed\"\nvalues = [1, 2]\n");
  EXPECT_EQ(e.key(), "simulation.seed");
  EXPECT_TRUE(contains(e.what(), "`seed` and `seed_policy`")) << e.what();
  e = load_error(std::string(kOneRange) +
                 "steps = 2\n[fixed]\n\"simulation.record_agents\" = true\n");
  EXPECT_EQ(e.key(), "fixed.simulation.record_agents");
  EXPECT_TRUE(contains(e.what(), "[outputs] agents")) << e.what();
  e = load_error(std::string(kOneRange) +
                 "steps = 2\n[fixed]\nsimulation = { record_events = false }\n");
  EXPECT_EQ(e.key(), "fixed.simulation.record_events");
  EXPECT_TRUE(contains(e.what(), "[outputs] events")) << e.what();
}

// --- absurd sizes ------------------------------------------------------------------

TEST(SweepSpecFile, DesignPointCountWithoutBuildingTheDesign) {
  TempDir dir;
  const std::string wage = "[[parameter]]\nkey = \"market.wage\"\nvalues = [0.04, 0.05, 0.06]\n";
  const std::string two = std::string(kOneRange) + wage;
  EXPECT_EQ(design_point_count(load(dir, std::string(kOneRange) + "steps = 4\n" + wage)), 4.0 * 3);
  EXPECT_EQ(design_point_count(load(dir, "design = \"lhs\"\npoints = 7\n" + two)), 7.0);
  EXPECT_EQ(design_point_count(load(dir, "design = \"saltelli\"\npoints = 8\n" + two)), 8.0 * 4);
  EXPECT_EQ(design_point_count(load(dir, "design = \"morris\"\npoints = 5\n" + two)), 5.0 * 3);
}

TEST(SweepSpecFile, AMillionRunsIsTheLimit) {
  TempDir dir;
  const SweepSpec ok =
      load(dir, "design = \"lhs\"\npoints = 10000\nreplicates = 100\n" + std::string(kOneRange));
  EXPECT_EQ(design_point_count(ok) * ok.replicates, static_cast<double>(kMaxSweepRuns));
  const auto e = load_error("design = \"lhs\"\npoints = 1000000\n\nreplicates = 100000\n" +
                            std::string(kOneRange));
  EXPECT_EQ(e.key(), "replicates");
  EXPECT_EQ(e.line(), 4);
  EXPECT_TRUE(contains(e.what(),
                       "the sweep would make 1e+11 runs (1000000 design points x 100000 "
                       "replicates); the limit is 1000000; lower points or replicates"))
      << e.what();
}

TEST(SweepSpecFile, SaltelliPointsTimesParametersOverTheLimit) {
  const auto e = load_error("design = \"saltelli\"\npoints = 1000000\n" + std::string(kOneRange));
  EXPECT_EQ(e.key(), "points");
  EXPECT_EQ(e.line(), 2);
  EXPECT_TRUE(contains(e.what(), "3000000 runs (3000000 design points x 1 replicates)"))
      << e.what();
  EXPECT_TRUE(contains(e.what(), "lower points, replicates or the number of parameters"))
      << e.what();
}

TEST(SweepSpecFile, HugeGridIsRefusedBeforeItIsBuilt) {
  std::string params;
  for (const char* key : {"firms.fixed_cost", "market.wage", "firms.development_rate"})
    params +=
        "[[parameter]]\nkey = \"" + std::string(key) + "\"\nmin = 0.01\nmax = 0.1\nsteps = 10000\n";
  const auto e = load_error(params);
  EXPECT_EQ(e.key(), "parameter");
  EXPECT_TRUE(contains(e.what(), "the sweep would make 1e+12 runs")) << e.what();
  EXPECT_TRUE(contains(e.what(), "lower the parameters' steps or values, or replicates"))
      << e.what();
}

TEST(SweepSpecFile, ParameterEndBeyondTheMachineIsRefused) {
  const char* old = std::getenv("INCUBSIM_MEMORY_LIMIT");
  const std::string saved = old ? old : "";
  ::setenv("INCUBSIM_MEMORY_LIMIT", "1G", 1);
  const auto e =
      load_error("\n[[parameter]]\nkey = \"firms.initial_count\"\nvalues = [1000, 100000000]\n");
  if (old)
    ::setenv("INCUBSIM_MEMORY_LIMIT", saved.c_str(), 1);
  else
    ::unsetenv("INCUBSIM_MEMORY_LIMIT");
  EXPECT_EQ(e.key(), "firms.initial_count");
  EXPECT_EQ(e.line(), 2);
  EXPECT_TRUE(contains(e.what(),
                       "at firms.initial_count=100000000 the runs cannot be done: the "
                       "run would need about"))
      << e.what();
  EXPECT_TRUE(contains(e.what(), "narrow the parameter's range")) << e.what();
}

}  // namespace
}  // namespace incubsim
