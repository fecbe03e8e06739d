#pragma once
// A policy instrument's government account: what it spent this quarter,
// this simulated year and in total, for whom, and what is left of the
// year's budget. Spending never exceeds budget_per_year.
#include <cstdint>

#include "core/schedule.hpp"
#include "core/state_archive.hpp"

namespace incubsim {

class Ledger {
 public:
  explicit Ledger(double budget_per_year) : budget_per_year_(budget_per_year) {}

  /// Opens quarter q: quarterly figures reset, yearly ones too at a year's
  /// first quarter (quarters 4k).
  void start_quarter(Quarter q);

  /// What can still be spent this year.
  double available() const;
  /// Spends up to `amount`; returns what was actually spent.
  double spend(double amount);
  void add_beneficiaries(std::int64_t n = 1) {
    quarter_beneficiaries_ += n;
    total_beneficiaries_ += n;
  }

  double budget_per_year() const { return budget_per_year_; }
  double quarter_spend() const { return quarter_spend_; }
  double year_spend() const { return year_spend_; }
  double total_spend() const { return total_spend_; }
  std::int64_t quarter_beneficiaries() const { return quarter_beneficiaries_; }
  std::int64_t total_beneficiaries() const { return total_beneficiaries_; }

  /// Saves or restores the account (checkpoints; the budget is the scenario's).
  void archive(StateArchive& ar) {
    ar.field("quarter_spend", quarter_spend_);
    ar.field("year_spend", year_spend_);
    ar.field("total_spend", total_spend_);
    ar.field("quarter_beneficiaries", quarter_beneficiaries_);
    ar.field("total_beneficiaries", total_beneficiaries_);
  }

 private:
  double budget_per_year_;
  double quarter_spend_ = 0.0;
  double year_spend_ = 0.0;
  double total_spend_ = 0.0;
  std::int64_t quarter_beneficiaries_ = 0;
  std::int64_t total_beneficiaries_ = 0;
};

}  // namespace incubsim
