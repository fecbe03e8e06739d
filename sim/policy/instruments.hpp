#pragma once
// Factories of the instruments, one per file in sim/policy/.
#include <memory>

#include "policy/instrument.hpp"
#include "policy/transfer_liability.hpp"
#include "scenario/scenario.hpp"

namespace incubsim {

/// The insurance instrument is also the transfer-liability seam.
class TechTransferInsurance;
std::unique_ptr<Instrument> make_tech_transfer_insurance(const Scenario& s,
                                                         TransferLiabilityPolicy** seam);
std::unique_ptr<Instrument> make_incubator_support(const Scenario& s);
std::unique_ptr<Instrument> make_guidance_fund(const Scenario& s);
std::unique_ptr<Instrument> make_index_loans(const Scenario& s);
std::unique_ptr<Instrument> make_science_vp(const Scenario& s);
std::unique_ptr<Instrument> make_project_grants(const Scenario& s);
std::unique_ptr<Instrument> make_talent_programme(const Scenario& s);
std::unique_ptr<Instrument> make_rd_incentives(const Scenario& s);

}  // namespace incubsim
