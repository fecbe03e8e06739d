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
  }
  return "unknown";
}

}  // namespace incubsim
