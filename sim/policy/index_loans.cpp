#include "policy/instruments.hpp"
#include "policy/pending.hpp"

namespace incubsim {

std::unique_ptr<Instrument> make_index_loans(const Scenario& s) {
  return make_pending("index_loans", s.policy.index_loans);
}

}  // namespace incubsim
