// R&D incentives tied to certification: the reduced corporate income tax
// rate of high-tech enterprises, the R&D super deduction (for certified tech
// SMEs and high-tech enterprises here) and local awards for new high-tech
// certificates. The core model charges no income tax, so the tax forgone is
// paid to the firm as cash, within the yearly budget (firms in id order).
// At each year end firms just below the high-tech R&D threshold of their
// revenue band raise their R&D intensity to it, to qualify at the next
// review. See docs/policies.md.
#include <algorithm>
#include <utility>

#include "core/buffers.hpp"
#include "core/parallel.hpp"
#include "phases/context.hpp"
#include "phases/population.hpp"
#include "policy/instruments.hpp"

namespace incubsim {
namespace {

// Index 7 in PolicySet; the instrument draws no random numbers.

class RdIncentives final : public Instrument {
 public:
  explicit RdIncentives(const Scenario& s)
      : Instrument("rd_incentives", s.policy.rd_incentives),
        p_(s.policy.rd_incentives),
        firms_(s.firms),
        gross_margin_(s.market.gross_margin) {}

  bool offers_anything() const override {
    return p_.corporate_tax_rate > p_.high_tech_tax_rate || p_.super_deduction > 0.0 ||
           p_.certification_award > 0.0 || p_.threshold_response > 0.0;
  }

  void start_quarter(Quarter q) override {
    Instrument::start_quarter(q);
    awards_ = benefiting_ = raised_ = 0;
    claimed_ = rate_part_ = deduction_part_ = paid_ = award_amount_ = 0.0;
  }

  void after_institutions(WorldState& st, const PhaseContext& ctx) override {
    const Quarter q = ctx.quarter();
    if (!active(q)) return;
    tax_benefits(st);
    if (!is_year_end(q)) return;
    certification_awards(st, ctx);
    threshold_response(st);
  }

  std::vector<output::MetricDef> extra_columns() const override {
    using output::MetricKind;
    using output::Temporal;
    return {
        {"tax_claimed", MetricKind::amount, "M yuan",
         "Tax benefits certified firms were entitled to this quarter", Temporal::flow},
        {"rate_benefit", MetricKind::amount, "M yuan",
         "Of the claims: the high-tech rate reduction", Temporal::flow},
        {"deduction_benefit", MetricKind::amount, "M yuan",
         "Of the claims: the R&D super deduction", Temporal::flow},
        {"tax_benefit", MetricKind::amount, "M yuan",
         "Tax benefits paid within the budget this quarter", Temporal::flow},
        {"awards", MetricKind::count, "firms", "Awards for new high-tech certificates paid",
         Temporal::flow},
        {"award_amount", MetricKind::amount, "M yuan",
         "Awards paid (spend = tax_benefit + award_amount)", Temporal::flow},
        {"firms_benefiting", MetricKind::count, "firms", "Firms paid a tax benefit this quarter",
         Temporal::flow},
        {"intensity_raised", MetricKind::count, "firms",
         "Firms that raised R&D intensity to a high-tech threshold (year ends)", Temporal::flow},
    };
  }

  void extra_values(std::vector<double>& row) const override {
    row.push_back(claimed_);
    row.push_back(rate_part_);
    row.push_back(deduction_part_);
    row.push_back(paid_);
    row.push_back(static_cast<double>(awards_));
    row.push_back(award_amount_);
    row.push_back(static_cast<double>(benefiting_));
    row.push_back(static_cast<double>(raised_));
  }

  void archive_state(StateArchive& ar) override {
    Instrument::archive_state(ar);
    ar.field("benefited", benefited_);
    ar.field("newly_certified", newly_certified_);
    ar.field("awards", awards_);
    ar.field("benefiting", benefiting_);
    ar.field("raised", raised_);
    ar.field("claimed", claimed_);
    ar.field("rate_part", rate_part_);
    ar.field("deduction_part", deduction_part_);
    ar.field("paid", paid_);
    ar.field("award_amount", award_amount_);
  }

 private:
  /// Firm f's claim this quarter as (rate reduction, super deduction); a
  /// firm that is not certified or makes no profit claims nothing.
  std::pair<double, double> claim_parts(const FirmStore& F, std::size_t f) const {
    if (!F.tech_sme[f] && !F.high_tech[f]) return {0.0, 0.0};
    const double profit = gross_margin_ * F.revenue[f] - F.costs[f];
    if (profit <= 0.0) return {0.0, 0.0};
    const bool hte = F.high_tech[f];
    const double rate_gap = std::max(0.0, p_.corporate_tax_rate - p_.high_tech_tax_rate);
    const double rate_part = hte ? rate_gap * profit : 0.0;
    const double rate = hte ? p_.high_tech_tax_rate : p_.corporate_tax_rate;
    return {rate_part, rate * std::min(p_.super_deduction * F.rd_spend[f], profit)};
  }

  /// Tax forgone on this quarter's profit of every certified firm, in id
  /// order until the year's budget runs out. Each claim depends only on the
  /// firm's own columns, so the claims are worked out in parallel, and the
  /// payments written to the firms in parallel; between the two the budget
  /// pays them in id order, reading only the claims.
  void tax_benefits(WorldState& st) {
    auto& F = st.firms;
    const auto& alive = st.scratch.alive_firms;
    const auto claims = [&](std::size_t f) {
      const auto [rate_part, deduction_part] = claim_parts(F, f);
      return !(rate_part + deduction_part <= 0.0);
    };
    parallel_select(
        alive.size(), [&](std::size_t a) { return claims(static_cast<std::size_t>(alive[a])); },
        positions_);
    const std::size_t n = positions_.size();
    resize_reusing(parts_, n);  // each slot written below
    resize_reusing(payments_, n);
    parallel_for_each_index(n, [&](std::size_t k) {
      parts_[k] = claim_parts(F, static_cast<std::size_t>(alive[positions_[k]]));
    });
    benefited_.clear();
    for (std::size_t k = 0; k < n; ++k) {
      const auto [rate_part, deduction_part] = parts_[k];
      const double claim = rate_part + deduction_part;
      claimed_ += claim;
      rate_part_ += rate_part;
      deduction_part_ += deduction_part;
      const double paid = ledger().spend(claim);
      payments_[k] = paid;
      if (paid <= 0.0) continue;
      paid_ += paid;
      ++benefiting_;
      benefited_.push_back(alive[positions_[k]]);
      ledger().add_beneficiaries();
    }
    parallel_for_each_index(n, [&](std::size_t k) {
      if (payments_[k] <= 0.0) return;
      const auto f = static_cast<std::size_t>(alive[positions_[k]]);
      F.cash[f] += payments_[k];
      F.tax_benefits[f] += payments_[k];
    });
  }

  /// An award to each firm granted a high-tech certificate at this year's
  /// review (the certification events the institutions phase just emitted).
  void certification_awards(WorldState& st, const PhaseContext& ctx) {
    if (p_.certification_award <= 0.0) return;
    // Collected first: emitting appends to st.events.
    newly_certified_.clear();
    for (const Event& e : st.events)
      if (e.kind == EventKind::certification && e.quarter == ctx.quarter() &&
          e.detail == static_cast<std::int32_t>(Certification::high_tech))
        newly_certified_.push_back(e.actor);
    std::sort(newly_certified_.begin(), newly_certified_.end());
    auto& F = st.firms;
    for (const AgentId id : newly_certified_) {
      const auto f = static_cast<std::size_t>(id);
      if (!F.alive(id)) continue;
      // Awards are paid in full or not at all.
      if (ledger().available() < p_.certification_award) break;
      const double paid = ledger().spend(p_.certification_award);
      F.cash[f] += paid;
      F.grants_received[f] += paid;
      award_amount_ += paid;
      ++awards_;
      // A firm paid a tax benefit this quarter is already counted.
      if (!std::binary_search(benefited_.begin(), benefited_.end(), id))
        ledger().add_beneficiaries();
      ctx.emit(EventKind::policy_award, firm_ref(id), {}, paid,
               static_cast<std::int32_t>(Certification::high_tech));
    }
  }

  /// Selling firms within threshold_response below the high-tech R&D
  /// threshold of their revenue band raise their intensity to it.
  void threshold_response(WorldState& st) {
    if (p_.threshold_response <= 0.0 || firms_.high_tech_rd_intensity.empty()) return;
    auto& F = st.firms;
    const auto& alive = st.scratch.alive_firms;
    const auto& bands = firms_.high_tech_rd_intensity;
    const auto threshold = [&](std::size_t f) {
      return bands[std::min<std::size_t>(high_tech_band(annual_revenue(F, f)), bands.size() - 1)];
    };
    // Each firm decides on its own columns: found in parallel.
    parallel_select(
        alive.size(),
        [&](std::size_t a) {
          const auto f = static_cast<std::size_t>(alive[a]);
          if (!F.selling[f] || F.high_tech[f]) return false;
          const double t = threshold(f);
          return !(F.rd_intensity[f] >= t || F.rd_intensity[f] < t - p_.threshold_response);
        },
        positions_);
    for (const std::size_t a : positions_) {
      const auto f = static_cast<std::size_t>(alive[a]);
      // A hair above the threshold, so that R&D / revenue measured next
      // year (rounded twice) is not a last bit below it.
      F.rd_intensity[f] = threshold(f) * (1.0 + 1e-12);
    }
    raised_ += static_cast<std::int64_t>(positions_.size());
  }

  const RdIncentivesPolicy& p_;
  const FirmParams& firms_;
  double gross_margin_;
  std::vector<AgentId> benefited_;                // this quarter, ascending
  std::vector<AgentId> newly_certified_;          // this year end
  std::vector<std::size_t> positions_;            // selected positions in the alive list (scratch)
  std::vector<std::pair<double, double>> parts_;  // tax_benefits: each claim's parts (scratch)
  std::vector<double> payments_;                  // tax_benefits: what each claim was paid
  std::int64_t awards_ = 0, benefiting_ = 0, raised_ = 0;
  double claimed_ = 0.0, rate_part_ = 0.0, deduction_part_ = 0.0, paid_ = 0.0, award_amount_ = 0.0;
};

}  // namespace

std::unique_ptr<Instrument> make_rd_incentives(const Scenario& s) {
  return std::make_unique<RdIncentives>(s);
}

}  // namespace incubsim
