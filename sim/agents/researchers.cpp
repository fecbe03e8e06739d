#include "agents/researchers.hpp"

#include "core/parallel.hpp"

namespace incubsim {

AgentId ResearcherStore::add(const NewResearcher& r) {
  const AgentId id = grow(1);
  set(id, r);
  return id;
}

AgentId ResearcherStore::grow(std::size_t n) {
  const auto first = static_cast<AgentId>(size());
  grow_columns(*this, n);  // setup adds every initial researcher at once
  return first;
}

void ResearcherStore::set(AgentId id, const NewResearcher& r) {
  const auto i = static_cast<std::size_t>(id);
  key[i] = r.key;
  institution[i] = r.institution;
  sector[i] = r.sector;
  vertex[i] = 0;
  productivity[i] = r.productivity;
  risk_aversion[i] = r.risk_aversion;
  career[i] = Career::academic;
  entered[i] = r.entered;
  left[i] = -1;
  inventions[i] = 0;
  licences[i] = 0;
  spinoffs[i] = 0;
  failures[i] = 0;
  liability[i] = 0.0;
  host_firm[i] = kNoAgent;
  secondment_end[i] = -1;
}

AgentId InstitutionStore::add(LineageKey k, InstitutionKind kd) {
  const auto id = static_cast<AgentId>(key.size());
  key.push_back(k);
  kind.push_back(kd);
  pilot.push_back(0);
  transfers.push_back(0);
  failures.push_back(0);
  liability.push_back(0.0);
  return id;
}

std::string_view to_string(Career c) {
  switch (c) {
    case Career::academic: return "academic";
    case Career::seconded: return "seconded";
    case Career::founder: return "founder";
    case Career::retired: return "retired";
  }
  return "unknown";
}

std::string_view to_string(InstitutionKind k) {
  return k == InstitutionKind::university ? "university" : "institute";
}

}  // namespace incubsim
