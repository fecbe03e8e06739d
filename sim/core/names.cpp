#include "core/ids.hpp"
#include "core/schedule.hpp"

namespace incubsim {

std::string_view to_string(AgentKind kind) {
  switch (kind) {
    case AgentKind::none: return "none";
    case AgentKind::researcher: return "researcher";
    case AgentKind::firm: return "firm";
    case AgentKind::incubator: return "incubator";
    case AgentKind::fund: return "fund";
    case AgentKind::institution: return "institution";
  }
  return "unknown";
}

std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::setup: return "setup";
    case Phase::research: return "research";
    case Phase::transfer: return "transfer";
    case Phase::entry: return "entry";
    case Phase::admission: return "admission";
    case Phase::financing: return "financing";
    case Phase::operations: return "operations";
    case Phase::outcomes: return "outcomes";
    case Phase::institutions: return "institutions";
    case Phase::network: return "network";
  }
  return "unknown";
}

}  // namespace incubsim

#include "core/events.hpp"

namespace incubsim {

std::string_view to_string(EventKind kind) {
  switch (kind) {
    case EventKind::firm_birth: return "firm_birth";
    case EventKind::firm_death: return "firm_death";
    case EventKind::acquisition: return "acquisition";
    case EventKind::listing: return "listing";
    case EventKind::deal: return "deal";
    case EventKind::licence: return "licence";
    case EventKind::spinoff: return "spinoff";
    case EventKind::transfer_succeeded: return "transfer_succeeded";
    case EventKind::transfer_failed: return "transfer_failed";
    case EventKind::admission: return "admission";
    case EventKind::graduation: return "graduation";
    case EventKind::incubator_exit: return "incubator_exit";
    case EventKind::certification: return "certification";
    case EventKind::fund_opened: return "fund_opened";
    case EventKind::fund_closed: return "fund_closed";
    case EventKind::fund_exit: return "fund_exit";
    case EventKind::tier_change: return "tier_change";
    case EventKind::researcher_entry: return "researcher_entry";
    case EventKind::researcher_exit: return "researcher_exit";
    case EventKind::insured_transfer: return "insured_transfer";
    case EventKind::insurance_claim: return "insurance_claim";
    case EventKind::grant_awarded: return "grant_awarded";
    case EventKind::loan_issued: return "loan_issued";
    case EventKind::loan_repaid: return "loan_repaid";
    case EventKind::loan_default: return "loan_default";
    case EventKind::secondment_started: return "secondment_started";
    case EventKind::secondment_ended: return "secondment_ended";
    case EventKind::places_added: return "places_added";
    case EventKind::operator_converted: return "operator_converted";
    case EventKind::policy_award: return "policy_award";
  }
  return "unknown";
}

}  // namespace incubsim

namespace incubsim {

std::string_view describe(EventKind kind) {
  switch (kind) {
    case EventKind::firm_birth:
      return "actor: new firm; target: founding researcher of a spin-off; amount: starting cash; "
             "detail: origin (1 independent, 2 spin-off)";
    case EventKind::firm_death: return "actor: firm; amount: cash at death (negative: ran out)";
    case EventKind::acquisition: return "actor: firm; amount: price paid";
    case EventKind::listing: return "actor: firm; amount: market value at listing";
    case EventKind::deal:
      return "actor: fund; target: firm; amount: invested; detail: round (0 seed .. 3 growth)";
    case EventKind::licence:
      return "actor: researcher; target: licensee firm; amount: invention value";
    case EventKind::spinoff: return "actor: researcher; target: new firm; amount: invention value";
    case EventKind::transfer_succeeded:
      return "actor: researcher; target: firm; amount: invention value; detail: 0 licence, 1 "
             "spin-off";
    case EventKind::transfer_failed:
      return "actor: researcher; target: firm; amount: liability borne by the researcher's side; "
             "detail: 0 licence, 1 spin-off";
    case EventKind::admission: return "actor: incubator; target: firm; amount: screening signal";
    case EventKind::graduation:
      return "actor: incubator; target: firm (graduated, acquired or listed)";
    case EventKind::incubator_exit:
      return "actor: incubator; target: firm (left at maximum stay or died)";
    case EventKind::certification:
      return "actor: firm certified for the first time; detail: 0 tech-based SME, 1 high-tech "
             "enterprise, 2 above designated size";
    case EventKind::fund_opened:
      return "actor: new fund; target: predecessor fund (successor funds); amount: committed "
             "capital";
    case EventKind::fund_closed:
      return "actor: fund; amount: distributions to paid-in (realised multiple)";
    case EventKind::fund_exit: return "actor: fund; target: firm; amount: proceeds from the exit";
    case EventKind::tier_change:
      return "actor: incubator; amount: new service quality; detail: new tier";
    case EventKind::researcher_entry: return "actor: new researcher";
    case EventKind::researcher_exit: return "actor: researcher who retired or left";
    case EventKind::insured_transfer:
      return "actor: researcher; target: firm; amount: premium the researcher's side pays; "
             "detail: 0 licence, 1 spin-off";
    case EventKind::insurance_claim:
      return "actor: researcher; target: firm; amount: claim the insurer paid";
    case EventKind::grant_awarded: return "target: firm; amount: project grant";
    case EventKind::loan_issued: return "target: firm; amount: index loan";
    case EventKind::loan_repaid: return "target: firm; amount: principal repaid";
    case EventKind::loan_default: return "target: firm; amount: principal written off";
    case EventKind::secondment_started: return "actor: researcher; target: host firm";
    case EventKind::secondment_ended: return "actor: researcher; target: host firm";
    case EventKind::places_added: return "actor: incubator; amount: places added";
    case EventKind::operator_converted:
      return "actor: incubator now run by a professional operator";
    case EventKind::policy_award:
      return "actor: incubator (detail 0, tier promotion) or firm (detail 1, new high-tech "
             "certificate); amount: award";
  }
  return "";
}

}  // namespace incubsim
