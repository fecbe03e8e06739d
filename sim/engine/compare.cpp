#include "engine/compare.hpp"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <sstream>

#include "core/errors.hpp"
#include "core/parallel.hpp"
#include "core/random.hpp"
#include "engine/simulation.hpp"
#include "output/provenance.hpp"
#include "scenario/loader.hpp"

namespace incubsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Key components that keep the comparison's seeds and resampling streams
// apart from everything else derived from the same seed.
constexpr std::uint64_t kReplicateTag = 0x636f6d7061726531ULL;    // "compare1"
constexpr std::uint64_t kIndependentTag = 0x696e646570656e64ULL;  // "independ"
constexpr std::uint64_t kBootstrapTag = 0x626f6f7473747270ULL;    // "bootstrp"

constexpr const char* kInsuranceLedger = "/policy/tech_transfer_insurance";

double metric(const MetricRow& row, Metric m) {
  return get(row, m);
}

// --- Per-run accumulation ----------------------------------------------------

// Where one ledger column sits in PolicySet::ledger_rows().
struct LedgerRef {
  std::size_t series = 0;
  std::size_t column = 0;
};

LedgerRef find_ledger(const PolicySet& policies, const std::string& group,
                      const std::string& column) {
  const auto schema = policies.ledger_schema();
  for (std::size_t s = 0; s < schema.size(); ++s) {
    if (schema[s].group != group) continue;
    for (std::size_t c = 0; c < schema[s].columns.size(); ++c)
      if (schema[s].columns[c].name == column) return {s, c};
  }
  throw Error("compare: the policy ledgers have no column " + group + "/" + column +
              "; update sim/engine/compare.cpp to the ledger's new schema");
}

// The outcomes of one run, from its quarters as they are simulated: a few
// sums and the last recorded row, never the history.
class OutcomeAccumulator {
 public:
  explicit OutcomeAccumulator(const PolicySet& policies)
      : insured_(find_ledger(policies, kInsuranceLedger, "insured_transfers")),
        premiums_(find_ledger(policies, kInsuranceLedger, "premiums")),
        claims_(find_ledger(policies, kInsuranceLedger, "claims")),
        loss_ratio_(find_ledger(policies, kInsuranceLedger, "loss_ratio")),
        insured_quality_(find_ledger(policies, kInsuranceLedger, "insured_quality_mean")) {}

  void add(const MetricRow& row, const std::vector<std::vector<double>>& ledger, bool recorded) {
    spend_ += metric(row, Metric::policy_spend);  // burn-in included: all the spend there was
    if (!recorded) return;
    const auto flow = [&](Outcome o, double v) { sums_[static_cast<std::size_t>(o)] += v; };
    flow(Outcome::births, metric(row, Metric::births));
    flow(Outcome::deaths, metric(row, Metric::deaths));
    flow(Outcome::exits,
         metric(row, Metric::exits_acquisition) + metric(row, Metric::exits_listing));
    flow(Outcome::rounds_closed, metric(row, Metric::rounds_closed));
    flow(Outcome::invested, metric(row, Metric::amount_invested));
    flow(Outcome::inventions, metric(row, Metric::inventions));
    const double transfers =
        metric(row, Metric::transfers_licence) + metric(row, Metric::transfers_spinoff);
    flow(Outcome::transfers, transfers);
    flow(Outcome::transfers_succeeded, metric(row, Metric::transfers_succeeded));
    flow(Outcome::transfers_failed, metric(row, Metric::transfers_failed));
    flow(Outcome::liability_borne, metric(row, Metric::liability_incurred));
    flow(Outcome::liability_covered, metric(row, Metric::liability_covered));
    const double quality = metric(row, Metric::transfer_quality_mean);
    if (transfers > 0 && std::isfinite(quality)) {
      quality_sum_ += quality * transfers;
      quality_weight_ += transfers;
    }
    const double insured = at(ledger, insured_);
    flow(Outcome::insured_transfers, insured);
    flow(Outcome::premiums, at(ledger, premiums_));
    flow(Outcome::claims, at(ledger, claims_));
    const double insured_quality = at(ledger, insured_quality_);
    if (insured > 0 && std::isfinite(insured_quality)) {
      insured_quality_sum_ += insured_quality * insured;
      insured_weight_ += insured;
    }
    last_ = row;
    loss_ratio_end_ = at(ledger, loss_ratio_);
  }

  OutcomeRow values() const {
    OutcomeRow v = sums_;
    const auto set = [&](Outcome o, double x) { v[static_cast<std::size_t>(o)] = x; };
    set(Outcome::firms_alive_end, metric(last_, Metric::firms_alive));
    set(Outcome::high_tech_end, metric(last_, Metric::firms_high_tech));
    set(Outcome::tech_sme_end, metric(last_, Metric::firms_tech_sme));
    set(Outcome::revenue_last_quarter, metric(last_, Metric::revenue));
    set(Outcome::employment_end, metric(last_, Metric::employment));
    set(Outcome::government_spend, spend_);
    set(Outcome::transfer_quality_mean,
        quality_weight_ > 0 ? quality_sum_ / quality_weight_ : kNaN);
    set(Outcome::insured_quality_mean,
        insured_weight_ > 0 ? insured_quality_sum_ / insured_weight_ : kNaN);
    set(Outcome::loss_ratio_end, loss_ratio_end_);
    return v;
  }

 private:
  static double at(const std::vector<std::vector<double>>& ledger, LedgerRef r) {
    return ledger[r.series][r.column];
  }

  LedgerRef insured_, premiums_, claims_, loss_ratio_, insured_quality_;
  OutcomeRow sums_{};
  MetricRow last_{};
  double spend_ = 0.0;
  double quality_sum_ = 0.0, quality_weight_ = 0.0;
  double insured_quality_sum_ = 0.0, insured_weight_ = 0.0;
  double loss_ratio_end_ = kNaN;
};

// --- Means over replicates -----------------------------------------------------

// Sums of doubles that do not depend on the order of addition: each value is
// rounded to a multiple of 2^-32 and added as a 128-bit integer (exact and
// associative), so the means are bit-identical whichever run finishes first.
// Non-finite values are left out (the mean is over the runs where the metric
// is defined); a value beyond 2^62 in magnitude makes its cell NaN.
__extension__ typedef __int128 Int128;

class OrderFreeSums {
 public:
  explicit OrderFreeSums(std::size_t cells) : sum_(cells, 0), count_(cells, 0), bad_(cells, 0) {}

  void add(std::size_t cell, double v) {
    if (!std::isfinite(v)) return;
    if (std::fabs(v) >= 0x1.0p62) {
      bad_[cell] = 1;
      return;
    }
    const double whole = std::floor(v);
    const auto fraction = static_cast<Int128>(std::llround((v - whole) * 0x1.0p32));
    sum_[cell] +=
        static_cast<Int128>(static_cast<std::int64_t>(whole)) * (Int128{1} << 32) + fraction;
    ++count_[cell];
  }

  double mean(std::size_t cell) const {
    if (bad_[cell] || count_[cell] == 0) return kNaN;
    return static_cast<double>(sum_[cell]) * 0x1.0p-32 / static_cast<double>(count_[cell]);
  }

 private:
  std::vector<Int128> sum_;
  std::vector<std::int64_t> count_;
  std::vector<std::uint8_t> bad_;
};

// --- Statistics ----------------------------------------------------------------

struct Moments {
  std::size_t n = 0;
  double mean = kNaN;
  double sd = kNaN;  // n - 1 denominator; NaN when n < 2
};

// Two passes in index order: the same bits for the same values, and an
// exact zero for constant values (identical arms give zero-width intervals).
Moments moments(const std::vector<double>& v) {
  Moments m;
  m.n = v.size();
  if (v.empty()) return m;
  double sum = 0.0;
  for (const double x : v) sum += x;
  m.mean = sum / static_cast<double>(v.size());
  if (v.size() < 2) return m;
  double ss = 0.0;
  for (const double x : v) ss += (x - m.mean) * (x - m.mean);
  m.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  return m;
}

std::vector<double> finite(const std::vector<double>& v) {
  std::vector<double> out;
  for (const double x : v)
    if (std::isfinite(x)) out.push_back(x);
  return out;
}

// Type-7 quantile of sorted values that may end in +inf.
double sorted_quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return kNaN;
  const double h = (static_cast<double>(sorted.size()) - 1.0) * p;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double frac = h - static_cast<double>(lo);
  if (frac == 0.0 || sorted[lo] == sorted[hi]) return sorted[lo];
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

// Cost per unit: mean extra spend over mean extra units, with a percentile
// interval from resampling replicates (pairs kept together). A resample
// whose mean effect is not positive buys no extra units: its ratio counts as
// +inf, so the interval is finite only while fewer than 2.5 % do.
void cost_per_unit(Effect& e, const std::vector<double>& spend_diff,
                   const std::vector<double>& effect_diff, int resamples, std::uint64_t key) {
  if (!(e.ci_low > 0.0) && !(e.ci_high < 0.0)) {
    e.cost_status = CostStatus::effect_ci_includes_zero;
    return;
  }
  if (e.ci_high < 0.0) {
    e.cost_status = CostStatus::effect_negative;
    return;
  }
  const std::size_t n = effect_diff.size();
  double spend = 0.0, units = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    spend += spend_diff[i];
    units += effect_diff[i];
  }
  e.cost_per_unit = spend / units;
  e.cost_status = CostStatus::ok;
  Stream stream(key);
  std::vector<double> ratios;
  ratios.reserve(static_cast<std::size_t>(resamples));
  for (int b = 0; b < resamples; ++b) {
    double s = 0.0, u = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto pick = static_cast<std::size_t>(stream.below(n));
      s += spend_diff[pick];
      u += effect_diff[pick];
    }
    ratios.push_back(u > 0.0 ? s / u : std::numeric_limits<double>::infinity());
  }
  std::sort(ratios.begin(), ratios.end());
  const double low = sorted_quantile(ratios, 0.025);
  const double high = sorted_quantile(ratios, 0.975);
  if (!std::isfinite(low) || !std::isfinite(high)) {
    e.cost_status = CostStatus::ci_unstable;
    return;
  }
  e.cost_ci_low = low;
  e.cost_ci_high = high;
}

Effect effect_of(const std::vector<double>& base, const std::vector<double>& policy,
                 const std::vector<double>& spend_base, const std::vector<double>& spend_policy,
                 bool costed, int resamples, std::uint64_t key) {
  Effect e;
  e.cost_per_unit = e.cost_ci_low = e.cost_ci_high = kNaN;
  const std::vector<double> b = finite(base), p = finite(policy);
  e.mean_base = moments(b).mean;
  e.mean_policy = moments(p).mean;
  std::vector<double> diff, spend_diff;
  for (std::size_t r = 0; r < base.size(); ++r) {
    if (!std::isfinite(base[r]) || !std::isfinite(policy[r])) continue;
    diff.push_back(policy[r] - base[r]);
    spend_diff.push_back(spend_policy[r] - spend_base[r]);
  }
  e.n_pairs = static_cast<int>(diff.size());
  const Moments d = moments(diff);
  e.effect = d.mean;
  e.effect_sd = d.sd;
  const stats::Interval paired = stats::mean_interval(diff);
  e.ci_low = paired.low;
  e.ci_high = paired.high;
  const stats::Interval welch = stats::welch_interval(b, p);
  e.unpaired_ci_low = welch.low;
  e.unpaired_ci_high = welch.high;
  if (costed) cost_per_unit(e, spend_diff, diff, resamples, key);
  return e;
}

// "section.key" -> value text of a resolved scenario (format_scenario puts
// every key on one line under its [section] header).
std::map<std::string, std::string> resolved_keys(const Scenario& s) {
  std::map<std::string, std::string> keys;
  std::istringstream in(format_scenario(s));
  std::string line, section;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      section = line.substr(1, line.find(']') - 1);
      continue;
    }
    const auto eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    keys[section + "." + line.substr(0, eq)] = line.substr(eq + 3);
  }
  return keys;
}

std::string sectors_text(const Scenario& s) {
  std::string text;
  for (const auto& name : s.market.sectors) text += (text.empty() ? "" : ", ") + name;
  return "[" + text + "]";
}

}  // namespace

// --- Definitions ------------------------------------------------------------------

const std::vector<OutcomeDef>& outcome_defs() {
  static const std::vector<OutcomeDef> defs = {
#define INCUBSIM_OUTCOME_DEF(name, unit, label, doc, per_unit) {#name, unit, label, doc, per_unit},
      INCUBSIM_OUTCOMES(INCUBSIM_OUTCOME_DEF)
#undef INCUBSIM_OUTCOME_DEF
  };
  return defs;
}

const std::vector<Metric>& key_series_metrics() {
  static const std::vector<Metric> metrics = {
      Metric::firms_alive,         Metric::firms_high_tech,
      Metric::employment,          Metric::revenue,
      Metric::transfers_licence,   Metric::transfers_spinoff,
      Metric::transfers_succeeded, Metric::liability_incurred,
      Metric::policy_spend};
  return metrics;
}

std::string_view to_string(Arm arm) {
  return arm == Arm::base ? "base" : "policy";
}

std::string_view to_string(CostStatus status) {
  switch (status) {
    case CostStatus::not_costed: return "not_costed";
    case CostStatus::ok: return "ok";
    case CostStatus::effect_ci_includes_zero: return "effect_ci_includes_zero";
    case CostStatus::effect_negative: return "effect_negative";
    case CostStatus::ci_unstable: return "ci_unstable";
  }
  return "unknown";
}

std::int64_t replicate_seed(std::int64_t base_seed, int replicate, Arm arm,
                            bool common_random_numbers) {
  std::uint64_t h = hash_combine(static_cast<std::uint64_t>(base_seed), kReplicateTag);
  h = hash_combine(h, static_cast<std::uint64_t>(replicate));
  if (!common_random_numbers && arm == Arm::policy) h = hash_combine(h, kIndependentTag);
  return static_cast<std::int64_t>(h >> 11);  // [0, 2^53): the range of simulation.seed
}

void check_comparable(const Scenario& base, const Scenario& policy, const std::string& base_name,
                      const std::string& policy_name) {
  const auto mismatch = [&](const std::string& key, const std::string& a, const std::string& b,
                            const std::string& why) {
    throw UsageError("cannot compare " + base_name + " with " + policy_name + ": " + key + " is " +
                     a + " in the base arm and " + b + " in the policy arm; " + why);
  };
  const auto& bs = base.simulation;
  const auto& ps = policy.simulation;
  const std::string align =
      "both arms must record the same quarters so that their series and end-of-run outcomes "
      "align (set it equal in both files, or use --quarters / --set for both)";
  if (bs.quarters != ps.quarters)
    mismatch("simulation.quarters", std::to_string(bs.quarters), std::to_string(ps.quarters),
             align);
  if (bs.burn_in != ps.burn_in)
    mismatch("simulation.burn_in", std::to_string(bs.burn_in), std::to_string(ps.burn_in), align);
  if (base.market.sectors != policy.market.sectors)
    mismatch("market.sectors", sectors_text(base), sectors_text(policy),
             "both arms must model the same sectors (change sector weights or growth instead)");
}

std::vector<std::string> scenario_differences(const Scenario& a, const Scenario& b) {
  const auto ka = resolved_keys(a), kb = resolved_keys(b);
  std::vector<std::string> out;
  for (const auto& [key, value] : ka) {
    if (key == "simulation.seed" || key == "simulation.record_events" ||
        key == "simulation.record_agents")
      continue;
    const auto other = kb.find(key);
    if (other == kb.end() || other->second != value) out.push_back(key);
  }
  for (const auto& [key, value] : kb)
    if (!ka.contains(key)) out.push_back(key);
  return out;
}

// --- Statistics ---------------------------------------------------------------------

namespace stats {

double t_quantile(double p, double df) {
  if (!(df > 0.0) || !(p > 0.0 && p < 1.0)) return kNaN;
  return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

Interval mean_interval(const std::vector<double>& values) {
  const Moments m = moments(values);
  if (m.n < 2) return {kNaN, kNaN};
  const double half =
      t_quantile(0.975, static_cast<double>(m.n - 1)) * m.sd / std::sqrt(static_cast<double>(m.n));
  return {m.mean - half, m.mean + half};
}

Interval welch_interval(const std::vector<double>& a, const std::vector<double>& b) {
  const Moments ma = moments(a), mb = moments(b);
  if (ma.n < 2 || mb.n < 2) return {kNaN, kNaN};
  const double diff = mb.mean - ma.mean;
  const double va = ma.sd * ma.sd / static_cast<double>(ma.n);
  const double vb = mb.sd * mb.sd / static_cast<double>(mb.n);
  const double se2 = va + vb;
  if (se2 == 0.0) return {diff, diff};
  const double df =
      se2 * se2 /
      (va * va / static_cast<double>(ma.n - 1) + vb * vb / static_cast<double>(mb.n - 1));
  const double half = t_quantile(0.975, df) * std::sqrt(se2);
  return {diff - half, diff + half};
}

double quantile(std::vector<double> values, double p) {
  values = finite(values);
  std::sort(values.begin(), values.end());
  return sorted_quantile(values, p);
}

}  // namespace stats

// --- Running ------------------------------------------------------------------------

void check_request(const CompareRequest& request) {
  if (request.replicates < 2) {
    throw UsageError("--replicates must be at least 2 (an interval needs two paired runs), got " +
                     std::to_string(request.replicates));
  }
  if (request.threads < 1) throw UsageError("--threads must be at least 1");
  if (request.bootstrap_resamples < 1) throw UsageError("--bootstrap must be at least 1");
  check_comparable(request.base, request.policy, request.base_name, request.policy_name);
}

CompareResult run_compare(const CompareRequest& request, RunObserver* observer) {
  const auto start = std::chrono::steady_clock::now();
  check_request(request);

  CompareResult result;
  result.start_time = output::utc_now_iso8601();
  result.differing_keys = scenario_differences(request.base, request.policy);
  const auto n = static_cast<std::size_t>(request.replicates);
  const int burn_in = request.base.simulation.burn_in;
  const auto quarters = static_cast<std::size_t>(request.base.simulation.quarters);
  for (std::size_t q = 0; q < quarters; ++q)
    result.quarters.push_back(static_cast<std::int32_t>(burn_in + static_cast<int>(q)));

  result.runs.resize(2 * n);
  for (std::size_t arm = 0; arm < 2; ++arm)
    for (std::size_t r = 0; r < n; ++r) {
      RunOutcomes& run = result.runs[arm * n + r];
      run.arm = static_cast<Arm>(arm);
      run.replicate = static_cast<int>(r);
      run.seed = replicate_seed(request.base.simulation.seed, static_cast<int>(r), run.arm,
                                request.common_random_numbers);
    }

  // Per-quarter accumulators shared by the runs of an arm; key metrics'
  // values per run, each run writing only its own slots.
  const std::size_t metrics = static_cast<std::size_t>(kMetricCount);
  std::array<OrderFreeSums, 2> sums{OrderFreeSums(quarters * metrics),
                                    OrderFreeSums(quarters * metrics)};
  std::array<std::mutex, 2> sums_mutex;
  const std::vector<Metric>& keys = key_series_metrics();
  std::vector<double> key_values(keys.size() * 2 * quarters * n, kNaN);
  const auto key_slot = [&](std::size_t k, std::size_t arm, std::size_t q, std::size_t r) {
    return ((k * 2 + arm) * quarters + q) * n + r;
  };

  std::mutex observer_mutex;
  int done = 0;
  const int total = static_cast<int>(2 * n);
  const auto run_one = [&](std::size_t task) {
    // Interleaved, so a replicate's two arms run close together.
    const std::size_t r = task / 2, arm = task % 2;
    RunOutcomes& run = result.runs[arm * n + r];
    Scenario sc = arm == 0 ? request.base : request.policy;
    sc.simulation.seed = run.seed;
    Simulation sim(std::move(sc), 1);
    sim.initialize();
    OutcomeAccumulator acc(sim.policies());
    std::vector<std::vector<double>> ledger;
    std::vector<double> row_copy(metrics);
    while (!sim.finished()) {
      const Quarter q = sim.next_quarter();
      const MetricRow& row = sim.step();
      sim.policies().ledger_rows(ledger);
      const bool recorded = sim.last_quarter_recorded();
      acc.add(row, ledger, recorded);
      if (recorded) {
        const auto qi = static_cast<std::size_t>(q - burn_in);
        {
          const std::lock_guard lock(sums_mutex[arm]);
          for (std::size_t m = 0; m < metrics; ++m) sums[arm].add(qi * metrics + m, row[m]);
        }
        for (std::size_t k = 0; k < keys.size(); ++k)
          key_values[key_slot(k, arm, qi, r)] = metric(row, keys[k]);
      }
      if (request.stop && request.stop->load()) {
        throw Interrupted("stopped by a signal during replicate " + std::to_string(r) + " (" +
                          std::string(to_string(run.arm)) + " arm, quarter " + std::to_string(q) +
                          ")");
      }
    }
    run.values = acc.values();
    if (observer) {
      const std::lock_guard lock(observer_mutex);
      observer->on_quarter(++done, total);
    }
  };
  Executor executor(request.threads);
  // One run per task (grain 1): runs are long and few.
  executor.run([&] { parallel_for_each_index(2 * n, run_one, 1); });

  // Effects, in Outcome order.
  const auto column = [&](std::size_t arm, std::size_t o) {
    std::vector<double> v(n);
    for (std::size_t r = 0; r < n; ++r) v[r] = result.runs[arm * n + r].values[o];
    return v;
  };
  const auto spend = static_cast<std::size_t>(Outcome::government_spend);
  const std::vector<double> spend_base = column(0, spend), spend_policy = column(1, spend);
  const std::uint64_t boot =
      hash_combine(static_cast<std::uint64_t>(request.base.simulation.seed), kBootstrapTag);
  const auto& defs = outcome_defs();
  for (std::size_t o = 0; o < defs.size(); ++o) {
    result.effects.push_back(effect_of(column(0, o), column(1, o), spend_base, spend_policy,
                                       defs[o].costed(), request.bootstrap_resamples,
                                       hash_combine(boot, o)));
  }

  for (std::size_t arm = 0; arm < 2; ++arm) {
    auto& means = result.timeseries_mean[arm];
    means.assign(metrics, std::vector<double>(quarters));
    for (std::size_t m = 0; m < metrics; ++m)
      for (std::size_t q = 0; q < quarters; ++q) means[m][q] = sums[arm].mean(q * metrics + m);
  }

  for (std::size_t k = 0; k < keys.size(); ++k) {
    KeySeries ks;
    ks.metric = keys[k];
    for (std::size_t q = 0; q < quarters; ++q) {
      std::array<std::vector<double>, 2> values;
      for (std::size_t arm = 0; arm < 2; ++arm) {
        const auto first = key_values.begin() + static_cast<std::ptrdiff_t>(key_slot(k, arm, q, 0));
        values[arm].assign(first, first + static_cast<std::ptrdiff_t>(n));
        ks.p025[arm].push_back(stats::quantile(values[arm], 0.025));
        ks.p975[arm].push_back(stats::quantile(values[arm], 0.975));
      }
      std::vector<double> diff;
      for (std::size_t r = 0; r < n; ++r)
        if (std::isfinite(values[0][r]) && std::isfinite(values[1][r]))
          diff.push_back(values[1][r] - values[0][r]);
      ks.effect.push_back(moments(diff).mean);
      const stats::Interval ci = stats::mean_interval(diff);
      ks.ci_low.push_back(ci.low);
      ks.ci_high.push_back(ci.high);
    }
    result.key_series.push_back(std::move(ks));
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace incubsim
