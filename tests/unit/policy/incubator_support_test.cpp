// Incubator support: more places and admissions, operator conversions,
// subsidies with a quality boost, tier awards; ledger consistency, the
// start..end window and thread-count determinism.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "engine/simulation.hpp"
#include "engine/verify.hpp"
#include "output/run_reader.hpp"
#include "policy_test_support.hpp"

namespace incubsim {
namespace {

using testing::PolicyRun;
using testing::ScratchDir;
using testing::small_scenario;

const std::string kIncubatorSupportLedger = "/policy/incubator_support/";

/// Incubators are full: places are what limits admissions.
Scenario crowded(int quarters = 24) {
  Scenario sc = small_scenario(quarters);
  sc.firms.founders_per_quarter = 30;
  sc.incubators.count = 6;
  sc.incubators.capacity_mean = 8;
  sc.incubators.professional_share = 0.0;  // every incubator starts under government
  return sc;
}

Scenario supported(Scenario sc) {
  auto& p = sc.policy.incubator_support;
  p.enabled = true;
  p.budget_per_year = 1e6;
  p.places_per_year = 40;
  p.conversions_per_year = 1.5;
  return sc;
}

int count_events(const PolicyRun& r, EventKind kind) {
  const auto k = r.column("/events/kind");
  return static_cast<int>(std::count(k.begin(), k.end(), static_cast<double>(kind)));
}

TEST(IncubatorSupport, MorePlacesAdmissionsAndProfessionalOperators) {
  ScratchDir dir;
  const PolicyRun off(dir, "off", crowded());
  const PolicyRun on(dir, "on", supported(crowded()));
  // 40 places a year for 6 years (quarters 0, 4, .., 20).
  EXPECT_EQ(on.last("/timeseries/incubator_capacity") - off.last("/timeseries/incubator_capacity"),
            240.0);
  EXPECT_EQ(on.sum(kIncubatorSupportLedger + "places_added"), 240.0);
  EXPECT_EQ(on.last(kIncubatorSupportLedger + "capacity"),
            on.last("/timeseries/incubator_capacity"));
  EXPECT_GT(on.sum("/timeseries/incubator_admissions"),
            1.3 * off.sum("/timeseries/incubator_admissions"));
  EXPECT_GT(on.last("/timeseries/firms_incubated"), 1.5 * off.last("/timeseries/firms_incubated"));
  // 1.5 conversions a year: 6 to 12 of the 6 incubators, i.e. all of them
  // by the end, the largest first.
  const auto op = on.column("/agents/incubators/operator");
  EXPECT_EQ(std::count(op.begin(), op.end(), 1.0), 6);
  EXPECT_EQ(on.sum(kIncubatorSupportLedger + "conversions"), 6.0);
  EXPECT_EQ(count_events(on, EventKind::operator_converted), 6);
  EXPECT_EQ(on.last(kIncubatorSupportLedger + "professional_incubators"), 6.0);
  const auto off_op = off.column("/agents/incubators/operator");
  EXPECT_EQ(std::count(off_op.begin(), off_op.end(), 1.0), 0);
  // Places go in proportion to capacity: the largest incubator gets most.
  const auto cap_off = off.column("/agents/incubators/capacity");
  const auto cap_on = on.column("/agents/incubators/capacity");
  const auto largest = std::max_element(cap_off.begin(), cap_off.end()) - cap_off.begin();
  const auto smallest = std::min_element(cap_off.begin(), cap_off.end()) - cap_off.begin();
  EXPECT_GT(
      cap_on[static_cast<std::size_t>(largest)] - cap_off[static_cast<std::size_t>(largest)],
      cap_on[static_cast<std::size_t>(smallest)] - cap_off[static_cast<std::size_t>(smallest)]);
}

/// Deaths of firms that were tenants when they died (outcomes ends the
/// tenancy, incubator_exit, just before the firm_death event).
int tenant_deaths(const PolicyRun& r) {
  const auto kind = r.column("/events/kind");
  const auto actor = r.column("/events/actor");
  const auto target = r.column("/events/target");
  int n = 0;
  for (std::size_t e = 1; e < kind.size(); ++e)
    n += kind[e] == static_cast<double>(EventKind::firm_death) &&
         kind[e - 1] == static_cast<double>(EventKind::incubator_exit) && target[e - 1] == actor[e];
  return n;
}

TEST(IncubatorSupport, SubsidyRaisesServiceQualityAndSurvivalOfTenants) {
  ScratchDir dir;
  Scenario base = crowded(24);
  base.incubators.capacity_mean = 30;
  base.market.exogenous_exit_hazard = 0.1;
  base.incubators.hazard_reduction = 1.0;
  Scenario sub = base;
  auto& p = sub.policy.incubator_support;
  p.enabled = true;
  p.budget_per_year = 1e6;
  p.places_per_year = 0;
  p.conversions_per_year = 0;
  p.tier_award = 0;
  p.promotion_threshold_factor = 1.0;
  p.subsidy_quality_boost = 0.5;
  const PolicyRun off(dir, "off", base);
  const PolicyRun on(dir, "on", sub);
  EXPECT_GT(on.sum(kIncubatorSupportLedger + "subsidised_tenants"), 0.0);
  EXPECT_NEAR(on.sum(kIncubatorSupportLedger + "spend"),
              0.02 * on.sum(kIncubatorSupportLedger + "subsidised_tenants"), 1e-9);
  const auto boost = on.column("/agents/incubators/policy_quality_boost");
  const auto tenants = on.column("/agents/incubators/tenants");
  for (std::size_t i = 0; i < boost.size(); ++i)
    EXPECT_EQ(boost[i], tenants[i] > 0 ? 0.5 : 0.0) << "incubator " << i;
  for (const double b : off.column("/agents/incubators/policy_quality_boost")) EXPECT_EQ(b, 0.0);
  // Better service: tenants close less often (the exogenous hazard falls
  // with service quality); compare deaths per tenant-quarter.
  const double rate_off = tenant_deaths(off) / off.sum("/timeseries/firms_incubated");
  const double rate_on = tenant_deaths(on) / on.sum("/timeseries/firms_incubated");
  EXPECT_GT(tenant_deaths(off), 100);
  EXPECT_LT(rate_on, 0.8 * rate_off);
}

TEST(IncubatorSupport, EveryPromotionIsAwardedAndPromotionIsEasier) {
  ScratchDir dir;
  Scenario base = crowded(32);
  base.incubators.promotion_graduates_per_slot = 0.6;
  Scenario sc = base;
  auto& p = sc.policy.incubator_support;
  p.enabled = true;
  p.budget_per_year = 1e6;
  p.places_per_year = 0;
  p.conversions_per_year = 0;
  p.operating_subsidy = 0;
  p.promotion_threshold_factor = 0.3;
  p.tier_award = 1.5;
  // Step by step: compare each quarter's tiers with the previous ones.
  Simulation sim(sc, 2);
  sim.initialize();
  int promotions = 0, awards = 0;
  while (!sim.finished()) {
    const auto before = sim.state().incubators.tier;
    const Quarter q = sim.next_quarter();
    sim.step();
    const auto& after = sim.state().incubators.tier;
    std::set<AgentId> promoted, awarded;
    for (std::size_t i = 0; i < after.size(); ++i)
      if (after[i] > before[i]) promoted.insert(static_cast<AgentId>(i));
    for (const Event& e : sim.events()) {
      if (e.kind != EventKind::policy_award) continue;
      EXPECT_EQ(e.actor_kind, AgentKind::incubator);
      EXPECT_EQ(e.detail, 0);
      EXPECT_EQ(e.amount, 1.5);
      EXPECT_TRUE(awarded.insert(e.actor).second) << "two awards in quarter " << q;
    }
    EXPECT_EQ(promoted, awarded) << "quarter " << q;
    promotions += static_cast<int>(promoted.size());
    awards += static_cast<int>(awarded.size());
  }
  EXPECT_GT(awards, 0);
  EXPECT_EQ(promotions, awards);
  const auto* instrument = sim.policies().instruments()[1].get();
  ASSERT_EQ(instrument->name(), "incubator_support");
  EXPECT_DOUBLE_EQ(instrument->ledger().total_spend(), 1.5 * awards);
  // Easier promotion: more incubators above municipal than without.
  const PolicyRun off(dir, "off", base);
  const PolicyRun on(dir, "on", sc);
  EXPECT_GT(on.sum("/timeseries/incubators_provincial_plus"),
            off.sum("/timeseries/incubators_provincial_plus"));
  EXPECT_EQ(on.sum(kIncubatorSupportLedger + "awards"), awards);
  EXPECT_DOUBLE_EQ(on.sum(kIncubatorSupportLedger + "spend_awards"),
                   on.sum(kIncubatorSupportLedger + "spend"));
}

TEST(IncubatorSupport, LedgerIsConsistentUnderABindingBudget) {
  ScratchDir dir;
  Scenario sc = supported(crowded());
  auto& p = sc.policy.incubator_support;
  p.budget_per_year = 12.0;  // places alone would cost 20 a year
  p.operating_subsidy = 0.05;
  const PolicyRun r(dir, "ledger", sc);
  const auto spend = r.column(kIncubatorSupportLedger + "spend");
  const auto quarter = r.column(kIncubatorSupportLedger + "quarter");
  const auto places = r.column(kIncubatorSupportLedger + "places_added");
  const auto left = r.column(kIncubatorSupportLedger + "budget_left");
  const auto total = r.column(kIncubatorSupportLedger + "spend_total");
  double year = 0, cumulative = 0;
  for (std::size_t i = 0; i < spend.size(); ++i) {
    if (static_cast<int>(quarter[i]) % 4 == 0) year = 0;
    year += spend[i];
    cumulative += spend[i];
    EXPECT_LE(year, 12.0 + 1e-9) << "quarter " << quarter[i];
    EXPECT_NEAR(left[i], 12.0 - year, 1e-9);
    EXPECT_NEAR(total[i], cumulative, 1e-9);
    const double parts = r.column(kIncubatorSupportLedger + "spend_places")[i] +
                         r.column(kIncubatorSupportLedger + "spend_conversions")[i] +
                         r.column(kIncubatorSupportLedger + "spend_awards")[i] +
                         r.column(kIncubatorSupportLedger + "spend_subsidies")[i];
    EXPECT_NEAR(parts, spend[i], 1e-9);
    EXPECT_NEAR(r.column(kIncubatorSupportLedger + "spend_places")[i], 0.5 * places[i], 1e-9);
    // Only what the budget pays: at most 24 places (12 / 0.5) a year.
    EXPECT_LE(places[i], 24.0);
  }
  EXPECT_GT(r.sum(kIncubatorSupportLedger + "places_added"), 0.0);
  EXPECT_LT(r.sum(kIncubatorSupportLedger + "places_added"), 240.0);
  // Events agree with the ledger.
  const auto kind = r.column("/events/kind");
  const auto amount = r.column("/events/amount");
  double event_places = 0;
  for (std::size_t e = 0; e < kind.size(); ++e)
    if (kind[e] == static_cast<double>(EventKind::places_added)) event_places += amount[e];
  EXPECT_EQ(event_places, r.sum(kIncubatorSupportLedger + "places_added"));
  EXPECT_NEAR(r.sum("/policy/government/spend_incubator_support"),
              r.sum(kIncubatorSupportLedger + "spend"), 1e-9);
  EXPECT_NEAR(r.sum("/policy/government/spend"), r.sum(kIncubatorSupportLedger + "spend"), 1e-9);
  EXPECT_NEAR(r.sum("/timeseries/policy_spend"), r.sum(kIncubatorSupportLedger + "spend"), 1e-9);
}

TEST(IncubatorSupport, ActsOnlyInItsWindowAndWithdrawsTheBoostAfter) {
  Scenario sc = supported(crowded(24));
  auto& p = sc.policy.incubator_support;
  p.start_quarter = 6;  // mid-year: the first yearly actions come at once
  p.end_quarter = 13;
  p.tier_award = 1.0;
  p.promotion_threshold_factor = 0.2;
  Simulation sim(sc, 2);
  sim.initialize();
  const auto capacity0 = sim.state().incubators.capacity;
  std::vector<Quarter> places_quarters;
  while (!sim.finished()) {
    const Quarter q = sim.next_quarter();
    sim.step();
    const auto& I = sim.state().incubators;
    const auto* ledger = sim.policies().instruments()[1].get();
    ASSERT_EQ(ledger->name(), "incubator_support");
    const bool inside = q >= 6 && q <= 13;
    if (!inside) {
      EXPECT_EQ(ledger->ledger().quarter_spend(), 0.0) << q;
    }
    for (const Event& e : sim.events()) {
      const bool policy_event = e.kind == EventKind::places_added ||
                                e.kind == EventKind::operator_converted ||
                                e.kind == EventKind::policy_award;
      if (policy_event) {
        EXPECT_TRUE(inside) << "quarter " << q;
      }
      if (e.kind == EventKind::places_added &&
          (places_quarters.empty() || places_quarters.back() != q))
        places_quarters.push_back(q);
    }
    const double max_boost =
        *std::max_element(I.policy_quality_boost.begin(), I.policy_quality_boost.end());
    EXPECT_EQ(max_boost, inside ? p.subsidy_quality_boost : 0.0) << q;
  }
  // Yearly actions at the start quarter and at the next years' first quarters.
  EXPECT_EQ(places_quarters, (std::vector<Quarter>{6, 8, 12}));
  std::int64_t added = 0;
  for (std::size_t i = 0; i < capacity0.size(); ++i)
    added += sim.state().incubators.capacity[i] - capacity0[i];
  EXPECT_EQ(added, 120);
}

TEST(IncubatorSupport, SameFilesFor1And4Threads) {
  ScratchDir dir1, dir4;
  const Scenario sc = supported(crowded(16));
  const PolicyRun one(dir1, "threads", sc, 1);
  const PolicyRun four(dir4, "threads", sc, 4);
  EXPECT_EQ(testing::differences(one, four), "");
  EXPECT_GT(one.sum(kIncubatorSupportLedger + "spend"), 0.0);
}

}  // namespace
}  // namespace incubsim
