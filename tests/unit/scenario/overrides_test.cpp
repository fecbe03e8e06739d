// `--set section.key=value` overrides, applied after every file.
#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "scenario/loader.hpp"
#include "scenario_test_support.hpp"

namespace incubsim {
namespace {

using testing::differing_keys;
using testing::scenario_error;

Scenario with(const std::vector<std::string>& overrides, const std::string& text = "") {
  return parse_scenario(text, "s.toml", {}, overrides);
}

ScenarioError set_error(const std::string& override_text) {
  return scenario_error([&] { with({override_text}); });
}

TEST(Overrides, Number) {
  EXPECT_EQ(with({"firms.fixed_cost=0.08"}).firms.fixed_cost, 0.08);
  EXPECT_EQ(with({"  firms.fixed_cost = 5 "}).firms.fixed_cost, 5.0);
}

TEST(Overrides, Integer) {
  const Scenario s = with({"simulation.quarters=12", "simulation.seed=9007199254740992"});
  EXPECT_EQ(s.simulation.quarters, 12);
  EXPECT_EQ(s.simulation.seed, 9007199254740992LL);
  EXPECT_STREQ(set_error("simulation.quarters=3.5").what(),
               "--set: simulation.quarters: expected an integer, found the number 3.5; allowed: "
               "integer in [1, 2000] (quarters)");
}

TEST(Overrides, Boolean) {
  EXPECT_FALSE(with({"simulation.record_events=false"}).simulation.record_events);
  EXPECT_STREQ(set_error("simulation.record_events=no").what(),
               "--set: simulation.record_events: expected true or false, found the string \"no\"; "
               "allowed: true or false");
}

TEST(Overrides, Lists) {
  const Scenario s = with({"market.sector_growth=[0.01, 0.02, 0.03, 0.04, -0.05]",
                           "funds.angel.rounds=[\"seed\", \"series_a\"]"});
  EXPECT_EQ(s.market.sector_growth, (std::vector<double>{0.01, 0.02, 0.03, 0.04, -0.05}));
  EXPECT_EQ(s.funds.types[0].rounds, (std::vector<std::string>{"seed", "series_a"}));
}

TEST(Overrides, ConsistencyIsCheckedAfterAllOverrides) {
  const Scenario s = with({"market.sectors=[\"ai\", \"bio\"]", "market.sector_weights=[1, 3]",
                           "market.sector_growth=[0.02, 0.01]"});
  EXPECT_EQ(s.sector_count(), 2);
  const auto e = set_error("market.sectors=[\"ai\", \"bio\"]");
  EXPECT_EQ(e.file(), "--set");
  EXPECT_EQ(e.key(), "market.sectors");
}

TEST(Overrides, AppliedInOrderAfterTheFile) {
  const Scenario s =
      with({"firms.fixed_cost=0.1", "firms.fixed_cost=0.2"}, "[firms]\nfixed_cost = 0.05\n");
  EXPECT_EQ(s.firms.fixed_cost, 0.2);
  EXPECT_EQ(differing_keys(s, Scenario{}), std::vector<std::string>{"firms.fixed_cost"});
}

TEST(Overrides, BareWordIsAStringAndFailsTheTypeCheck) {
  const auto e = set_error("market.sectors=x");
  EXPECT_EQ(e.file(), "--set");
  EXPECT_EQ(e.line(), 0);
  EXPECT_STREQ(e.what(),
               "--set: market.sectors: expected list of strings in [...], found the string \"x\"; "
               "allowed: 1 to 32 distinct names");
}

TEST(Overrides, OutOfRange) {
  EXPECT_STREQ(set_error("firms.fixed_cost=-1").what(),
               "--set: firms.fixed_cost: value -1 is out of range; allowed: number in [0, 10000] "
               "(M yuan/quarter)");
  EXPECT_STREQ(set_error("firms.fixed_cost=nan").what(),
               "--set: firms.fixed_cost: value nan is not a finite number; allowed: number in [0, "
               "10000] (M yuan/quarter)");
}

TEST(Overrides, UnknownKeySuggests) {
  const auto e = set_error("firms.fixd_cost=1");
  EXPECT_EQ(e.key(), "firms.fixd_cost");
  EXPECT_STREQ(e.what(), "--set: firms.fixd_cost: unknown key; did you mean 'firms.fixed_cost'?");
  // A misspelt section is caught by the search over full keys.
  EXPECT_STREQ(set_error("firm.fixed_cost=1").what(),
               "--set: firm.fixed_cost: unknown key; did you mean 'firms.fixed_cost'?");
}

TEST(Overrides, SectionIsNotAKey) {
  EXPECT_STREQ(set_error("funds.angel=1").what(),
               "--set: funds.angel: is a section, not a key; write --set funds.angel.<key>=value");
}

TEST(Overrides, MissingEqualsSign) {
  const auto e = set_error("firms.fixed_cost");
  EXPECT_EQ(e.file(), "--set");
  EXPECT_STREQ(e.what(),
               "--set: 'firms.fixed_cost' has no '='; write --set section.key=value, e.g. --set "
               "firms.fixed_cost=0.08");
  EXPECT_NE(std::string(set_error("=3").what()).find("names no key"), std::string::npos);
}

TEST(Overrides, ValueThatIsNotOneTomlValue) {
  // "1\nx = 2" would parse as two keys: it must not smuggle in a second one.
  EXPECT_STREQ(set_error("firms.fixed_cost=1\nx = 2").what(),
               "--set: firms.fixed_cost: expected a number, found the string \"1\\nx = 2\"; "
               "allowed: number in [0, 10000] (M yuan/quarter)");
}

TEST(Overrides, ApplyToTheDefaultScenario) {
  const Scenario s = load_default_scenario({"network.measure_every=4"});
  EXPECT_EQ(differing_keys(s, Scenario{}), std::vector<std::string>{"network.measure_every"});
}

}  // namespace
}  // namespace incubsim
