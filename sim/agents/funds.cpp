#include "agents/funds.hpp"

namespace incubsim {

AgentId FundStore::add(const NewFund& f) {
  const auto id = static_cast<AgentId>(key.size());
  key.push_back(f.key);
  vertex.push_back(0);
  type.push_back(f.type);
  manager.push_back(f.manager == kNoAgent ? id : f.manager);
  predecessor.push_back(f.predecessor);
  vintage.push_back(f.vintage);
  committed.push_back(f.committed);
  sector.push_back(f.sector);
  round_mask.push_back(f.round_mask);
  status.push_back(FundStatus::investing);
  closed_quarter.push_back(-1);
  uninvested.push_back(f.committed);
  reserve.push_back(f.committed * f.reserve_share);
  invested.push_back(0.0);
  fees.push_back(0.0);
  distributions.push_back(0.0);
  nav.push_back(0.0);
  deals.push_back(0);
  exits.push_back(0);
  write_offs.push_back(0);
  succeeded.push_back(0);
  hurdle_shift.push_back(f.hurdle_shift);
  public_capital.push_back(f.public_capital);
  return id;
}

double FundStore::tvpi(AgentId f) const {
  const double p = paid_in(f);
  const auto i = static_cast<std::size_t>(f);
  return p > 0 ? (distributions[i] + nav[i]) / p : 0.0;
}

double FundStore::dpi(AgentId f) const {
  const double p = paid_in(f);
  return p > 0 ? distributions[static_cast<std::size_t>(f)] / p : 0.0;
}

std::string_view to_string(FundStatus s) {
  switch (s) {
    case FundStatus::investing: return "investing";
    case FundStatus::harvesting: return "harvesting";
    case FundStatus::closed: return "closed";
  }
  return "unknown";
}

}  // namespace incubsim
