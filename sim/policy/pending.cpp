// Instruments whose mechanisms are still being built. Their scenario keys
// are accepted (so scenarios can be written against the final schema), but
// enabling one is an error rather than a silent no-op.
#include "core/errors.hpp"
#include "policy/instruments.hpp"

namespace incubsim {
namespace {

class Pending final : public Instrument {
 public:
  Pending(const std::string& name, const PolicyCommon& common) : Instrument(name, common) {
    if (common.enabled)
      throw ScenarioError("<scenario>", 0, "policy." + name + ".enabled",
                          "this instrument is not available in this version of incubsim yet; "
                          "set enabled = false");
  }
};

}  // namespace

std::unique_ptr<Instrument> make_incubator_support(const Scenario& s) {
  return std::make_unique<Pending>("incubator_support", s.policy.incubator_support);
}
std::unique_ptr<Instrument> make_guidance_fund(const Scenario& s) {
  return std::make_unique<Pending>("guidance_fund", s.policy.guidance_fund);
}
std::unique_ptr<Instrument> make_index_loans(const Scenario& s) {
  return std::make_unique<Pending>("index_loans", s.policy.index_loans);
}
std::unique_ptr<Instrument> make_science_vp(const Scenario& s) {
  return std::make_unique<Pending>("science_vp", s.policy.science_vp);
}
std::unique_ptr<Instrument> make_project_grants(const Scenario& s) {
  return std::make_unique<Pending>("project_grants", s.policy.project_grants);
}
std::unique_ptr<Instrument> make_talent_programme(const Scenario& s) {
  return std::make_unique<Pending>("talent_programme", s.policy.talent_programme);
}
std::unique_ptr<Instrument> make_rd_incentives(const Scenario& s) {
  return std::make_unique<Pending>("rd_incentives", s.policy.rd_incentives);
}

}  // namespace incubsim
