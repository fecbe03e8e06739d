#include "policy/instruments.hpp"
#include "policy/pending.hpp"

namespace incubsim {

std::unique_ptr<Instrument> make_guidance_fund(const Scenario& s) {
  return make_pending("guidance_fund", s.policy.guidance_fund);
}

}  // namespace incubsim
