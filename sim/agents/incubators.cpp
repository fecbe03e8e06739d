#include "agents/incubators.hpp"

namespace incubsim {

AgentId IncubatorStore::add(const NewIncubator& n) {
  const auto id = static_cast<AgentId>(key.size());
  key.push_back(n.key);
  vertex.push_back(0);
  capacity.push_back(n.capacity);
  service_quality.push_back(n.service_quality);
  op.push_back(n.op);
  tier.push_back(n.tier);
  tenants.push_back(0);
  admitted_total.push_back(0);
  graduated_total.push_back(0);
  left_total.push_back(0);
  graduated_year.push_back(0);
  policy_quality_boost.push_back(0.0);
  return id;
}

std::string_view to_string(Operator o) {
  return o == Operator::government ? "government" : "professional";
}

}  // namespace incubsim
