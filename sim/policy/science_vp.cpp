#include "policy/instruments.hpp"
#include "policy/pending.hpp"

namespace incubsim {

std::unique_ptr<Instrument> make_science_vp(const Scenario& s) {
  return make_pending("science_vp", s.policy.science_vp);
}

}  // namespace incubsim
