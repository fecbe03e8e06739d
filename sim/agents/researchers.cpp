#include "agents/researchers.hpp"

namespace incubsim {

AgentId ResearcherStore::add(const NewResearcher& r) {
  const auto id = static_cast<AgentId>(key.size());
  key.push_back(r.key);
  institution.push_back(r.institution);
  sector.push_back(r.sector);
  vertex.push_back(0);
  productivity.push_back(r.productivity);
  risk_aversion.push_back(r.risk_aversion);
  career.push_back(Career::academic);
  entered.push_back(r.entered);
  left.push_back(-1);
  inventions.push_back(0);
  licences.push_back(0);
  spinoffs.push_back(0);
  failures.push_back(0);
  liability.push_back(0.0);
  host_firm.push_back(kNoAgent);
  secondment_end.push_back(-1);
  return id;
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
