#include "policy/instruments.hpp"
#include "policy/pending.hpp"

namespace incubsim {

std::unique_ptr<Instrument> make_rd_incentives(const Scenario& s) {
  return make_pending("rd_incentives", s.policy.rd_incentives);
}

}  // namespace incubsim
