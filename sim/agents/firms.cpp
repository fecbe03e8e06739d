#include "agents/firms.hpp"

namespace incubsim {

AgentId FirmStore::add(const NewFirm& f) {
  const auto id = static_cast<AgentId>(key.size());
  key.push_back(f.key);
  sector.push_back(f.sector);
  origin.push_back(f.origin);
  founded.push_back(f.founded);
  founder.push_back(f.founder);
  vertex.push_back(0);
  status.push_back(FirmStatus::alive);
  exit_quarter.push_back(-1);
  exit_value.push_back(0.0);
  stage.push_back(Stage::nascent);
  quality.push_back(f.quality);
  maturity.push_back(f.maturity);
  selling.push_back(0);
  ip_count.push_back(0);
  rd_intensity.push_back(f.rd_intensity);
  revenue.push_back(0.0);
  costs.push_back(0.0);
  rd_spend.push_back(0.0);
  rd_total.push_back(0.0);
  employees.push_back(f.employees);
  cash.push_back(f.cash);
  planned_burn.push_back(0.0);
  last_round.push_back(kNoRound);
  rounds_raised.push_back(0);
  raised_total.push_back(0.0);
  valuation.push_back(0.0);
  dilution_factor.push_back(1.0);
  seeking.push_back(0);
  ask.push_back(0.0);
  incubator.push_back(kNoAgent);
  incubated_since.push_back(-1);
  ever_incubated.push_back(0);
  graduated.push_back(0);
  tech_sme.push_back(0);
  high_tech.push_back(0);
  above_size.push_back(0);
  high_tech_until.push_back(-1);
  certified_ever.push_back(0);
  loan_balance.push_back(0.0);
  loan_due.push_back(-1);
  secondees.push_back(0);
  policy_dev_boost.push_back(0.0);
  policy_ip_boost.push_back(0.0);
  grants_received.push_back(0.0);
  tax_benefits.push_back(0.0);
  return id;
}

std::string_view to_string(Stage s) {
  switch (s) {
    case Stage::nascent: return "nascent";
    case Stage::seed: return "seed";
    case Stage::early_venture: return "early_venture";
    case Stage::late_venture: return "late_venture";
    case Stage::growth: return "growth";
  }
  return "unknown";
}

std::string_view to_string(FirmStatus s) {
  switch (s) {
    case FirmStatus::alive: return "alive";
    case FirmStatus::dead: return "dead";
    case FirmStatus::acquired: return "acquired";
    case FirmStatus::listed: return "listed";
  }
  return "unknown";
}

std::string_view to_string(Origin o) {
  switch (o) {
    case Origin::initial: return "initial";
    case Origin::independent: return "independent";
    case Origin::spinoff: return "spinoff";
    case Origin::programme: return "programme";
  }
  return "unknown";
}

}  // namespace incubsim
