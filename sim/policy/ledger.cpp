#include "policy/ledger.hpp"

#include <algorithm>

namespace incubsim {

void Ledger::start_quarter(Quarter q) {
  quarter_spend_ = 0.0;
  quarter_beneficiaries_ = 0;
  if (q % 4 == 0) year_spend_ = 0.0;
}

double Ledger::available() const {
  return std::max(0.0, budget_per_year_ - year_spend_);
}

double Ledger::spend(double amount) {
  const double paid = std::clamp(amount, 0.0, available());
  quarter_spend_ += paid;
  year_spend_ += paid;
  total_spend_ += paid;
  return paid;
}

}  // namespace incubsim
