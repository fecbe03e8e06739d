#include "policy/instruments.hpp"
#include "policy/pending.hpp"

namespace incubsim {

std::unique_ptr<Instrument> make_talent_programme(const Scenario& s) {
  return make_pending("talent_programme", s.policy.talent_programme);
}

}  // namespace incubsim
