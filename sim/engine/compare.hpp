#pragma once
// Paired policy comparison: the same scenario-derived seeds drive a base arm
// and a policy arm, replicate by replicate, so that every random draw the
// policy does not touch is shared between the arms (common random numbers:
// streams are keyed by seed, quarter, phase, agent lineage and purpose, never
// by array position or thread). Each outcome's effect is the mean paired
// difference (policy - base) with a Student t interval, reported beside the
// unpaired (Welch) interval of the same replicates, and, where it makes
// sense, the government spend per extra unit of the outcome with a paired
// bootstrap interval. See docs/policies.md.
//
// Runs keep no files and no history: each simulation streams its quarters
// into a few per-run accumulators. The 2 x replicates simulations run as
// tasks in one TBB arena of `threads` threads, each simulation on one
// thread; results do not depend on the thread count.
#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "engine/metrics.hpp"
#include "engine/run.hpp"
#include "scenario/scenario.hpp"

namespace incubsim {

// X(name, unit, label, description, per_unit): per_unit names one extra unit
// of the outcome for the cost per unit of effect ("" = not costed). Flows are
// summed over the recorded quarters; "_end" outcomes are levels at the end
// of the last recorded quarter.
#define INCUBSIM_OUTCOMES(X)                                                                     \
  X(firms_alive_end, "firms", "firms alive at the end",                                          \
    "Firms alive at the end of the last recorded quarter", "extra surviving firm")               \
  X(births, "firms", "births", "New firms over the recorded quarters", "")                       \
  X(deaths, "firms", "deaths", "Firms that closed over the recorded quarters", "")               \
  X(exits, "firms", "acquisitions and listings",                                                 \
    "Firms acquired or listed over the recorded quarters", "")                                   \
  X(rounds_closed, "rounds", "rounds closed", "Financing rounds closed (all stages)", "")        \
  X(invested, "M yuan", "invested", "Invested by funds in all rounds", "")                       \
  X(inventions, "inventions", "inventions", "Inventions disclosed by researchers", "")           \
  X(transfers, "transfers", "transfers (licence + spin-off)",                                    \
    "Technology transfers: licences plus spin-offs", "extra transfer")                           \
  X(transfers_succeeded, "transfers", "transfers succeeded", "Transfers judged successful",      \
    "extra successful transfer")                                                                 \
  X(transfers_failed, "transfers", "transfers failed",                                           \
    "Transfers that failed within the failure window", "")                                       \
  X(liability_borne, "M yuan", "liability borne",                                                \
    "Liability borne by researchers and institutions for failed transfers", "")                  \
  X(transfer_quality_mean, "sd", "mean quality of transfers",                                    \
    "Mean latent quality of transfers, weighted by transfers per quarter (moral hazard; "        \
    "NaN: none)",                                                                                \
    "")                                                                                          \
  X(high_tech_end, "firms", "high-tech firms at the end",                                        \
    "Alive certified high-tech enterprises at the end", "extra high-tech firm")                  \
  X(tech_sme_end, "firms", "tech SMEs at the end", "Alive certified tech-based SMEs at the end", \
    "extra tech SME")                                                                            \
  X(revenue_last_quarter, "M yuan", "revenue in the last quarter",                               \
    "Revenue of operating firms in the last recorded quarter", "")                               \
  X(employment_end, "employees", "employment at the end", "Employees of alive firms at the end", \
    "extra job")                                                                                 \
  X(government_spend, "M yuan", "government spend",                                              \
    "Government spend of all policy instruments over every simulated quarter, burn-in "          \
    "included",                                                                                  \
    "")                                                                                          \
  X(liability_covered, "M yuan", "liability covered by insurance",                               \
    "Liability paid by policy (insurance claims)", "")                                           \
  X(insured_transfers, "transfers", "insured transfers",                                         \
    "Transfers insured (technology-transfer insurance ledger)", "")                              \
  X(insured_quality_mean, "sd", "mean quality of insured transfers",                             \
    "Mean latent quality of insured transfers, weighted by insured transfers per quarter "       \
    "(NaN: none)",                                                                               \
    "")                                                                                          \
  X(claims, "M yuan", "insurance claims paid", "Claims paid by the transfer insurer", "")        \
  X(premiums, "M yuan", "insurance premiums", "Gross premiums written for transfer cover", "")   \
  X(loss_ratio_end, "share", "insurer loss ratio at the end",                                    \
    "Claims over premiums since the start, at the end (NaN: no premiums)", "")

enum class Outcome : int {
#define INCUBSIM_OUTCOME_ENUM(name, unit, label, doc, per_unit) name,
  INCUBSIM_OUTCOMES(INCUBSIM_OUTCOME_ENUM)
#undef INCUBSIM_OUTCOME_ENUM
};

inline constexpr int kOutcomeCount = 0
#define INCUBSIM_OUTCOME_COUNT(name, unit, label, doc, per_unit) +1
    INCUBSIM_OUTCOMES(INCUBSIM_OUTCOME_COUNT)
#undef INCUBSIM_OUTCOME_COUNT
    ;

using OutcomeRow = std::array<double, kOutcomeCount>;

struct OutcomeDef {
  std::string name;      // "firms_alive_end"
  std::string unit;      // "firms"
  std::string label;     // "firms alive at the end"
  std::string doc;       // how it is computed
  std::string per_unit;  // "extra surviving firm"; empty: no cost per unit
  bool costed() const { return !per_unit.empty(); }
};

/// The outcomes, in Outcome order.
const std::vector<OutcomeDef>& outcome_defs();

/// The /timeseries metrics whose spread over replicates and per-quarter
/// paired effect are written to /paired_series.
const std::vector<Metric>& key_series_metrics();

enum class Arm : std::uint8_t { base = 0, policy = 1 };
std::string_view to_string(Arm arm);

/// Why a cost per unit of effect is or is not reported.
enum class CostStatus : std::uint8_t {
  not_costed = 0,               // the outcome has no cost per unit
  ok = 1,                       // cost and bootstrap interval reported
  effect_ci_includes_zero = 2,  // the effect's paired 95 % interval includes 0 (or is undefined)
  effect_negative = 3,          // the effect is significantly negative: no extra units to buy
  ci_unstable = 4,              // cost reported, but too many resamples had no positive effect
};
inline constexpr int kCostStatusCount = 5;
std::string_view to_string(CostStatus status);

struct CompareRequest {
  Scenario base;
  Scenario policy;  // its simulation.seed is ignored: both arms use the replicate seeds
  std::string base_name;
  std::string policy_name;
  int replicates = 10;
  int threads = 1;
  int bootstrap_resamples = 2000;
  /// False gives the policy arm independent seeds (no common random
  /// numbers), only to show what pairing gains.
  bool common_random_numbers = true;
  /// Set (e.g. by a signal handler) to stop at the next quarter boundary:
  /// the comparison then throws Interrupted and writes nothing.
  const std::atomic<bool>* stop = nullptr;
};

/// The seed of one run: derived from the base scenario's seed and the
/// replicate, in [0, 2^53). Both arms get the same seed unless
/// `common_random_numbers` is false.
std::int64_t replicate_seed(std::int64_t base_seed, int replicate, Arm arm,
                            bool common_random_numbers = true);

/// Throws UsageError unless the arms can be compared: the same recorded
/// quarters and burn-in (so series and end-of-run outcomes align) and the
/// same sectors. Everything else may differ.
void check_comparable(const Scenario& base, const Scenario& policy, const std::string& base_name,
                      const std::string& policy_name);

/// Throws UsageError for fewer than 2 replicates, no threads or resamples,
/// or arms that cannot be compared (check_comparable).
void check_request(const CompareRequest& request);

/// Resolved keys ("section.key") whose values differ between the arms,
/// ignoring simulation.seed, simulation.record_events and simulation.record_agents.
std::vector<std::string> scenario_differences(const Scenario& a, const Scenario& b);

struct RunOutcomes {
  Arm arm = Arm::base;
  int replicate = 0;
  std::int64_t seed = 0;
  OutcomeRow values{};
};

struct Effect {
  int n_pairs = 0;  // replicates where both arms' values are finite
  double mean_base = 0, mean_policy = 0;
  double effect = 0, effect_sd = 0;                  // mean and sd of the paired differences
  double ci_low = 0, ci_high = 0;                    // paired Student t, 95 %
  double unpaired_ci_low = 0, unpaired_ci_high = 0;  // Welch, 95 %
  double cost_per_unit = 0, cost_ci_low = 0, cost_ci_high = 0;  // M yuan per extra unit
  CostStatus cost_status = CostStatus::not_costed;
};

/// Per-quarter spread and paired effect of one key metric.
struct KeySeries {
  Metric metric{};
  std::array<std::vector<double>, 2> p025, p975;  // per arm, per recorded quarter
  std::vector<double> effect, ci_low, ci_high;    // paired, per recorded quarter
};

struct CompareResult {
  std::vector<RunOutcomes> runs;       // base replicates 0..N-1, then policy 0..N-1
  std::vector<Effect> effects;         // in Outcome order
  std::vector<std::int32_t> quarters;  // recorded quarters
  /// Mean over replicates of every /timeseries metric: [arm][metric][quarter].
  std::array<std::vector<std::vector<double>>, 2> timeseries_mean;
  std::vector<KeySeries> key_series;
  std::vector<std::string> differing_keys;
  std::string start_time;
  double seconds = 0.0;
};

/// Runs both arms, `replicates` times each, and computes the effects.
/// `observer->on_quarter(done, total)` is told of finished runs (not
/// quarters), from one thread at a time. Throws UsageError for a bad
/// request, Interrupted when stopped.
CompareResult run_compare(const CompareRequest& request, RunObserver* observer = nullptr);

/// run_compare, then writes `output` (format incubsim-compare). The output
/// is opened (as a temporary file) before the runs start, so an unwritable
/// path fails at once; nothing is left behind on failure or interruption.
CompareResult compare_to_file(const CompareRequest& request, const std::filesystem::path& output,
                              const std::string& command_line, RunObserver* observer = nullptr);

namespace stats {

/// Quantile of Student's t distribution with `df` degrees of freedom.
double t_quantile(double p, double df);

struct Interval {
  double low, high;
};

/// 95 % interval of the mean of `values` (Student t, n - 1 df); NaN when
/// fewer than 2 values.
Interval mean_interval(const std::vector<double>& values);

/// 95 % Welch interval of mean(b) - mean(a); NaN when either has fewer than
/// 2 values. Zero width when both samples are constant.
Interval welch_interval(const std::vector<double>& a, const std::vector<double>& b);

/// Linear-interpolation (type 7) quantile of the finite values; NaN if none.
double quantile(std::vector<double> values, double p);

}  // namespace stats

}  // namespace incubsim
