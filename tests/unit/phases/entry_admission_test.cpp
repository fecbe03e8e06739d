// Entry (spin-offs and founders) and incubator admission.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <utility>
#include <vector>

#include "phase_fixture.hpp"

namespace incubsim {
namespace {

using testing::FixedCover;
using testing::PhaseFixture;
using testing::small_scenario;

void quarter_until_entry(PhaseFixture& fx, Quarter q) {
  fx.run(q, Phase::research);
  fx.run(q, Phase::transfer);
  fx.run(q, Phase::entry);
}

TEST(Entry, SpinoffsInheritTheirInvention) {
  Scenario sc = small_scenario();
  sc.transfer.spinoff_cost = 0.0;
  PhaseFixture fx(sc);
  const std::size_t before = fx.state.firms.size();
  quarter_until_entry(fx, 0);
  const auto& F = fx.state.firms;
  const auto& inv = fx.state.inventions;
  std::size_t k = 0;
  int spinoffs = 0;
  for (std::size_t f = before; f < F.size(); ++f) {
    if (F.origin[f] != Origin::spinoff) continue;
    while (inv.choice[k] != TransferChoice::spinoff) ++k;
    EXPECT_EQ(F.founder[f], inv.researcher[k]);
    EXPECT_DOUBLE_EQ(F.quality[f], inv.quality[k]);
    EXPECT_DOUBLE_EQ(F.maturity[f], inv.maturity[k]);
    EXPECT_TRUE(
        fx.state.graph.find_tie(fx.state.researchers.vertex[static_cast<std::size_t>(F.founder[f])],
                                F.vertex[f], TieType::founding));
    ++k;
    ++spinoffs;
  }
  EXPECT_GT(spinoffs, 0);
  EXPECT_EQ(fx.count_events(EventKind::spinoff), spinoffs);
  EXPECT_EQ(fx.count_events(EventKind::firm_birth), static_cast<int>(F.size() - before));
}

// Lineage keys: more spin-offs in one arm must not change who the
// independent founders are in the other (common random numbers).
TEST(Entry, IndependentFoundersDoNotDependOnSpinoffs) {
  Scenario sc = small_scenario();
  sc.transfer.liability_share = 1.0;
  sc.researchers.risk_aversion_mean = 3.0;
  PhaseFixture none(sc);
  PhaseFixture insured(sc, std::make_unique<FixedCover>(1.0, 0.0));
  quarter_until_entry(none, 0);
  quarter_until_entry(insured, 0);
  auto independents = [](const FirmStore& F) {
    std::vector<std::pair<LineageKey, double>> v;
    for (std::size_t f = 0; f < F.size(); ++f)
      if (F.origin[f] == Origin::independent && F.founded[f] == 0)
        v.emplace_back(F.key[f], F.quality[f]);
    return v;
  };
  const auto a = independents(none.state.firms);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, independents(insured.state.firms));
  EXPECT_NE(none.state.firms.size(), insured.state.firms.size());
}

TEST(Entry, AliveListEqualsAScanOfEveryFirmThroughBirthsAndExits) {
  // The list is kept from the last one and the newcomers: after births,
  // deaths (the newest firm's among them) and firms added outside the entry
  // phase, it must equal a scan of every firm's status.
  PhaseFixture fx(small_scenario());
  auto& F = fx.state.firms;
  const auto scan = [&] {
    std::vector<AgentId> out;
    for (std::size_t f = 0; f < F.size(); ++f)
      if (F.status[f] == FirmStatus::alive) out.push_back(static_cast<AgentId>(f));
    return out;
  };
  ASSERT_EQ(fx.state.scratch.alive_firms, scan());
  for (Quarter q = 0; q < 6; ++q) {
    SCOPED_TRACE(q);
    quarter_until_entry(fx, q);
    ASSERT_EQ(fx.state.scratch.alive_firms, scan());
    // Firms born outside the entry phase (as a programme's are) and the
    // newest firm's death are only seen at the next refresh.
    NewFirm born;
    born.key = 1000 + static_cast<LineageKey>(q);
    add_firm(fx.state, born);
    add_firm(fx.state, born);
    F.status[F.size() - 1] = FirmStatus::dead;
    F.status[static_cast<std::size_t>(fx.state.scratch.alive_firms[q])] = FirmStatus::acquired;
    refresh_alive_firms(fx.state);
    ASSERT_EQ(fx.state.scratch.alive_firms, scan());
    fx.run(q, Phase::admission);
    fx.run(q, Phase::financing);
    fx.run(q, Phase::operations);
    fx.run(q, Phase::outcomes);
    ASSERT_EQ(fx.state.scratch.alive_firms, scan());
  }
}

TEST(Admission, RespectsCapacityAndEligibility) {
  Scenario sc = small_scenario();
  sc.incubators.application_rate = 1.0;
  sc.incubators.admission_threshold = -10.0;
  sc.firms.founders_per_quarter = 60;
  PhaseFixture fx(sc);
  for (Quarter q = 0; q < 6; ++q) {
    quarter_until_entry(fx, q);
    fx.events.clear();
    fx.run(q, Phase::admission);
    const auto& I = fx.state.incubators;
    const auto& F = fx.state.firms;
    std::vector<int> tenants(I.size(), 0);
    for (const AgentId id : fx.state.scratch.alive_firms)
      if (F.incubator[static_cast<std::size_t>(id)] != kNoAgent)
        ++tenants[static_cast<std::size_t>(F.incubator[static_cast<std::size_t>(id)])];
    for (std::size_t i = 0; i < I.size(); ++i) {
      EXPECT_EQ(tenants[i], I.tenants[i]);
      EXPECT_LE(I.tenants[i], I.capacity[i]);
    }
    for (const auto& e : fx.events) {
      if (e.kind != EventKind::admission) continue;
      const auto f = static_cast<std::size_t>(e.target);
      EXPECT_LE(q - F.founded[f], sc.incubators.application_max_age);
      EXPECT_EQ(F.incubated_since[f], q);
      EXPECT_TRUE(fx.state.graph.find_tie(F.vertex[f], I.vertex[static_cast<std::size_t>(e.actor)],
                                          TieType::tenancy));
    }
  }
  // With everyone applying and no threshold, the incubators fill up.
  int full = 0;
  for (std::size_t i = 0; i < fx.state.incubators.size(); ++i)
    full += fx.state.incubators.tenants[i] == fx.state.incubators.capacity[i];
  EXPECT_GT(full, 0);
}

TEST(Admission, BetterSignalsAreAdmittedFirst) {
  Scenario sc = small_scenario();
  sc.incubators.application_rate = 1.0;
  sc.incubators.signal_noise_government = 0.0;
  sc.incubators.signal_noise_professional = 0.0;
  sc.incubators.admission_threshold = 0.0;
  sc.firms.founders_per_quarter = 80;
  PhaseFixture fx(sc);
  quarter_until_entry(fx, 0);
  fx.events.clear();
  fx.run(0, Phase::admission);
  const auto& F = fx.state.firms;
  // Noise-free screening: nobody below the threshold gets in.
  int admitted = 0;
  for (const auto& e : fx.events)
    if (e.kind == EventKind::admission) {
      ++admitted;
      EXPECT_GE(F.quality[static_cast<std::size_t>(e.target)], 0.0);
    }
  EXPECT_GT(admitted, 0);
}

TEST(Admission, AdmitsWhatRankingEveryApplicantWouldAdmit) {
  // Incubators rank only their best applicants, and more if many of those
  // were taken by a better incubator first: the admissions must be those
  // of ranking every applicant, replayed here from the phase's own
  // applications.
  // Noise-free signals rank applicants alike everywhere, so the better
  // incubators take what the others ranked first; short stays free places
  // every quarter.
  Scenario sc = small_scenario();
  sc.incubators.application_rate = 1.0;
  sc.incubators.applications_per_firm = 3;
  sc.incubators.admission_threshold = -10.0;
  sc.incubators.signal_noise_government = 0.0;
  sc.incubators.signal_noise_professional = 0.0;
  sc.incubators.capacity_mean = 60;
  sc.incubators.initial_occupancy = 0.2;
  sc.incubators.max_stay = 2;
  sc.firms.founders_per_quarter = 400;
  PhaseFixture fx(sc);
  bool ranked_part = false;
  for (Quarter q = 0; q < 4; ++q) {
    quarter_until_entry(fx, q);
    const auto& F = fx.state.firms;
    const auto& I = fx.state.incubators;
    std::vector<AgentId> incubator_before(F.size(), kNoAgent);
    for (const AgentId id : fx.state.scratch.alive_firms)
      incubator_before[static_cast<std::size_t>(id)] = F.incubator[static_cast<std::size_t>(id)];
    fx.events.clear();
    fx.run(q, Phase::admission);
    // Leavers left first: their places and firms are free again.
    std::vector<int> tenants(I.size(), 0);
    for (const auto& e : fx.events)
      if (e.kind == EventKind::graduation || e.kind == EventKind::incubator_exit)
        incubator_before[static_cast<std::size_t>(e.target)] = kNoAgent;
    for (const AgentId id : fx.state.scratch.alive_firms)
      if (incubator_before[static_cast<std::size_t>(id)] != kNoAgent)
        ++tenants[static_cast<std::size_t>(incubator_before[static_cast<std::size_t>(id)])];
    auto apps = fx.state.scratch.applications;
    const auto& offset = fx.state.scratch.group_offset;
    const std::vector<std::size_t> order = admission_order(I);
    std::vector<std::pair<AgentId, AgentId>> want;  // (incubator, firm) in admission order
    for (const std::size_t i : order) {
      ranked_part = ranked_part || fx.state.scratch.ranked_end[i] < offset[i + 1];
      const auto first = apps.begin() + static_cast<std::ptrdiff_t>(offset[i]);
      const auto last = apps.begin() + static_cast<std::ptrdiff_t>(offset[i + 1]);
      std::sort(first, last, [](const Application& a, const Application& b) {
        return a.signal > b.signal || (a.signal == b.signal && a.firm < b.firm);
      });
      for (auto it = first; it != last && tenants[i] < I.capacity[i]; ++it) {
        auto& at = incubator_before[static_cast<std::size_t>(it->firm)];
        if (at != kNoAgent) continue;
        at = static_cast<AgentId>(i);
        ++tenants[i];
        want.emplace_back(static_cast<AgentId>(i), it->firm);
      }
    }
    std::vector<std::pair<AgentId, AgentId>> got;
    for (const auto& e : fx.events)
      if (e.kind == EventKind::admission) got.emplace_back(e.actor, e.target);
    EXPECT_EQ(got, want) << "quarter " << q;
    EXPECT_GT(got.size(), 0u);
  }
  EXPECT_TRUE(ranked_part);  // some incubator did not rank every applicant
}

TEST(Admission, TenantsLeaveAtTheMaximumStayOrGraduate) {
  PhaseFixture fx;
  auto& F = fx.state.firms;
  AgentId stayer = kNoAgent, grad = kNoAgent;
  for (const AgentId id : fx.state.scratch.alive_firms) {
    const auto f = static_cast<std::size_t>(id);
    if (F.incubator[f] == kNoAgent) continue;
    if (stayer == kNoAgent) {
      stayer = id;
      F.incubated_since[f] = -fx.scenario.incubators.max_stay;
    } else if (grad == kNoAgent) {
      grad = id;
      F.last_round[f] = static_cast<std::int8_t>(Round::series_a);
    }
  }
  ASSERT_NE(grad, kNoAgent);
  fx.run(0, Phase::admission);
  EXPECT_EQ(F.incubator[static_cast<std::size_t>(stayer)], kNoAgent);
  EXPECT_FALSE(F.graduated[static_cast<std::size_t>(stayer)]);
  EXPECT_EQ(F.incubator[static_cast<std::size_t>(grad)], kNoAgent);
  EXPECT_TRUE(F.graduated[static_cast<std::size_t>(grad)]);
  EXPECT_GE(fx.count_events(EventKind::incubator_exit), 1);
  EXPECT_GE(fx.count_events(EventKind::graduation), 1);
}

}  // namespace
}  // namespace incubsim
