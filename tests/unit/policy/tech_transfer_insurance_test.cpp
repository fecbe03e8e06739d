// Technology-transfer insurance: mechanism direction, ledger consistency,
// pilots and the bit-identical coverage-0 case.
#include <gtest/gtest.h>

#include <cmath>

#include "output/run_reader.hpp"
#include "policy_test_support.hpp"

namespace incubsim {
namespace {

using testing::PolicyRun;
using testing::ScratchDir;
using testing::small_scenario;

const std::string kTechTransferInsuranceLedger = "/policy/tech_transfer_insurance/";

/// Liability matters in this ecosystem: insuring it should change choices.
Scenario liability_heavy(int quarters = 40) {
  Scenario sc = small_scenario(quarters);
  sc.researchers.count = 2000;
  sc.transfer.liability_share = 0.8;
  sc.researchers.risk_aversion_mean = 2.0;
  return sc;
}

Scenario insured(Scenario sc) {
  auto& p = sc.policy.tech_transfer_insurance;
  p.enabled = true;
  p.pilot_count = 0;  // every institution
  p.coverage = 0.9;
  p.budget_per_year = 1e6;
  return sc;
}

TEST(TechTransferInsurance, CoverageZeroIsBitIdenticalToNoPolicy) {
  ScratchDir dir;
  const Scenario base = liability_heavy(16);
  Scenario zero = insured(base);
  zero.policy.tech_transfer_insurance.coverage = 0.0;
  const PolicyRun a(dir, "none", base);
  const PolicyRun b(dir, "zero", zero);
  const auto diffs = output::compare_runs(a.path(), b.path(), testing::arm_attributes());
  std::string text;
  for (const auto& d : diffs) text += d.path + ": " + d.what + "\n";
  EXPECT_TRUE(diffs.empty()) << text;
}

TEST(TechTransferInsurance, MoreTransfersOfWeakerInventions) {
  ScratchDir dir;
  const PolicyRun none(dir, "none", liability_heavy());
  const PolicyRun ins(dir, "insured", insured(liability_heavy()));
  const double before =
      none.sum("/timeseries/transfers_licence") + none.sum("/timeseries/transfers_spinoff");
  const double after =
      ins.sum("/timeseries/transfers_licence") + ins.sum("/timeseries/transfers_spinoff");
  EXPECT_GT(after, 1.1 * before);
  // Moral hazard: the marginal transfers are weaker, so the mean quality of
  // what is transferred falls.
  auto mean_quality = [](const PolicyRun& r) {
    const auto q = r.column("/timeseries/transfer_quality_mean");
    const auto n1 = r.column("/timeseries/transfers_licence");
    const auto n2 = r.column("/timeseries/transfers_spinoff");
    double s = 0, n = 0;
    for (std::size_t i = 0; i < q.size(); ++i)
      if (std::isfinite(q[i])) {
        s += q[i] * (n1[i] + n2[i]);
        n += n1[i] + n2[i];
      }
    return s / n;
  };
  EXPECT_LT(mean_quality(ins), mean_quality(none));
  EXPECT_GT(ins.sum(kTechTransferInsuranceLedger + "insured_transfers"), 0.0);
  // The liability researchers bear falls.
  EXPECT_LT(ins.sum("/timeseries/liability_incurred"), none.sum("/timeseries/liability_incurred"));
}

TEST(TechTransferInsurance, LedgerIsConsistent) {
  ScratchDir dir;
  Scenario sc = insured(liability_heavy());
  sc.policy.tech_transfer_insurance.budget_per_year = 0.5;  // binding
  const PolicyRun r(dir, "ledger", sc);
  const auto spend = r.column(kTechTransferInsuranceLedger + "spend");
  const auto subsidy = r.column(kTechTransferInsuranceLedger + "premium_subsidy");
  const auto premiums = r.column(kTechTransferInsuranceLedger + "premiums");
  const auto claims = r.column(kTechTransferInsuranceLedger + "claims");
  const auto reserve = r.column(kTechTransferInsuranceLedger + "insurer_reserve");
  const auto result = r.column(kTechTransferInsuranceLedger + "insurer_result");
  const auto quarter = r.column(kTechTransferInsuranceLedger + "quarter");
  double p = 0, c = 0, year = 0;
  for (std::size_t i = 0; i < spend.size(); ++i) {
    if (static_cast<int>(quarter[i]) % 4 == 0) year = 0;
    year += spend[i];
    EXPECT_LE(year, 0.5 + 1e-12) << "quarter " << quarter[i];
    EXPECT_DOUBLE_EQ(spend[i], subsidy[i]);
    EXPECT_LE(subsidy[i], premiums[i] + 1e-12);
    p += premiums[i];
    c += claims[i];
    EXPECT_NEAR(result[i], p - c, 1e-9);
    EXPECT_NEAR(reserve[i], sc.policy.tech_transfer_insurance.insurer_capital + p - c, 1e-9);
  }
  EXPECT_GT(p, 0.0);
  EXPECT_GT(c, 0.0);
  EXPECT_NEAR(r.last(kTechTransferInsuranceLedger + "loss_ratio"), c / p, 1e-12);
  // Claims are the liability the policy covered, and the government total
  // adds up every instrument.
  EXPECT_NEAR(r.sum("/timeseries/liability_covered"), c, 1e-9);
  EXPECT_NEAR(r.sum("/policy/government/spend"), r.sum(kTechTransferInsuranceLedger + "spend"),
              1e-9);
  EXPECT_NEAR(r.sum("/timeseries/policy_spend"), r.sum(kTechTransferInsuranceLedger + "spend"),
              1e-9);
}

TEST(TechTransferInsurance, OnlyPilotInstitutionsAreInsured) {
  ScratchDir dir;
  Scenario sc = insured(liability_heavy(12));
  sc.researchers.institutions = 6;
  sc.policy.tech_transfer_insurance.pilot_count = 2;
  const PolicyRun r(dir, "pilots", sc);
  const auto pilot = r.column("/agents/institutions/pilot");
  EXPECT_EQ(std::accumulate(pilot.begin(), pilot.end(), 0.0), 2.0);
  const auto institution = r.column("/agents/researchers/institution");
  const auto kind = r.column("/events/kind");
  const auto actor = r.column("/events/actor");
  int insured_events = 0;
  for (std::size_t e = 0; e < kind.size(); ++e) {
    if (static_cast<int>(kind[e]) != static_cast<int>(EventKind::insured_transfer)) continue;
    ++insured_events;
    const auto inst = static_cast<std::size_t>(institution[static_cast<std::size_t>(actor[e])]);
    EXPECT_EQ(pilot[inst], 1.0);
  }
  EXPECT_GT(insured_events, 0);
  EXPECT_EQ(r.last(kTechTransferInsuranceLedger + "pilot_institutions"), 2.0);
}

TEST(TechTransferInsurance, ExplicitPilotsOverrideTheCount) {
  ScratchDir dir;
  Scenario sc = insured(liability_heavy(4));
  sc.researchers.institutions = 6;
  sc.policy.tech_transfer_insurance.pilot_ids = {1.0, 4.0};
  const PolicyRun r(dir, "ids", sc);
  EXPECT_EQ(r.column("/agents/institutions/pilot"), (std::vector<double>{0, 1, 0, 0, 1, 0}));
}

TEST(TechTransferInsurance, APilotShareSelectsTheLargestInstitutions) {
  ScratchDir dir;
  Scenario sc = insured(liability_heavy(4));
  sc.researchers.institutions = 10;
  sc.policy.tech_transfer_insurance.pilot_share = 0.3;
  const PolicyRun r(dir, "share", sc);
  const auto pilot = r.column("/agents/institutions/pilot");
  EXPECT_EQ(std::accumulate(pilot.begin(), pilot.end(), 0.0), 3.0);
  // The pilots are the institutions with the most researchers.
  const auto institution = r.column("/agents/researchers/institution");
  const auto entered = r.column("/agents/researchers/entered");
  std::vector<int> size(10, 0);
  for (std::size_t i = 0; i < institution.size(); ++i)
    if (entered[i] < 0) ++size[static_cast<std::size_t>(institution[i])];
  int smallest_pilot = 1 << 30, largest_other = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    if (pilot[i] > 0)
      smallest_pilot = std::min(smallest_pilot, size[i]);
    else
      largest_other = std::max(largest_other, size[i]);
  }
  EXPECT_GE(smallest_pilot, largest_other);
}

TEST(TechTransferInsurance, AShorterClaimWindowPaysLess) {
  ScratchDir dir;
  Scenario wide = insured(liability_heavy());
  Scenario narrow = wide;
  narrow.policy.tech_transfer_insurance.claim_window = 1;
  const PolicyRun a(dir, "wide", wide);
  const PolicyRun b(dir, "narrow", narrow);
  EXPECT_LT(b.sum(kTechTransferInsuranceLedger + "claims_count"),
            a.sum(kTechTransferInsuranceLedger + "claims_count"));
}

}  // namespace
}  // namespace incubsim

namespace incubsim {
namespace {

TEST(TechTransferInsurance, TakeUpSetsTheShareOfTransfersInsured) {
  testing::ScratchDir dir;
  auto insured_share = [&](double take_up) {
    Scenario sc = insured(liability_heavy(24));
    sc.policy.tech_transfer_insurance.take_up = take_up;
    const testing::PolicyRun r(dir, "take_up", sc);
    const double transfers =
        r.sum("/timeseries/transfers_licence") + r.sum("/timeseries/transfers_spinoff");
    EXPECT_GT(transfers, 200.0);
    return r.sum(kTechTransferInsuranceLedger + "insured_transfers") / transfers;
  };
  const double low = insured_share(0.1);
  const double high = insured_share(0.3);
  // Registered inventions are transferred more often than the others, so
  // the insured share of transfers exceeds the take-up, but not by much.
  EXPECT_GT(low, 0.1);
  EXPECT_LT(low, 0.25);
  EXPECT_GT(high, 0.3);
  EXPECT_LT(high, 0.6);
  EXPECT_LT(low, high);
}

}  // namespace
}  // namespace incubsim
