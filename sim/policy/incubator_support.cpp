#include "policy/instruments.hpp"
#include "policy/pending.hpp"

namespace incubsim {

std::unique_ptr<Instrument> make_incubator_support(const Scenario& s) {
  return make_pending("incubator_support", s.policy.incubator_support);
}

}  // namespace incubsim
