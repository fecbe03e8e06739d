// `base` chains: defaults, then the root-most base, ..., then the file.
#include <gtest/gtest.h>

#include "core/errors.hpp"
#include "scenario/loader.hpp"
#include "scenario_test_support.hpp"

namespace incubsim {
namespace {

using testing::differing_keys;
using testing::scenario_error;
using testing::TempDir;

TEST(BaseChain, LaterFilesOverrideEarlierOnes) {
  TempDir dir;
  dir.write("common/base.toml",
            "[simulation]\nquarters = 12\n[firms]\nfixed_cost = 0.1\n[market]\nwage = 0.03\n");
  // Relative to the directory of the file that names it, not the cwd.
  dir.write("variants/mid.toml",
            "base = \"../common/base.toml\"\n[firms]\nfixed_cost = 0.2\n[market]\nwage = 0.07\n");
  const auto root =
      dir.write("variants/deep/root.toml", "base = \"../mid.toml\"\n[firms]\nfixed_cost = 0.3\n");
  const Scenario s = load_scenario(root, {});
  EXPECT_EQ(s.simulation.quarters, 12);  // only the root-most base sets it
  EXPECT_EQ(s.market.wage, 0.07);        // mid overrides base
  EXPECT_EQ(s.firms.fixed_cost, 0.3);    // the file overrides both
  EXPECT_EQ(differing_keys(s, Scenario{}),
            (std::vector<std::string>{"simulation.quarters", "market.wage", "firms.fixed_cost"}));
  // --set comes last of all.
  EXPECT_EQ(load_scenario(root, {"firms.fixed_cost=0.4"}).firms.fixed_cost, 0.4);
}

TEST(BaseChain, ErrorsInABaseNameThatFile) {
  TempDir dir;
  const auto base = dir.write("base.toml", "[firms]\n\nfixed_cost = -3\n");
  const auto root = dir.write("root.toml", "base = \"base.toml\"\n");
  const auto e = scenario_error([&] { load_scenario(root, {}); });
  EXPECT_EQ(e.file(), base.string());
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "firms.fixed_cost");
}

// The conflict appears when root.toml lowers funds.life below the base's
// investment period: the most recent of the two assignments is blamed.
TEST(BaseChain, ConsistencyErrorBlamesTheLatestOfTheConflictingKeys) {
  TempDir dir;
  dir.write("base.toml", "# fund terms\n[funds]\nlife = 40\ninvestment_period = 30\n");
  const auto root = dir.write("root.toml", "base = \"base.toml\"\n[funds]\nlife = 24\n");
  const auto e = scenario_error([&] { load_scenario(root, {}); });
  EXPECT_EQ(e.file(), root.string());
  EXPECT_EQ(e.line(), 3);
  EXPECT_EQ(e.key(), "funds.life");
  EXPECT_EQ(std::string(e.what()),
            root.string() +
                ":3: funds.life: funds.investment_period (30) must not exceed funds.life (24)");
  // Setting the other key again later moves the blame there.
  const auto o = scenario_error([&] { load_scenario(root, {"funds.investment_period=25"}); });
  EXPECT_EQ(o.file(), "--set");
  EXPECT_EQ(o.line(), 0);
  EXPECT_EQ(o.key(), "funds.investment_period");
  // A base inconsistent on its own is blamed at its own, later line.
  const auto bad = dir.write("bad.toml", "[funds]\nlife = 10\ninvestment_period = 30\n");
  const auto b = scenario_error([&] {
    load_scenario(dir.write("child.toml", "base = \"bad.toml\"\n[firms]\nfixed_cost = 0.1\n"), {});
  });
  EXPECT_EQ(b.file(), bad.string());
  EXPECT_EQ(b.line(), 3);
  EXPECT_EQ(b.key(), "funds.investment_period");
}

TEST(BaseChain, CycleIsReportedWithTheChain) {
  TempDir dir;
  const auto a = dir.write("a.toml", "base = \"b.toml\"\n");
  const auto b = dir.write("b.toml", "# loops back\nbase = \"./a.toml\"\n");
  const auto e = scenario_error([&] { load_scenario(a, {}); });
  EXPECT_EQ(e.file(), b.string());
  EXPECT_EQ(e.line(), 2);
  EXPECT_EQ(e.key(), "base");
  EXPECT_EQ(std::string(e.what()),
            b.string() + ":2: base: the base chain forms a cycle: " + a.string() + " -> " +
                b.string() + " -> " + a.string() + "; remove one of these base keys");
}

TEST(BaseChain, SelfReferenceIsACycle) {
  TempDir dir;
  const auto a = dir.write("a.toml", "base = \"a.toml\"\n");
  const auto e = scenario_error([&] { load_scenario(a, {}); });
  EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
}

TEST(BaseChain, DepthIsLimited) {
  TempDir dir;
  // f0 -> f1 -> ... -> fN: N bases below the file.
  const auto chain = [&](int n) {
    for (int i = 0; i < n; ++i)
      dir.write("f" + std::to_string(i) + ".toml",
                "base = \"f" + std::to_string(i + 1) + ".toml\"\n");
    dir.write("f" + std::to_string(n) + ".toml", "[simulation]\nquarters = 7\n");
    return dir.path() / "f0.toml";
  };
  EXPECT_EQ(load_scenario(chain(16), {}).simulation.quarters, 7);
  const auto e = scenario_error([&] { load_scenario(chain(17), {}); });
  EXPECT_EQ(e.file(), (dir.path() / "f16.toml").string());
  EXPECT_NE(std::string(e.what()).find("the base chain is deeper than 16 files"), std::string::npos)
      << e.what();
}

TEST(BaseChain, BuiltInBaseline) {
  const Scenario s =
      parse_scenario("base = \"baseline\"\n[simulation]\nquarters = 9\n", "s.toml", {}, {});
  EXPECT_EQ(differing_keys(s, Scenario{}), std::vector<std::string>{"simulation.quarters"});
  EXPECT_EQ(s.simulation.quarters, 9);
}

TEST(BaseChain, BaseMustBeANonEmptyString) {
  EXPECT_STREQ(scenario_error([] { parse_scenario("base = 3\n", "s.toml", {}, {}); }).what(),
               "s.toml:1: base: expected a path relative to this file, or \"baseline\", found the "
               "integer 3");
  EXPECT_EQ(scenario_error([] { parse_scenario("\nbase = \"\"\n", "s.toml", {}, {}); }).line(), 2);
}

TEST(BaseChain, MissingBaseIsAnIoErrorNamingTheReferrer) {
  TempDir dir;
  const auto root = dir.write("root.toml", "base = \"gone.toml\"\n");
  try {
    load_scenario(root, {});
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(e.path(), (dir.path() / "gone.toml").string());
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot read scenario file: No such file or directory; check the path "
                        "(the base of " +
                        root.string() + ":1)"),
              std::string::npos)
        << what;
  }
}

TEST(BaseChain, ParseScenarioResolvesBaseUnderBaseDir) {
  TempDir dir;
  dir.write("b.toml", "[market]\nwage = 0.09\n");
  EXPECT_EQ(parse_scenario("base = \"b.toml\"\n", "<stdin>", dir.path(), {}).market.wage, 0.09);
}

}  // namespace
}  // namespace incubsim
