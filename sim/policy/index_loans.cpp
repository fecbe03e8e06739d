// Sci-tech index loans ("科创指数贷", Ouhai: 11 partner banks, a credit line
// above 10 billion yuan, interest subsidies). Firms that are still seeking
// money after the equity rounds of the quarter (their round failed) and whose
// innovation-index score reaches min_score borrow loan_share of what they
// sought, up to max_loan, best score first, while the banks' outstanding
// total stays within the credit line and only one loan per firm is
// outstanding. Interest is due every quarter after the loan was made; the
// government pays interest_subsidy of it within the yearly budget and the
// firm the rest. At the due quarter the firm repays what its cash allows and
// the banks write off the remainder; a firm that dies repays from what cash
// it had left, an acquired or listed firm repays in full from the exit.
// Loans keep running (and their subsidies keep being paid) after
// end_quarter until they are settled. See docs/policies.md.

#include <algorithm>
#include <cmath>

#include "core/parallel.hpp"
#include "phases/context.hpp"
#include "phases/population.hpp"
#include "policy/instruments.hpp"

namespace incubsim {
namespace {

// The banks' rule is deterministic: this instrument (index 3 in PolicySet)
// draws no random numbers.

class IndexLoans final : public Instrument {
 public:
  explicit IndexLoans(const Scenario& s)
      : Instrument("index_loans", s.policy.index_loans), p_(s.policy.index_loans) {}

  bool offers_anything() const override {
    return p_.credit_line > 0.0 && p_.loan_share > 0.0 && p_.max_loan > 0.0;
  }

  void start_quarter(Quarter q) override {
    Instrument::start_quarter(q);
    applicants_ = eligible_ = issued_ = defaults_ = 0;
    lent_ = interest_ = subsidy_ = repaid_ = written_off_ = 0.0;
  }

  /// Innovation-index score of firm f (the bank's rating).
  double score(const FirmStore& F, std::size_t f) const {
    const double intensity = measured_rd_intensity(F, f);
    const int certificates = (F.tech_sme[f] ? 1 : 0) + (F.high_tech[f] ? 2 : 0);
    return p_.score_ip_weight * std::log1p(static_cast<double>(std::max(0, F.ip_count[f]))) +
           p_.score_rd_weight * std::min(1.0, intensity) +
           p_.score_certification_weight * certificates;
  }

  void after_financing(WorldState& st, const PhaseContext& ctx) override {
    auto& F = st.firms;
    // Applicants and their scores depend only on each firm's own columns:
    // found and scored in parallel.
    const auto& alive = st.scratch.alive_firms;
    parallel_select(
        alive.size(),
        [&](std::size_t a) {
          const auto f = static_cast<std::size_t>(alive[a]);
          return F.seeking[f] && !(F.loan_balance[f] > 0.0);
        },
        positions_);
    applicants_ += static_cast<std::int64_t>(positions_.size());
    scores_.resize(positions_.size());
    parallel_for_each_index(positions_.size(), [&](std::size_t k) {
      scores_[k] = score(F, static_cast<std::size_t>(alive[positions_[k]]));
    });
    candidates_.clear();
    for (std::size_t k = 0; k < positions_.size(); ++k)
      if (scores_[k] >= p_.min_score)
        candidates_.push_back(Candidate{scores_[k], alive[positions_[k]]});
    eligible_ = static_cast<std::int64_t>(candidates_.size());
    // Best score first, ties by id: the credit line goes to the best rated
    // (a total order, so a parallel sort gives the same list).
    parallel_sort(candidates_, [](const Candidate& a, const Candidate& b) {
      return a.score > b.score || (a.score == b.score && a.id < b.id);
    });
    const std::size_t before = borrowers_.size();
    for (const Candidate& c : candidates_) {
      const auto f = static_cast<std::size_t>(c.id);
      const double loan = std::min(p_.loan_share * F.ask[f], p_.max_loan);
      // A loan that would take the banks past the credit line is not made;
      // smaller loans further down the list may still fit.
      if (loan <= 1e-9 || outstanding_ + loan > p_.credit_line) continue;
      F.cash[f] += loan;
      F.loan_balance[f] = loan;
      F.loan_due[f] = ctx.quarter() + p_.term;
      outstanding_ += loan;
      lent_ += loan;
      ++issued_;
      ledger().add_beneficiaries();
      borrowers_.push_back(Borrower{c.id, ctx.quarter()});
      ctx.emit(EventKind::loan_issued, {}, firm_ref(c.id), loan);
    }
    // Events above are in priority order (also deterministic); the book is
    // kept in id order so that settlement below commits in id order.
    const auto by_id = [](const Borrower& a, const Borrower& b) { return a.id < b.id; };
    std::sort(borrowers_.begin() + static_cast<std::ptrdiff_t>(before), borrowers_.end(), by_id);
    std::inplace_merge(borrowers_.begin(), borrowers_.begin() + static_cast<std::ptrdiff_t>(before),
                       borrowers_.end(), by_id);
  }

  /// Interest, subsidies, repayments and write-offs; runs after end_quarter
  /// too, until every loan is settled.
  void after_institutions(WorldState& st, const PhaseContext& ctx) override {
    auto& F = st.firms;
    const Quarter q = ctx.quarter();
    std::size_t kept = 0;
    for (const Borrower& b : borrowers_) {
      const auto f = static_cast<std::size_t>(b.id);
      const double balance = F.loan_balance[f];
      if (F.status[f] == FirmStatus::dead) {
        // The bank recovers what cash the firm had left, loses the rest.
        settle(ctx, F, f, std::clamp(F.cash[f], 0.0, balance));
        continue;
      }
      if (F.status[f] != FirmStatus::alive) {
        // Acquired or listed: the loan is repaid out of the exit.
        settle(ctx, F, f, balance, /*from_cash=*/false);
        continue;
      }
      if (q > b.issued) {
        // Interest in arrears for the quarter just run.
        const double interest = balance * p_.interest_rate / 4.0;
        const double subsidy = ledger().spend(p_.interest_subsidy * interest);
        if (subsidy > 0.0) ledger().add_beneficiaries();
        F.cash[f] -= interest - subsidy;
        interest_ += interest;
        subsidy_ += subsidy;
      }
      if (q >= F.loan_due[f]) {
        settle(ctx, F, f, std::clamp(F.cash[f], 0.0, balance));
        continue;
      }
      borrowers_[kept++] = b;
    }
    borrowers_.resize(kept);
    if (borrowers_.empty()) outstanding_ = 0.0;  // no rounding residue once the book is empty
  }

  std::vector<output::MetricDef> extra_columns() const override {
    using output::MetricKind;
    using output::Temporal;
    return {
        {"applicants", MetricKind::count, "firms",
         "Firms still seeking money after the equity rounds, without a loan", Temporal::flow},
        {"eligible", MetricKind::count, "firms", "Applicants whose score reached min_score",
         Temporal::flow},
        {"loans_issued", MetricKind::count, "loans", "Loans made this quarter", Temporal::flow},
        {"amount_lent", MetricKind::amount, "M yuan", "Amount lent this quarter", Temporal::flow},
        {"interest", MetricKind::amount, "M yuan", "Interest due on the loans this quarter",
         Temporal::flow},
        {"interest_subsidy", MetricKind::amount, "M yuan",
         "Part of the interest the government paid (= spend)", Temporal::flow},
        {"repaid", MetricKind::amount, "M yuan",
         "Principal repaid this quarter (at the due quarter, from a dead firm's cash, or from an "
         "exit)",
         Temporal::flow},
        {"defaults", MetricKind::count, "loans", "Loans with a part written off this quarter",
         Temporal::flow},
        {"written_off", MetricKind::amount, "M yuan", "Principal written off this quarter",
         Temporal::flow},
        {"outstanding", MetricKind::amount, "M yuan",
         "Principal outstanding (lent - repaid - written off since the start)", Temporal::stock},
        {"borrowers", MetricKind::count, "firms", "Firms with a loan outstanding", Temporal::stock},
        {"bank_losses", MetricKind::amount, "M yuan", "Principal written off since the start",
         Temporal::stock},
    };
  }

  void extra_values(std::vector<double>& row) const override {
    row.push_back(static_cast<double>(applicants_));
    row.push_back(static_cast<double>(eligible_));
    row.push_back(static_cast<double>(issued_));
    row.push_back(lent_);
    row.push_back(interest_);
    row.push_back(subsidy_);
    row.push_back(repaid_);
    row.push_back(static_cast<double>(defaults_));
    row.push_back(written_off_);
    row.push_back(outstanding_);
    row.push_back(static_cast<double>(borrowers_.size()));
    row.push_back(bank_losses_);
  }

  void archive_state(StateArchive& ar) override {
    Instrument::archive_state(ar);
    ar.field("candidates", candidates_);
    ar.field("borrowers", borrowers_);
    ar.field("outstanding", outstanding_);
    ar.field("bank_losses", bank_losses_);
    ar.field("applicants", applicants_);
    ar.field("eligible", eligible_);
    ar.field("issued", issued_);
    ar.field("defaults", defaults_);
    ar.field("lent", lent_);
    ar.field("interest", interest_);
    ar.field("subsidy", subsidy_);
    ar.field("repaid", repaid_);
    ar.field("written_off", written_off_);
  }

 private:
  struct Candidate {
    double score;
    AgentId id;
  };
  struct Borrower {
    AgentId id;
    Quarter issued;
  };

  /// Closes firm f's loan: `repay` of the balance comes back (out of the
  /// firm's cash unless it was paid from an exit), the rest is written off.
  void settle(const PhaseContext& ctx, FirmStore& F, std::size_t f, double repay,
              bool from_cash = true) {
    const double balance = F.loan_balance[f];
    const double loss = balance - repay;
    if (from_cash) F.cash[f] -= repay;
    outstanding_ -= balance;
    if (repay > 0.0) {
      repaid_ += repay;
      ctx.emit(EventKind::loan_repaid, {}, firm_ref(static_cast<AgentId>(f)), repay);
    }
    if (loss > 0.0) {
      written_off_ += loss;
      bank_losses_ += loss;
      ++defaults_;
      ctx.emit(EventKind::loan_default, {}, firm_ref(static_cast<AgentId>(f)), loss);
    }
    F.loan_balance[f] = 0.0;
    F.loan_due[f] = -1;
  }

  const IndexLoansPolicy& p_;
  std::vector<Candidate> candidates_;   // reused every quarter
  std::vector<std::size_t> positions_;  // applicants' positions in the alive list (scratch)
  std::vector<double> scores_;          // their scores (scratch)
  std::vector<Borrower> borrowers_;     // loans outstanding, by firm id
  double outstanding_ = 0.0;
  double bank_losses_ = 0.0;
  std::int64_t applicants_ = 0, eligible_ = 0, issued_ = 0, defaults_ = 0;
  double lent_ = 0.0, interest_ = 0.0, subsidy_ = 0.0, repaid_ = 0.0, written_off_ = 0.0;
};

}  // namespace

std::unique_ptr<Instrument> make_index_loans(const Scenario& s) {
  return std::make_unique<IndexLoans>(s);
}

}  // namespace incubsim
