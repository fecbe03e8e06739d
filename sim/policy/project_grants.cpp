#include "policy/instruments.hpp"
#include "policy/pending.hpp"

namespace incubsim {

std::unique_ptr<Instrument> make_project_grants(const Scenario& s) {
  return make_pending("project_grants", s.policy.project_grants);
}

}  // namespace incubsim
