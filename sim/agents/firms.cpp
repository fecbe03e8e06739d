#include "agents/firms.hpp"

#include <functional>

#include "core/parallel.hpp"

namespace incubsim {

AgentId FirmStore::grow(std::size_t n) {
  const auto first = static_cast<AgentId>(key.size());
  // A quarter's births at national size zero tens of megabytes of new rows
  // (first touches of fresh pages): then each column grows in its own task.
  constexpr std::size_t kParallelRows = 4096;
  if (n < kParallelRows) {
    for_each_column([n](auto& column) { column.resize(column.size() + n); });
    return first;
  }
  std::vector<std::function<void()>> grow_column;
  for_each_column([&grow_column, n](auto& column) {
    grow_column.emplace_back([&column, n] { column.resize(column.size() + n); });
  });
  parallel_for_each_index(
      grow_column.size(), [&](std::size_t c) { grow_column[c](); }, 1);
  return first;
}

void FirmStore::set(AgentId id, const NewFirm& f) {
  const auto r = static_cast<std::size_t>(id);
  key[r] = f.key;
  sector[r] = f.sector;
  origin[r] = f.origin;
  founded[r] = f.founded;
  founder[r] = f.founder;
  vertex[r] = 0;
  status[r] = FirmStatus::alive;
  exit_quarter[r] = -1;
  exit_value[r] = 0.0;
  stage[r] = Stage::nascent;
  quality[r] = f.quality;
  maturity[r] = f.maturity;
  selling[r] = 0;
  ip_count[r] = 0;
  rd_intensity[r] = f.rd_intensity;
  revenue[r] = 0.0;
  costs[r] = 0.0;
  rd_spend[r] = 0.0;
  rd_total[r] = 0.0;
  employees[r] = f.employees;
  cash[r] = f.cash;
  planned_burn[r] = 0.0;
  last_round[r] = kNoRound;
  rounds_raised[r] = 0;
  raised_total[r] = 0.0;
  valuation[r] = 0.0;
  dilution_factor[r] = 1.0;
  seeking[r] = 0;
  ask[r] = 0.0;
  incubator[r] = kNoAgent;
  incubated_since[r] = -1;
  ever_incubated[r] = 0;
  graduated[r] = 0;
  tech_sme[r] = 0;
  high_tech[r] = 0;
  above_size[r] = 0;
  high_tech_until[r] = -1;
  certified_ever[r] = 0;
  loan_balance[r] = 0.0;
  loan_due[r] = -1;
  secondees[r] = 0;
  policy_dev_boost[r] = 0.0;
  policy_ip_boost[r] = 0.0;
  grants_received[r] = 0.0;
  tax_benefits[r] = 0.0;
}

AgentId FirmStore::add(const NewFirm& f) {
  const AgentId id = grow(1);
  set(id, f);
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
