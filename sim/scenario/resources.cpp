#include "scenario/resources.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "core/errors.hpp"
#include "scenario/value_text.hpp"

namespace incubsim {
namespace {

using M = ResourceModel;
constexpr double kGiB = 1024.0 * 1024 * 1024;

// Quarters in which a policy instrument acts within a run of `q` quarters.
double active_quarters(const PolicyCommon& c, double q) {
  if (!c.enabled) return 0;
  const double last = std::min(static_cast<double>(c.end_quarter), q - 1);
  return std::max(0.0, last - c.start_quarter + 1);
}

// One term of the estimate and the keys that drive it.
struct Term {
  double amount = 0;
  std::vector<std::string> keys;
};

// Keys of the terms that make up most of `total`, largest first; the
// quarter keys follow if any of those terms grows with the run's length.
std::vector<std::string> driving_keys(std::vector<Term> terms, bool with_quarters) {
  std::stable_sort(terms.begin(), terms.end(),
                   [](const Term& a, const Term& b) { return a.amount > b.amount; });
  double total = 0;
  for (const auto& t : terms) total += t.amount;
  std::vector<std::string> out;
  for (const auto& t : terms) {
    if (t.amount < 0.1 * total && !out.empty()) break;
    for (const auto& k : t.keys)
      if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  }
  if (with_quarters)
    for (const char* k : {"simulation.quarters", "simulation.burn_in"}) out.emplace_back(k);
  return out;
}

std::string compact(double v) {
  char buf[32];
  if (v < 1e6)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// "firms.initial_count (1000000000000)": the keys with their values now.
std::string keys_with_values(const Scenario& s, const std::vector<std::string>& keys) {
  Scenario copy = s;
  const auto specs = bind_params(copy);
  std::string out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::string value;
    for (const auto& p : specs)
      if (p.key == keys[i]) value = toml_value(p.target);
    out += (i == 0 ? "" : i + 1 == keys.size() ? " or " : ", ") + keys[i];
    if (!value.empty()) out += " (" + value + ")";
  }
  return out;
}

std::optional<double> read_number_file(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text)) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(v > 0)) return std::nullopt;  // "max"
  return v;
}

}  // namespace

ResourceEstimate estimate_resources(const Scenario& s) {
  ResourceEstimate e;
  const double q = static_cast<double>(s.simulation.quarters) + s.simulation.burn_in;
  e.quarters = q;
  const auto& pol = s.policy;
  const double talent_q = active_quarters(pol.talent_programme, q);

  const double r0 = s.researchers.count;
  const Term researchers_initial{r0, {"researchers.count"}};
  const Term researchers_entering{r0 * s.researchers.entry_rate * q,
                                  {"researchers.entry_rate", "researchers.count"}};
  const Term researchers_programme{pol.talent_programme.extra_researchers * talent_q,
                                   {"policy.talent_programme.extra_researchers"}};
  e.researchers =
      researchers_initial.amount + researchers_entering.amount + researchers_programme.amount;

  // Inventions a quarter at the most researchers active at once (entry
  // against exit settles at count * entry / exit), with the collaboration
  // spillover at the mean number of collaborators.
  const double active = s.researchers.exit_rate > 0
                            ? std::min(e.researchers, std::max(r0, r0 * s.researchers.entry_rate /
                                                                       s.researchers.exit_rate) +
                                                          researchers_programme.amount)
                            : e.researchers;
  const double spill =
      1 + s.researchers.collaboration_spillover * std::log1p(s.researchers.collaborators_mean);
  e.inventions_per_quarter = active * s.researchers.inventions_per_year / 4 * spill;

  const Term firms_initial{static_cast<double>(s.firms.initial_count), {"firms.initial_count"}};
  const Term firms_founded{s.firms.founders_per_quarter * q, {"firms.founders_per_quarter"}};
  const Term firms_programme{pol.talent_programme.extra_founders * talent_q,
                             {"policy.talent_programme.extra_founders"}};
  const Term firms_spun_off{M::spinoff_share * e.inventions_per_quarter * q,
                            {"researchers.count", "researchers.inventions_per_year"}};
  e.firms =
      firms_initial.amount + firms_founded.amount + firms_programme.amount + firms_spun_off.amount;

  // Funds: the initial ones and entrants, each of which may raise one
  // successor; guidance funds launched by the policy.
  Term funds{0, {}};
  for (int i = 0; i < kFundTypeCount; ++i) {
    const auto& t = s.funds.types[static_cast<std::size_t>(i)];
    const std::string prefix = "funds." + std::string(to_string(static_cast<FundType>(i))) + ".";
    const double n = 2 * (t.initial_count + t.entry_rate * q);
    if (n > 0) {
      funds.keys.push_back(prefix + "initial_count");
      funds.keys.push_back(prefix + "entry_rate");
    }
    funds.amount += n;
  }
  const double guidance = pol.guidance_fund.funds_per_year / 4 *
                          active_quarters(pol.guidance_fund, q) *
                          (pol.guidance_fund.public_capital > 0);
  funds.amount += guidance;
  if (guidance > 0) funds.keys.push_back("policy.guidance_fund.funds_per_year");
  e.funds = funds.amount;

  e.incubators = s.incubators.count;

  // Peak ties: those formed at the start plus the steady state (formation
  // over decay) or all formed over the run, whichever is fewer.
  const auto formed = [q](double rate, double decay) {
    return decay > 0 ? std::min(rate * q, rate / decay) : rate * q;
  };
  const Term collaboration{
      e.researchers * (s.researchers.collaborators_mean / 2 +
                       formed(s.network.collaboration_rate, s.network.collaboration_decay)),
      {"researchers.collaborators_mean", "researchers.count"}};
  const double places =
      s.incubators.count * s.incubators.capacity_mean *
          std::exp(s.incubators.capacity_sigma * s.incubators.capacity_sigma / 2) +
      pol.incubator_support.places_per_year / 4 * active_quarters(pol.incubator_support, q);
  const Term alliance{
      std::min(e.firms, places) * formed(s.network.alliance_rate, s.network.alliance_decay),
      {"network.alliance_rate", "incubators.capacity_mean"}};
  const Term affiliation{e.incubators * s.incubators.affiliated_funds_mean,
                         {"incubators.affiliated_funds_mean", "incubators.count"}};
  e.ties = collaboration.amount + alliance.amount + affiliation.amount;

  const auto bytes = [](Term t, double per) {
    t.amount *= per;
    return t;
  };
  const std::vector<Term> memory{
      bytes(firms_initial, M::firm_bytes),
      bytes(firms_founded, M::firm_bytes),
      bytes(firms_programme, M::firm_bytes),
      bytes(firms_spun_off, M::firm_bytes),
      bytes(researchers_initial, M::researcher_bytes),
      bytes(researchers_entering, M::researcher_bytes),
      bytes(researchers_programme, M::researcher_bytes),
      bytes(funds, M::fund_bytes),
      Term{e.incubators * M::incubator_bytes, {"incubators.count"}},
      bytes(collaboration, M::tie_bytes),
      bytes(alliance, M::tie_bytes),
      bytes(affiliation, M::tie_bytes),
      Term{e.inventions_per_quarter * M::invention_bytes,
           {"researchers.inventions_per_year", "researchers.count"}},
  };
  e.bytes = M::base_bytes;
  for (const auto& t : memory) e.bytes += t.amount;
  const bool grows = firms_founded.amount + firms_programme.amount + firms_spun_off.amount +
                         researchers_entering.amount + researchers_programme.amount >
                     firms_initial.amount + researchers_initial.amount;
  e.memory_keys = driving_keys(memory, grows);

  // Work: agents and ties summed over the quarters, as if every agent
  // created lived through the whole run (an upper bound), plus the
  // licensee search of each invention.
  std::vector<std::string> agent_keys;
  for (const auto& k : e.memory_keys)
    if (k.rfind("simulation.", 0) != 0) agent_keys.push_back(k);
  const std::vector<Term> work{
      Term{(e.firms + e.researchers + e.funds) * q, agent_keys},
      Term{e.incubators * M::heavy_weight * q, {"incubators.count"}},
      Term{e.ties * M::heavy_weight * q,
           {"researchers.count", "researchers.collaborators_mean", "network.collaboration_rate"}},
      Term{e.inventions_per_quarter * s.transfer.licensee_candidates * q,
           {"researchers.inventions_per_year", "transfer.licensee_candidates"}},
  };
  e.work = 0;
  for (const auto& t : work) e.work += t.amount;
  e.work_keys = driving_keys(work, true);
  return e;
}

std::optional<double> parse_memory_size(const std::string& text) {
  std::string t;
  for (const char c : text)
    if (!std::isspace(static_cast<unsigned char>(c)))
      t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (t == "unlimited" || t == "none") return 0.0;
  char* end = nullptr;
  const double v = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || !std::isfinite(v) || !(v > 0)) return std::nullopt;
  std::string unit(end);
  if (unit.size() > 1 && unit.back() == 'b') unit.pop_back();  // "gb", "gib"
  if (unit.size() > 1 && unit.back() == 'i') unit.pop_back();
  static const std::string kUnits = "kmgtp";
  double scale = 1;
  if (!unit.empty()) {
    if (unit.size() != 1) return std::nullopt;
    const auto pos = kUnits.find(unit[0]);
    if (unit[0] == 'b') {
      scale = 1;
    } else if (pos == std::string::npos) {
      return std::nullopt;
    } else {
      scale = std::pow(1024.0, static_cast<double>(pos + 1));
    }
  }
  return v * scale;
}

std::string format_bytes(double bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (bytes >= 1024 && u < 6) {
    bytes /= 1024;
    ++u;
  }
  char buf[48];
  if (u == 6 && bytes >= 1024)
    std::snprintf(buf, sizeof buf, "%.3g EiB", bytes);
  else
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, kUnits[u]);
  return buf;
}

MemoryBudget machine_memory_budget() {
  if (const char* env = std::getenv(kMemoryLimitEnv); env != nullptr && *env != '\0') {
    const auto v = parse_memory_size(env);
    if (!v)
      throw UsageError(std::string(kMemoryLimitEnv) + "='" + env +
                       "' is not a memory size; write e.g. " + kMemoryLimitEnv +
                       "=64G (K, M, G, "
                       "T: binary units) or " +
                       kMemoryLimitEnv + "=unlimited");
    return {*v, std::string(kMemoryLimitEnv) + "=" + env};
  }
  MemoryBudget b;
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page > 0) {
    b.bytes = static_cast<double>(pages) * static_cast<double>(page);
    b.source = "this machine's physical memory";
  }
  // A batch job or container sees the whole machine but may use less.
  for (const char* path :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    if (const auto v = read_number_file(path); v && (b.bytes <= 0 || *v < b.bytes)) {
      b.bytes = *v;
      b.source = std::string("this process's memory limit (") + path + ")";
    }
  }
  return b;
}

std::optional<ConsistencyIssue> check_resources(const Scenario& s, const MemoryBudget& budget) {
  const ResourceEstimate e = estimate_resources(s);
  const auto issue = [&](const std::vector<std::string>& keys, std::string message) {
    ConsistencyIssue i{keys.front(), std::move(message)};
    i.related.assign(keys.begin() + 1, keys.end());
    return i;
  };
  const std::string sizes = compact(e.firms) + " firms, " + compact(e.researchers) +
                            " researchers, " + compact(e.funds) + " funds and " + compact(e.ties) +
                            " ties over " + compact(e.quarters) + " quarters";
  const double agents = e.firms + e.researchers + e.funds + e.incubators;
  if (agents > M::max_agents)
    return issue(e.memory_keys, "the run would create about " + compact(agents) + " agents (" +
                                    sizes + "), more than the " + compact(M::max_agents) +
                                    " the model can number (32-bit graph ids); lower " +
                                    keys_with_values(s, e.memory_keys));
  if (budget.bytes > 0 && e.bytes > budget.bytes)
    return issue(e.memory_keys,
                 "the run would need about " + format_bytes(e.bytes) + " of memory at its peak (" +
                     sizes + "), more than the " + format_bytes(budget.bytes) + " of " +
                     budget.source + "; lower " + keys_with_values(s, e.memory_keys) +
                     ", or, if the run will have more memory than this machine, set " +
                     kMemoryLimitEnv + ", e.g. " + kMemoryLimitEnv + "=" +
                     compact(std::ceil(e.bytes * 1.25 / kGiB)) + "G");
  if (e.work > M::max_work)
    return issue(e.work_keys,
                 "the run would take about " + compact(e.work) + " agent-quarters of work (" +
                     sizes + "), more than the limit of " + compact(M::max_work) +
                     " (about two weeks on one core); lower " + keys_with_values(s, e.work_keys));
  return std::nullopt;
}

}  // namespace incubsim
