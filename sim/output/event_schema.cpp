#include "core/events.hpp"
#include "core/ids.hpp"
#include "core/schedule.hpp"
#include "output/run_writer.hpp"

namespace incubsim::output {

EventSchema core_event_schema() {
  return {make_enum_type<Phase>("phase", kPhaseCount),
          make_enum_type<EventKind>("event_kind", kEventKindCount),
          make_enum_type<AgentKind>("agent_kind", kAgentKindCount)};
}

}  // namespace incubsim::output
