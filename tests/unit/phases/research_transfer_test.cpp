// Research and transfer phases: invention production and the shelve /
// licence / spin-off choice, including the liability seam policies act on.
#include <gtest/gtest.h>

#include <map>

#include "phase_fixture.hpp"

namespace incubsim {
namespace {

using testing::FixedCover;
using testing::PhaseFixture;
using testing::small_scenario;

Scenario liability_heavy() {
  Scenario sc = small_scenario();
  sc.researchers.count = 3000;
  sc.transfer.liability_share = 1.0;
  sc.researchers.risk_aversion_mean = 3.0;
  return sc;
}

int transfers_chosen(const InventionBuffer& inv) {
  int n = 0;
  for (const auto c : inv.choice) n += c != TransferChoice::shelve;
  return n;
}

TEST(Research, OnlyAcademicsInventAndTheBufferIsInResearcherOrder) {
  PhaseFixture fx;
  auto& R = fx.state.researchers;
  for (std::size_t r = 0; r < R.size(); r += 2) R.career[r] = Career::retired;
  fx.run(0, Phase::research);
  const auto& inv = fx.state.inventions;
  ASSERT_GT(inv.size(), 0u);
  for (std::size_t k = 0; k < inv.size(); ++k) {
    EXPECT_EQ(R.career[static_cast<std::size_t>(inv.researcher[k])], Career::academic);
    if (k > 0) {
      EXPECT_LE(inv.researcher[k - 1], inv.researcher[k]);
    }
    EXPECT_GE(inv.maturity[k], 0.0);
    EXPECT_LE(inv.maturity[k], 1.0);
    EXPECT_GT(inv.value[k], 0.0);
  }
  std::int64_t counted = 0;
  for (std::size_t r = 0; r < R.size(); ++r) counted += R.inventions[r];
  EXPECT_EQ(counted, static_cast<std::int64_t>(inv.size()));
}

TEST(Research, MeanOutputMatchesProductivity) {
  Scenario sc = small_scenario();
  sc.researchers.count = 5000;
  sc.researchers.collaborators_mean = 0;
  PhaseFixture fx(sc);
  fx.run(0, Phase::research);
  double expected = 0;
  for (const double p : fx.state.researchers.productivity) expected += p;
  EXPECT_NEAR(static_cast<double>(fx.state.inventions.size()), expected, 4 * std::sqrt(expected));
}

TEST(Transfer, InsuranceCoverRaisesTransfers) {
  PhaseFixture none(liability_heavy());
  PhaseFixture insured(liability_heavy(), std::make_unique<FixedCover>(1.0, 0.0));
  for (auto* fx : {&none, &insured}) {
    fx->run(0, Phase::research);
    fx->run(0, Phase::transfer);
  }
  // Same inventions in both arms: the policy changes choices, not draws.
  ASSERT_EQ(none.state.inventions.quality, insured.state.inventions.quality);
  EXPECT_GT(transfers_chosen(insured.state.inventions),
            transfers_chosen(none.state.inventions) + 20);
}

TEST(Transfer, ZeroCoverIsExactlyNoPolicy) {
  PhaseFixture none(liability_heavy());
  PhaseFixture zero(liability_heavy(), std::make_unique<FixedCover>(0.0, 0.0));
  for (auto* fx : {&none, &zero}) {
    fx->run(0, Phase::research);
    fx->run(0, Phase::transfer);
  }
  EXPECT_EQ(none.state.inventions.choice, zero.state.inventions.choice);
  EXPECT_EQ(none.state.inventions.licensee, zero.state.inventions.licensee);
}

TEST(Transfer, PremiumsDeterTransfers) {
  PhaseFixture none(liability_heavy());
  PhaseFixture costly(liability_heavy(), std::make_unique<FixedCover>(0.0, 5.0));
  for (auto* fx : {&none, &costly}) {
    fx->run(0, Phase::research);
    fx->run(0, Phase::transfer);
  }
  EXPECT_LT(transfers_chosen(costly.state.inventions), transfers_chosen(none.state.inventions));
}

TEST(Transfer, LicencesGoToLivingFirmsOfTheResearchersSector) {
  PhaseFixture fx;
  const auto ip_before = fx.state.firms.ip_count;
  fx.run(0, Phase::research);
  fx.run(0, Phase::transfer);
  const auto& inv = fx.state.inventions;
  const auto& F = fx.state.firms;
  const auto& R = fx.state.researchers;
  int licences = 0;
  for (std::size_t k = 0; k < inv.size(); ++k) {
    if (inv.choice[k] != TransferChoice::licence) continue;
    ++licences;
    const auto f = static_cast<std::size_t>(inv.licensee[k]);
    EXPECT_TRUE(F.alive(inv.licensee[k]));
    EXPECT_EQ(F.sector[f], R.sector[static_cast<std::size_t>(inv.researcher[k])]);
    EXPECT_GT(F.ip_count[f], ip_before[f]);
  }
  ASSERT_GT(licences, 0);
  EXPECT_EQ(fx.count_events(EventKind::licence), licences);
  int open_licences = 0;
  for (const auto& t : fx.state.transfers) {
    if (t.kind != TransferKind::licence) continue;
    ++open_licences;
    EXPECT_DOUBLE_EQ(t.exposure, fx.scenario.transfer.liability_share * t.value);
  }
  EXPECT_EQ(open_licences, licences);
}

TEST(Transfer, AResearcherFoundsAtMostOneFirmAQuarter) {
  Scenario sc = small_scenario();
  sc.transfer.spinoff_cost = 0.0;  // make spin-offs attractive
  sc.researchers.inventions_per_year = 8.0;
  PhaseFixture fx(sc);
  fx.run(0, Phase::research);
  fx.run(0, Phase::transfer);
  std::map<AgentId, int> spinoffs;
  const auto& inv = fx.state.inventions;
  for (std::size_t k = 0; k < inv.size(); ++k)
    if (inv.choice[k] == TransferChoice::spinoff) ++spinoffs[inv.researcher[k]];
  ASSERT_FALSE(spinoffs.empty());
  for (const auto& [r, n] : spinoffs) {
    EXPECT_EQ(n, 1);
    EXPECT_EQ(fx.state.researchers.career[static_cast<std::size_t>(r)], Career::founder);
  }
}

}  // namespace
}  // namespace incubsim
