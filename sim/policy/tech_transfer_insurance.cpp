// Technology-transfer insurance ("secondary relief", Ouhai 2024): pilot
// institutions' researchers insure the liability of a failed licence or
// spin-off. The premium is a share of the exposure; the government pays part
// of it within its yearly budget; a failure within the claim window is paid
// at `coverage` of the exposure (up to max_claim) from the insurer's reserve.
// Researchers see the lower expected liability when they choose (the
// transfer phase's utility), which is also how weaker inventions get
// transferred (moral hazard: compare insured and uninsured quality).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "phases/context.hpp"
#include "policy/instruments.hpp"

namespace incubsim {

class TechTransferInsurance final : public Instrument, public TransferLiabilityPolicy {
 public:
  explicit TechTransferInsurance(const Scenario& s)
      : Instrument("tech_transfer_insurance", s.policy.tech_transfer_insurance),
        p_(s.policy.tech_transfer_insurance),
        reserve_(s.policy.tech_transfer_insurance.insurer_capital) {}

  bool offers_anything() const override { return p_.coverage > 0.0; }

  void initialize(WorldState& st, const PhaseContext&) override {
    // Pilots: the institutions with the most researchers (ties by id).
    const std::size_t n = st.institutions.size();
    std::vector<std::int64_t> size(n, 0);
    for (const auto i : st.researchers.institution) ++size[static_cast<std::size_t>(i)];
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return size[a] > size[b]; });
    if (!p_.pilot_ids.empty()) {
      for (const double id : p_.pilot_ids) st.institutions.pilot[static_cast<std::size_t>(id)] = 1;
      pilot_ = st.institutions.pilot;
      return;
    }
    const std::size_t count =
        p_.pilot_share > 0.0
            ? static_cast<std::size_t>(std::lround(p_.pilot_share * static_cast<double>(n)))
            : static_cast<std::size_t>(p_.pilot_count);
    const std::size_t pilots = count == 0 && p_.pilot_share <= 0.0 ? n : std::min(n, count);
    for (std::size_t k = 0; k < pilots; ++k) st.institutions.pilot[order[k]] = 1;
    pilot_ = st.institutions.pilot;
  }

  void start_quarter(Quarter q) override {
    Instrument::start_quarter(q);
    quarter_ = q;
    insured_ = claims_count_ = 0;
    premiums_ = subsidy_ = claims_ = 0.0;
    insured_quality_ = uninsured_quality_ = 0.0;
    uninsured_ = 0;
    // Researchers decide on the subsidy the budget still allows as the
    // quarter opens; commits below never overspend it.
    subsidy_open_ = ledger().available() > 0.0;
  }

  TransferTerms terms(const TransferQuery& q) const override {
    if (!offered(q.institution) || q.draw >= p_.take_up) return {};
    const double gross = p_.premium_rate * q.exposure;
    const double subsidy = subsidy_open_ ? p_.premium_subsidy * gross : 0.0;
    const double cover = std::min(p_.coverage, q.exposure > 0 ? p_.max_claim / q.exposure : 0.0);
    return {cover, gross - subsidy};
  }

  void on_transfer(const OpenTransfer& t, double premium) override {
    if (t.coverage <= 0.0) {
      ++uninsured_;
      uninsured_quality_ += t.quality;
      return;
    }
    const double gross = p_.premium_rate * t.exposure;
    const double subsidy = ledger().spend(std::max(0.0, gross - premium));
    if (subsidy > 0.0) ledger().add_beneficiaries();
    // Whatever the budget could not cover, the researcher's side paid.
    premiums_ += gross;
    subsidy_ += subsidy;
    total_premiums_ += gross;
    reserve_ += gross;
    ++insured_;
    ++total_insured_;
    insured_quality_ += t.quality;
  }

  double on_failure(const OpenTransfer& t) override {
    if (t.coverage <= 0.0 || quarter_ - t.quarter > p_.claim_window) return 0.0;
    const double claim = std::min(t.coverage * t.exposure, p_.max_claim);
    claims_ += claim;
    total_claims_ += claim;
    reserve_ -= claim;
    ++claims_count_;
    return claim;
  }

  std::vector<output::MetricDef> extra_columns() const override {
    using output::MetricKind;
    using output::Temporal;
    return {
        {"insured_transfers", MetricKind::count, "transfers", "Transfers insured this quarter",
         Temporal::flow},
        {"premiums", MetricKind::amount, "M yuan", "Gross premiums written this quarter",
         Temporal::flow},
        {"premium_subsidy", MetricKind::amount, "M yuan",
         "Part of the premiums the government paid", Temporal::flow},
        {"claims", MetricKind::amount, "M yuan", "Claims paid this quarter", Temporal::flow},
        {"claims_count", MetricKind::count, "claims", "Claims paid this quarter", Temporal::flow},
        {"insurer_reserve", MetricKind::amount, "M yuan",
         "Insurer's reserve: capital + premiums - claims since the start", Temporal::stock},
        {"insurer_result", MetricKind::amount, "M yuan", "Premiums minus claims since the start",
         Temporal::stock},
        {"loss_ratio", MetricKind::ratio, "share",
         "Claims over premiums since the start (NaN: none)", Temporal::stock},
        {"insured_quality_mean", MetricKind::ratio, "sd",
         "Mean latent quality of this quarter's insured transfers (NaN: none)", Temporal::flow},
        {"uninsured_quality_mean", MetricKind::ratio, "sd",
         "Mean latent quality of this quarter's uninsured transfers (NaN: none)", Temporal::flow},
        {"pilot_institutions", MetricKind::count, "institutions", "Institutions in the pilot",
         Temporal::stock},
    };
  }

  void extra_values(std::vector<double>& row) const override {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    row.push_back(static_cast<double>(insured_));
    row.push_back(premiums_);
    row.push_back(subsidy_);
    row.push_back(claims_);
    row.push_back(static_cast<double>(claims_count_));
    row.push_back(reserve_);
    row.push_back(total_premiums_ - total_claims_);
    row.push_back(total_premiums_ > 0 ? total_claims_ / total_premiums_ : nan);
    row.push_back(insured_ > 0 ? insured_quality_ / static_cast<double>(insured_) : nan);
    row.push_back(uninsured_ > 0 ? uninsured_quality_ / static_cast<double>(uninsured_) : nan);
    row.push_back(static_cast<double>(std::count(pilot_.begin(), pilot_.end(), 1)));
  }

  void archive_state(StateArchive& ar) override {
    Instrument::archive_state(ar);
    ar.field("pilot", pilot_);
    ar.field("quarter", quarter_);
    ar.field("subsidy_open", subsidy_open_);
    ar.field("reserve", reserve_);
    ar.field("insured", insured_);
    ar.field("uninsured", uninsured_);
    ar.field("claims_count", claims_count_);
    ar.field("total_insured", total_insured_);
    ar.field("premiums", premiums_);
    ar.field("subsidy", subsidy_);
    ar.field("claims", claims_);
    ar.field("total_premiums", total_premiums_);
    ar.field("total_claims", total_claims_);
    ar.field("insured_quality", insured_quality_);
    ar.field("uninsured_quality", uninsured_quality_);
  }

 private:
  bool offered(AgentId institution) const {
    if (!active(quarter_)) return false;
    const auto i = static_cast<std::size_t>(institution);
    return i < pilot_.size() && pilot_[i];
  }

  const TechTransferInsurancePolicy& p_;
  std::vector<std::uint8_t> pilot_;
  Quarter quarter_ = 0;
  bool subsidy_open_ = false;
  double reserve_;
  std::int64_t insured_ = 0, uninsured_ = 0, claims_count_ = 0, total_insured_ = 0;
  double premiums_ = 0, subsidy_ = 0, claims_ = 0;
  double total_premiums_ = 0, total_claims_ = 0;
  double insured_quality_ = 0, uninsured_quality_ = 0;
};

std::unique_ptr<Instrument> make_tech_transfer_insurance(const Scenario& s,
                                                         TransferLiabilityPolicy** seam) {
  auto i = std::make_unique<TechTransferInsurance>(s);
  *seam = i.get();
  return i;
}

}  // namespace incubsim
