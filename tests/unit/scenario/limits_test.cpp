// Absurd inputs are refused up front: every key rejects NaN, infinities and
// values outside its range (negative money included), and a scenario whose
// keys are each in range but whose product cannot fit in memory, or would
// run for weeks, is refused by the resource check before anything runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "scenario/loader.hpp"
#include "scenario/params.hpp"
#include "scenario/resources.hpp"
#include "scenario/value_text.hpp"
#include "scenario_test_support.hpp"

namespace incubsim {
namespace {

using testing::scenario_error;

constexpr double kGiB = 1024.0 * 1024 * 1024;

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// Sets INCUBSIM_MEMORY_LIMIT for one test and restores it after.
class MemoryLimitEnv {
 public:
  explicit MemoryLimitEnv(const char* value) {
    if (const char* old = std::getenv(kMemoryLimitEnv)) old_ = old;
    ::setenv(kMemoryLimitEnv, value, 1);
  }
  ~MemoryLimitEnv() {
    if (old_)
      ::setenv(kMemoryLimitEnv, old_->c_str(), 1);
    else
      ::unsetenv(kMemoryLimitEnv);
  }
  MemoryLimitEnv(const MemoryLimitEnv&) = delete;
  MemoryLimitEnv& operator=(const MemoryLimitEnv&) = delete;

 private:
  std::optional<std::string> old_;
};

ScenarioError set_error(const std::vector<std::string>& sets) {
  return scenario_error([&] { load_default_scenario(sets); });
}

// --- every key: NaN, infinities, out of range ---------------------------------

TEST(Limits, EveryRealKeyRefusesNanAndInfinities) {
  Scenario probe;
  for (const auto& p : bind_params(probe)) {
    const ParamType t = p.type();
    if (t != ParamType::real && t != ParamType::real_list) continue;
    for (const std::string v : {"nan", "inf", "-inf", "+nan"}) {
      std::string value = v;
      if (t == ParamType::real_list) {  // as many items as the list needs
        value = "[" + v;
        for (std::size_t i = 1; i < std::max<std::size_t>(1, p.min_items); ++i) value += ", " + v;
        value += "]";
      }
      const auto e = set_error({p.key + "=" + value});
      EXPECT_EQ(e.key(), p.key);
      EXPECT_TRUE(contains(e.what(), "is not a finite number; allowed: ")) << e.what();
      EXPECT_TRUE(contains(e.what(), p.range_text())) << e.what();
      // The same in a file: TOML's own nan and inf literals.
      const auto f = scenario_error([&] {
        parse_scenario("[" + p.section() + "]\n" + p.name() + " = " + value + "\n", "s.toml", {},
                       {});
      });
      EXPECT_EQ(f.key(), p.key);
      EXPECT_EQ(f.line(), 2);
      EXPECT_TRUE(contains(f.what(), "is not a finite number")) << f.what();
    }
  }
}

TEST(Limits, EveryIntegerKeyRefusesNanAndHugeValues) {
  Scenario probe;
  for (const auto& p : bind_params(probe)) {
    if (p.type() != ParamType::integer) continue;
    for (const std::string v : {"nan", "inf", "1e12"}) {
      const auto e = set_error({p.key + "=" + v});
      EXPECT_EQ(e.key(), p.key);
      EXPECT_TRUE(contains(e.what(), "expected an integer")) << e.what();
      EXPECT_TRUE(contains(e.what(), p.range_text())) << e.what();
    }
    // Beyond int64: not a TOML integer, still refused naming the key.
    const auto big = set_error({p.key + "=99999999999999999999"});
    EXPECT_EQ(big.key(), p.key) << big.what();
    if (p.max >= 1e12) continue;  // simulation.seed
    const auto e = set_error({p.key + "=1000000000000"});
    EXPECT_TRUE(contains(e.what(), "value 1000000000000 is out of range; allowed: integer in ["))
        << e.what();
  }
}

TEST(Limits, EveryNumericKeyHasAFiniteRangeAndRefusesBothSides) {
  Scenario probe;
  for (const auto& p : bind_params(probe)) {
    const ParamType t = p.type();
    if (t != ParamType::real && t != ParamType::integer) continue;
    ASSERT_TRUE(std::isfinite(p.min) && std::isfinite(p.max)) << p.key << " has no finite range";
    const auto above = set_error({p.key + "=" + std::to_string(static_cast<long long>(p.max) + 1)});
    EXPECT_TRUE(contains(above.what(), "is out of range; allowed: " + p.range_text()))
        << above.what();
    const auto below = set_error({p.key + "=" + std::to_string(static_cast<long long>(p.min) - 1)});
    EXPECT_TRUE(contains(below.what(), "is out of range; allowed: " + p.range_text()))
        << below.what();
  }
}

TEST(Limits, MoneyCountsAndRatesAreNeverNegative) {
  // Keys whose unit is money, a count, a rate or a share: a negative value
  // means nothing, so the range starts at 0 or above.
  Scenario probe;
  for (const auto& p : bind_params(probe)) {
    const ParamType t = p.type();
    if (t != ParamType::real && t != ParamType::integer && t != ParamType::real_list) continue;
    const bool money = contains(p.unit, "yuan");
    const bool count = p.unit == "firms" || p.unit == "researchers" || p.unit == "funds" ||
                       p.unit == "incubators" || p.unit == "institutions" ||
                       contains(p.unit, "/quarter") || contains(p.unit, "/year") ||
                       p.unit == "share" || p.unit == "quarters";
    if (!money && !count) continue;
    if (p.key == "market.sector_growth") continue;  // log growth: may shrink
    EXPECT_GE(p.min, 0) << p.key << " (" << p.unit << ") accepts negative values";
  }
  for (const char* key :
       {"policy.guidance_fund.budget_per_year", "policy.tech_transfer_insurance.budget_per_year",
        "firms.founder_cash_mean", "policy.guidance_fund.public_capital", "funds.vc.size_mean"}) {
    const auto e = set_error({std::string(key) + "=-5"});
    EXPECT_EQ(e.key(), key);
    EXPECT_TRUE(contains(e.what(), "value -5 is out of range; allowed: number in [0, "))
        << e.what();
  }
}

// --- the memory model ------------------------------------------------------------

TEST(Resources, BaselineIsSmall) {
  const ResourceEstimate e = estimate_resources(Scenario{});
  const Scenario s;
  EXPECT_EQ(e.quarters, s.simulation.quarters + s.simulation.burn_in);
  EXPECT_GE(e.firms, s.firms.initial_count + s.firms.founders_per_quarter * e.quarters);
  EXPECT_GE(e.researchers, s.researchers.count);
  EXPECT_GT(e.bytes, ResourceModel::base_bytes);
  EXPECT_LT(e.bytes, 100 * 1024.0 * 1024);
  EXPECT_LT(e.work, 1e8);
  EXPECT_FALSE(check_resources(s, {1 * kGiB, "test"}));
}

TEST(Resources, FirmsCostTheirMeasuredBytes) {
  Scenario a, b;
  b.firms.initial_count = a.firms.initial_count + 1000000;
  const double extra = estimate_resources(b).bytes - estimate_resources(a).bytes;
  EXPECT_DOUBLE_EQ(extra, 1000000 * ResourceModel::firm_bytes);
}

TEST(Resources, EntryOverTheRunCounts) {
  Scenario s;
  s.firms.founders_per_quarter = 1000;
  s.simulation.quarters = 100;
  s.simulation.burn_in = 0;
  const ResourceEstimate e = estimate_resources(s);
  EXPECT_GE(e.firms, s.firms.initial_count + 100 * 1000.0);
  // A policy that is off adds nothing; switched on it adds its founders.
  s.policy.talent_programme.extra_founders = 1000;
  s.policy.talent_programme.extra_researchers = 0;
  EXPECT_EQ(estimate_resources(s).firms, e.firms);
  s.policy.talent_programme.enabled = true;
  s.policy.talent_programme.start_quarter = 50;
  EXPECT_DOUBLE_EQ(estimate_resources(s).firms, e.firms + 50 * 1000.0);
}

TEST(Resources, TooBigForMemoryNamesEstimateLimitAndKeys) {
  Scenario s;
  s.firms.initial_count = 100000000;
  const auto issue = check_resources(s, {1 * kGiB, "the test's memory"});
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->key, "firms.initial_count");
  const std::string& m = issue->message;
  EXPECT_TRUE(contains(m, "the run would need about 37.3 GiB of memory at its peak")) << m;
  EXPECT_TRUE(contains(m, "more than the 1.0 GiB of the test's memory")) << m;
  EXPECT_TRUE(contains(m, "lower firms.initial_count (100000000)")) << m;
  EXPECT_TRUE(contains(m, "set INCUBSIM_MEMORY_LIMIT, e.g. INCUBSIM_MEMORY_LIMIT=47G")) << m;
  EXPECT_FALSE(check_resources(s, {64 * kGiB, "a big machine"}));
  EXPECT_FALSE(check_resources(s, {0, "unlimited"}));
}

TEST(Resources, GrowthOverQuartersNamesTheQuarterKeys) {
  Scenario s;
  s.firms.founders_per_quarter = 1e6;
  s.simulation.quarters = 2000;
  const auto issue = check_resources(s, {64 * kGiB, "m"});
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->key, "firms.founders_per_quarter");
  EXPECT_TRUE(contains(issue->message,
                       "lower firms.founders_per_quarter (1000000.0), simulation.quarters (2000) "
                       "or simulation.burn_in (8)"))
      << issue->message;
}

TEST(Resources, TiesOfManyCollaboratorsCount) {
  Scenario s;
  s.researchers.count = 10000000;
  s.researchers.collaborators_mean = 100;
  const ResourceEstimate e = estimate_resources(s);
  EXPECT_GE(e.ties, 1e7 * 50);
  const auto issue = check_resources(s, {64 * kGiB, "m"});
  ASSERT_TRUE(issue);
  EXPECT_EQ(issue->key, "researchers.collaborators_mean") << issue->message;
}

TEST(Resources, EndlessRunIsRefusedWhateverTheMemory) {
  Scenario s;
  s.firms.initial_count = 100000000;
  s.researchers.count = 10000000;
  s.simulation.quarters = 2000;
  s.simulation.burn_in = 2000;
  const auto issue = check_resources(s, {0, "unlimited"});
  ASSERT_TRUE(issue);
  EXPECT_TRUE(contains(issue->message, "agent-quarters of work")) << issue->message;
  EXPECT_TRUE(contains(issue->message,
                       "more than the limit of 1e+12 (about two weeks on one "
                       "core)"))
      << issue->message;
  EXPECT_TRUE(contains(issue->message, "simulation.quarters (2000)")) << issue->message;
}

TEST(Resources, MoreAgentsThanIdsIsRefusedWhateverTheMemory) {
  Scenario s;
  s.firms.founders_per_quarter = 1e6;
  s.simulation.quarters = 2000;
  s.simulation.burn_in = 2000;
  const auto issue = check_resources(s, {0, "unlimited"});
  ASSERT_TRUE(issue);
  EXPECT_TRUE(contains(issue->message, "agents")) << issue->message;
  EXPECT_TRUE(contains(issue->message, "32-bit graph ids")) << issue->message;
}

TEST(Resources, ParsesMemorySizes) {
  EXPECT_EQ(parse_memory_size("64G"), 64 * kGiB);
  EXPECT_EQ(parse_memory_size("64GiB"), 64 * kGiB);
  EXPECT_EQ(parse_memory_size(" 64 gb "), 64 * kGiB);
  EXPECT_EQ(parse_memory_size("1.5T"), 1.5 * 1024 * kGiB);
  EXPECT_EQ(parse_memory_size("512M"), 512 * 1024.0 * 1024);
  EXPECT_EQ(parse_memory_size("1000"), 1000.0);
  EXPECT_EQ(parse_memory_size("unlimited"), 0.0);
  for (const char* bad : {"", "abc", "-5G", "0", "nan", "inf", "64X", "64GG", "1e400"})
    EXPECT_FALSE(parse_memory_size(bad)) << bad;
}

TEST(Resources, FormatsBytes) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(1.5 * kGiB), "1.5 GiB");
  EXPECT_EQ(format_bytes(4e14), "363.8 TiB");
}

TEST(Resources, MachineBudgetIsPositiveOrFromTheEnvironment) {
  {
    MemoryLimitEnv env("");
    const MemoryBudget b = machine_memory_budget();
    EXPECT_GT(b.bytes, 0);
    EXPECT_FALSE(b.source.empty());
  }
  {
    MemoryLimitEnv env("2G");
    EXPECT_EQ(machine_memory_budget().bytes, 2 * kGiB);
    EXPECT_EQ(machine_memory_budget().source, "INCUBSIM_MEMORY_LIMIT=2G");
  }
  {
    MemoryLimitEnv env("lots");
    try {
      machine_memory_budget();
      ADD_FAILURE() << "expected UsageError";
    } catch (const UsageError& e) {
      EXPECT_TRUE(contains(e.what(), "INCUBSIM_MEMORY_LIMIT='lots' is not a memory size"))
          << e.what();
    }
  }
}

// --- through the loader ----------------------------------------------------------

TEST(Resources, LoaderRefusesBeforeRunningAndBlamesTheLargestKeySet) {
  MemoryLimitEnv env("1G");
  // --quarters comes last on the command line but is not what is too big.
  const auto e = set_error({"firms.initial_count=100000000", "simulation.quarters=4"});
  EXPECT_EQ(e.file(), "--set");
  EXPECT_EQ(e.key(), "firms.initial_count");
  EXPECT_TRUE(contains(e.what(), "more than the 1.0 GiB of INCUBSIM_MEMORY_LIMIT=1G")) << e.what();
  const auto f = scenario_error([] {
    parse_scenario("[simulation]\nquarters = 4\n\n[firms]\ninitial_count = 100000000\n", "big.toml",
                   {}, {});
  });
  EXPECT_EQ(f.file(), "big.toml");
  EXPECT_EQ(f.line(), 5);
  EXPECT_EQ(f.key(), "firms.initial_count");
}

TEST(Resources, UnlimitedOverrideLetsABigScenarioLoad) {
  MemoryLimitEnv env("unlimited");
  const Scenario s = load_default_scenario({"firms.initial_count=100000000"});
  EXPECT_EQ(s.firms.initial_count, 100000000);
}

TEST(Resources, AParserTestCanSkipTheCheck) {
  MemoryLimitEnv env("1G");
  const Scenario s =
      parse_scenario("[firms]\ninitial_count = 100000000\n", "s.toml", {}, {}, ResourceCheck::off);
  EXPECT_EQ(s.firms.initial_count, 100000000);
}

TEST(Resources, BadOverrideIsAUsageError) {
  MemoryLimitEnv env("12 parsecs");
  EXPECT_THROW(load_default_scenario({}), UsageError);
}

}  // namespace
}  // namespace incubsim
