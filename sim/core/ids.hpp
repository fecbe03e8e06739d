#pragma once
// Agent identities. An agent's id is its row in its store and never changes;
// its lineage key (see random.hpp) drives its random streams, so that adding
// an agent never shifts the draws of another.
#include <cstdint>
#include <string_view>

namespace incubsim {

using AgentId = std::int64_t;
inline constexpr AgentId kNoAgent = -1;

enum class AgentKind : std::uint8_t {
  none = 0,
  researcher = 1,
  firm = 2,
  incubator = 3,
  fund = 4,
  institution = 5,
};
inline constexpr int kAgentKindCount = 6;

std::string_view to_string(AgentKind kind);

/// A typed reference to any agent, used by events and graph endpoints.
struct AgentRef {
  AgentKind kind = AgentKind::none;
  AgentId id = kNoAgent;

  friend bool operator==(const AgentRef&, const AgentRef&) = default;
};

inline AgentRef researcher_ref(AgentId id) {
  return {AgentKind::researcher, id};
}
inline AgentRef firm_ref(AgentId id) {
  return {AgentKind::firm, id};
}
inline AgentRef incubator_ref(AgentId id) {
  return {AgentKind::incubator, id};
}
inline AgentRef fund_ref(AgentId id) {
  return {AgentKind::fund, id};
}
inline AgentRef institution_ref(AgentId id) {
  return {AgentKind::institution, id};
}

}  // namespace incubsim
