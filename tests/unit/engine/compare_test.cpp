// Paired policy comparison: identical arms, thread independence, the
// insurance effect on transfers, and what common random numbers gain.
#include "engine/compare.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "core/errors.hpp"
#include "output/compare_file.hpp"
#include "output/run_reader.hpp"
#include "test_support.hpp"

namespace incubsim {
namespace {

using testing::ScratchDir;
using testing::small_scenario;

constexpr int kReplicates = 8;

std::size_t idx(Outcome o) {
  return static_cast<std::size_t>(o);
}

/// Liability matters here (tests/unit/policy/tech_transfer_insurance_test.cpp),
/// so insuring it changes researchers' choices.
Scenario liability_heavy() {
  Scenario sc = small_scenario(10);
  sc.researchers.count = 2000;
  sc.transfer.liability_share = 0.8;
  sc.researchers.risk_aversion_mean = 2.0;
  return sc;
}

Scenario insured(Scenario sc) {
  auto& p = sc.policy.tech_transfer_insurance;
  p.enabled = true;
  p.pilot_count = 0;
  p.coverage = 0.9;
  p.budget_per_year = 1e6;
  return sc;
}

CompareRequest request(const Scenario& base, const Scenario& policy, int threads = 2,
                       bool crn = true) {
  CompareRequest r;
  r.base = base;
  r.policy = policy;
  r.base_name = "base";
  r.policy_name = "policy";
  r.replicates = kReplicates;
  r.threads = threads;
  r.bootstrap_resamples = 500;
  r.common_random_numbers = crn;
  return r;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

/// The insurance comparison with common random numbers, run once for the
/// tests that read it.
const CompareResult& insurance_result() {
  static const CompareResult r =
      run_compare(request(liability_heavy(), insured(liability_heavy()), 1));
  return r;
}

double width(double low, double high) {
  return high - low;
}

TEST(PairedCompareSeeds, DeterministicInRangeAndSharedUnderCrn) {
  for (int r = 0; r < 50; ++r) {
    const std::int64_t s = replicate_seed(20240601, r, Arm::base);
    EXPECT_GE(s, 0);
    EXPECT_LT(s, std::int64_t{1} << 53);
    EXPECT_EQ(s, replicate_seed(20240601, r, Arm::policy));
    EXPECT_NE(s, replicate_seed(20240601, r, Arm::policy, false));
    EXPECT_NE(s, replicate_seed(20240602, r, Arm::base));
    if (r > 0) {
      EXPECT_NE(s, replicate_seed(20240601, r - 1, Arm::base));
    }
  }
}

TEST(PairedCompareStats, StudentQuantileAndIntervals) {
  EXPECT_NEAR(stats::t_quantile(0.975, 1), 12.7062047, 1e-6);
  EXPECT_NEAR(stats::t_quantile(0.975, 7), 2.36462425, 1e-7);
  EXPECT_NEAR(stats::t_quantile(0.975, 1e9), 1.95996398, 1e-6);
  const auto ci = stats::mean_interval({1, 2, 3, 4});
  const double half = stats::t_quantile(0.975, 3) * std::sqrt(5.0 / 3.0) / 2.0;
  EXPECT_NEAR(ci.low, 2.5 - half, 1e-12);
  EXPECT_NEAR(ci.high, 2.5 + half, 1e-12);
  EXPECT_TRUE(std::isnan(stats::mean_interval({1}).low));
  const auto w = stats::welch_interval({1, 1, 1}, {2, 2, 2});
  EXPECT_EQ(w.low, 1.0);
  EXPECT_EQ(w.high, 1.0);
  EXPECT_DOUBLE_EQ(stats::quantile({4, 1, 3, 2, NAN}, 0.5), 2.5);
}

TEST(PairedCompareScenarios, HorizonAndSectorsMustMatch) {
  const Scenario a = small_scenario(8);
  Scenario b = a;
  b.simulation.quarters = 9;
  EXPECT_THROW(check_comparable(a, b, "a.toml", "b.toml"), UsageError);
  b = a;
  b.simulation.burn_in = 3;
  EXPECT_THROW(check_comparable(a, b, "a.toml", "b.toml"), UsageError);
  b = a;
  b.market.sectors.back() = "space";
  EXPECT_THROW(check_comparable(a, b, "a.toml", "b.toml"), UsageError);
  b = insured(a);
  b.simulation.seed = 7;  // ignored: both arms use the replicate seeds
  EXPECT_NO_THROW(check_comparable(a, b, "a.toml", "b.toml"));
  const auto keys = scenario_differences(a, b);
  EXPECT_EQ(keys, (std::vector<std::string>{"policy.tech_transfer_insurance.budget_per_year",
                                            "policy.tech_transfer_insurance.coverage",
                                            "policy.tech_transfer_insurance.enabled",
                                            "policy.tech_transfer_insurance.pilot_count"}));
  CompareRequest r = request(a, a);
  r.replicates = 1;
  EXPECT_THROW(run_compare(r), UsageError);
}

TEST(PairedCompare, IdenticalArmsGiveExactlyZeroEffects) {
  // The insurance on in both arms, so that its ledger outcomes are defined.
  const Scenario sc = insured(small_scenario(6));
  CompareRequest r = request(sc, sc);
  r.replicates = 4;
  const CompareResult res = run_compare(r);
  ASSERT_EQ(res.effects.size(), static_cast<std::size_t>(kOutcomeCount));
  EXPECT_TRUE(res.differing_keys.empty());
  int defined = 0;
  for (std::size_t o = 0; o < res.effects.size(); ++o) {
    const Effect& e = res.effects[o];
    const std::string name = outcome_defs()[o].name;
    if (e.n_pairs == 0) continue;
    ++defined;
    EXPECT_EQ(e.n_pairs, 4) << name;
    EXPECT_EQ(e.effect, 0.0) << name;
    EXPECT_EQ(e.effect_sd, 0.0) << name;
    EXPECT_EQ(e.ci_low, 0.0) << name;
    EXPECT_EQ(e.ci_high, 0.0) << name;
    EXPECT_TRUE(same_bits(e.mean_base, e.mean_policy)) << name;
    if (outcome_defs()[o].costed()) {
      EXPECT_EQ(e.cost_status, CostStatus::effect_ci_includes_zero) << name;
    }
  }
  EXPECT_GE(defined, kOutcomeCount - 2);
  for (std::size_t m = 0; m < res.timeseries_mean[0].size(); ++m)
    for (std::size_t q = 0; q < res.quarters.size(); ++q)
      EXPECT_TRUE(same_bits(res.timeseries_mean[0][m][q], res.timeseries_mean[1][m][q]));
}

TEST(PairedCompare, ResultsDoNotDependOnThreads) {
  const CompareResult& one = insurance_result();
  const CompareResult three =
      run_compare(request(liability_heavy(), insured(liability_heavy()), 3));
  ASSERT_EQ(one.runs.size(), three.runs.size());
  for (std::size_t i = 0; i < one.runs.size(); ++i) {
    EXPECT_EQ(one.runs[i].seed, three.runs[i].seed);
    for (std::size_t o = 0; o < one.runs[i].values.size(); ++o)
      EXPECT_TRUE(same_bits(one.runs[i].values[o], three.runs[i].values[o]))
          << "run " << i << " outcome " << outcome_defs()[o].name;
  }
  for (std::size_t o = 0; o < one.effects.size(); ++o) {
    const Effect &a = one.effects[o], &b = three.effects[o];
    for (auto field : {&Effect::mean_base, &Effect::mean_policy, &Effect::effect, &Effect::ci_low,
                       &Effect::ci_high, &Effect::unpaired_ci_low, &Effect::cost_per_unit,
                       &Effect::cost_ci_low, &Effect::cost_ci_high})
      EXPECT_TRUE(same_bits(a.*field, b.*field)) << outcome_defs()[o].name;
  }
  for (std::size_t arm = 0; arm < 2; ++arm)
    for (std::size_t m = 0; m < one.timeseries_mean[arm].size(); ++m)
      for (std::size_t q = 0; q < one.quarters.size(); ++q)
        EXPECT_TRUE(same_bits(one.timeseries_mean[arm][m][q], three.timeseries_mean[arm][m][q]));
}

TEST(PairedCompare, InsuranceRaisesTransfersSignificantly) {
  const CompareResult& res = insurance_result();
  const Effect& t = res.effects[idx(Outcome::transfers)];
  EXPECT_EQ(t.n_pairs, kReplicates);
  EXPECT_GT(t.effect, 0.0);
  EXPECT_GT(t.ci_low, 0.0) << "paired CI [" << t.ci_low << ", " << t.ci_high << "]";
  // Only the policy arm insures or spends.
  EXPECT_GT(res.effects[idx(Outcome::insured_transfers)].effect, 0.0);
  EXPECT_EQ(res.effects[idx(Outcome::insured_transfers)].mean_base, 0.0);
  EXPECT_GT(res.effects[idx(Outcome::government_spend)].effect, 0.0);
  EXPECT_LT(res.effects[idx(Outcome::liability_borne)].effect, 0.0);
  // Cost per extra transfer: positive, inside its bootstrap interval.
  EXPECT_EQ(t.cost_status, CostStatus::ok);
  EXPECT_GT(t.cost_per_unit, 0.0);
  EXPECT_LE(t.cost_ci_low, t.cost_per_unit);
  EXPECT_GE(t.cost_ci_high, t.cost_per_unit);
}

TEST(PairedCompare, PairingNarrowsTheInterval) {
  // Outcomes the policy touches only through other agents' choices: under
  // common random numbers most of their run-to-run noise cancels in the
  // pairs, so the paired interval is narrower than the unpaired (Welch)
  // interval of the same replicates.
  const CompareResult& crn = insurance_result();
  for (const Outcome o :
       {Outcome::firms_alive_end, Outcome::inventions, Outcome::revenue_last_quarter}) {
    const Effect& e = crn.effects[idx(o)];
    EXPECT_LT(2 * width(e.ci_low, e.ci_high), width(e.unpaired_ci_low, e.unpaired_ci_high))
        << outcome_defs()[idx(o)].name;
  }
  // Transfers are what the policy changes directly; pairing still helps.
  const Effect& t = crn.effects[idx(Outcome::transfers)];
  EXPECT_LT(width(t.ci_low, t.ci_high), width(t.unpaired_ci_low, t.unpaired_ci_high));
  // With independent seeds for the policy arm the pairs share nothing, and
  // the paired interval is far wider than with common random numbers.
  const CompareResult independent =
      run_compare(request(liability_heavy(), insured(liability_heavy()), 2, false));
  for (const Outcome o : {Outcome::firms_alive_end, Outcome::inventions}) {
    const Effect &with = crn.effects[idx(o)], &without = independent.effects[idx(o)];
    EXPECT_LT(2 * width(with.ci_low, with.ci_high), width(without.ci_low, without.ci_high))
        << outcome_defs()[idx(o)].name;
  }
}

TEST(PairedCompare, WritesAComparisonFile) {
  ScratchDir dir;
  CompareRequest r = request(small_scenario(4), insured(small_scenario(4)));
  r.replicates = 2;
  const auto out = dir / "cmp.h5";
  compare_to_file(r, out, "test");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"cmp.h5"});
  const auto p = output::read_compare_provenance(out);
  EXPECT_EQ(p.replicates, 2);
  EXPECT_EQ(p.quarters, 4);
  EXPECT_EQ(output::read_string_column(out, "/effects/outcome").size(),
            static_cast<std::size_t>(kOutcomeCount));
  EXPECT_EQ(output::read_column(out, "/runs/seed").size(), 4u);
  EXPECT_EQ(output::read_column(out, "/timeseries/policy/firms_alive").size(), 4u);
  EXPECT_THROW(output::read_run_info(out), FormatError);
  // An interruption leaves nothing behind.
  std::atomic<bool> stop{true};
  r.stop = &stop;
  EXPECT_THROW(compare_to_file(r, dir / "stopped.h5", "test"), Interrupted);
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"cmp.h5"});
}

}  // namespace
}  // namespace incubsim
