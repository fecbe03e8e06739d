#pragma once
// The up-front resource check: every key can be in range while their
// product is absurd (10^8 firms with 10^6 founders a quarter for 4000
// quarters). Before anything is allocated, the loader estimates the run's
// peak memory and its total work from the scenario's sizes and refuses a
// scenario that cannot fit this machine or would run for weeks, naming the
// estimate, the limit and the keys to change.
#include <optional>
#include <string>
#include <vector>

#include "scenario/params.hpp"
#include "scenario/scenario.hpp"

namespace incubsim {

/// Bytes of the model below, measured with /usr/bin/time -v on a release
/// build (docs/scenarios.md, "Resource check"), rounded up.
struct ResourceModel {
  static constexpr double base_bytes = 32.0 * 1024 * 1024;  // empty run: 27 MiB
  static constexpr double firm_bytes = 400;        // every firm ever created stays in memory
  static constexpr double researcher_bytes = 250;  // likewise every researcher
  static constexpr double fund_bytes = 300;
  static constexpr double incubator_bytes = 300;
  static constexpr double tie_bytes = 250;        // a collaboration/alliance/affiliation tie
  static constexpr double invention_bytes = 200;  // a quarter's inventions, their events
  // Spin-offs per invention: twice the share measured in the province
  // workload (0.055), as spin-offs cannot be predicted without running.
  static constexpr double spinoff_share = 0.1;
  // Relative cost per quarter of an agent or tie against a firm, measured:
  // incubators and ties cost ~10x a firm (network measures, admission).
  static constexpr double heavy_weight = 10;
  // Work of one run: about two weeks on one core at the measured
  // 0.85 M agent-quarters a second (docs/performance.md).
  static constexpr double max_work = 1e12;
  // Graph vertex ids are 32-bit.
  static constexpr double max_agents = 4e9;
};

/// What a scenario will create over its whole run, from expected values
/// (entry is Poisson, so its expectation is what the run creates).
struct ResourceEstimate {
  double quarters = 0;     // simulated: burn-in + recorded
  double firms = 0;        // ever created
  double researchers = 0;  // ever created
  double funds = 0;        // ever created (successors included)
  double incubators = 0;
  double ties = 0;                    // peak collaboration + alliance + affiliation ties
  double inventions_per_quarter = 0;  // buffered each quarter
  double bytes = 0;                   // peak memory
  double work = 0;                    // weighted agent-quarters
  /// The keys that drive the estimate, largest contribution first.
  std::vector<std::string> memory_keys;
  std::vector<std::string> work_keys;
};

ResourceEstimate estimate_resources(const Scenario& s);

/// The memory a run may use and where that figure comes from.
struct MemoryBudget {
  double bytes = 0;  // <= 0: unlimited
  std::string source;
};

/// Name of the environment variable that overrides the detected memory:
/// a size such as 64G, 512M or 2T (binary units), or "unlimited".
inline constexpr const char* kMemoryLimitEnv = "INCUBSIM_MEMORY_LIMIT";

/// The smaller of physical memory and this process's cgroup limit, unless
/// INCUBSIM_MEMORY_LIMIT says otherwise. Throws UsageError if that variable
/// is not a size.
MemoryBudget machine_memory_budget();

/// Parses "64G", "1.5T", "512MiB", "1000000" or "unlimited" (-> 0); nullopt
/// if it is none of these.
std::optional<double> parse_memory_size(const std::string& text);

/// "1.2 GiB", "3.4 TiB".
std::string format_bytes(double bytes);

/// A scenario that would exceed `budget`, run for more than
/// ResourceModel::max_work, or create more agents than ids allow; nullopt if
/// it fits. The issue's key is the largest contributor, `related` the others.
std::optional<ConsistencyIssue> check_resources(const Scenario& s, const MemoryBudget& budget);

}  // namespace incubsim
